// daemon/server/api_worker.h
// Runs a slow control-API handler (one that calls AWS, such as plan and simulate) on a worker
// thread and brings its answer back to the event loop, so that the loop (control API, watchdog)
// never waits on the network.
// Thread safety: the returned handler is called on the loop; `handler` runs on the worker and
// must only touch what is safe to use from there. Never logs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "daemon/server/api_dispatcher.h"

namespace govd::daemon {

// REQUIRES: worker and loop outlive the dispatcher; the worker is joined before what `handler`
// uses is destroyed.
AsyncApiHandler OnWorker(boost::asio::thread_pool& worker, boost::asio::io_context& loop, ApiHandler handler);

}  // namespace govd::daemon

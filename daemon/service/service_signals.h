// daemon/service/service_signals.h
// The signals govd acts on, delivered on the event loop (asio::signal_set, so no work happens in
// a signal handler): SIGHUP reloads the configuration, SIGTERM and SIGINT stop the daemon.
// Thread safety: not thread safe; construct and use on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace govd::daemon {

class ServiceSignals {
 public:
  ServiceSignals(boost::asio::io_context& io, std::function<void()> on_reload, std::function<void()> on_stop);

  void Start();
  void Stop();  // stop listening; the process's default signal actions come back

 private:
  void Wait();

  boost::asio::signal_set signals_;
  std::function<void()> on_reload_;
  std::function<void()> on_stop_;
};

}  // namespace govd::daemon

// daemon/main/database_wait.h
// Starting while the database is down: instead of exiting (which systemd's start limit turns into
// giving up after a few restarts), govd keeps trying to open what needs the database, with the
// reconciler's jittered exponential backoff (RetryRateLimiter), says what it waits for in STATUS=
// (and extends systemd's start timeout), keeps the watchdog fed, and hands over once the database
// answers; the caller then reports READY=1. Only retryable errors are waited out; any other (the
// database at another schema, a bad configuration) ends the wait at once.
// Thread safety: call from the main thread before the service's event loop exists; each attempt
// runs on a thread of its own so that the loop here keeps pinging.
// Never puts the conninfo (it may hold a password) into a STATUS line or the log.
#pragma once

#include <functional>
#include <memory>

#include "base/result.h"
#include "daemon/reconcile/child_reconciler.h"
#include "daemon/reconcile/rate_limiter.h"
#include "daemon/service/logger.h"
#include "daemon/service/systemd_notifier.h"

namespace govd::daemon {

using OpenChild = std::function<Result<std::unique_ptr<ChildReconciler>>()>;

struct DatabaseWaitOptions {
  RateLimiterOptions backoff{{std::chrono::milliseconds(500), std::chrono::seconds(30)}, 10.0, 10};
};

// The reconciler once `open` succeeds; the first error that is not retryable; or nullptr when
// SIGTERM or SIGINT came while waiting (the caller exits 0, as a stopped daemon does).
Result<std::unique_ptr<ChildReconciler>> OpenWhenDatabaseAnswers(const OpenChild& open,
                                                                 const SystemdNotifier& notifier,
                                                                 Logger& logger,
                                                                 DatabaseWaitOptions options = {});

}  // namespace govd::daemon

#include "daemon/main/database_wait.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "daemon/service/service_signals.h"
#include "daemon/service/watchdog_pinger.h"

namespace govd::daemon {
namespace {

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// a STATUS= value must be one line, or its rest would be read as further assignments.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return text;
}

// The loop of the wait: one attempt at a time on `worker_`, the next after the backoff's delay.
class DatabaseWait {
 public:
  DatabaseWait(const OpenChild& open, const SystemdNotifier& notifier, Logger& logger,
               DatabaseWaitOptions options)
      : open_(open),
        notifier_(notifier),
        logger_(logger),
        backoff_(options.backoff, SystemTime(), SystemRandom()),
        max_delay_(options.backoff.backoff.max),
        watchdog_(io_, notifier_, SystemdNotifier::WatchdogPingInterval(), [] { return true; }),
        signals_(
            io_, [this] { OnReload(); }, [this] { OnStop(); }) {}

  Result<std::unique_ptr<ChildReconciler>> Run() {
    signals_.Start();
    watchdog_.Start();
    Attempt();
    io_.run();
    return std::move(outcome_);
  }

 private:
  void Attempt() {
    boost::asio::post(worker_, [this] {
      auto opened = std::make_shared<Result<std::unique_ptr<ChildReconciler>>>(open_());
      boost::asio::post(io_, [this, opened] { OnAttempt(std::move(*opened)); });
    });
  }

  void OnAttempt(Result<std::unique_ptr<ChildReconciler>> opened) {
    if (stopped_) return;
    if (opened || !opened.error().retryable()) return Finish(std::move(opened));
    ++failures_;
    auto delay = backoff_.When("database");
    std::string status = "not ready: waiting for the database (" + OneLine(opened.error().ToString()) +
                         "); try " + std::to_string(failures_ + 1) + " in " + std::to_string(delay.count()) +
                         " ms";
    notifier_.StillStarting(status,
                            std::chrono::duration_cast<std::chrono::microseconds>(delay + max_delay_));
    logger_.Log(failures_ == 1 ? LogLevel::kWarning : LogLevel::kInfo, status);
    retry_.expires_after(delay);
    retry_.async_wait([this](const boost::system::error_code& error) {
      if (!error) Attempt();
    });
  }

  void Finish(Result<std::unique_ptr<ChildReconciler>> outcome) {
    if (outcome && failures_ > 0) {
      logger_.Log(LogLevel::kNotice,
                  "the database answers after " + std::to_string(failures_) + " failed tries");
    }
    outcome_ = std::move(outcome);
    StopLoop();
  }

  void OnReload() {
    logger_.Log(LogLevel::kNotice, "SIGHUP while waiting for the database: nothing to reload yet");
  }

  // A try still under way is waited for (a refused connection ends at once; a silent host ends
  // at libpq's connect_timeout); a second SIGTERM meanwhile ends govd at once (default action).
  void OnStop() {
    notifier_.Stopping("stopping while waiting for the database");
    logger_.Log(LogLevel::kInfo, "stopping while waiting for the database");
    stopped_ = true;
    outcome_ = std::unique_ptr<ChildReconciler>();
    StopLoop();
  }

  void StopLoop() {
    signals_.Stop();
    watchdog_.Stop();
    retry_.cancel();
    boost::asio::post(io_, [this] { io_.stop(); });
  }

  const OpenChild& open_;
  const SystemdNotifier& notifier_;
  Logger& logger_;
  RetryRateLimiter backoff_;
  std::chrono::milliseconds max_delay_;
  boost::asio::io_context io_;
  boost::asio::steady_timer retry_{io_};
  WatchdogPinger watchdog_;
  ServiceSignals signals_;
  int failures_ = 0;
  bool stopped_ = false;
  Result<std::unique_ptr<ChildReconciler>> outcome_ = std::unique_ptr<ChildReconciler>();
  boost::asio::thread_pool worker_{1};  // declared last: joined first, before what an attempt uses
};

}  // namespace

Result<std::unique_ptr<ChildReconciler>> OpenWhenDatabaseAnswers(const OpenChild& open,
                                                                 const SystemdNotifier& notifier,
                                                                 Logger& logger,
                                                                 DatabaseWaitOptions options) {
  DatabaseWait wait(open, notifier, logger, options);
  return wait.Run();
}

}  // namespace govd::daemon

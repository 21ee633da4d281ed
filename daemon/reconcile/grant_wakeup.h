// daemon/reconcile/grant_wakeup.h
// Wakes the reconciler when a grant of one of this daemon's tenants needs work, however the change was
// made (the control API, another govd, an administrator's SQL): a thread LISTENs on the store's
// grant channel (accounts/store/grant_listener.h) and calls `wake` for each change of one of them into
// a state the policy must follow (approved, revoking, expired). The reconciler's own transitions
// (applying, active, revoked, failed) wake nothing. When PostgreSQL goes away the thread
// reconnects with jittered exponential backoff, and wakes once after reconnecting: changes made
// while it was away were not notified. Level-triggered all the same: a lost wake only delays
// the work to the next periodic pass.
// Thread safety: Start() and Stop() from one thread; `wake` and `lost` run on the listener
// thread (post to the event loop from there). Never logs credentials (errors name no conninfo).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>

#include "accounts/store/grant_listener.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "daemon/reconcile/rate_limiter.h"

namespace govd::daemon {

struct GrantWakeupOptions {
  std::chrono::milliseconds poll{200};  // how often the thread checks for Stop()
  RateLimiterOptions backoff{{std::chrono::milliseconds(100), std::chrono::seconds(30)}, 10.0, 10};
};

class GrantWakeup {
 public:
  using Wake = std::function<void()>;
  using Lost = std::function<void(const Error& why, std::chrono::milliseconds retry_in)>;

  // REQUIRES: clock and random outlive this object.
  GrantWakeup(std::string conninfo, std::set<std::string> tenants, Wake wake, Lost lost, const Clock& clock,
              Random& random, GrantWakeupOptions options = {});
  ~GrantWakeup();  // RequestStop(), then waits for the thread
  GrantWakeup(const GrantWakeup&) = delete;
  GrantWakeup& operator=(const GrantWakeup&) = delete;

  void Start();
  // Asks the thread to end, without waiting: it ends within about one poll interval, or when a
  // connection attempt in progress gives up. Idempotent.
  void RequestStop();

 private:
  void Run(const std::stop_token& stop);
  Status Listen(accounts::GrantListener& listener, const std::stop_token& stop);
  void Sleep(const std::stop_token& stop, std::chrono::milliseconds delay);

  std::string conninfo_;
  std::set<std::string> tenants_;  // the accounts this daemon reconciles
  Wake wake_;
  Lost lost_;
  GrantWakeupOptions options_;
  RetryRateLimiter backoff_;
  std::mutex mutex_;
  std::condition_variable_any stopped_;
  std::jthread thread_;  // declared last: joined first
};

}  // namespace govd::daemon

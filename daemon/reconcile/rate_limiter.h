// daemon/reconcile/rate_limiter.h
// How long to wait before retrying a reconcile key that failed: the larger of a per-key
// exponential backoff with full jitter (each failure doubles the ceiling, from `base` up to `max`;
// the delay is uniform below it, so that many failing keys do not retry in step) and a global
// token bucket (`per_second` retries a second, bursts of `burst`), so that a storm of failures
// cannot flood AWS. Forget(key) resets a key after it succeeds.
// Thread safe. Never sleeps: it only says how long.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/random.h"

namespace govd::daemon {

struct RateLimiterOptions {
  Backoff backoff{std::chrono::milliseconds(500), std::chrono::minutes(5)};
  double per_second = 10.0;
  int burst = 100;
};

class RetryRateLimiter {
 public:
  // REQUIRES: clock and random outlive the limiter; backoff.base > 0, backoff.max >= backoff.base,
  // per_second > 0, burst >= 1.
  RetryRateLimiter(const RateLimiterOptions& options, const Clock& clock, Random& random);

  // The delay before the next try of `key`; counts one more failure of it.
  std::chrono::milliseconds When(const std::string& key);
  // How many failures in a row `key` has had.
  int Failures(const std::string& key) const;
  void Forget(const std::string& key);

 private:
  std::chrono::milliseconds BackoffLocked(const std::string& key);
  std::chrono::milliseconds BucketDelayLocked();

  RateLimiterOptions options_;
  const Clock& clock_;
  Random& random_;
  mutable std::mutex mutex_;
  std::map<std::string, int> failures_;  // GUARDED_BY(mutex_)
  double tokens_;                         // GUARDED_BY(mutex_)
  SteadyTime refilled_at_;                // GUARDED_BY(mutex_)
};

}  // namespace govd::daemon

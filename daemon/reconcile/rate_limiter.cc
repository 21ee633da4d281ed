#include "daemon/reconcile/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace govd::daemon {

using std::chrono::milliseconds;

RetryRateLimiter::RetryRateLimiter(const RateLimiterOptions& options, const Clock& clock, Random& random)
    : options_(options), clock_(clock), random_(random), tokens_(options.burst), refilled_at_(clock.Steady()) {}

milliseconds RetryRateLimiter::When(const std::string& key) {
  std::lock_guard lock(mutex_);
  return std::max(BackoffLocked(key), BucketDelayLocked());
}

int RetryRateLimiter::Failures(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void RetryRateLimiter::Forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

milliseconds RetryRateLimiter::BackoffLocked(const std::string& key) {
  return options_.backoff.Delay(failures_[key]++, random_);
}

// Takes one token; when none is left, the delay until one will be.
milliseconds RetryRateLimiter::BucketDelayLocked() {
  SteadyTime now = clock_.Steady();
  double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(static_cast<double>(options_.burst), tokens_ + elapsed * options_.per_second);
  refilled_at_ = now;
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return milliseconds(0);
  return milliseconds(static_cast<milliseconds::rep>(std::ceil(-tokens_ / options_.per_second * 1000.0)));
}

}  // namespace govd::daemon

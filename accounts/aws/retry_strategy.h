// accounts/aws/retry_strategy.h
// When and how long to wait before retrying an AWS call: exponential backoff with full jitter
// (base/backoff.h: random in [0, min(max_delay, base_delay * 2^(attempt-1))]), at most max_attempts tries, and
// a retry budget shared by all calls through one strategy (a token bucket as in the AWS SDKs: each
// retry costs tokens, each success returns one), so that an outage does not multiply the load by
// max_attempts. Only failures AWS documents as transient are retried; see IsRetryableAwsError.
// Thread safety: all members may be called concurrently.
#pragma once

#include <chrono>
#include <mutex>

#include "base/random.h"

namespace govd::accounts {

struct RetryOptions {
  int max_attempts = 4;  // first try included
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{20'000};
  int budget_tokens = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
};

class RetryStrategy {
 public:
  RetryStrategy(RetryOptions options, Random& random) : options_(options), random_(random) {}

  // Whether attempt number `attempt` (1 = the first try, which failed) may be followed by another
  // try; if so, takes the retry's cost from the budget.
  bool AcquireRetry(int attempt, bool was_timeout);
  // The jittered delay before try number attempt + 1.
  std::chrono::milliseconds Delay(int attempt);
  // A call succeeded: the budget regains a token (up to its initial size).
  void RecordSuccess();

  int budget_left() const;
  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  Random& random_;
  mutable std::mutex mutex_;
  int tokens_ = options_.budget_tokens;  // guarded by mutex_
};

}  // namespace govd::accounts

#include "accounts/aws/retry_strategy.h"

#include <algorithm>

#include "base/backoff.h"

namespace govd::accounts {

bool RetryStrategy::AcquireRetry(int attempt, bool was_timeout) {
  if (attempt >= options_.max_attempts) return false;
  int cost = was_timeout ? options_.timeout_retry_cost : options_.retry_cost;
  std::lock_guard lock(mutex_);
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

std::chrono::milliseconds RetryStrategy::Delay(int attempt) {
  return Backoff{options_.base_delay, options_.max_delay}.Delay(attempt - 1, random_);
}

void RetryStrategy::RecordSuccess() {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(tokens_ + 1, options_.budget_tokens);
}

int RetryStrategy::budget_left() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

}  // namespace govd::accounts

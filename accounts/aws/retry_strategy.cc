#include "accounts/aws/retry_strategy.h"

#include <algorithm>

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
  // Cap the exponent so that the shift cannot overflow; max_delay caps the result anyway.
  int exponent = std::clamp(attempt - 1, 0, 30);
  auto ceiling = std::min<std::int64_t>(options_.max_delay.count(),
                                        options_.base_delay.count() * (std::int64_t{1} << exponent));
  return std::chrono::milliseconds(random_.UniformUpTo(static_cast<std::uint64_t>(ceiling)));
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

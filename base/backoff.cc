#include "base/backoff.h"

#include <algorithm>
#include <cstdint>

namespace govd {

std::chrono::milliseconds Backoff::Ceiling(int failures_before) const {
  // Past 2^40 any base in milliseconds exceeds every sensible max; the shift cannot overflow.
  int exponent = std::clamp(failures_before, 0, 40);
  std::int64_t base_ms = std::max<std::int64_t>(base.count(), 0);
  std::int64_t max_ms = std::max<std::int64_t>(max.count(), 0);
  if (base_ms == 0) return std::chrono::milliseconds(0);
  if (base_ms > (max_ms >> exponent)) return std::chrono::milliseconds(max_ms);
  return std::chrono::milliseconds(base_ms << exponent);
}

std::chrono::milliseconds Backoff::Delay(int failures_before, Random& random) const {
  auto ceiling = static_cast<std::uint64_t>(Ceiling(failures_before).count());
  return std::chrono::milliseconds(static_cast<std::int64_t>(random.UniformUpTo(ceiling)));
}

}  // namespace govd

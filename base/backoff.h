// base/backoff.h
// Exponential backoff with full jitter, the one rule every retry in govd follows (AWS calls,
// failing buckets, the database's LISTEN connection, start-up while the database is down): the
// ceiling doubles with each failure from `base` up to `max`, and the delay is uniform below it, so
// that many failing callers do not retry in step. How many retries are allowed (budgets, token
// buckets) is each caller's own policy.
// Pure apart from the Random passed in; thread safe as that Random is.
#pragma once

#include <chrono>

#include "base/random.h"

namespace govd {

struct Backoff {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds max{20'000};

  // base * 2^failures_before, at most max; saturates instead of overflowing.
  std::chrono::milliseconds Ceiling(int failures_before) const;
  // Uniform in [0, Ceiling(failures_before)].
  std::chrono::milliseconds Delay(int failures_before, Random& random) const;
};

}  // namespace govd

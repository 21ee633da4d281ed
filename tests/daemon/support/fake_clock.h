// tests/daemon/support/fake_clock.h
// Test doubles for daemon/reconcile/clock.h: a clock that moves only when told, and fixed "random" numbers.
#pragma once

#include <atomic>
#include <chrono>

#include "daemon/reconcile/clock.h"

namespace govd::daemon::testing {

class FakeClock final : public Clock {
 public:
  SteadyTime Now() const override { return SteadyTime(std::chrono::nanoseconds(now_ns_.load())); }
  void Advance(std::chrono::nanoseconds by) { now_ns_ += by.count(); }

 private:
  std::atomic<long long> now_ns_{1'000'000'000};
};

class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double value) : value_(value) {}
  double Uniform() override { return value_; }

 private:
  double value_;
};

}  // namespace govd::daemon::testing

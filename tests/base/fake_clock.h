// tests/base/fake_clock.h
// The test doubles of base/clock.h and base/random.h, for every test: a clock that moves only when
// told or slept on (wall and steady time move together, sleeps are recorded), and "random" numbers
// at a fixed fraction of their bound (FixedRandom(1.0): every jittered delay is its ceiling).
// Thread safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "base/clock.h"
#include "base/random.h"

namespace govd::testing {

class FakeClock final : public Clock {
 public:
  // 2027-01-15T08:00:00Z unless told otherwise.
  explicit FakeClock(WallTime start = WallTime(std::chrono::seconds(1'800'000'000)))
      : wall_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch()).count()) {}

  WallTime Now() const override {
    return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(wall_ns_.load())));
  }
  SteadyTime Steady() const override { return SteadyTime(std::chrono::nanoseconds(steady_ns_.load())); }
  void SleepFor(std::chrono::milliseconds duration) const override {
    {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(duration);
    }
    Move(duration);
  }

  void Advance(std::chrono::nanoseconds by) { Move(by); }
  // Sets the wall time, to whole microseconds (what the store keeps); steady time does not go back.
  void Set(WallTime now) {
    wall_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::floor<std::chrono::microseconds>(now.time_since_epoch()))
                   .count();
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  void Move(std::chrono::nanoseconds by) const {
    wall_ns_ += by.count();
    steady_ns_ += by.count();
  }

  mutable std::atomic<std::int64_t> wall_ns_;
  mutable std::atomic<std::int64_t> steady_ns_{1'000'000'000};
  mutable std::mutex mutex_;
  mutable std::vector<std::chrono::milliseconds> sleeps_;  // guarded by mutex_
};

class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double fraction) : fraction_(fraction) {}
  std::uint64_t UniformUpTo(std::uint64_t bound) override {
    return std::min(bound, static_cast<std::uint64_t>(static_cast<double>(bound) * fraction_));
  }

 private:
  double fraction_;
};

}  // namespace govd::testing

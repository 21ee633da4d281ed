// tests/accounts/aws/fake_time.h
// A TimeSource whose clock only moves when told (or when slept on) and that records sleeps, and
// a RandomSource that always answers the upper bound (so jittered delays are their ceilings).
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "accounts/aws/random_source.h"
#include "accounts/aws/time_source.h"

namespace govd::accounts::testing {

class FakeTimeSource final : public TimeSource {
 public:
  explicit FakeTimeSource(std::chrono::system_clock::time_point start = std::chrono::system_clock::now())
      : now_(start) {}
  std::chrono::system_clock::time_point Now() override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void SleepFor(std::chrono::milliseconds duration) override {
    std::lock_guard lock(mutex_);
    sleeps_.push_back(duration);
    now_ += duration;
  }
  void Advance(std::chrono::seconds duration) {
    std::lock_guard lock(mutex_);
    now_ += duration;
  }
  std::vector<std::chrono::milliseconds> sleeps() {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  std::mutex mutex_;
  std::chrono::system_clock::time_point now_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

class MaxRandomSource final : public RandomSource {
 public:
  std::uint64_t UniformUpTo(std::uint64_t bound) override { return bound; }
};

}  // namespace govd::accounts::testing

// daemon/reconcile/clock.h
// Time and randomness as interfaces, passed to whatever needs them, so that tests decide what
// "now" is and what a dice roll gives. The system implementations are the only ones govd uses
// in production. Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace govd::daemon {

using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime Now() const override { return std::chrono::steady_clock::now(); }
};

// Uniform random numbers in [0, 1).
class Random {
 public:
  virtual ~Random() = default;
  virtual double Uniform() = 0;
};

class SystemRandom final : public Random {
 public:
  double Uniform() override {
    std::lock_guard lock(mutex_);
    return distribution_(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_{std::random_device{}()};
  std::uniform_real_distribution<double> distribution_{0.0, 1.0};
};

}  // namespace govd::daemon

// base/clock.h
// Time as an interface, passed to whatever needs it, so that tests decide what "now" is: wall time
// (dates, expiry, the SigV4 date, what the store records), steady time (intervals: backoff, rate
// limits, deadlines) and sleeping. SystemClock is the only implementation govd uses in
// production; tests have their fakes (tests/base/fake_clock.h).
// Thread safety: implementations must be safe to call from any thread. Never blocks but in SleepFor.
#pragma once

#include <chrono>
#include <thread>

namespace govd {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual SteadyTime Steady() const = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime Steady() const override { return std::chrono::steady_clock::now(); }
  void SleepFor(std::chrono::milliseconds duration) const override { std::this_thread::sleep_for(duration); }
};

// The process's one SystemClock.
inline const Clock& SystemTime() {
  static const SystemClock clock;
  return clock;
}

}  // namespace govd

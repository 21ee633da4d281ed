// accounts/aws/time_source.h
// The clock and the sleep the AWS clients use, behind an interface so that tests control time
// (retry delays, credential expiry, the SigV4 date). SystemTimeSource is the real one.
// Thread safety: implementations must be safe to call from many threads.
#pragma once

#include <chrono>
#include <thread>

namespace govd::accounts {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual std::chrono::system_clock::time_point Now() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

class SystemTimeSource final : public TimeSource {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
  void SleepFor(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace govd::accounts

// base/random.h
// Randomness for jitter (retry delays, pass intervals), behind an interface so that tests can fix
// it. SeededRandom is the one implementation: SystemRandom() is the process's instance, seeded once
// from std::random_device; tests that want repeatable runs seed their own with a constant.
// Thread safety: implementations must be safe to call from many threads.
// Not for secrets: nothing here is cryptographically strong.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

namespace govd {

class Random {
 public:
  virtual ~Random() = default;
  // A uniformly distributed integer in [0, bound]. REQUIRES: bound < 2^63.
  virtual std::uint64_t UniformUpTo(std::uint64_t bound) = 0;
  // A uniformly distributed number in [0, 1], from UniformUpTo.
  double Uniform() {
    constexpr std::uint64_t kSteps = std::uint64_t{1} << 53;
    return static_cast<double>(UniformUpTo(kSteps)) / static_cast<double>(kSteps);
  }
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t UniformUpTo(std::uint64_t bound) override {
    std::lock_guard lock(mutex_);
    return std::uniform_int_distribution<std::uint64_t>(0, bound)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;  // guarded by mutex_
};

// The process's one source of jitter, seeded from std::random_device on first use.
Random& SystemRandom();

}  // namespace govd

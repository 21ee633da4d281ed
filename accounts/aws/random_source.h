// accounts/aws/random_source.h
// Randomness for retry jitter, behind an interface so that tests can fix it.
// Thread safety: implementations must be safe to call from many threads.
// Not for secrets: nothing here is cryptographically strong.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

namespace govd::accounts {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A uniformly distributed integer in [0, bound]. REQUIRES: bound < 2^63.
  virtual std::uint64_t UniformUpTo(std::uint64_t bound) = 0;
};

class SeededRandomSource final : public RandomSource {
 public:
  explicit SeededRandomSource(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t UniformUpTo(std::uint64_t bound) override {
    std::lock_guard lock(mutex_);
    return std::uniform_int_distribution<std::uint64_t>(0, bound)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;  // guarded by mutex_
};

}  // namespace govd::accounts

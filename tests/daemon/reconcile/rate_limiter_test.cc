#include "daemon/reconcile/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/base/fake_clock.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::FixedRandom;

TEST(RetryRateLimiterTest, BackoffDoublesUpToTheCeilingWithJitterBelowIt) {
  FakeClock clock;
  FixedRandom half(0.5);
  RetryRateLimiter limiter({{milliseconds(100), milliseconds(1000)}, 1000.0, 1000}, clock, half);
  EXPECT_EQ(limiter.When("k"), milliseconds(50));   // half of 100
  EXPECT_EQ(limiter.When("k"), milliseconds(100));  // half of 200
  EXPECT_EQ(limiter.When("k"), milliseconds(200));
  EXPECT_EQ(limiter.When("k"), milliseconds(400));
  EXPECT_EQ(limiter.When("k"), milliseconds(500));  // ceiling 1000
  for (int i = 0; i < 100; ++i) EXPECT_LE(limiter.When("k"), milliseconds(1000));  // no overflow
  EXPECT_EQ(limiter.Failures("k"), 105);
  EXPECT_EQ(limiter.When("other"), milliseconds(50));  // keys are independent
  limiter.Forget("k");
  EXPECT_EQ(limiter.Failures("k"), 0);
  EXPECT_EQ(limiter.When("k"), milliseconds(50));
}

TEST(RetryRateLimiterTest, TokenBucketLimitsAStormOfFailures) {
  FakeClock clock;
  FixedRandom zero(0.0);  // no backoff: only the bucket speaks
  RetryRateLimiter limiter({{milliseconds(100), milliseconds(1000)}, 10.0, 5}, clock, zero);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.When("k" + std::to_string(i)), milliseconds(0));
  EXPECT_EQ(limiter.When("k5"), milliseconds(100));  // 10 per second: next token in 100 ms
  EXPECT_EQ(limiter.When("k6"), milliseconds(200));
  clock.Advance(std::chrono::seconds(10));  // refills to the burst, not beyond
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.When("r" + std::to_string(i)), milliseconds(0));
  EXPECT_GT(limiter.When("r5"), milliseconds(0));
}

}  // namespace
}  // namespace govd::daemon

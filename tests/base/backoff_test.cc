// tests/base/backoff_test.cc: the one backoff rule: ceilings double from base up to max and
// saturate; the delay is uniform below the ceiling.
#include "base/backoff.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/base/fake_clock.h"

namespace govd {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingDoublesFromBaseUpToMax) {
  Backoff backoff{milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(backoff.Ceiling(0), milliseconds(100));
  EXPECT_EQ(backoff.Ceiling(1), milliseconds(200));
  EXPECT_EQ(backoff.Ceiling(3), milliseconds(800));
  EXPECT_EQ(backoff.Ceiling(4), milliseconds(1000));
  EXPECT_EQ(backoff.Ceiling(-1), milliseconds(100));
}

TEST(BackoffTest, CeilingSaturatesInsteadOfOverflowing) {
  Backoff backoff{milliseconds(500), std::chrono::hours(24 * 365)};
  EXPECT_EQ(backoff.Ceiling(1000), std::chrono::hours(24 * 365));
  EXPECT_EQ(backoff.Ceiling(62), std::chrono::hours(24 * 365));
}

TEST(BackoffTest, DelayIsUniformBelowTheCeiling) {
  Backoff backoff{milliseconds(100), milliseconds(1000)};
  testing::FixedRandom top(1.0);
  testing::FixedRandom half(0.5);
  testing::FixedRandom bottom(0.0);
  EXPECT_EQ(backoff.Delay(2, top), milliseconds(400));
  EXPECT_EQ(backoff.Delay(2, half), milliseconds(200));
  EXPECT_EQ(backoff.Delay(2, bottom), milliseconds(0));
  SeededRandom seeded(1);
  for (int i = 0; i < 1000; ++i) {
    milliseconds delay = backoff.Delay(i % 8, seeded);
    EXPECT_GE(delay, milliseconds(0));
    EXPECT_LE(delay, backoff.Ceiling(i % 8));
  }
}

}  // namespace
}  // namespace govd

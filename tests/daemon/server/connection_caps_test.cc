// The control connection caps: derived from RLIMIT_NOFILE, counted per uid and in all, with root
// and the daemon's own uid exempt from the total only.
#include "daemon/server/connection_caps.h"

#include <gtest/gtest.h>

namespace govd::daemon {
namespace {

TEST(ConnectionCapsTest, AQuarterOfTheDescriptorsAtMostAndAnEighthOfThatPerUid) {
  EXPECT_EQ(ConnectionCapsFor(1024).total, 256U);
  EXPECT_EQ(ConnectionCapsFor(1024).per_uid, 32U);
  EXPECT_EQ(ConnectionCapsFor(256).total, 64U);
  EXPECT_EQ(ConnectionCapsFor(256).per_uid, 8U);
  EXPECT_EQ(ConnectionCapsFor(8192).total, 1024U);  // the unit's LimitNOFILE
  EXPECT_EQ(ConnectionCapsFor(8192).per_uid, 128U);
  EXPECT_EQ(ConnectionCapsFor(20).total, 16U);
  EXPECT_EQ(ConnectionCapsFor(20).per_uid, 4U);
}

TEST(ConnectionCapsTest, PerUidCapThenTotalCapWithRootAndOwnUidExemptFromTheTotal) {
  ConnectionCounter counter({.total = 4, .per_uid = 2}, /*exempt_uid=*/500);
  EXPECT_TRUE(counter.TryAdmit(1000));
  EXPECT_TRUE(counter.TryAdmit(1000));
  EXPECT_FALSE(counter.TryAdmit(1000)) << "per-uid cap";
  EXPECT_TRUE(counter.TryAdmit(1001));
  EXPECT_TRUE(counter.TryAdmit(1001));
  EXPECT_FALSE(counter.TryAdmit(1002)) << "total cap";
  EXPECT_TRUE(counter.TryAdmit(0)) << "root is exempt from the total";
  EXPECT_TRUE(counter.TryAdmit(500)) << "the daemon's own uid is exempt from the total";
  EXPECT_TRUE(counter.TryAdmit(0));
  EXPECT_FALSE(counter.TryAdmit(0)) << "but not from its per-uid cap";
  EXPECT_EQ(counter.open(), 7U);
  counter.Release(1000);
  counter.Release(0);
  counter.Release(0);
  counter.Release(500);
  EXPECT_EQ(counter.open(), 3U);
  EXPECT_TRUE(counter.TryAdmit(1002)) << "a released slot is free again";
  EXPECT_FALSE(counter.TryAdmit(1000)) << "total cap again";
}

}  // namespace
}  // namespace govd::daemon

// Reconcile leases: concurrent claimers split the work without overlap; a crashed holder's
// lease expires and another worker takes over; releasing respects newer desired state.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "accounts/store/pg.h"
#include "test_db.h"

namespace govd::accounts {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
using testing::FakeClock;
using testing::TestDb;

class LeaseTest : public testing::SeededStoreTest {
 protected:
  // n more buckets, all due now.
  void AddDueBuckets(int n) {
    db_->Exec("INSERT INTO govd.buckets (bucket, tenant, owner_account, due_at) "
              "SELECT 'bucket-' || i, 'la-leeds', '" + std::string(testing::kChild) +
              "', govd.from_us(" + std::to_string(pg::ToMicros(clock_.Now())) + ") "
              "FROM generate_series(1, " + std::to_string(n) + ") i");
  }

};

TEST_F(LeaseTest, TwoConcurrentClaimersNeverGetTheSameBucket) {
  AddDueBuckets(1000);
  std::vector<std::string> got[2];
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([this, w, &got] {
      auto s = testing::OpenStore(db_->conninfo(), "la-leeds", clock_);
      std::string name = "worker-" + std::to_string(w);
      for (;;) {
        auto batch = s->ClaimDueBuckets(name, 7, 300s);
        ASSERT_TRUE(batch) << batch.error().ToString();
        if (batch->empty()) return;
        for (const ReconcileLease& l : *batch) got[w].push_back(l.bucket);
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<std::string> all(got[0].begin(), got[0].end());
  for (const std::string& b : got[1]) EXPECT_TRUE(all.insert(b).second) << b << " claimed twice";
  EXPECT_EQ(got[0].size() + got[1].size(), 1000U);
  EXPECT_EQ(all.size(), 1000U);
  EXPECT_GT(got[0].size(), 0U);
  EXPECT_GT(got[1].size(), 0U);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.buckets WHERE lease_owner IS NULL AND "
                       "due_at IS NOT NULL"),
            0);
}

TEST_F(LeaseTest, ACrashedHoldersLeaseExpiresAndIsTakenOver) {
  AddDueBuckets(10);
  auto crashed = *store_->ClaimDueBuckets("crashed", 100, 60s);
  ASSERT_EQ(crashed.size(), 10U);
  auto other = testing::OpenStore(db_->conninfo(), "la-leeds", clock_);
  EXPECT_TRUE(other->ClaimDueBuckets("survivor", 100, 60s)->empty());
  clock_.Advance(61s);
  auto taken = *other->ClaimDueBuckets("survivor", 100, 60s);
  EXPECT_EQ(taken.size(), 10U);
  Status late = store_->ReleaseBucket(crashed[0], "crashed", std::nullopt);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message().find("no longer holds the lease"), std::string::npos);
  EXPECT_TRUE(other->ReleaseBucket(taken[0], "survivor", std::nullopt));
}

TEST_F(LeaseTest, AWorkerFreesOnlyItsOwnLeftoverLeasesAndTheyStayDue) {
  AddDueBuckets(6);
  auto mine = *store_->ClaimDueBuckets("me", 4, 300s);  // a pass that failed before releasing
  ASSERT_EQ(mine.size(), 4U);
  auto other = testing::OpenStore(db_->conninfo(), "la-leeds", clock_);
  auto theirs = *other->ClaimDueBuckets("replica", 100, 300s);
  ASSERT_EQ(theirs.size(), 2U);
  auto other_tenant = testing::OpenStore(db_->conninfo(), "la-york", clock_);
  Result<int> none = other_tenant->ReleaseLeasesHeldBy("me");
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_EQ(*none, 0) << "another tenant's store frees nothing of this tenant";

  Result<int> freed = store_->ReleaseLeasesHeldBy("me");
  ASSERT_TRUE(freed) << freed.error().ToString();
  EXPECT_EQ(*freed, 4);
  auto again = *store_->ClaimDueBuckets("me", 100, 300s);
  std::set<std::string> reclaimed;
  for (const ReconcileLease& l : again) reclaimed.insert(l.bucket);
  std::set<std::string> expected;
  for (const ReconcileLease& l : mine) expected.insert(l.bucket);
  EXPECT_EQ(reclaimed, expected) << "still due, long before the 300 s lease would have expired; "
                                    "the replica's two stay with the replica";
  EXPECT_TRUE(other->ReleaseBucket(theirs[0], "replica", std::nullopt)) << "the replica's lease is intact";
  EXPECT_FALSE(store_->ReleaseLeasesHeldBy(""));
}

TEST_F(LeaseTest, GrantChangeMakesItsBucketDueAndReleaseKeepsNewerWork) {
  EXPECT_TRUE(store_->ClaimDueBuckets("w", 10, 60s)->empty());
  Grant g = *store_->RequestGrant(testing::ReadRequest());
  EXPECT_TRUE(store_->ClaimDueBuckets("w", 10, 60s)->empty()) << "a request changes nothing yet";
  g = *store_->ApproveGrant(g.id);
  auto leases = *store_->ClaimDueBuckets("w", 10, 60s);
  ASSERT_EQ(leases.size(), 1U);
  EXPECT_EQ(leases[0].bucket, "la-data");
  g = *store_->MarkApplying(g.id, g.generation);  // desired state moved on during the pass
  ASSERT_TRUE(store_->ReleaseBucket(leases[0], "w", std::nullopt));
  leases = *store_->ClaimDueBuckets("w", 10, 60s);
  ASSERT_EQ(leases.size(), 1U) << "still due: its generation changed while leased";
  ASSERT_TRUE(store_->ReleaseBucket(leases[0], "w", std::nullopt));
  EXPECT_TRUE(store_->ClaimDueBuckets("w", 10, 60s)->empty()) << "in sync";
}

}  // namespace
}  // namespace govd::accounts

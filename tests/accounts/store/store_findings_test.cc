// The findings table through the Store: a refresh raises, keeps, resolves and reopens findings by
// their stable id; archived findings stay archived; status changes are audited and chained. On a
// real PostgreSQL; tenant isolation of findings is in store_rls_test.cc.
#include <gtest/gtest.h>

#include "test_db.h"

namespace govd::accounts {
namespace {

policy::Finding MakeFinding(policy::FindingType type, const std::string& principal) {
  std::string resource = "arn:aws:s3:::la-data/reports/";
  std::string statement = "la-data bucket policy statement Consultant";
  return {policy::FindingId(type, resource, principal, statement), type, policy::FindingSeverity::kHigh, resource,
          principal, statement, "granted by hand"};
}

class StoreFindingsTest : public testing::SeededStoreTest {
 protected:
  std::vector<FindingRecord> List(std::optional<FindingStatus> status = std::nullopt) {
    auto list = store_->ListFindings(status);
    EXPECT_TRUE(list) << list.error().ToString();
    return list ? *list : std::vector<FindingRecord>{};
  }

  policy::Finding outside_ = MakeFinding(policy::FindingType::kOutsideOrganisation, "999999999999");
  policy::Finding unexplained_ = MakeFinding(policy::FindingType::kUnexplainedAccess, "999999999999");
};

TEST_F(StoreFindingsTest, RaisedKeptResolvedAndReopened) {
  auto first = store_->RefreshFindings(std::vector{outside_, unexplained_});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->raised, 2);
  TimePoint raised_at = clock_.Now();
  clock_.Advance(std::chrono::seconds(60));
  auto second = store_->RefreshFindings(std::vector{outside_});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->raised, 0);
  EXPECT_EQ(second->resolved, 1);
  auto resolved = List(FindingStatus::kResolved);
  ASSERT_EQ(resolved.size(), 1U);
  EXPECT_EQ(resolved[0].finding.id, unexplained_.id);
  EXPECT_EQ(resolved[0].resolved_at, clock_.Now());
  EXPECT_EQ(resolved[0].first_seen, raised_at);
  auto active = List(FindingStatus::kActive);
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].last_seen, clock_.Now());
  clock_.Advance(std::chrono::seconds(60));
  auto third = store_->RefreshFindings(std::vector{outside_, unexplained_});
  ASSERT_TRUE(third);
  EXPECT_EQ(third->reopened, 1);
  EXPECT_EQ(List(FindingStatus::kActive).size(), 2U);
  EXPECT_FALSE(List(FindingStatus::kActive)[1].resolved_at.has_value());
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action LIKE 'finding.%'"), 4);
  EXPECT_FALSE(store_->VerifyAudit()->first_broken_seq.has_value());
}

TEST_F(StoreFindingsTest, ArchivedStaysArchived) {
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_}));
  auto archived = store_->ArchiveFinding(outside_.id);
  ASSERT_TRUE(archived) << archived.error().ToString();
  EXPECT_EQ(archived->status, FindingStatus::kArchived);
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_}));
  ASSERT_TRUE(store_->RefreshFindings(std::vector<policy::Finding>{}));
  auto all = List();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].status, FindingStatus::kArchived);
  EXPECT_EQ(store_->ArchiveFinding("0123456789abcdef").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace govd::accounts

// The findings table through the Store: a refresh raises, keeps, resolves and reopens findings by
// their stable id; archived findings stay archived; status changes are audited and chained; and a
// tenant's role sees only its own findings (row-level security), on a real PostgreSQL.
#include <gtest/gtest.h>

#include "test_db.h"

namespace govd::accounts {
namespace {

using testing::FakeClock;
using testing::TestDb;

policy::Finding MakeFinding(policy::FindingType type, const std::string& principal) {
  std::string resource = "arn:aws:s3:::la-data/reports/";
  std::string statement = "la-data bucket policy statement Consultant";
  return {policy::FindingId(type, resource, principal, statement), type, policy::FindingSeverity::kHigh, resource,
          principal, statement, "granted by hand"};
}

class StoreFindingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<TestDb>(server_);
    role_a_ = db_->CreateTenantRole("a", "la-leeds");
    role_b_ = db_->CreateTenantRole("b", "la-york");
    a_ = testing::OpenStore(db_->RoleConninfo(role_a_), "la-leeds", clock_);
    b_ = testing::OpenStore(db_->RoleConninfo(role_b_), "la-york", clock_);
  }

  std::vector<FindingRecord> List(std::optional<FindingStatus> status = std::nullopt) {
    auto list = a_->ListFindings(status);
    EXPECT_TRUE(list) << list.error().ToString();
    return list ? *list : std::vector<FindingRecord>{};
  }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<TestDb> db_;
  std::string role_a_, role_b_;
  std::unique_ptr<Store> a_, b_;
  policy::Finding outside_ = MakeFinding(policy::FindingType::kOutsideOrganisation, "999999999999");
  policy::Finding unexplained_ = MakeFinding(policy::FindingType::kUnexplainedAccess, "999999999999");
};

TEST_F(StoreFindingsTest, RaisedKeptResolvedAndReopened) {
  auto first = a_->RefreshFindings(std::vector{outside_, unexplained_});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->raised, 2);
  TimePoint raised_at = clock_.Now();
  clock_.Advance(std::chrono::seconds(60));
  auto second = a_->RefreshFindings(std::vector{outside_});
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
  auto third = a_->RefreshFindings(std::vector{outside_, unexplained_});
  ASSERT_TRUE(third);
  EXPECT_EQ(third->reopened, 1);
  EXPECT_EQ(List(FindingStatus::kActive).size(), 2U);
  EXPECT_FALSE(List(FindingStatus::kActive)[1].resolved_at.has_value());
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action LIKE 'finding.%'"), 4);
  EXPECT_FALSE(a_->VerifyAudit()->first_broken_seq.has_value());
}

TEST_F(StoreFindingsTest, ArchivedStaysArchived) {
  ASSERT_TRUE(a_->RefreshFindings(std::vector{outside_}));
  auto archived = a_->ArchiveFinding(outside_.id);
  ASSERT_TRUE(archived) << archived.error().ToString();
  EXPECT_EQ(archived->status, FindingStatus::kArchived);
  ASSERT_TRUE(a_->RefreshFindings(std::vector{outside_}));
  ASSERT_TRUE(a_->RefreshFindings(std::vector<policy::Finding>{}));
  auto all = List();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].status, FindingStatus::kArchived);
  EXPECT_EQ(a_->ArchiveFinding("0123456789abcdef").error().code(), ErrorCode::kNotFound);
}

TEST_F(StoreFindingsTest, TenantsSeeOnlyTheirOwnFindings) {
  ASSERT_TRUE(a_->RefreshFindings(std::vector{outside_}));
  EXPECT_TRUE(b_->ListFindings(std::nullopt)->empty());
  EXPECT_EQ(b_->ArchiveFinding(outside_.id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(b_->RefreshFindings(std::vector<policy::Finding>{}));  // resolves nothing of A's
  EXPECT_EQ(List(FindingStatus::kActive).size(), 1U);
  pqxx::connection c(db_->RoleConninfo(role_b_));
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM govd.findings")[0].as<int>(), 0);
}

}  // namespace
}  // namespace govd::accounts

// The findings table through the Store: a refresh raises, keeps, resolves and reopens findings by
// their stable id; archived findings stay archived (with the reason a person gave) until
// unarchived; archive rules archive matching NEW findings; status changes and rule changes are
// audited and chained. On a real PostgreSQL; tenant isolation of findings and rules is in
// store_rls_test.cc.
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
  auto archived = store_->ArchiveFinding(outside_.id, "partner access under contract C-12");
  ASSERT_TRUE(archived) << archived.error().ToString();
  EXPECT_EQ(archived->status, FindingStatus::kArchived);
  EXPECT_EQ(archived->archive_reason, "partner access under contract C-12");
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_}));
  ASSERT_TRUE(store_->RefreshFindings(std::vector<policy::Finding>{}));
  auto all = List();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].status, FindingStatus::kArchived);
  EXPECT_EQ(all[0].archive_reason, "partner access under contract C-12");
  EXPECT_EQ(store_->ArchiveFinding("0123456789abcdef", "why").error().code(), ErrorCode::kNotFound);
}

TEST_F(StoreFindingsTest, ArchivingNeedsAReasonAndRecordsIt) {
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_}));
  for (const char* bad : {"", "   ", "line\nbreak", "\x1b[31mred"}) {
    auto refused = store_->ArchiveFinding(outside_.id, bad);
    ASSERT_FALSE(refused) << "reason \"" << bad << "\"";
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(refused.error().where(), "reason");
  }
  EXPECT_EQ(List(FindingStatus::kActive).size(), 1U) << "nothing archived";
  ASSERT_TRUE(store_->ArchiveFinding(outside_.id, "known partner"));
  auto again = store_->ArchiveFinding(outside_.id, "another reason");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->archive_reason, "known partner") << "archiving twice keeps the first reason";
  auto log = store_->AuditLog(0, 100);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->back().action, "finding.archive");
  EXPECT_NE(log->back().after_json.find("\"archive_reason\":\"known partner\""), std::string::npos)
      << log->back().after_json;
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'finding.archive'"), 1);
}

TEST_F(StoreFindingsTest, UnarchiveMakesItActiveAndTheNextRefreshDecides) {
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_, unexplained_}));
  ASSERT_TRUE(store_->ArchiveFinding(outside_.id, "known partner"));
  ASSERT_TRUE(store_->ArchiveFinding(unexplained_.id, "hand edit, fixed next week"));
  auto back = store_->UnarchiveFinding(outside_.id);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->status, FindingStatus::kActive);
  EXPECT_EQ(back->archive_reason, "");
  auto unchanged = store_->UnarchiveFinding(outside_.id);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, FindingStatus::kActive) << "unarchiving an active finding changes nothing";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'finding.unarchive'"), 1);
  // The unexplained access is gone by now: unarchived, the next refresh resolves it.
  ASSERT_TRUE(store_->UnarchiveFinding(unexplained_.id));
  auto refresh = store_->RefreshFindings(std::vector{outside_});
  ASSERT_TRUE(refresh);
  EXPECT_EQ(refresh->resolved, 1);
  EXPECT_EQ(List(FindingStatus::kResolved).size(), 1U);
  EXPECT_EQ(store_->UnarchiveFinding("0123456789abcdef").error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->VerifyAudit()->first_broken_seq.has_value());
}

TEST_F(StoreFindingsTest, ArchiveRulesArchiveMatchingNewFindingsOnly) {
  ASSERT_TRUE(store_->RefreshFindings(std::vector{outside_}));  // exists before the rule
  policy::ArchiveRule rule{"partner-reads", std::nullopt, "la-data", "999999999999", "partner under contract C-12"};
  ASSERT_TRUE(store_->CreateArchiveRule(rule));
  EXPECT_EQ(store_->CreateArchiveRule(rule).error().code(), ErrorCode::kAlreadyExists);
  policy::Finding other = MakeFinding(policy::FindingType::kUnexplainedAccess, "888888888888");
  auto refresh = store_->RefreshFindings(std::vector{outside_, unexplained_, other});
  ASSERT_TRUE(refresh) << refresh.error().ToString();
  EXPECT_EQ(refresh->raised, 2);
  EXPECT_EQ(refresh->archived_by_rule, 1);
  auto archived = List(FindingStatus::kArchived);
  ASSERT_EQ(archived.size(), 1U);
  EXPECT_EQ(archived[0].finding.id, unexplained_.id) << "new and matching";
  EXPECT_EQ(archived[0].archive_reason, "archive rule partner-reads: partner under contract C-12");
  EXPECT_EQ(List(FindingStatus::kActive).size(), 2U) << "the older finding and the other principal's stay active";

  auto rules = store_->ListArchiveRules();
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1U);
  EXPECT_EQ((*rules)[0].bucket, "la-data");
  EXPECT_EQ((*rules)[0].principal, "999999999999");
  EXPECT_FALSE((*rules)[0].type.has_value());
  ASSERT_TRUE(store_->DeleteArchiveRule("partner-reads"));
  EXPECT_EQ(store_->DeleteArchiveRule("partner-reads").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListArchiveRules()->empty());
  EXPECT_EQ(List(FindingStatus::kArchived).size(), 1U) << "what the rule archived stays archived";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action IN "
                       "('archive-rule.create', 'archive-rule.delete') AND actor = 'uid:1000'"),
            2);
  EXPECT_FALSE(store_->VerifyAudit()->first_broken_seq.has_value());
}

TEST_F(StoreFindingsTest, ArchiveRulesAreValidated) {
  using policy::ArchiveRule;
  for (const ArchiveRule& bad :
       {ArchiveRule{"Bad Name", policy::FindingType::kPublicAccess, "", "", "r"},
        ArchiveRule{"everything", std::nullopt, "", "", "no criterion"},
        ArchiveRule{"b", std::nullopt, "Not_A_Bucket", "", "r"},
        ArchiveRule{"p", std::nullopt, "", "a\nb", "r"},
        ArchiveRule{"r", policy::FindingType::kPublicAccess, "", "", "  "}}) {
    Status created = store_->CreateArchiveRule(bad);
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument) << bad.name;
  }
  EXPECT_TRUE(store_->ListArchiveRules()->empty()) << "nothing written";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action LIKE 'archive-rule.%'"), 0);
}

}  // namespace
}  // namespace govd::accounts

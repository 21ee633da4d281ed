// Findings on the scenario organisation (tests/policy/org_scenario.h) with govd's grants.
#include "policy/analysis/findings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/policy/org_scenario.h"

namespace govd::policy {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
const std::string kReader = "arn:aws:iam::111111111111:role/govd-central-reader";

std::vector<DesiredGrant> ScenarioGrants() {
  return {
      {"g1", "la-north-shared", "reports/", kReader, 0, GrantState::kActive, false},
      {"g2", "la-north-shared", "exports/", kReader, 0, GrantState::kApproved, true},
      {"g3", "la-south-shared", "", kReader, kNow - 100, GrantState::kExpired, false},
  };
}

std::vector<std::string> Summaries(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    out.push_back(std::string(FindingSeverityName(f.severity)) + " " + std::string(FindingTypeName(f.type)) + " " +
                  f.resource + " " + f.principal);
  }
  return out;
}

TEST(FindingsTest, ScenarioFindings) {
  OrgSnapshot org = testing::ScenarioOrg();
  auto findings = ComputeFindings({&org, ScenarioGrants(), kNow});
  std::vector<std::string> expected = {
      "high outside-organisation arn:aws:iam::222222222222:role/vendor-access 999999999999",
      "high outside-organisation arn:aws:s3:::la-north-shared arn:aws:iam::999999999999:user/consultant",
      "high embargoed-grant arn:aws:s3:::la-north-shared/exports/ " + kReader,
      "high expired-grant-effective arn:aws:s3:::la-south-shared " + kReader,
      "high trust-without-external-id arn:aws:iam::222222222222:role/vendor-access 999999999999",
      "medium unexplained-access arn:aws:s3:::la-north-shared arn:aws:iam::999999999999:user/consultant",
      "medium unexplained-access arn:aws:s3:::la-south-shared " + kReader,
  };
  EXPECT_EQ(Summaries(findings), expected);
}

TEST(FindingsTest, FindingsNameTheirStatement) {
  OrgSnapshot org = testing::ScenarioOrg();
  auto findings = ComputeFindings({&org, ScenarioGrants(), kNow});
  auto drift = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.type == FindingType::kUnexplainedAccess && f.resource == "arn:aws:s3:::la-south-shared";
  });
  ASSERT_NE(drift, findings.end());
  EXPECT_EQ(drift->statement, "la-south-shared bucket policy statement GovdManagedRead111111111111");
  EXPECT_NE(drift->message.find("drift"), std::string::npos) << drift->message;
  auto hand = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.type == FindingType::kUnexplainedAccess && f.resource == "arn:aws:s3:::la-north-shared";
  });
  ASSERT_NE(hand, findings.end());
  EXPECT_NE(hand->message.find("by hand"), std::string::npos) << hand->message;
}

TEST(FindingsTest, ActiveGrantExplainsItsStatement) {
  OrgSnapshot org = testing::ScenarioOrg();
  auto grants = ScenarioGrants();
  grants.push_back({"g4", "la-south-shared", "", kReader, 0, GrantState::kActive, false});
  auto findings = ComputeFindings({&org, grants, kNow});
  bool drift = std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.type == FindingType::kUnexplainedAccess && f.resource == "arn:aws:s3:::la-south-shared";
  });
  EXPECT_FALSE(drift);
}

TEST(FindingsTest, PublicBucketIsCriticalAndFirst) {
  OrgSnapshot org = testing::ScenarioOrg();
  org.buckets.push_back({"open-data", "444444444444",
                         testing::Named("open-data policy", R"({"Version":"2012-10-17","Statement":[
                            {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                             "Resource":"arn:aws:s3:::open-data/*"},
                            {"Sid":"OrgOnly","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                             "Resource":"arn:aws:s3:::open-data/org/*",
                             "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-govd12345"}}}]})",
                                        PolicyKind::kResource)});
  auto findings = ComputeFindings({&org, ScenarioGrants(), kNow});
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.front().type, FindingType::kPublicAccess);
  EXPECT_EQ(findings.front().severity, FindingSeverity::kCritical);
  EXPECT_EQ(findings.front().statement, "open-data policy statement Public");
  auto publics = std::count_if(findings.begin(), findings.end(),
                               [](const Finding& f) { return f.type == FindingType::kPublicAccess; });
  EXPECT_EQ(publics, 1);  // the OrgOnly statement is narrowed by aws:PrincipalOrgID
}

TEST(FindingsTest, IdsAreStableAndDistinct) {
  OrgSnapshot org = testing::ScenarioOrg();
  auto first = ComputeFindings({&org, ScenarioGrants(), kNow});
  auto second = ComputeFindings({&org, ScenarioGrants(), kNow});
  ASSERT_EQ(first.size(), second.size());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].id.size(), 16U);
    ids.insert(first[i].id);
  }
  EXPECT_EQ(ids.size(), first.size());
  EXPECT_NE(FindingId(FindingType::kPublicAccess, "r", "p", "s1"), FindingId(FindingType::kPublicAccess, "r", "p", "s2"));
}

TEST(FindingsTest, GrantNotYetExpiredIsNoFinding) {
  OrgSnapshot org = testing::ScenarioOrg();
  std::vector<DesiredGrant> grants = {{"g1", "la-south-shared", "", kReader, kNow + 3600, GrantState::kActive, false}};
  auto findings = ComputeFindings({&org, grants, kNow});
  EXPECT_TRUE(std::none_of(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.type == FindingType::kExpiredGrantEffective; }));
}

}  // namespace
}  // namespace govd::policy

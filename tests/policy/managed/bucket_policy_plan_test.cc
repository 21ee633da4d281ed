#include "policy/managed/bucket_policy_plan.h"

#include <gtest/gtest.h>

#include "policy/engine/policy_canonical.h"
#include "tests/policy/json_text.h"

namespace govd::policy {
namespace {

using testing::JsonOf;
using Action = BucketPolicyPlan::Action;

constexpr const char* kCentral = "arn:aws:iam::111111111111:role/central-reader";
const std::vector<BucketShare> kReports{{"la1", "shared/reports/", kCentral, true}};

Json::Value Foreign() {
  return JsonOf(R"({"Sid":"OutsideAuditor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},
                    "Action":"s3:GetObject","Resource":"arn:aws:s3:::la1/public/*"})");
}

// What the bucket holds after applying `plan` to `actual`.
Json::Value Apply(const Json::Value& actual, const BucketPolicyPlan& plan) {
  switch (plan.action) {
    case Action::kPut: return plan.document;
    case Action::kDelete: return Json::Value();
    case Action::kNone: return actual;
  }
  return actual;
}

TEST(BucketPolicyPlanTest, NoPolicyAndNoGrantsIsInSync) {
  auto plan = PlanBucketPolicy(Json::Value(), {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->action, Action::kNone);
  EXPECT_FALSE(plan->drifted());
}

TEST(BucketPolicyPlanTest, FirstGrantIsPutThenInSyncEvenWhenReadBackReformatted) {
  auto plan = PlanBucketPolicy(Json::Value(), kReports);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->action, Action::kPut);
  EXPECT_EQ(plan->missing.size(), 2U);
  // The server hands the document back with one-element lists collapsed and order changed.
  Json::Value read_back = plan->document;
  std::swap(read_back["Statement"][0], read_back["Statement"][1]);
  read_back["Statement"][1]["Resource"] = read_back["Statement"][1]["Resource"][0];
  auto again = PlanBucketPolicy(read_back, kReports);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, Action::kNone);
  EXPECT_FALSE(again->drifted());
}

TEST(BucketPolicyPlanTest, ForeignStatementsSurviveEveryStep) {
  Json::Value actual(Json::objectValue);
  actual["Version"] = "2012-10-17";
  actual["Statement"].append(Foreign());
  auto grant = PlanBucketPolicy(actual, kReports);
  ASSERT_TRUE(grant);
  Json::Value after_grant = Apply(actual, *grant);
  EXPECT_EQ(after_grant["Statement"][0], Foreign());
  auto revoke = PlanBucketPolicy(after_grant, {});
  ASSERT_TRUE(revoke);
  ASSERT_EQ(revoke->action, Action::kPut);  // not a delete: the foreign statement stays
  Json::Value after_revoke = Apply(after_grant, *revoke);
  ASSERT_EQ(after_revoke["Statement"].size(), 1U);
  EXPECT_EQ(after_revoke["Statement"][0], Foreign());
  EXPECT_EQ(revoke->unexpected.size(), 2U);
}

TEST(BucketPolicyPlanTest, RevokingTheLastGrantDeletesAPolicyOfOnlyManagedStatements) {
  auto grant = PlanBucketPolicy(Json::Value(), kReports);
  ASSERT_TRUE(grant);
  auto revoke = PlanBucketPolicy(grant->document, {});
  ASSERT_TRUE(revoke);
  EXPECT_EQ(revoke->action, Action::kDelete);
}

TEST(BucketPolicyPlanTest, DriftIsTwoWay) {
  auto grant = PlanBucketPolicy(Json::Value(), kReports);
  ASSERT_TRUE(grant);
  // Someone removed govd's read statement by hand...
  Json::Value removed = grant->document;
  Json::Value kept(Json::arrayValue);
  kept.append(removed["Statement"][1]);
  removed["Statement"] = kept;
  auto repair = PlanBucketPolicy(removed, kReports);
  ASSERT_TRUE(repair);
  EXPECT_EQ(repair->action, Action::kPut);
  EXPECT_EQ(repair->missing.size(), 1U);
  EXPECT_TRUE(repair->unexpected.empty());
  EXPECT_TRUE(EquivalentPolicies(repair->document, grant->document));
  // ...and someone added a principal into govd's statement by hand.
  Json::Value widened = grant->document;
  Json::Value principals(Json::arrayValue);
  principals.append(kCentral);
  principals.append("arn:aws:iam::999999999999:root");
  widened["Statement"][0]["Principal"]["AWS"] = principals;
  auto narrow = PlanBucketPolicy(widened, kReports);
  ASSERT_TRUE(narrow);
  EXPECT_EQ(narrow->action, Action::kPut);
  EXPECT_EQ(narrow->missing.size(), 1U);
  EXPECT_EQ(narrow->unexpected.size(), 1U);
  EXPECT_TRUE(EquivalentPolicies(narrow->document, grant->document));
}

TEST(BucketPolicyPlanTest, RefusedShareFailsThePlanWithoutAWrite) {
  std::vector<BucketShare> bad{{"la1", "*", kCentral, false}};
  auto plan = PlanBucketPolicy(Json::Value(), bad);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kInvalidArgument);
}

// Issue 16: a grant whose grantee has a wildcard cannot be rendered. Beside it, another grant is
// being revoked (its share is no longer given, its statements are still in the policy): the plan
// refuses the bad shares alone, still removes the revoked statements, keeps the rest and the
// foreign statement, and is never wider than before. The strict plan fails as a whole instead.
TEST(BucketPolicyPlanTest, UnrenderableShareIsRefusedAloneAndTheRevokeBesideItStillGoes) {
  constexpr const char* kAuditor = "arn:aws:iam::111111111111:user/auditor";
  constexpr const char* kAnyRole = "arn:aws:iam::111111111111:role/*";
  constexpr const char* kPattern = "arn:aws:iam::111111111111:user/c?ntral";
  std::vector<BucketShare> before{{"la1", "shared/reports/", kCentral, true},
                                  {"la1", "shared/maps/", kAuditor, false}};
  auto applied = PlanBucketPolicy(Json::Value(), before);
  ASSERT_TRUE(applied) << applied.error().ToString();
  Json::Value actual = applied->document;
  actual["Statement"].append(Foreign());

  // kCentral's grant is being revoked; two grants with wildcard grantees came in beside it.
  std::vector<BucketShare> now{{"la1", "shared/", kAnyRole, false},
                               {"la1", "shared/maps/", kAuditor, false},
                               {"la1", "shared/", kPattern, true}};
  EXPECT_FALSE(PlanBucketPolicy(actual, now)) << "the strict plan refuses the whole bucket";
  auto plan = PlanBucketPolicyPerShare(actual, now);
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->refused.size(), 2U);
  EXPECT_EQ(plan->refused[0].index, 0U);
  EXPECT_NE(plan->refused[0].reason.find(kAnyRole), std::string::npos) << plan->refused[0].reason;
  EXPECT_NE(plan->refused[0].reason.find("wildcard"), std::string::npos) << plan->refused[0].reason;
  EXPECT_EQ(plan->refused[1].index, 2U);
  EXPECT_NE(plan->refused[1].reason.find(kPattern), std::string::npos) << plan->refused[1].reason;

  ASSERT_EQ(plan->action, Action::kPut);
  EXPECT_EQ(plan->unexpected.size(), 2U) << "the revoked grant's read and list statements go";
  EXPECT_TRUE(plan->missing.empty());
  const std::string document = CompactJson(plan->document);
  EXPECT_EQ(document.find(kCentral), std::string::npos) << document;
  EXPECT_EQ(document.find(kAnyRole), std::string::npos) << document;
  EXPECT_EQ(document.find(kPattern), std::string::npos) << document;
  EXPECT_NE(document.find(kAuditor), std::string::npos) << document;
  ASSERT_EQ(plan->document["Statement"].size(), 2U) << document;
  EXPECT_EQ(plan->document["Statement"][0], Foreign());
  EXPECT_TRUE(CheckNeverWider(actual, plan->document, SplitByOwner(plan->document).managed));

  // Once applied, the same grants plan nothing more (the refused ones are failed by then).
  std::vector<BucketShare> rest{{"la1", "shared/maps/", kAuditor, false}};
  auto again = PlanBucketPolicyPerShare(plan->document, rest);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, Action::kNone);
  EXPECT_TRUE(again->refused.empty());
}

}  // namespace
}  // namespace govd::policy

namespace govd::policy {
namespace {

TEST(NeverWiderTest, RefusesAnAllowThatNeitherSideHas) {
  auto grant = PlanBucketPolicy(Json::Value(), kReports);
  ASSERT_TRUE(grant);
  std::vector<Json::Value> desired = SplitByOwner(grant->document).managed;
  EXPECT_TRUE(CheckNeverWider(Json::Value(), grant->document, desired));
  Json::Value wider = grant->document;
  wider["Statement"][0]["Resource"] = "arn:aws:s3:::la1/*";
  Status refused = CheckNeverWider(Json::Value(), wider, desired);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("GovdManagedRead"), std::string::npos);
}

TEST(NeverWiderTest, RefusesDroppingADeny) {
  Json::Value previous = JsonOf(R"({"Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*",
    "Resource":"arn:aws:s3:::la1/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  Status refused = CheckNeverWider(previous, Json::Value(), {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("TlsOnly"), std::string::npos);
  EXPECT_TRUE(CheckNeverWider(previous, previous, {}));
}

TEST(NeverWiderTest, AnAllowKeptFromThePreviousPolicyIsNotWider) {
  Json::Value previous(Json::objectValue);
  previous["Statement"].append(Foreign());
  EXPECT_TRUE(CheckNeverWider(previous, previous, {}));
}

TEST(DeletedGranteesTest, FindsTheGranteeWhoseStatementNowNamesAUniqueId) {
  constexpr const char* kGone = "arn:aws:iam::111111111111:role/deleted-reader";
  std::vector<BucketShare> shares{{"la1", "shared/", kCentral, true}, {"la1", "shared/", kGone, false}};
  auto grant = PlanBucketPolicy(Json::Value(), shares);
  ASSERT_TRUE(grant);
  Json::Value stored = grant->document;  // AWS replaced the deleted role by its unique id
  for (auto& statement : stored["Statement"]) {
    if (statement["Principal"]["AWS"].asString() == kGone) statement["Principal"]["AWS"] = "AROAEXAMPLEID12345678";
  }
  std::vector<std::string> principals{kCentral, kGone};
  EXPECT_EQ(DeletedGrantees(stored, principals), std::vector<std::string>{kGone});
  EXPECT_TRUE(DeletedGrantees(grant->document, principals).empty());
}

}  // namespace
}  // namespace govd::policy

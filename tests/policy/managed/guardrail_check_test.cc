// policy/managed/guardrail_check.h: a grant whose access the guardrails along the grantee's account path
// refuse is named with the engine's reason; one they allow, or a grantee outside the organisation,
// is not.
#include "policy/managed/guardrail_check.h"

#include <gtest/gtest.h>

#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

NamedPolicy Scp(const std::string& name, const std::string& statements) {
  return {name, ParsePolicy(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}", PolicyKind::kScp).value()};
}

NamedPolicy FullAccess() { return Scp("FullAWSAccess", R"({"Effect":"Allow","Action":"*","Resource":"*"})"); }

// Root -> Central (111111111111) and LocalAuthorities (222222222222, the bucket owner).
OrgSnapshot Organisation(std::vector<NamedPolicy> central_ou_scps) {
  OrgSnapshot org;
  org.org_id = "o-govdtest01";
  central_ou_scps.push_back(FullAccess());
  org.units = {{"r-root", "Root", "", {FullAccess()}},
               {"ou-central", "Central", "r-root", std::move(central_ou_scps)},
               {"ou-las", "LocalAuthorities", "r-root", {FullAccess()}}};
  org.accounts = {{"111111111111", "central", "ou-central", {FullAccess()}},
                  {"222222222222", "leeds", "ou-las", {FullAccess()}}};
  return org;
}

BucketShare Share(const std::string& prefix, bool list = false,
                  const std::string& principal = "arn:aws:iam::111111111111:role/govd-central-reader") {
  return {"leeds-shared", prefix, principal, list};
}

TEST(GuardrailCheckTest, ADenyOnTheGranteesPathNamesTheGuardrail) {
  OrgSnapshot org = Organisation({Scp("NoStaffData", R"({"Sid":"NoStaff","Effect":"Deny","Action":"s3:GetObject",)"
                                                     R"("Resource":"arn:aws:s3:::*/staff/*"})")});
  auto denied = GuardrailDenial(org, Share("staff/"), "222222222222");
  ASSERT_TRUE(denied) << denied.error().ToString();
  ASSERT_TRUE(denied->has_value());
  EXPECT_NE((*denied)->find("s3:GetObject on arn:aws:s3:::leeds-shared/staff/"), std::string::npos) << **denied;
  EXPECT_NE((*denied)->find("NoStaffData"), std::string::npos) << **denied;
  auto allowed = GuardrailDenial(org, Share("reports/"), "222222222222");
  ASSERT_TRUE(allowed);
  EXPECT_FALSE(allowed->has_value()) << **allowed;
}

TEST(GuardrailCheckTest, ListingIsCheckedForReadAndListGrants) {
  OrgSnapshot org = Organisation({Scp("NoListing", R"({"Effect":"Deny","Action":"s3:ListBucket","Resource":"*"})")});
  auto read_only = GuardrailDenial(org, Share("reports/"), "222222222222");
  ASSERT_TRUE(read_only);
  EXPECT_FALSE(read_only->has_value());
  auto listing = GuardrailDenial(org, Share("reports/", true), "222222222222");
  ASSERT_TRUE(listing);
  ASSERT_TRUE(listing->has_value());
  EXPECT_NE((*listing)->find("s3:ListBucket"), std::string::npos) << **listing;
}

TEST(GuardrailCheckTest, AnOrgMembershipConditionHoldsForMembersAndOutsidersHaveNoGuardrails) {
  OrgSnapshot org = Organisation({Scp("OnlyInsideTheOrg", R"({"Effect":"Deny","Action":"s3:*","Resource":"*",)"
                                                          R"("Condition":{"StringNotEquals":{"aws:ResourceOrgID":"o-other"},)"
                                                          R"("StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-govdtest01"}}})")});
  auto member = GuardrailDenial(org, Share("reports/"), "222222222222");
  ASSERT_TRUE(member) << member.error().ToString();
  EXPECT_FALSE(member->has_value()) << **member;
  auto outsider = GuardrailDenial(org, Share("reports/", true, "arn:aws:iam::999988887777:role/partner"), "222222222222");
  ASSERT_TRUE(outsider);
  EXPECT_FALSE(outsider->has_value()) << "SCPs do not apply outside the organisation";
}

TEST(GuardrailCheckTest, AWholeAccountIsNotProbedAndAGranteeThatIsNoPrincipalIsAnError) {
  OrgSnapshot org = Organisation({Scp("NoReads", R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*"})")});
  auto role = GuardrailDenial(org, Share("reports/"), "222222222222");
  ASSERT_TRUE(role);
  EXPECT_TRUE(role->has_value()) << "a role of the account is refused";
  auto account = GuardrailDenial(org, Share("reports/", false, "arn:aws:iam::111111111111:root"), "222222222222");
  ASSERT_TRUE(account) << account.error().ToString();
  EXPECT_FALSE(account->has_value()) << "which principal of the account reads is the account's choice";
  EXPECT_FALSE(GuardrailDenial(org, Share("reports/", false, "not-an-arn"), "222222222222"));
}

}  // namespace
}  // namespace govd::policy

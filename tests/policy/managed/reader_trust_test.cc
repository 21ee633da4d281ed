// The reader role's trust policy (policy/managed/reader_trust.h): govd's Allow only while needed, foreign
// statements kept, a managed Deny when nothing else is left, nothing written when in sync.
#include "policy/managed/reader_trust.h"

#include <gtest/gtest.h>

#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"
#include "tests/policy/json_text.h"

namespace govd::policy {
namespace {

using testing::JsonOf;

constexpr const char* kCentral = "arn:aws:iam::111111111111:role/govd-central";
constexpr const char* kForeign =
    R"({"Sid":"BreakGlass","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/admin"},)"
    R"("Action":"sts:AssumeRole"})";

Json::Value Document(const std::string& statements) {
  return JsonOf(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}");
}

TEST(ReaderTrustTest, NeededAddsTheAllowWithTheExternalIdAndKeepsForeignStatements) {
  auto plan = PlanReaderTrust(Document(kForeign), true, kCentral, "leeds-7");
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_TRUE(plan->change);
  EXPECT_TRUE(plan->allows);
  const Json::Value& statements = plan->document["Statement"];
  ASSERT_EQ(statements.size(), 2U);
  EXPECT_EQ(CanonicalStatementText(statements[0]), CanonicalStatementText(JsonOf(kForeign))) << "foreign first, as it was";
  EXPECT_EQ(statements[1]["Sid"].asString(), kReaderTrustSid);
  EXPECT_EQ(statements[1]["Effect"].asString(), "Allow");
  EXPECT_EQ(statements[1]["Principal"]["AWS"].asString(), kCentral);
  EXPECT_EQ(statements[1]["Condition"]["StringEquals"]["sts:ExternalId"].asString(), "leeds-7");
  EXPECT_TRUE(HasReaderTrustAllow(plan->document, kCentral, "leeds-7"));
  EXPECT_FALSE(HasReaderTrustAllow(plan->document, kCentral, "other")) << "another ExternalId is not the same grant";

  auto again = PlanReaderTrust(plan->document, true, kCentral, "leeds-7");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->change) << "in sync: nothing to write";
}

TEST(ReaderTrustTest, NotNeededRemovesTheAllowAndLeavesForeignStatementsAlone) {
  auto granted = PlanReaderTrust(Document(kForeign), true, kCentral, "");
  ASSERT_TRUE(granted);
  auto revoked = PlanReaderTrust(granted->document, false, kCentral, "");
  ASSERT_TRUE(revoked) << revoked.error().ToString();
  ASSERT_TRUE(revoked->change);
  EXPECT_FALSE(revoked->allows);
  EXPECT_TRUE(EquivalentPolicies(revoked->document, Document(kForeign)));
  EXPECT_FALSE(HasReaderTrustAllow(revoked->document, kCentral, ""));
}

TEST(ReaderTrustTest, WithNothingLeftAManagedDenyLetsNobodyIn) {
  auto granted = PlanReaderTrust(Json::Value(), true, kCentral, "");
  ASSERT_TRUE(granted);
  ASSERT_EQ(granted->document["Statement"].size(), 1U);
  auto revoked = PlanReaderTrust(granted->document, false, kCentral, "");
  ASSERT_TRUE(revoked);
  ASSERT_TRUE(revoked->change);
  const Json::Value& statements = revoked->document["Statement"];
  ASSERT_EQ(statements.size(), 1U);
  EXPECT_EQ(statements[0]["Sid"].asString(), kReaderTrustNobodySid);
  EXPECT_EQ(statements[0]["Effect"].asString(), "Deny");
  EXPECT_FALSE(PlanReaderTrust(revoked->document, false, kCentral, "")->change);
  // A foreign statement added later: the placeholder goes, the foreign statement stays.
  Json::Value with_foreign = revoked->document;
  with_foreign["Statement"].append(JsonOf(kForeign));
  auto tidied = PlanReaderTrust(with_foreign, false, kCentral, "");
  ASSERT_TRUE(tidied);
  ASSERT_TRUE(tidied->change);
  EXPECT_TRUE(EquivalentPolicies(tidied->document, Document(kForeign)));
}

TEST(ReaderTrustTest, AHandEditedManagedStatementIsDriftAndRepaired) {
  // Someone widened govd's statement to the whole central account.
  Json::Value widened = Document(
      R"({"Sid":"GovdManagedReaderTrust","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},)"
      R"("Action":"sts:AssumeRole"})");
  auto plan = PlanReaderTrust(widened, true, kCentral, "");
  ASSERT_TRUE(plan);
  ASSERT_TRUE(plan->change);
  ASSERT_EQ(plan->document["Statement"].size(), 1U);
  EXPECT_EQ(plan->document["Statement"][0]["Principal"]["AWS"].asString(), kCentral);
}

TEST(ReaderTrustTest, BadInputsAreRefusedByName) {
  auto not_trust = PlanReaderTrust(
      Document(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})"), true, kCentral, "");
  ASSERT_FALSE(not_trust);
  EXPECT_NE(not_trust.error().message().find("trust policy"), std::string::npos) << not_trust.error().ToString();
  auto bad_principal = PlanReaderTrust(Json::Value(), true, "central", "");
  ASSERT_FALSE(bad_principal);
  EXPECT_EQ(bad_principal.error().where(), "trusted");
}

}  // namespace
}  // namespace govd::policy

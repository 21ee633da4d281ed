#include "policy/managed/managed_statements.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "policy/engine/policy_canonical.h"
#include "tests/policy/json_text.h"

namespace govd::policy {
namespace {

using testing::JsonOf;

constexpr const char* kCentral = "arn:aws:iam::111111111111:role/central-reader";
constexpr const char* kAuditor = "arn:aws:iam::333333333333:role/auditor";

TEST(ManagedStatementsTest, RendersReadAndPrefixLimitedList) {
  std::vector<BucketShare> shares{{"la1-shared", "shared/reports/", kCentral, true}};
  auto statements = RenderBucketStatements(shares);
  ASSERT_TRUE(statements) << statements.error().ToString();
  ASSERT_EQ(statements->size(), 2U);
  const Json::Value& read = (*statements)[0];
  EXPECT_TRUE(IsManagedStatement(read));
  EXPECT_EQ(read["Action"].asString(), "s3:GetObject");
  EXPECT_EQ(read["Resource"][0].asString(), "arn:aws:s3:::la1-shared/shared/reports/*");
  EXPECT_EQ(read["Principal"]["AWS"].asString(), kCentral);
  const Json::Value& list = (*statements)[1];
  EXPECT_EQ(list["Action"].asString(), "s3:ListBucket");
  EXPECT_EQ(list["Resource"].asString(), "arn:aws:s3:::la1-shared");
  EXPECT_EQ(list["Condition"]["StringLike"]["s3:prefix"][0].asString(), "shared/reports/*");
}

TEST(ManagedStatementsTest, MergesPerGranteeDropsCoveredPrefixesAndIsOrderIndependent) {
  std::vector<BucketShare> shares{{"b", "shared/reports/2026/", kCentral, false},
                                  {"b", "shared/", kCentral, false},
                                  {"b", "shared/reports/", kCentral, false},
                                  {"b", "open/", kAuditor, false}};
  auto first = RenderBucketStatements(shares);
  std::reverse(shares.begin(), shares.end());
  auto second = RenderBucketStatements(shares);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->size(), 2U);  // one read statement per grantee, no list
  EXPECT_EQ(CompactJson(Json::Value((*first)[0])), CompactJson(Json::Value((*second)[0])));
  for (const auto& statement : *first) {
    if (statement["Principal"]["AWS"].asString() == kCentral) {
      ASSERT_EQ(statement["Resource"].size(), 1U);
      EXPECT_EQ(statement["Resource"][0].asString(), "arn:aws:s3:::b/shared/*");
    }
  }
  EXPECT_NE((*first)[0]["Sid"].asString(), (*first)[1]["Sid"].asString());
}

TEST(ManagedStatementsTest, WholeBucketListTakesNoPrefixCondition) {
  std::vector<BucketShare> shares{{"b", "", kCentral, true}};
  auto statements = RenderBucketStatements(shares);
  ASSERT_TRUE(statements);
  EXPECT_EQ((*statements)[0]["Resource"][0].asString(), "arn:aws:s3:::b/*");
  EXPECT_FALSE((*statements)[1].isMember("Condition"));
}

TEST(ManagedStatementsTest, RefusesPrefixesThatWouldWidenAccess) {
  for (const char* prefix : {"shared/*", "a?b/", "${aws:username}/", "/abs/", "line\nbreak/"}) {
    std::vector<BucketShare> shares{{"b", prefix, kCentral, false}};
    auto statements = RenderBucketStatements(shares);
    ASSERT_FALSE(statements) << prefix;
    EXPECT_EQ(statements.error().code(), ErrorCode::kInvalidArgument);
  }
  std::vector<BucketShare> bad_principal{{"b", "x/", "arn:aws:s3:::not-a-principal", false}};
  EXPECT_FALSE(RenderBucketStatements(bad_principal));
}

// Issue 16: IAM principal ARNs have no wildcards; one that has them would name every role or user
// it matches, so no statement is rendered for it, and the error names the grantee.
TEST(ManagedStatementsTest, RefusesGranteesWithWildcards) {
  for (const char* grantee : {"arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:user/c?ntral",
                              "arn:aws:iam::111111111111:role/team/*/reader"}) {
    std::vector<BucketShare> shares{{"b", "x/", grantee, false}};
    auto statements = RenderBucketStatements(shares);
    ASSERT_FALSE(statements) << grantee;
    EXPECT_EQ(statements.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(statements.error().message().find(grantee), std::string::npos) << statements.error().ToString();
    EXPECT_NE(statements.error().message().find("wildcard"), std::string::npos)
        << statements.error().ToString();
  }
}

// What an older govd wrote for a wildcard grantee does not parse; it is left out of the check
// only when it is govd's own Allow: a foreign statement or a Deny that does not parse stays.
TEST(ManagedStatementsTest, OnlyUnparseableManagedAllowsAreLeftOutOfTheCheck) {
  Json::Value document = JsonOf(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"GovdManagedReadaaaaaaaaaaaaaaaa","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/*"},
     "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x/*"},
    {"Sid":"GovdManagedReadbbbbbbbbbbbbbbbb","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},
     "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/y/*"},
    {"Sid":"GovdManagedDenycccccccccccccccc","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:role/*"},
     "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/z/*"},
    {"Sid":"HandWritten","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/c?ntral"},
     "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/w/*"}]})");
  Json::Value checked = WithoutUnparseableManagedAllows(document);
  ASSERT_EQ(checked["Statement"].size(), 3U) << CompactJson(checked);
  EXPECT_EQ(checked["Statement"][0], document["Statement"][1]);
  EXPECT_EQ(checked["Statement"][1], document["Statement"][2]);
  EXPECT_EQ(checked["Statement"][2], document["Statement"][3]);
  EXPECT_EQ(WithoutUnparseableManagedAllows(Json::Value()), Json::Value());
}

TEST(ManagedStatementsTest, SplitKeepsForeignStatementsExactly) {
  Json::Value actual = JsonOf(R"({"Version":"2008-10-17","Id":"p1","Statement":[
    {"Sid":"HandWritten","Effect":"Allow","Principal":{"AWS":"444444444444"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"},
    {"Sid":"GovdManagedReadffff","Effect":"Allow","Principal":{"AWS":"x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
    {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  SplitStatements split = SplitByOwner(actual);
  EXPECT_EQ(split.managed.size(), 1U);
  ASSERT_EQ(split.foreign.size(), 2U);
  auto composed = ComposeBucketPolicy(actual, {});
  ASSERT_TRUE(composed);
  EXPECT_EQ((*composed)["Version"].asString(), "2008-10-17");
  EXPECT_EQ((*composed)["Id"].asString(), "p1");
  ASSERT_EQ((*composed)["Statement"].size(), 2U);
  EXPECT_EQ((*composed)["Statement"][0], actual["Statement"][0]);
  EXPECT_EQ((*composed)["Statement"][1], actual["Statement"][2]);
}

TEST(ManagedStatementsTest, NothingLeftMeansDelete) {
  Json::Value only_managed = JsonOf(
      R"({"Statement":[{"Sid":"GovdManagedListab","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]})");
  auto composed = ComposeBucketPolicy(only_managed, {});
  ASSERT_TRUE(composed);
  EXPECT_TRUE(composed->isNull());
}

TEST(ManagedStatementsTest, RefusesDocumentsOverTheAwsSizeLimit) {
  std::vector<BucketShare> shares;
  for (int i = 0; i < 100; ++i) {  // one grantee's prefixes merge compactly; many grantees do not
    shares.push_back({"b", "p/", "arn:aws:iam::111111111111:role/reader" + std::to_string(i), true});
  }
  auto statements = RenderBucketStatements(shares);
  ASSERT_TRUE(statements);
  auto composed = ComposeBucketPolicy(Json::Value(), *statements);
  ASSERT_FALSE(composed);
  EXPECT_EQ(composed.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(composed.error().message().find("20480"), std::string::npos);
}

}  // namespace
}  // namespace govd::policy

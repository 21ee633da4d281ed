#include "policy/engine/policy_canonical.h"

#include <gtest/gtest.h>

#include "tests/policy/json_text.h"

namespace govd::policy {
namespace {

using testing::JsonOf;

TEST(PolicyCanonicalTest, ListsStringsOrderAndWhitespaceDoNotMatter) {
  Json::Value written = JsonOf(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:role/r","222222222222"]},
     "Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*"},
    {"Sid":"B","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
     "Condition":{"Bool":{"aws:SecureTransport":false}}}]})");
  Json::Value read_back = JsonOf(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"B","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b/*"],
     "Condition":{"Bool":{"aws:securetransport":"false"}}},
    {"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:role/r"]},
     "Action":["s3:listbucket","s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]})");
  EXPECT_TRUE(EquivalentPolicies(written, read_back));
}

TEST(PolicyCanonicalTest, SingleStatementObjectEqualsOneElementArray) {
  EXPECT_TRUE(EquivalentPolicies(
      JsonOf(R"({"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}})"),
      JsonOf(R"({"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]})")));
}

TEST(PolicyCanonicalTest, DifferentMeaningsStayDifferent) {
  Json::Value base = JsonOf(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"}]})");
  Json::Value wider = JsonOf(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  Json::Value resource_case = JsonOf(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/Reports/*"}]})");
  Json::Value denied = JsonOf(R"({"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:role/r"},
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"}]})");
  EXPECT_FALSE(EquivalentPolicies(base, wider));
  EXPECT_FALSE(EquivalentPolicies(base, resource_case));  // resources match case-sensitively
  EXPECT_FALSE(EquivalentPolicies(base, denied));
}

TEST(PolicyCanonicalTest, CompactJsonHasNoWhitespace) {
  EXPECT_EQ(CompactJson(JsonOf(R"({ "a" : [ 1, "x" ] })")), R"({"a":[1,"x"]})");
}

}  // namespace
}  // namespace govd::policy

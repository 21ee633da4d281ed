// ParsePolicy: the forms AWS accepts, and the ones it refuses with the JSON pointer and the rule.
#include "policy/engine/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace govd::policy {
namespace {

TEST(ParserTest, ParsesEveryElementForm) {
  auto policy = ParsePolicy(R"({"Version":"2012-10-17","Id":"p1","Statement":[
    {"Sid":"A1","Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:root",
      "arn:aws:iam::111111111111:role/path/r","arn:aws:iam::111111111111:user/u",
      "arn:aws:sts::111111111111:assumed-role/r/s"],"Service":"ec2.amazonaws.com",
      "Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},
     "Action":["s3:Get*","S3:List?ucket"],"Resource":"arn:aws:s3:::b/${aws:username}/*",
     "Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-1/*"]},"NumericLessThan":{"n:x":3600},
                  "Bool":{"aws:SecureTransport":true},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}},
    {"Effect":"Deny","NotPrincipal":"*","NotAction":"iam:*","NotResource":["arn:aws:s3:::b"]}]})",
                            PolicyKind::kResource);
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_EQ(policy->version, PolicyVersion::k2012_10_17);
  EXPECT_EQ(policy->id, "p1");
  ASSERT_EQ(policy->statements.size(), 2U);
  const Statement& s = policy->statements[0];
  EXPECT_EQ(s.sid, "A1");
  ASSERT_EQ(s.principals.aws.size(), 5U);
  EXPECT_EQ(s.principals.aws[1].kind, PrincipalKind::kAccountRoot);
  EXPECT_EQ(s.principals.aws[1].account, "222222222222");
  EXPECT_EQ(s.principals.aws[2].name, "r");
  EXPECT_EQ(s.principals.aws[4].session, "s");
  EXPECT_EQ(s.principals.service.size(), 1U);
  EXPECT_EQ(s.actions[1].service, "s3");
  EXPECT_TRUE(s.resources[0].has_variables());
  ASSERT_EQ(s.conditions.size(), 4U);
  const Statement& d = policy->statements[1];
  EXPECT_TRUE(d.not_principal && d.principals.any && d.not_action && d.not_resource);
}

TEST(ParserTest, SingleStatementObjectAnd2008Version) {
  auto policy = ParsePolicy(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*",
                                "Resource":"arn:aws:s3:::b/${aws:username}"}})",
                            PolicyKind::kIdentity);
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_EQ(policy->version, PolicyVersion::k2008_10_17);
  EXPECT_FALSE(policy->statements[0].resources[0].has_variables()) << "2008-10-17 takes ${...} literally";
}

struct Refusal {
  const char* name;
  PolicyKind kind;
  const char* json;
  const char* where;
  const char* message;
};

const Refusal kRefusals[] = {
    {"NotJson", PolicyKind::kIdentity, R"({"Statement":)", "", "not valid JSON"},
    {"UnknownTopLevel", PolicyKind::kIdentity, R"({"Statement":[],"Foo":1})", "/Foo", "unknown element"},
    {"BadVersion", PolicyKind::kIdentity, R"({"Version":"2012-10-18","Statement":[]})", "/Version", "Version must be"},
    {"NoStatement", PolicyKind::kIdentity, R"({"Version":"2012-10-17"})", "", "needs a Statement"},
    {"EmptyStatements", PolicyKind::kIdentity, R"({"Statement":[]})", "/Statement", "non-empty array"},
    {"BadEffect", PolicyKind::kIdentity, R"({"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]})",
     "/Statement/0/Effect", "\"Allow\" or \"Deny\""},
    {"UnknownStatementElement", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Resources":"*"}]})", "/Statement/0/Resources",
     "unknown element"},
    {"ActionAndNotAction", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}})", "/Statement",
     "exactly one of Action and NotAction"},
    {"BadAction", PolicyKind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":["s3:Get","GetObject"],"Resource":"*"}]})",
     "/Statement/0/Action/1", "is not an action"},
    {"ActionNotString", PolicyKind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]})",
     "/Statement/0/Action/0", "must be strings"},
    {"MissingResource", PolicyKind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":"*"}]})", "/Statement/0",
     "exactly one of Resource and NotResource"},
    {"BadResource", PolicyKind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket/*"}]})",
     "/Statement/0/Resource", "is not a resource"},
    {"PrincipalInIdentity", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})", "/Statement/0/Principal",
     "may not name a principal"},
    {"PrincipalInScp", PolicyKind::kScp,
     R"({"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"*","Resource":"*"}]})",
     "/Statement/0/NotPrincipal", "may not name a principal"},
    {"BucketPolicyWithoutPrincipal", PolicyKind::kResource,
     R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", "/Statement/0", "needs a Principal"},
    {"TrustWithResource", PolicyKind::kTrust,
     R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]})",
     "/Statement/0/Resource", "trust policy has no Resource"},
    {"PrincipalString", PolicyKind::kResource,
     R"({"Statement":[{"Effect":"Allow","Principal":"111111111111","Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Principal", "must be \"*\""},
    {"PrincipalWildcard", PolicyKind::kResource,
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::111111111111:role/*"]},"Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Principal/AWS/1", "may not contain wildcards"},
    {"PrincipalBadArn", PolicyKind::kResource,
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:s3:::b"},"Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Principal/AWS", "needs a 12-digit account"},
    {"PrincipalUnknownType", PolicyKind::kResource,
     R"({"Statement":[{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Principal/Aws", "unknown element"},
    {"RcpAllow", PolicyKind::kRcp, R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Effect", "may only Deny"},
    {"RcpNamedPrincipal", PolicyKind::kRcp,
     R"({"Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}]})",
     "/Statement/0/Principal", "must be \"*\""},
    {"SidCharacters", PolicyKind::kIdentity,
     R"({"Statement":[{"Sid":"no spaces","Effect":"Allow","Action":"*","Resource":"*"}]})", "/Statement/0/Sid",
     "letters and digits"},
    {"DuplicateSid", PolicyKind::kIdentity,
     R"({"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]})",
     "/Statement/1/Sid", "unique"},
    {"UnknownOperator", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"aws:x":"y"}}}]})",
     "/Statement/0/Condition/StringEqual", "not a condition operator"},
    {"NullIfExists", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:x":"true"}}}]})",
     "/Statement/0/Condition/NullIfExists", "Null takes neither"},
    {"NumericValue", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":["10","ten"]}}}]})",
     "/Statement/0/Condition/NumericLessThan/aws:MultiFactorAuthAge/1", "not a number"},
    {"DateValue", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-13-01"}}}]})",
     "/Statement/0/Condition/DateLessThan/aws:CurrentTime", "not an ISO 8601 date"},
    {"BoolValue", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]})",
     "/Statement/0/Condition/Bool/aws:SecureTransport", "not \"true\" or \"false\""},
    {"IpValue", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]})",
     "/Statement/0/Condition/IpAddress/aws:SourceIp", "not an IPv4 or IPv6"},
    {"ArnValue", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"role/x"}}}]})",
     "/Statement/0/Condition/ArnLike/aws:PrincipalArn", "not an ARN"},
    {"ConditionKeyWithSlashIsEscaped", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/a~b":{}}}}]})",
     "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1a~0b", "must be strings, numbers or booleans"},
    {"EmptyValueList", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:x":[]}}}]})",
     "/Statement/0/Condition/StringEquals/aws:x", "at least one value"},
    {"ConditionKeyShape", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"nocolon":"x"}}}]})",
     "/Statement/0/Condition/StringEquals/nocolon", "not a condition key"},
    {"UnterminatedVariable", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"}]})",
     "/Statement/0/Resource", "no closing"},
    {"UnquotedDefault", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username, x}"}]})",
     "/Statement/0/Resource", "must be quoted"},
    {"DuplicateKey", PolicyKind::kIdentity, R"({"Statement":[],"Statement":[]})", "", "Duplicate key"},
};

class ParserRefusal : public testing::TestWithParam<Refusal> {};

TEST_P(ParserRefusal, NamesThePlaceAndTheRule) {
  const Refusal& r = GetParam();
  auto policy = ParsePolicy(r.json, r.kind);
  ASSERT_FALSE(policy) << r.json;
  EXPECT_EQ(policy.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(policy.error().where(), r.where) << policy.error().ToString();
  EXPECT_NE(policy.error().message().find(r.message), std::string::npos) << policy.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(Policies, ParserRefusal, testing::ValuesIn(kRefusals),
                         [](const testing::TestParamInfo<Refusal>& p) { return std::string(p.param.name); });

TEST(ParserTest, RefusesOversizedDocument) {
  std::string big(kMaxPolicyBytes + 1, ' ');
  auto policy = ParsePolicy(big, PolicyKind::kIdentity);
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message().find("at most"), std::string::npos);
}

TEST(ParserTest, ValueWhereIsPrefixedForEmbeddedDocuments) {
  Json::Value doc(Json::objectValue);
  doc["Statement"] = Json::Value(Json::arrayValue);
  auto policy = ParsePolicyValue(doc, PolicyKind::kIdentity, "/identityPolicies/2");
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().where(), "/identityPolicies/2/Statement");
}

}  // namespace
}  // namespace govd::policy

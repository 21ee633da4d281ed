// Condition operators against request contexts: one row per rule of AWS's condition semantics.
#include "policy/engine/condition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

struct Row {
  const char* name;
  const char* condition;  // the JSON object under "Condition"
  std::vector<std::pair<const char*, std::vector<const char*>>> context;  // 1 value = single-valued
  bool holds;
};

RequestContext MakeContext(const Row& row) {
  RequestContext context;
  for (const auto& [key, values] : row.context) {
    if (values.size() == 1) {
      context.Set(key, values[0]);
    } else {
      context.SetMultivalued(key, std::vector<std::string>(values.begin(), values.end()));
    }
  }
  return context;
}

using V = std::vector<const char*>;
const Row kRows[] = {
    {"StringEqualsCaseSensitive", R"({"StringEquals":{"aws:PrincipalTag/team":"finance"}})", {{"aws:principaltag/TEAM", V{"Finance"}}}, false},
    {"StringEqualsAnyValue", R"({"StringEquals":{"k:a":["x","y"]}})", {{"k:a", V{"y"}}}, true},
    {"StringEqualsMissing", R"({"StringEquals":{"k:a":"x"}})", {}, false},
    {"StringNotEqualsMissing", R"({"StringNotEquals":{"k:a":"x"}})", {}, true},
    {"StringNotEqualsAllDiffer", R"({"StringNotEquals":{"k:a":["x","y"]}})", {{"k:a", V{"y"}}}, false},
    {"StringEqualsIgnoreCase", R"({"StringEqualsIgnoreCase":{"k:a":"FiNaNcE"}})", {{"k:a", V{"finance"}}}, true},
    {"StringLikeStarCrossesSlash", R"({"StringLike":{"s3:prefix":"reports/*"}})", {{"s3:prefix", V{"reports/2025/q3"}}}, true},
    {"StringLikeQuestionOneChar", R"({"StringLike":{"k:a":"a?c"}})", {{"k:a", V{"abbc"}}}, false},
    {"StringNotLikeMissing", R"({"StringNotLike":{"k:a":"a*"}})", {}, true},
    {"IfExistsMissing", R"({"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}})", {}, true},
    {"IfExistsPresentWrong", R"({"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}})", {{"aws:SourceVpce", V{"vpce-2"}}}, false},
    {"NumericLessThan", R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})", {{"aws:MultiFactorAuthAge", V{"300"}}}, true},
    {"NumericDecimal", R"({"NumericGreaterThanEquals":{"k:n":1.5}})", {{"k:n", V{"1.50"}}}, true},
    {"NumericUnparsableRequest", R"({"NumericEquals":{"k:n":"1"}})", {{"k:n", V{"one"}}}, false},
    {"DateLessThanExpired", R"({"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})", {{"aws:CurrentTime", V{"2026-03-01T12:00:00Z"}}}, false},
    {"DateInstantsAcrossZones", R"({"DateEquals":{"k:d":"2026-03-01T13:00:00+01:00"}})", {{"k:d", V{"2026-03-01T12:00:00Z"}}}, true},
    {"DateEpoch", R"({"DateGreaterThan":{"k:d":"2026-03-01"}})", {{"k:d", V{"1800000000"}}}, true},
    {"BoolCaseInsensitive", R"({"Bool":{"aws:SecureTransport":"TRUE"}})", {{"aws:securetransport", V{"true"}}}, true},
    {"BoolLiteral", R"({"Bool":{"aws:SecureTransport":false}})", {{"aws:SecureTransport", V{"true"}}}, false},
    {"BinaryEquals", R"({"BinaryEquals":{"k:b":"QmluYXJ5"}})", {{"k:b", V{"QmluYXJ5"}}}, true},
    {"IpV4InBlock", R"({"IpAddress":{"aws:SourceIp":"10.20.0.0/16"}})", {{"aws:SourceIp", V{"10.20.1.10"}}}, true},
    {"IpV4OutsideBlock", R"({"IpAddress":{"aws:SourceIp":"10.20.0.0/16"}})", {{"aws:SourceIp", V{"10.21.0.1"}}}, false},
    {"IpV6InBlock", R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", {{"aws:SourceIp", V{"2001:db8:1::5"}}}, true},
    {"IpV6NeverInV4Block", R"({"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", {{"aws:SourceIp", V{"::ffff:10.0.0.1"}}}, true},
    {"IpSingleAddress", R"({"IpAddress":{"aws:SourceIp":"203.0.113.5"}})", {{"aws:SourceIp", V{"203.0.113.5"}}}, true},
    {"NotIpAddressMissing", R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", {}, true},
    {"ArnLikeFieldWise", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/central-*"}})", {{"aws:PrincipalArn", V{"arn:aws:iam::111111111111:role/central-reader"}}}, true},
    {"ArnLikeStarStaysInField", R"({"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/x"}})", {{"aws:SourceArn", V{"arn:aws:iam::1:2:role/x"}}}, false},
    {"ArnEqualsWildcards", R"({"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::b*"}})", {{"aws:SourceArn", V{"arn:aws:s3:::bucket"}}}, true},
    {"ArnNotLikeNotAnArn", R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b"}})", {{"aws:SourceArn", V{"nope"}}}, true},
    {"NullTrueMissing", R"({"Null":{"aws:PrincipalTag/team":"true"}})", {}, true},
    {"NullTruePresent", R"({"Null":{"aws:PrincipalTag/team":"true"}})", {{"aws:PrincipalTag/team", V{"x"}}}, false},
    {"NullFalsePresent", R"({"Null":{"k:a":false}})", {{"k:a", V{"x"}}}, true},
    {"ForAnyValueMatch", R"({"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-1/*/ou-sec/*"}})", {{"aws:PrincipalOrgPaths", V{"o-1/r/ou-a/", "o-1/r/ou-sec/"}}}, true},
    {"ForAnyValueMissing", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})", {}, false},
    {"ForAnyValueEmpty", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})", {{"aws:TagKeys", V{}}}, false},
    {"ForAllValuesMissing", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", {}, true},
    {"ForAllValuesEmpty", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", {{"aws:TagKeys", V{}}}, true},
    {"ForAllValuesExtra", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", {{"aws:TagKeys", V{"a", "owner"}}}, false},
    {"ForAllValuesSubset", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", {{"aws:TagKeys", V{"b", "a"}}}, true},
    {"ForAnyValueNegated", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}})", {{"aws:TagKeys", V{"a", "b"}}}, true},
    {"ForAllValuesNegated", R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":"a"}})", {{"aws:TagKeys", V{"a", "b"}}}, false},
    {"ForAnyValueIfExistsMissing", R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}})", {}, true},
    {"AllOperatorsAnd", R"({"StringEquals":{"k:a":"x"},"Bool":{"k:b":"true"}})", {{"k:a", V{"x"}}, {"k:b", V{"false"}}}, false},
    {"AllKeysAnd", R"({"StringEquals":{"k:a":"x","k:b":"y"}})", {{"k:a", V{"x"}}, {"k:b", V{"y"}}}, true},
    {"VariableInValue", R"({"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}})", {{"aws:ResourceAccount", V{"111111111111"}}, {"aws:PrincipalAccount", V{"111111111111"}}}, true},
    {"VariableMissingFailsClause", R"({"StringNotEquals":{"k:a":"${aws:username}"}})", {{"k:a", V{"x"}}}, false},
    {"VariableDefault", R"({"StringEquals":{"k:a":"${aws:username, 'nobody'}"}})", {{"k:a", V{"nobody"}}}, true},
    {"VariableValueIsLiteral", R"({"StringLike":{"k:a":"home/${aws:username}"}})", {{"k:a", V{"home/bob"}}, {"aws:username", V{"b*"}}}, false},
    {"EscapedStar", R"({"StringLike":{"k:a":"a${*}"}})", {{"k:a", V{"ab"}}}, false},
    {"EscapedStarLiteral", R"({"StringLike":{"k:a":"a${*}"}})", {{"k:a", V{"a*"}}}, true},
    {"EscapedDollar", R"({"StringEquals":{"k:a":"${$}{x}"}})", {{"k:a", V{"${x}"}}}, true},
    {"NumericVariable", R"({"NumericLessThan":{"k:n":"${k:limit}"}})", {{"k:n", V{"5"}}, {"k:limit", V{"10"}}}, true},
};

class ConditionRows : public testing::TestWithParam<Row> {};

TEST_P(ConditionRows, Holds) {
  const Row& row = GetParam();
  std::string json = std::string(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":)") +
                     row.condition + "}}";
  auto policy = ParsePolicy(json, PolicyKind::kIdentity);
  ASSERT_TRUE(policy) << policy.error().ToString();
  RequestContext context = MakeContext(row);
  bool holds = true;
  for (const auto& clause : policy->statements[0].conditions) holds = holds && clause.Evaluate(context);
  EXPECT_EQ(holds, row.holds) << row.condition;
}

INSTANTIATE_TEST_SUITE_P(Operators, ConditionRows, testing::ValuesIn(kRows),
                         [](const testing::TestParamInfo<Row>& p) { return std::string(p.param.name); });

TEST(ConditionOperatorTest, ParsesQualifiersAndSuffix) {
  auto op = ConditionOperator::Parse("ForAllValues:StringNotLikeIfExists");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->base, ConditionBase::kStringNotLike);
  EXPECT_EQ(op->qualifier, SetQualifier::kForAllValues);
  EXPECT_TRUE(op->if_exists);
  EXPECT_TRUE(op->negated());
  EXPECT_FALSE(ConditionOperator::Parse("ForSomeValues:StringLike"));
  EXPECT_FALSE(ConditionOperator::Parse("stringequals"));
}

TEST(GlobTest, Wildcards) {
  EXPECT_TRUE(GlobMatch("a*b?d", "axxxbcd", false));
  EXPECT_FALSE(GlobMatch("a*b?d", "abd", false));
  EXPECT_TRUE(GlobMatch("*", "", false));
  EXPECT_TRUE(GlobMatch("S3:GET*", "s3:getobject", true));
  EXPECT_FALSE(GlobMatch("a\\*", "ab", false));
  EXPECT_TRUE(GlobMatch("a\\*", "a*", false));
  EXPECT_TRUE(GlobMatch("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaab", false));
}

}  // namespace
}  // namespace govd::policy

#include "policy/engine/arn.h"

#include <gtest/gtest.h>

namespace govd::policy {
namespace {

TEST(ArnTest, ParsesFieldsAndKeepsColonsInResource) {
  auto arn = ParseArn("arn:aws:dynamodb:eu-west-1:333333333333:table/t:x");
  ASSERT_TRUE(arn) << arn.error().ToString();
  EXPECT_EQ(arn->partition, "aws");
  EXPECT_EQ(arn->service, "dynamodb");
  EXPECT_EQ(arn->region, "eu-west-1");
  EXPECT_EQ(arn->account, "333333333333");
  EXPECT_EQ(arn->resource, "table/t:x");
  EXPECT_EQ(arn->ToString(), "arn:aws:dynamodb:eu-west-1:333333333333:table/t:x");
}

TEST(ArnTest, S3ArnsHaveNoAccount) {
  auto arn = ParseArn("arn:aws:s3:::la1-shared/reports/q3.csv");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->account, "");
  EXPECT_EQ(arn->resource, "la1-shared/reports/q3.csv");
}

TEST(ArnTest, RefusesMalformedWithReason) {
  EXPECT_NE(ParseArn("arn:aws:s3").error().message().find("not an ARN"), std::string::npos);
  EXPECT_NE(ParseArn("urn:aws:s3:::b").error().message().find("arn:"), std::string::npos);
  EXPECT_NE(ParseArn("arn:aws:iam::12345:role/x").error().message().find("account"), std::string::npos);
  EXPECT_NE(ParseArn("arn:aws:iam::123456789012:").error().message().find("empty resource"),
            std::string::npos);
  EXPECT_FALSE(ParseArn("arn:aws:iam::123456789012:role/a\nb"));
  EXPECT_FALSE(ParseArn("arn:AWS:iam::123456789012:root"));
}

TEST(PrincipalArnTest, Kinds) {
  auto role = ParsePrincipalArn("arn:aws:iam::111111111111:role/path/central-reader");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->kind, PrincipalKind::kRole);
  EXPECT_EQ(role->name, "central-reader");
  auto session = ParsePrincipalArn("arn:aws:sts::111111111111:assumed-role/central-reader/s1");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->kind, PrincipalKind::kAssumedRoleSession);
  EXPECT_EQ(session->name, "central-reader");
  EXPECT_EQ(session->session, "s1");
  EXPECT_EQ(ParsePrincipalArn("arn:aws:iam::111111111111:root")->kind, PrincipalKind::kAccountRoot);
  EXPECT_EQ(ParsePrincipalArn("arn:aws:iam::111111111111:user/bob")->kind, PrincipalKind::kUser);
}

TEST(PrincipalArnTest, RefusesNonPrincipals) {
  EXPECT_FALSE(ParsePrincipalArn("arn:aws:s3:::bucket"));
  EXPECT_FALSE(ParsePrincipalArn("arn:aws:iam::111111111111:role/"));
  EXPECT_FALSE(ParsePrincipalArn("arn:aws:iam::111111111111:group/g"));
  EXPECT_FALSE(ParsePrincipalArn("arn:aws:sts::111111111111:assumed-role/onlyrole"));
  EXPECT_FALSE(ParsePrincipalArn("arn:aws:iam:eu-west-1:111111111111:role/r"));
}

TEST(AccountIdTest, TwelveDigits) {
  EXPECT_TRUE(AccountId::Parse("222222222222"));
  EXPECT_FALSE(AccountId::Parse("22222222222"));
  EXPECT_FALSE(AccountId::Parse("22222222222a"));
}

}  // namespace
}  // namespace govd::policy

// STS and IAM clients against a local server that replays response bodies written after the
// examples in the AWS API references (AssumeRole, GetCallerIdentity, GetRole, GetRolePolicy):
// what goes out in the form body, and what is read back.
#include <gtest/gtest.h>

#include "accounts/aws/iam_client.h"
#include "accounts/aws/sts_client.h"
#include "tests/accounts/aws/local_aws_deps.h"
#include "tests/accounts/aws/local_http_server.h"

namespace govd::accounts {
namespace {

using testing::CannedResponse;
using testing::LocalHttpServer;
using testing::ReceivedRequest;

constexpr char kAssumeRole[] = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
  <SourceIdentity>govd-central</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::222222222222:assumed-role/govd-reader/govd-central</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:govd-central</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>
      <Expiration>2026-11-25T01:00:00.123Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

constexpr char kCallerIdentity[] = R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
   <Arn>arn:aws:iam::111111111111:user/central</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>111111111111</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";

constexpr char kGetRole[] = R"(<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRoleResult>
    <Role>
      <Path>/govd/</Path>
      <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111111111111%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D</AssumeRolePolicyDocument>
      <MaxSessionDuration>3600</MaxSessionDuration>
      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
      <RoleName>govd-reader</RoleName>
      <Arn>arn:aws:iam::222222222222:role/govd/govd-reader</Arn>
      <CreateDate>2026-11-24T23:34:01Z</CreateDate>
    </Role>
  </GetRoleResult>
  <ResponseMetadata><RequestId>df37e965-9967-11e1-a4c3-270EXAMPLE04</RequestId></ResponseMetadata>
</GetRoleResponse>)";

constexpr char kGetRolePolicy[] = R"(<GetRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
<GetRolePolicyResult>
  <PolicyName>read</PolicyName>
  <RoleName>govd-reader</RoleName>
  <PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D</PolicyDocument>
</GetRolePolicyResult>
<ResponseMetadata><RequestId>7e7cd8bc-99ef-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
</GetRolePolicyResponse>)";

CannedResponse Replay(const ReceivedRequest& request) {
  for (auto [action, body] : {std::pair{"AssumeRole&", kAssumeRole}, {"GetCallerIdentity&", kCallerIdentity},
                              {"GetRole&", kGetRole}, {"GetRolePolicy&", kGetRolePolicy}}) {
    if (request.body.find(std::string("Action=") + action) != std::string::npos) return {200, body, {}};
  }
  return {200, "<UpdateAssumeRolePolicyResponse><ResponseMetadata/></UpdateAssumeRolePolicyResponse>", {}};
}

class QueryClientsTest : public ::testing::Test {
 protected:
  AwsCallerDeps Deps() { return local_.Deps(); }
  AwsEndpoint Endpoint(const std::string& service) {
    return ParseEndpointUrl(server_.url(), service, "us-east-1").value();
  }

  LocalHttpServer server_{Replay};
  testing::LocalAwsDeps local_;
};

TEST_F(QueryClientsTest, AssumeRoleSendsEveryOptionAndReadsTheSession) {
  StsClient sts(Endpoint("sts"), Deps());
  auto role = sts.AssumeRole({.role_arn = "arn:aws:iam::222222222222:role/govd/govd-reader",
                              .session_name = "govd-central",
                              .external_id = "ext id+1",
                              .duration_seconds = 900,
                              .source_identity = "govd-central"});
  ASSERT_TRUE(role) << role.error().ToString();
  EXPECT_EQ(role->credentials.keys.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role->credentials.keys.session_token(), "AQoDYXdzEPT//////////wEXAMPLEtc764");
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::222222222222:assumed-role/govd-reader/govd-central");
  EXPECT_EQ(role->source_identity, "govd-central");
  ASSERT_TRUE(role->credentials.expiration);
  EXPECT_EQ(FormatAmzDate(*role->credentials.expiration), "20261125T010000Z");
  EXPECT_EQ(server_.requests()[0].body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fgovd%2Fgovd-reader"
            "&RoleSessionName=govd-central&ExternalId=ext%20id%2B1&DurationSeconds=900&SourceIdentity=govd-central");
  EXPECT_NE(server_.requests()[0].head.find("Credential=AKIDCENTRAL/"), std::string::npos);
  EXPECT_NE(server_.requests()[0].head.find("/us-east-1/sts/aws4_request"), std::string::npos);
}

TEST_F(QueryClientsTest, GetCallerIdentity) {
  StsClient sts(Endpoint("sts"), Deps());
  auto identity = sts.GetCallerIdentity();
  ASSERT_TRUE(identity) << identity.error().ToString();
  EXPECT_EQ(identity->account, "111111111111");
  EXPECT_EQ(identity->arn, "arn:aws:iam::111111111111:user/central");
}

TEST_F(QueryClientsTest, GetRoleDecodesTheTrustPolicy) {
  IamClient iam(Endpoint("iam"), Deps());
  auto role = iam.GetRole("govd-reader");
  ASSERT_TRUE(role) << role.error().ToString();
  EXPECT_EQ(role->arn, "arn:aws:iam::222222222222:role/govd/govd-reader");
  EXPECT_EQ(role->path, "/govd/");
  EXPECT_EQ(role->max_session_duration, 3600);
  EXPECT_EQ(role->assume_role_policy,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]})");
}

TEST_F(QueryClientsTest, GetRolePolicyDecodesTheDocument) {
  IamClient iam(Endpoint("iam"), Deps());
  auto policy = iam.GetRolePolicy("govd-reader", "read");
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_EQ(*policy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})");
}

TEST_F(QueryClientsTest, PolicySpacesAreSentAsPercent20) {
  IamClient iam(Endpoint("iam"), Deps());
  ASSERT_TRUE(iam.UpdateAssumeRolePolicy("govd-reader", R"({"Version": "2012-10-17"})"));
  EXPECT_NE(server_.requests()[0].body.find("PolicyDocument=%7B%22Version%22%3A%20%222012-10-17%22%7D"),
            std::string::npos);
}

TEST_F(QueryClientsTest, WrongRootElementIsAnError) {
  LocalHttpServer odd([](const ReceivedRequest&) { return CannedResponse{200, "<Other/>", {}}; });
  StsClient sts(ParseEndpointUrl(odd.url(), "sts", "us-east-1").value(), Deps());
  auto identity = sts.GetCallerIdentity();
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace govd::accounts

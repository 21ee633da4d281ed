// The temporary credentials of an STS AssumeRole answer do not outlive their use in freed memory:
// govd's clients assume a role on a real RadosGW (fixture "rgw"), sign an S3 request with the
// session (its token travels in a header) and drop everything; no heap block freed meanwhile holds
// the session's secret key or token (tests/freed_memory_watch.h records every block freed).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/iam_client.h"
#include "accounts/aws/s3_client.h"
#include "accounts/aws/sts_client.h"
#include "tests/accounts/rgw_env.h"
#include "tests/freed_memory_watch.h"

namespace govd::accounts {
namespace {

TEST(StsSecretMemoryTest, AnAssumedRolesSecretAndTokenLeaveNoCopyInFreedMemory) {
  auto env = testing::LoadRgwEnv();
  if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
  CurlTransport transport;
  SystemClock time;
  SeededRandom random{7};
  RetryStrategy retry{RetryOptions{}, random};
  auto endpoint = [&](const std::string& service) {
    return ParseEndpointUrl((*env)["RGW_ENDPOINT"], service, "us-east-1").value();
  };
  StaticCredentialsProvider la1(
      AwsCredentials{signer::Credentials((*env)["RGW_LA1_ACCESS_KEY"], (*env)["RGW_LA1_SECRET_KEY"]), std::nullopt});
  StaticCredentialsProvider central(AwsCredentials{
      signer::Credentials((*env)["RGW_CENTRAL_ACCESS_KEY"], (*env)["RGW_CENTRAL_SECRET_KEY"]), std::nullopt});
  IamClient iam(endpoint("iam"), {transport, retry, time, &la1});
  CreateRoleRequest create;
  create.name = "govd-memory-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  create.assume_role_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"AWS":["arn:aws:iam::111111111111:user/central"]},"Action":["sts:AssumeRole"]}]})";
  auto role = iam.CreateRole(create);
  ASSERT_TRUE(role) << role.error().ToString();

  // Taken while watching, freed after: never part of the record.
  std::string secret;
  std::string token;
  govd::testing::FreedMemoryWatch watch;
  {
    StsClient sts(endpoint("sts"), {transport, retry, time, &central});
    auto assumed = sts.AssumeRole({.role_arn = role->arn,
                                   .session_name = "govd-memory",
                                   .external_id = std::nullopt,
                                   .duration_seconds = 900,
                                   .source_identity = std::nullopt});
    ASSERT_TRUE(assumed) << assumed.error().ToString();
    secret.assign(assumed->credentials.keys.secret_access_key());
    token.assign(assumed->credentials.keys.session_token());
    StaticCredentialsProvider session(assumed->credentials);
    S3Client s3(endpoint("s3"), {transport, retry, time, &session}, S3ClientOptions{.path_style = true});
    // Signed with the session's secret, the token in X-Amz-Security-Token; what RadosGW answers
    // does not matter here.
    (void)s3.GetBucketPolicy({"govd-memory-no-such-bucket", std::nullopt});
  }
  watch.Stop();
  ASSERT_FALSE(watch.Overflowed());
  ASSERT_GE(secret.size(), 16U);
  ASSERT_GE(token.size(), 16U);
  EXPECT_GT(watch.blocks(), 100U) << "the watch saw the calls";
  EXPECT_EQ(watch.BlocksHolding(secret), 0);
  EXPECT_EQ(watch.BlocksHolding(token), 0);
}

}  // namespace
}  // namespace govd::accounts

// Retries against a local HTTP server: transient S3 errors are retried with growing, jittered
// delays; denials are not retried at all. Delays go through a fake clock, so nothing sleeps.
#include <gtest/gtest.h>

#include "accounts/aws/s3_client.h"
#include "tests/accounts/aws/local_aws_deps.h"
#include "tests/accounts/aws/local_http_server.h"

namespace govd::accounts {
namespace {

using testing::CannedResponse;
using testing::LocalHttpServer;
using govd::testing::FixedRandom;
using testing::ReceivedRequest;

constexpr char kPolicy[] = R"({"Version":"2012-10-17","Statement":[]})";

CannedResponse S3Error(int status, const std::string& code) {
  return {status,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
              "</Code><Message>try later</Message><RequestId>REQ" + std::to_string(status) +
              "</RequestId></Error>",
          {{"Content-Type", "application/xml"}, {"x-amz-request-id", "REQ" + std::to_string(status)}}};
}

class RetryTest : public ::testing::Test {
 protected:
  AwsResult<std::string> GetPolicy(LocalHttpServer& server) {
    S3Client s3(ParseEndpointUrl(server.url(), "s3", "us-east-1").value(),
                local_.Deps(), S3ClientOptions{.path_style = true});
    return s3.GetBucketPolicy({"shared", std::nullopt});
  }

  testing::LocalAwsDeps local_;
};

TEST_F(RetryTest, SlowDownTwiceThenSuccessTakesThreeCallsWithGrowingDelays) {
  int calls = 0;
  LocalHttpServer server([&](const ReceivedRequest&) {
    return ++calls <= 2 ? S3Error(503, "SlowDown") : CannedResponse{200, kPolicy, {}};
  });
  auto policy = GetPolicy(server);
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_EQ(*policy, kPolicy);
  EXPECT_EQ(server.requests().size(), 3U);
  // Full jitter with the random source at its maximum: base * 2^0, base * 2^1.
  EXPECT_EQ(local_.time.sleeps(), (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100),
                                                                     std::chrono::milliseconds(200)}));
  // Each try is signed afresh (the retried request carries its own signature).
  EXPECT_NE(server.requests()[0].head.find("Authorization: AWS4-HMAC-SHA256"), std::string::npos);
}

TEST_F(RetryTest, AccessDeniedFailsAtOnce) {
  LocalHttpServer server([](const ReceivedRequest&) { return S3Error(403, "AccessDenied"); });
  auto policy = GetPolicy(server);
  ASSERT_FALSE(policy);
  EXPECT_EQ(server.requests().size(), 1U);
  EXPECT_TRUE(local_.time.sleeps().empty());
  EXPECT_EQ(policy.error().code(), ErrorCode::kPermissionDenied);
  ASSERT_NE(policy.aws_detail(), nullptr);
  EXPECT_EQ(policy.aws_detail()->code, "AccessDenied");
  EXPECT_EQ(policy.aws_detail()->http_status, 403);
  EXPECT_EQ(policy.aws_detail()->request_id, "REQ403");
  EXPECT_EQ(policy.aws_detail()->operation, "GetBucketPolicy");
}

TEST_F(RetryTest, MalformedPolicyIsNotRetried) {
  LocalHttpServer server([](const ReceivedRequest&) { return S3Error(400, "MalformedPolicy"); });
  auto policy = GetPolicy(server);
  ASSERT_FALSE(policy);
  EXPECT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(policy.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(RetryTest, PersistentFailureStopsAfterMaxAttempts) {
  LocalHttpServer server([](const ReceivedRequest&) { return S3Error(500, "InternalError"); });
  auto policy = GetPolicy(server);
  ASSERT_FALSE(policy);
  EXPECT_EQ(server.requests().size(), 4U);
  EXPECT_EQ(local_.time.sleeps().size(), 3U);
  EXPECT_EQ(policy.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(policy.error().retryable());
}

TEST_F(RetryTest, ConnectionRefusedIsRetriedAsUnavailable) {
  std::string url;
  {
    LocalHttpServer gone([](const ReceivedRequest&) { return CannedResponse{}; });
    url = gone.url();
  }
  S3Client s3(ParseEndpointUrl(url, "s3", "us-east-1").value(), local_.Deps(),
              S3ClientOptions{.path_style = true});
  auto policy = s3.GetBucketPolicy({"shared", std::nullopt});
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(policy.aws_detail(), nullptr);
  EXPECT_EQ(local_.time.sleeps().size(), 3U);
}

TEST(RetryStrategyTest, BudgetRunsOutAndSuccessRefillsIt) {
  FixedRandom random{1.0};
  RetryStrategy retry({.max_attempts = 10, .budget_tokens = 10, .retry_cost = 5}, random);
  EXPECT_TRUE(retry.AcquireRetry(1, false));
  EXPECT_TRUE(retry.AcquireRetry(1, false));
  EXPECT_FALSE(retry.AcquireRetry(1, false));
  for (int i = 0; i < 5; ++i) retry.RecordSuccess();
  EXPECT_EQ(retry.budget_left(), 5);
  EXPECT_TRUE(retry.AcquireRetry(1, false));
}

TEST(RetryStrategyTest, DelayIsCappedAndJittered) {
  FixedRandom max{1.0};
  RetryStrategy capped({.base_delay = std::chrono::milliseconds(100), .max_delay = std::chrono::milliseconds(1000)},
                       max);
  EXPECT_EQ(capped.Delay(1), std::chrono::milliseconds(100));
  EXPECT_EQ(capped.Delay(4), std::chrono::milliseconds(800));
  EXPECT_EQ(capped.Delay(5), std::chrono::milliseconds(1000));
  EXPECT_EQ(capped.Delay(60), std::chrono::milliseconds(1000));
  SeededRandom seeded(1);
  RetryStrategy jittered({}, seeded);
  bool varied = false;
  for (int i = 0; i < 20; ++i) {
    auto delay = jittered.Delay(3);
    EXPECT_LE(delay, std::chrono::milliseconds(400));
    varied = varied || delay != jittered.Delay(3);
  }
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace govd::accounts

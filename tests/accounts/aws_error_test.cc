// AWS error bodies as AWS documents them, in the three forms the clients meet.
#include "accounts/aws_error.h"

#include <gtest/gtest.h>

namespace govd::accounts {
namespace {

HttpResponse Response(long status, std::string body, HttpHeaders headers = {}) {  // NOLINT(google-runtime-int)
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(AwsErrorTest, S3ErrorForm) {
  auto detail = ParseAwsErrorResponse("s3", "GetBucketPolicy", Response(404, R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message>
<BucketName>shared</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>)"));
  EXPECT_EQ(detail.code, "NoSuchBucketPolicy");
  EXPECT_EQ(detail.message, "The bucket policy does not exist");
  EXPECT_EQ(detail.request_id, "4442587FB7D0A2F9");
  AwsError error = MakeAwsError(detail);
  EXPECT_EQ(error.error.code(), ErrorCode::kNotFound);
  EXPECT_EQ(error.error.message(),
            "s3 GetBucketPolicy: HTTP 404: NoSuchBucketPolicy: The bucket policy does not exist: (request id "
            "4442587FB7D0A2F9)");
}

TEST(AwsErrorTest, QueryProtocolErrorResponseForm) {
  auto detail = ParseAwsErrorResponse("iam", "PutRolePolicy", Response(400, R"(<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>Syntax errors in policy.</Message></Error>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>)"));
  EXPECT_EQ(detail.code, "MalformedPolicyDocument");
  EXPECT_EQ(detail.request_id, "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
  EXPECT_FALSE(IsRetryableAwsError(detail));
  EXPECT_EQ(MakeAwsError(detail).error.code(), ErrorCode::kInvalidArgument);
}

TEST(AwsErrorTest, Json11Form) {
  auto detail = ParseAwsErrorResponse(
      "organizations", "ListAccounts",
      Response(400, R"({"__type":"com.amazonaws.organizations#TooManyRequestsException","Message":"Rate exceeded"})",
               {{"x-amzn-RequestId", "c0ffee"}}));
  EXPECT_EQ(detail.code, "TooManyRequestsException");
  EXPECT_EQ(detail.message, "Rate exceeded");
  EXPECT_EQ(detail.request_id, "c0ffee");
  EXPECT_TRUE(IsRetryableAwsError(detail));
}

TEST(AwsErrorTest, RetryClassification) {
  auto retryable = [](long status, std::string code) {  // NOLINT(google-runtime-int)
    AwsErrorDetail d;
    d.http_status = status;
    d.code = std::move(code);
    return IsRetryableAwsError(d);
  };
  EXPECT_TRUE(retryable(503, "SlowDown"));
  EXPECT_TRUE(retryable(400, "Throttling"));
  EXPECT_TRUE(retryable(400, "RequestTimeout"));
  EXPECT_TRUE(retryable(500, "InternalError"));
  EXPECT_TRUE(retryable(502, ""));
  EXPECT_FALSE(retryable(403, "AccessDenied"));
  EXPECT_FALSE(retryable(400, "MalformedPolicy"));
  EXPECT_FALSE(retryable(404, "NoSuchBucket"));
}

TEST(AwsErrorTest, HeadAnswersWithoutBody) {
  auto detail = ParseAwsErrorResponse("s3", "HeadObject", Response(404, "", {{"x-amz-request-id", "R1"}}));
  EXPECT_EQ(detail.code, "NotFound");
  EXPECT_EQ(detail.request_id, "R1");
  EXPECT_EQ(MakeAwsError(detail).error.code(), ErrorCode::kNotFound);
}

TEST(AwsErrorTest, DenialMapsToPermissionDenied) {
  auto detail = ParseAwsErrorResponse("s3", "GetObject",
                                      Response(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"));
  EXPECT_EQ(MakeAwsError(detail).error.code(), ErrorCode::kPermissionDenied);
  EXPECT_FALSE(MakeAwsError(detail).error.retryable());
}

}  // namespace
}  // namespace govd::accounts

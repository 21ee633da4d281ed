// AWS error bodies as AWS documents them, in the three forms the clients meet.
#include "accounts/aws/aws_error.h"

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

// Found by xml_fuzz: a JSON error body nested past jsoncpp's stack limit made jsoncpp throw, and
// the exception ended govd. It is now an unreadable body like any other.
TEST(AwsErrorTest, AJsonErrorBodyNestedPastTheLimitIsUnreadableNotFatal) {
  std::string body = "{\"__type\":" + std::string(5000, '[');
  auto detail = ParseAwsErrorResponse("organizations", "ListAccounts", Response(400, body));
  EXPECT_EQ(detail.http_status, 400);
  EXPECT_TRUE(detail.code.empty());
  EXPECT_EQ(MakeAwsError(detail).error.code(), ErrorCode::kInvalidArgument);
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

TEST(AwsErrorTest, TruncatedErrorBodyKeepsTheHttpStatusAndItsRetryClass) {
  const std::string whole = R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>)"
                            R"(<Message>Please reduce your request rate.</Message><RequestId>R7</RequestId></Error>)";
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, whole.find("<Code>") + 3, whole.find("</Code>"),
                          whole.size() - 1}) {
    auto detail = ParseAwsErrorResponse("s3", "PutBucketPolicy", Response(503, whole.substr(0, cut)));
    EXPECT_EQ(detail.http_status, 503) << "cut at " << cut;
    EXPECT_TRUE(IsRetryableAwsError(detail)) << "a 503 stays retryable, whatever its body; cut at " << cut;
    AwsError error = MakeAwsError(detail);
    EXPECT_NE(error.error.message().find("HTTP 503"), std::string::npos) << error.error.message();
  }
  auto denied = ParseAwsErrorResponse("s3", "GetBucketPolicy", Response(403, "<Error><Code>AccessDen"));
  EXPECT_FALSE(IsRetryableAwsError(denied)) << "a truncated 403 is not turned into something retryable";
}

TEST(AwsErrorTest, HostileErrorBodiesAreNeverExpandedOrEchoed) {
  std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">)";
  std::string previous = "a";
  for (char name = 'b'; name <= 'j'; ++name) {  // 10^9 'a's if it were ever expanded
    laughs += std::string("<!ENTITY ") + name + " \"";
    for (int i = 0; i < 10; ++i) laughs += "&" + previous + ";";
    laughs += "\">";
    previous = std::string(1, name);
  }
  laughs += "]><Error><Code>&j;</Code><Message>&j;</Message></Error>";
  const std::string external =
      R"(<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><Error><Code>&x;</Code><Message>&x;</Message></Error>)";
  for (const std::string& body : {laughs, external}) {
    auto detail = ParseAwsErrorResponse("s3", "GetBucketPolicy", Response(400, body));
    AwsError error = MakeAwsError(detail);
    EXPECT_EQ(detail.http_status, 400);
    EXPECT_EQ(detail.code.find("aaaa"), std::string::npos);
    EXPECT_EQ(detail.message.find("root:"), std::string::npos);
    EXPECT_LT(error.error.message().size(), 1024U) << "the error stays small: " << error.error.message();
    EXPECT_EQ(error.error.message().find("ENTITY"), std::string::npos) << error.error.message();
  }
}

}  // namespace
}  // namespace govd::accounts

// accounts/aws/aws_error.h
// Typed failures of AWS calls. AwsErrorDetail holds the facts of an AWS error response (service,
// operation, HTTP status, AWS error code, message, request id); AwsResult<T> is a govd::Result<T>
// that also carries that detail when the failure came from AWS, so code that only knows
// govd::Error keeps working (GOVD_TRY) while callers that care can branch on the AWS code.
// Also: parsing AWS error bodies (S3 <Error>, IAM/STS <ErrorResponse><Error>, JSON 1.1
// {"__type"}) and the retry classification AWS documents.
// Pure and thread safe. Error bodies echo request data but never credentials; messages built here
// never include request headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "accounts/aws/http_transport.h"
#include "base/result.h"

namespace govd::accounts {

struct AwsErrorDetail {
  std::string service;    // "s3", "sts", "iam", "organizations"
  std::string operation;  // "GetBucketPolicy"
  long http_status = 0;   // NOLINT(google-runtime-int): as HttpResponse
  std::string code;       // "AccessDenied", "NoSuchBucketPolicy", "Throttling"
  std::string message;    // AWS's own message
  std::string request_id;
};

struct AwsError {
  Error error;
  AwsErrorDetail detail;
};

// Any failure of an AWS call: the detail is there when AWS answered with an error.
struct AwsFailure {
  Error error;
  std::optional<AwsErrorDetail> detail;
};

template <typename T>
class [[nodiscard]] AwsResult : public Result<T> {
 public:
  using Result<T>::Result;
  // NOLINTBEGIN(google-explicit-constructor): `return aws_error;` must work.
  AwsResult(AwsError failure) : Result<T>(std::move(failure.error)), detail_(std::move(failure.detail)) {}
  AwsResult(AwsFailure failure) : Result<T>(std::move(failure.error)), detail_(std::move(failure.detail)) {}
  // NOLINTEND(google-explicit-constructor)

  // The failure with its AWS detail, to pass on to a caller (GOVD_AWS_TRY). REQUIRES: failed.
  AwsFailure failure() const { return {this->error(), detail_}; }

  // The AWS facts when the call failed with an AWS error response; nullptr for other failures
  // (transport, parsing, credentials) and on success.
  const AwsErrorDetail* aws_detail() const { return detail_ ? &*detail_ : nullptr; }
  // The AWS error code, or "" when there is none.
  std::string aws_code() const { return detail_ ? detail_->code : std::string(); }

 private:
  std::optional<AwsErrorDetail> detail_;
};

using AwsStatus = AwsResult<void>;

// Reads code, message and request id from an error body in any of the AWS forms. Fields that
// cannot be found stay empty; the request id falls back to the x-amz-request-id /
// x-amzn-RequestId headers.
AwsErrorDetail ParseAwsErrorResponse(std::string_view service, std::string_view operation,
                                     const HttpResponse& response);

// True when AWS documents the failure as transient: HTTP 500/502/503/504, and the throttling and
// timeout codes (SlowDown, Throttling, ThrottlingException, RequestTimeout, ...). Never 4xx
// denials or malformed input.
bool IsRetryableAwsError(const AwsErrorDetail& detail);

// Maps the detail onto a govd::Error with a message naming service, operation, status, code,
// AWS's message and the request id.
AwsError MakeAwsError(AwsErrorDetail detail);

}  // namespace govd::accounts

// As GOVD_TRY / GOVD_ASSIGN_OR_RETURN, but keep the AWS detail when returning an AwsResult.
#define GOVD_AWS_TRY(expr)                                     \
  do {                                                         \
    if (auto govd_aws_try_result_ = (expr); !govd_aws_try_result_) { \
      return govd_aws_try_result_.failure();                   \
    }                                                          \
  } while (false)
#define GOVD_AWS_ASSIGN_OR_RETURN(lhs, expr) \
  GOVD_AWS_ASSIGN_OR_RETURN_IMPL_(GOVD_RESULT_CONCAT_(govd_aws_result_, __LINE__), lhs, expr)
#define GOVD_AWS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp) return tmp.failure();                       \
  lhs = std::move(tmp).value()

#include "accounts/aws/aws_error.h"

#include <json/json.h>

#include <array>

#include "accounts/aws/xml_document.h"
#include "base/json_text.h"

namespace govd::accounts {
namespace {

constexpr std::array<std::string_view, 10> kRetryableCodes = {
    "SlowDown",           "Throttling",         "ThrottlingException",     "ThrottledException",
    "RequestTimeout",     "RequestTimeoutException", "RequestLimitExceeded", "TooManyRequestsException",
    "InternalError",      "ServiceUnavailable",
};

void ReadXmlError(std::string_view body, AwsErrorDetail& detail) {
  auto root = ParseXml(body);
  if (!root) return;
  // S3 and RGW: <Error><Code/>...<RequestId/></Error>; query protocol:
  // <ErrorResponse><Error><Code/>...</Error><RequestId/></ErrorResponse>.
  const XmlElement* error = root->name == "Error" ? &*root : root->Child("Error");
  if (error == nullptr) return;
  detail.code = error->ChildText("Code");
  detail.message = error->ChildText("Message");
  detail.request_id = error->ChildText("RequestId");
  if (detail.request_id.empty()) detail.request_id = root->ChildText("RequestId");
}

// JSON 1.1: {"__type": "com.amazonaws...#AccessDeniedException", "message": "..."}.
void ReadJsonError(std::string_view body, AwsErrorDetail& detail) {
  Result<Json::Value> parsed = ParseJsonText(body, "the error body");
  if (!parsed || !parsed->isObject()) return;
  const Json::Value& value = *parsed;
  std::string type = value.get("__type", "").asString();
  detail.code = type.substr(type.find('#') + 1);
  detail.message = value.isMember("message") ? value["message"].asString() : value.get("Message", "").asString();
}

std::string JoinNonEmpty(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ": ";
    out += part;
  }
  return out;
}

ErrorCode CodeFor(const AwsErrorDetail& d) {
  if (IsRetryableAwsError(d)) return ErrorCode::kUnavailable;
  if (d.code.starts_with("NoSuch") || d.code == "NotFound" || d.code.ends_with("NotFoundException") ||
      d.http_status == 404) {
    return ErrorCode::kNotFound;
  }
  if (d.code == "EntityAlreadyExists" || d.code == "BucketAlreadyOwnedByYou" || d.code == "BucketAlreadyExists") {
    return ErrorCode::kAlreadyExists;
  }
  if (d.http_status == 403 || d.http_status == 401 || d.code.starts_with("AccessDenied")) {
    return ErrorCode::kPermissionDenied;
  }
  if (d.code == "ExpiredToken" || d.code == "LimitExceeded" || d.code == "PreconditionFailed") {
    return ErrorCode::kFailedPrecondition;
  }
  return ErrorCode::kInvalidArgument;
}

}  // namespace

AwsErrorDetail ParseAwsErrorResponse(std::string_view service, std::string_view operation,
                                     const HttpResponse& response) {
  AwsErrorDetail detail;
  detail.service = service;
  detail.operation = operation;
  detail.http_status = response.status;
  std::string_view body = response.body;
  auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    ReadJsonError(body, detail);
  } else if (first != std::string_view::npos) {
    ReadXmlError(body, detail);
  }
  if (detail.request_id.empty()) {
    detail.request_id = response.Header("x-amz-request-id").value_or(response.Header("x-amzn-RequestId").value_or(""));
  }
  if (detail.code.empty() && response.body.empty()) {  // HEAD answers carry no body
    if (response.status == 404) detail.code = "NotFound";
    if (response.status == 403) detail.code = "Forbidden";
  }
  if (detail.code.empty()) {
    if (auto header = response.Header("x-amzn-ErrorType")) detail.code = header->substr(0, header->find(':'));
  }
  return detail;
}

bool IsRetryableAwsError(const AwsErrorDetail& detail) {
  for (std::string_view code : kRetryableCodes) {
    if (detail.code == code) return true;
  }
  return detail.http_status == 500 || detail.http_status == 502 || detail.http_status == 503 ||
         detail.http_status == 504 || detail.http_status == 429;
}

AwsError MakeAwsError(AwsErrorDetail detail) {
  std::string status = "HTTP " + std::to_string(detail.http_status);
  std::string request = detail.request_id.empty() ? "" : "(request id " + detail.request_id + ")";
  std::string message =
      JoinNonEmpty({detail.service + " " + detail.operation, status, detail.code, detail.message, request});
  return AwsError{Error(CodeFor(detail), std::move(message)), std::move(detail)};
}

}  // namespace govd::accounts

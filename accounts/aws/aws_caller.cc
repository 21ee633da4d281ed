#include "accounts/aws/aws_caller.h"

#include "base/iso8601.h"
#include "signer/canonical_request.h"
#include "signer/signature.h"
#include "signer/signing_params.h"

namespace govd::accounts {
namespace {

std::string BuildQueryString(const std::vector<signer::QueryParam>& query) {
  std::string out;
  for (const auto& param : query) {
    out += out.empty() ? "?" : "&";
    out += govd::UriEncode(param.name) + "=" + govd::UriEncode(param.value);
  }
  return out;
}

signer::SigningParams ParamsFor(const AwsEndpoint& endpoint, std::string amz_date) {
  if (endpoint.signing_service == "s3") {
    // Over plain http (a local test server) the payload must be hashed: UNSIGNED-PAYLOAD is
    // only meant for TLS.
    auto params = signer::S3SigningParams(endpoint.signing_region, std::move(amz_date));
    params.payload = signer::PayloadMode::kHashBody;
    return params;
  }
  return signer::ServiceSigningParams(endpoint.signing_service, endpoint.signing_region, std::move(amz_date));
}

// What an attempt's outcome is called in metrics: a bounded set of words, never request data.
std::string OutcomeOf(const AwsResult<HttpResponse>& result) {
  if (result) return "ok";
  std::string code = result.aws_code();
  return code.empty() ? "transport_error" : code;
}

// The request's copy of the session token (X-Amz-Security-Token) is wiped when the attempt ends.
class SessionTokenWiper {
 public:
  explicit SessionTokenWiper(HttpRequest& http) : http_(http) {}
  SessionTokenWiper(const SessionTokenWiper&) = delete;
  SessionTokenWiper& operator=(const SessionTokenWiper&) = delete;
  ~SessionTokenWiper() {
    for (auto& [name, value] : http_.headers) {
      if (name == "X-Amz-Security-Token") signer::WipeString(value);
    }
  }

 private:
  HttpRequest& http_;
};

bool IsTransportRetryable(const Error& error) {
  return error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kDeadlineExceeded;
}

}  // namespace

std::string FormatAmzDate(std::chrono::system_clock::time_point time) { return FormatUtc(time, "%Y%m%dT%H%M%SZ"); }

Result<HttpRequest> AwsCaller::BuildSigned(const AwsRequest& request, int attempt) {
  std::string host = request.host_prefix + endpoint_.host;
  HttpRequest http;
  http.method = request.method;
  http.url = endpoint_.scheme + "://" + host + request.path + BuildQueryString(request.query);
  http.headers = request.headers;
  http.body = request.body;
  http.body_file = request.body_file;
  http.headers.emplace_back("Host", host);
  // As the AWS SDKs do: which try this is, so that retries can be told apart on the wire.
  http.headers.emplace_back("amz-sdk-request", "attempt=" + std::to_string(attempt) + "; max=" +
                                                   std::to_string(deps_.retry.options().max_attempts));
  if (deps_.credentials == nullptr) return http;
  GOVD_ASSIGN_OR_RETURN(AwsCredentials credentials, deps_.credentials->Resolve());
  signer::SignableRequest signable;
  signable.method = request.method;
  signable.path = request.path;
  signable.query = request.query;
  for (const auto& [name, value] : http.headers) signable.headers.push_back({name, value});
  signable.body = http.body;
  auto params = ParamsFor(endpoint_, FormatAmzDate(deps_.time.Now()));
  GOVD_ASSIGN_OR_RETURN(auto signed_headers, signer::SignHeaders(signable, params, credentials.keys, &key_cache_));
  for (auto& header : signed_headers.headers_to_add) {
    http.headers.emplace_back(std::move(header.name), std::move(header.value));
  }
  return http;
}

AwsResult<HttpResponse> AwsCaller::CallOnce(const AwsRequest& request, int attempt, bool& retryable,
                                            bool& timed_out) {
  retryable = false;
  GOVD_ASSIGN_OR_RETURN(HttpRequest http, BuildSigned(request, attempt));
  const SessionTokenWiper wiper(http);
  auto response = deps_.transport.Send(http);
  if (!response) {
    retryable = IsTransportRetryable(response.error());
    timed_out = response.error().code() == ErrorCode::kDeadlineExceeded;
    return response.error().WithContext(endpoint_.signing_service + " " + request.operation);
  }
  if (response->status >= 200 && response->status < 300) return std::move(*response);
  AwsErrorDetail detail = ParseAwsErrorResponse(endpoint_.signing_service, request.operation, *response);
  retryable = IsRetryableAwsError(detail);
  timed_out = detail.code == "RequestTimeout";
  return MakeAwsError(std::move(detail));
}

AwsResult<HttpResponse> AwsCaller::Call(const AwsRequest& request) {
  for (int attempt = 1;; ++attempt) {
    bool retryable = false;
    bool timed_out = false;
    auto started = deps_.time.Now();
    auto result = CallOnce(request, attempt, retryable, timed_out);
    if (deps_.observer != nullptr) {
      deps_.observer->OnAwsCall({endpoint_.signing_service, request.operation, OutcomeOf(result),
                                 deps_.time.Now() - started});
    }
    if (result) {
      deps_.retry.RecordSuccess();
      return result;
    }
    if (!retryable || !deps_.retry.AcquireRetry(attempt, timed_out)) return result;
    deps_.time.SleepFor(deps_.retry.Delay(attempt));
  }
}

}  // namespace govd::accounts

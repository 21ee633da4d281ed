// accounts/aws/http_transport.h
// The seam between the AWS clients and the network: one HTTP request in, one response (or a
// transport failure) out. The daemon uses CurlTransport; tests may pass their own.
// Thread safety: implementations must allow concurrent Send() calls from several threads.
// Send() blocks: never call it on the daemon's event-loop thread (see docs/aws-clients.md).
// Never log request headers or bodies: they carry signatures, session tokens and policies.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace govd::accounts {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup (HTTP header names are case-insensitive).
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "PUT", "POST", "DELETE", "HEAD"
  std::string url;     // absolute, already percent-encoded: "https://host/path?query"
  HttpHeaders headers;
  std::string body;
  // When set, a 2xx response body is written to this file instead of HttpResponse::body (error
  // bodies still land in HttpResponse::body so that they can be parsed).
  std::optional<std::string> body_file;
  // Overrides the transport's connect and total timeouts for this request (the instance
  // metadata service must answer fast or not at all).
  std::optional<std::chrono::milliseconds> timeout;
};

struct HttpResponse {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type for the status code
  HttpHeaders headers;
  std::string body;
  std::size_t body_file_bytes = 0;  // bytes written to HttpRequest::body_file

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// Transport failures are Errors: kUnavailable for connection failures and resets (retryable),
// kDeadlineExceeded for timeouts, kResourceExhausted when a response exceeds the size limit,
// kInvalidArgument for a malformed request.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

using HttpTransportPtr = std::unique_ptr<HttpTransport>;

}  // namespace govd::accounts

// daemon/cli/control_client.h
// govctl's side of the control API: one blocking HTTP/1.1 request over the daemon's unix socket
// (Boost.Beast), answered with the status and parsed JSON body. Transport failures (no socket,
// daemon gone, timeout) are kUnavailable errors naming the socket path; a socket this user may not
// open is kPermissionDenied, naming the group that grants access.
// Thread safety: one client per thread. Never sends credentials: the daemon learns who we are
// from the kernel (SO_PEERCRED).
#pragma once

#include <json/value.h>

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::daemon {

struct ControlResponse {
  int status = 0;
  Json::Value body;  // null when the answer had no JSON body
};

class ControlClient {
 public:
  explicit ControlClient(std::string socket_path, std::chrono::seconds timeout = std::chrono::seconds(30))
      : socket_path_(std::move(socket_path)), timeout_(timeout) {}

  // `body` is sent as application/json when not empty.
  Result<ControlResponse> Call(std::string_view method, std::string_view target, std::string_view body = {}) const;

 private:
  std::string socket_path_;
  std::chrono::seconds timeout_;
};

// The error text of a non-2xx answer: "permission denied: role auditor may not ..." or, when the
// body is not an API error, "HTTP 500". Escaped for a terminal (base/display_text.h): the message
// may quote what someone typed.
std::string DescribeErrorResponse(const ControlResponse& response);

}  // namespace govd::daemon

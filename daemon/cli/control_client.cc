#include "daemon/cli/control_client.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "base/display_text.h"
#include "daemon/api/json_body.h"

namespace govd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// A blocking socket without a deadline could hang govctl forever on a stuck daemon.
void SetSocketTimeouts(int fd, std::chrono::seconds timeout) {
  timeval value{.tv_sec = static_cast<time_t>(timeout.count()), .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
}

// Why connect() was refused, and what to do about it: the socket's group and mode, as the file
// system says (a govd socket is 0660 with control.socket-group).
std::string AccessDeniedText(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "the socket may not be opened by this user";
  std::array<char, 4096> buffer{};
  group entry{};
  group* found = nullptr;
  std::string name = getgrgid_r(info.st_gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr
                         ? std::string(found->gr_name)
                         : "gid " + std::to_string(info.st_gid);
  std::array<char, 8> mode{};
  std::snprintf(mode.data(), mode.size(), "%04o", static_cast<unsigned>(info.st_mode & 07777U));
  return "the socket is open to group " + name + " (mode " + mode.data() +
         "), which this user is not in; an administrator adds you with `usermod -aG " + name +
         " USER`, then log in again";
}

http::request<http::string_body> BuildRequest(std::string_view method, std::string_view target,
                                              std::string_view body) {
  http::request<http::string_body> request;
  request.method_string(boost::beast::string_view(method.data(), method.size()));
  request.target(boost::beast::string_view(target.data(), target.size()));
  request.version(11);
  request.set(http::field::host, "govd");
  request.set(http::field::user_agent, "govctl");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::string(body);
  request.keep_alive(false);
  request.prepare_payload();
  return request;
}

Result<ControlResponse> ToControlResponse(const http::response<http::string_body>& answer) {
  ControlResponse response{.status = static_cast<int>(answer.result_int()), .body = Json::Value()};
  if (answer.body().empty()) return response;
  auto json = ParseJsonBody(answer.body());
  if (!json) return Internal("the daemon's answer is not JSON: " + json.error().message());
  response.body = *json;
  return response;
}

}  // namespace

Result<ControlResponse> ControlClient::Call(std::string_view method, std::string_view target,
                                            std::string_view body) const {
  asio::io_context io;
  asio::local::stream_protocol::socket socket(io);
  boost::system::error_code error;
  socket.connect(asio::local::stream_protocol::endpoint(socket_path_), error);
  if (error == boost::system::errc::permission_denied) return PermissionDenied(AccessDeniedText(socket_path_), socket_path_);
  if (error) return Unavailable("cannot connect to govd: " + error.message(), socket_path_);
  SetSocketTimeouts(socket.native_handle(), timeout_);
  http::request<http::string_body> request = BuildRequest(method, target, body);
  http::write(socket, request, error);
  if (error) return Unavailable("sending the request failed: " + error.message(), socket_path_);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> answer;
  http::read(socket, buffer, answer, error);
  if (error) return Unavailable("reading the answer failed: " + error.message(), socket_path_);
  return ToControlResponse(answer);
}

std::string DescribeErrorResponse(const ControlResponse& response) {
  if (!response.body.isObject() || !response.body["error"].isObject()) {
    return "HTTP " + std::to_string(response.status);
  }
  const Json::Value& detail = response.body["error"];
  std::string text = detail["code"].asString();
  if (detail.isMember("where")) text += " at " + detail["where"].asString();
  return EscapeForTerminal(text + ": " + detail["message"].asString());
}

}  // namespace govd::daemon

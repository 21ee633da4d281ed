// libFuzzer target for the control API's request path without a socket: the bytes a client sends
// are read by the same Beast request parser and limits the control server uses, then go through
// ApiDispatcher::Dispatch (role map, MatchRoute, Authorize, ParseJsonBody) to handlers that echo
// what they were given. Input: one byte choosing the peer (admin, operator of one tenant, auditor,
// or a uid with no role), then the raw HTTP request. Checks: no crash; every answer is a JSON
// object with an error for statuses >= 400 and prints to JSON that parses back; a handler only
// runs for a caller its route allows (an unknown peer never, an operator only on its own tenant,
// an auditor never on a write endpoint).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/api/api_routes.h"
#include "daemon/api/role_map.h"
#include "daemon/server/api_dispatcher.h"

namespace govd::daemon {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kMaxHeaderBytes = 8U << 10U;  // ControlLimits' defaults
constexpr std::size_t kMaxBodyBytes = 64U << 10U;
const PeerCredentials kPeers[] = {{0, 0, 1, "root"}, {1001, 1001, 2, ""}, {1002, 1002, 3, ""}, {4242, 4242, 4, ""}};
constexpr std::string_view kOperatorTenant = "111122223333";

void Require(bool holds) {
  if (!holds) std::abort();
}

RoleMap FixedRoles() {
  RoleBinding admin{RoleBinding::Subject::kUid, 0, Role::kAdmin, std::nullopt};
  RoleBinding op{RoleBinding::Subject::kGid, 1001, Role::kOperator,
                 *policy::AccountId::Parse(kOperatorTenant)};
  RoleBinding auditor{RoleBinding::Subject::kUid, 1002, Role::kAuditor, std::nullopt};
  return *RoleMap::Build({admin, op, auditor}, "fuzz");
}

// Asserts the route allowed this caller, then echoes what the handler received.
Result<ApiResponse> Echo(const ApiRequest& request) {
  const Access& access = request.route.spec->access;
  switch (request.caller.role) {
    case Role::kAdmin:
      Require(access.admin);
      break;
    case Role::kAuditor:
      Require(access.auditor);
      break;
    case Role::kOperator:
      Require(access.operator_role && request.caller.tenant.has_value());
      Require(!request.route.tenant.has_value() || *request.route.tenant == *request.caller.tenant);
      break;
  }
  Require(request.caller.peer.uid != 4242);
  // Sizes, not the text: client bytes need not be UTF-8, and a handler echoing them is not govd's.
  // Signed, as the JSON reader gives small numbers back (the round trip compares types).
  ApiResponse response;
  response.body["pattern"] = std::string(request.route.spec->pattern);
  response.body["grant_bytes"] = static_cast<Json::Int64>(request.route.grant_id.size());
  response.body["query_bytes"] = static_cast<Json::Int64>(request.route.query.size());
  response.body["body_members"] = static_cast<Json::Int64>(request.body.size());
  return response;
}

ApiDispatcher MakeDispatcher() {
  ApiDispatcher dispatcher(FixedRoles(), ManagedTenants{std::string(kOperatorTenant)});
  for (const RouteSpec& route : kRoutes) dispatcher.Handle(route.endpoint, Echo);
  return dispatcher;
}

// Reads one request the way a control session does; nullopt when the bytes are not one.
std::optional<http::request<http::string_body>> ReadRequest(std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(kMaxBodyBytes);
  parser.eager(true);
  boost::beast::error_code error;
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), error);
    if (error == http::error::need_more) break;
    if (error) return std::nullopt;
    if (used == 0) break;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    // As http::read: the end of the stream before any byte was parsed is no request, and
    // put_eof() requires got_some() (Beast asserts it).
    if (!parser.got_some()) return std::nullopt;
    parser.put_eof(error);
    if (error || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

void CheckResponse(const ApiResponse& response) {
  Require(response.status >= 200 && response.status <= 599);
  Require(response.body.isObject());
  if (response.status >= 400) {
    Require(response.body["error"].isObject() && response.body["error"]["message"].isString());
  }
  Require(response.status != 405 || !response.allow.empty());
  Result<Json::Value> printed = ParseJsonBody(WriteJson(response.body));
  Require(printed.has_value() && *printed == response.body);
}

void Check(const ApiDispatcher& dispatcher, std::string_view input) {
  if (input.empty()) return;
  const PeerCredentials& peer = kPeers[static_cast<unsigned char>(input.front()) % std::size(kPeers)];
  std::optional<http::request<http::string_body>> request = ReadRequest(input.substr(1));
  if (!request) return;
  const auto view = [](boost::beast::string_view text) { return std::string_view(text.data(), text.size()); };
  std::optional<ApiResponse> answered;
  dispatcher.Dispatch(peer, view(request->method_string()), view(request->target()), request->body(),
                      [&](ApiResponse reply) { answered = std::move(reply); });
  Require(answered.has_value());  // the fuzzed dispatcher has no asynchronous handlers
  CheckResponse(*answered);
  if (peer.uid == 4242) Require(answered->status == 403);
}

}  // namespace
}  // namespace govd::daemon

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const govd::daemon::ApiDispatcher dispatcher = govd::daemon::MakeDispatcher();
  govd::daemon::Check(dispatcher, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

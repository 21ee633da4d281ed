#include "daemon/server/api_dispatcher.h"

#include <exception>

namespace govd::daemon {
namespace {

std::string DescribePeer(const PeerCredentials& peer) {
  return "uid " + std::to_string(peer.uid) + " gid " + std::to_string(peer.gid);
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 413;
    case ErrorCode::kDeadlineExceeded: return 408;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

ApiResponse ErrorResponse(const Error& error) {
  Json::Value detail(Json::objectValue);
  detail["code"] = std::string(ErrorCodeName(error.code()));
  detail["message"] = error.message();
  if (!error.where().empty()) detail["where"] = error.where();
  ApiResponse response;
  response.status = HttpStatusFor(error.code());
  response.body["error"] = detail;
  return response;
}

void ApiDispatcher::Dispatch(const PeerCredentials& peer, std::string_view method, std::string_view target,
                            std::string_view body, const ApiReply& reply) const {
  Result<Prepared> prepared = Prepare(peer, method, target, body);
  if (!prepared) return reply(ErrorResponse(prepared.error()));
  if (auto* decided = std::get_if<ApiResponse>(&*prepared)) return reply(std::move(*decided));
  const ApiRequest& request = std::get<ApiRequest>(*prepared);
  auto async = async_handlers_.find(request.route.spec->endpoint);
  if (async == async_handlers_.end()) {
    Result<ApiResponse> response = CallHandler(request);
    return reply(response ? *std::move(response) : ErrorResponse(response.error()));
  }
  try {
    async->second(request, reply);
  } catch (const std::exception& e) {  // the control-API edge: report, never crash the daemon
    reply(ErrorResponse(Internal(std::string("handler failed: ") + e.what())));
  }
}

Result<ApiDispatcher::Prepared> ApiDispatcher::Prepare(const PeerCredentials& peer, std::string_view method,
                                                       std::string_view target, std::string_view body) const {
  std::optional<Caller> caller = roles_.Resolve(peer);
  if (!caller) return PermissionDenied(DescribePeer(peer) + " has no role in this daemon's control.role map");
  GOVD_ASSIGN_OR_RETURN(MatchResult found, MatchRoute(method, target));
  if (found.kind == MatchKind::kNoSuchPath) return NotFound("no endpoint " + QuotableText(target));
  if (found.kind == MatchKind::kWrongMethod) {
    ApiResponse response = ErrorResponse(InvalidArgument("use " + found.allowed_method + " on this path", "method"));
    response.status = 405;
    response.allow = found.allowed_method;
    return Prepared(std::move(response));
  }
  GOVD_TRY(Authorize(*caller, found.match));
  if (found.match.tenant && !managed_.contains(found.match.tenant->str())) {
    return NotFound(
        "this govd does not manage tenant " + found.match.tenant->str() + "; ask the govd that does",
        "tenant");
  }
  ApiRequest request{.caller = *caller, .route = std::move(found.match), .body = Json::Value()};
  if (!body.empty()) {
    GOVD_ASSIGN_OR_RETURN(request.body, ParseJsonBody(body));
  }
  return Prepared(std::move(request));
}

Result<ApiResponse> ApiDispatcher::CallHandler(const ApiRequest& request) const {
  auto it = handlers_.find(request.route.spec->endpoint);
  if (it == handlers_.end()) {
    ApiResponse response = ErrorResponse(FailedPrecondition(std::string(request.route.spec->pattern) +
                                                     " is not available: this govd has no grant store wired in"));
    response.status = 501;
    return response;
  }
  try {
    return it->second(request);
  } catch (const std::exception& e) {  // the control-API edge: report, never crash the daemon
    return Internal(std::string("handler failed: ") + e.what());
  }
}

}  // namespace govd::daemon

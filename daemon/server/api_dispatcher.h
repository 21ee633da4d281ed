// daemon/server/api_dispatcher.h
// The control API without its transport: takes the peer's kernel credentials and one HTTP
// request (method, target, body) and produces the status and JSON answer. Steps, in order:
// resolve the caller from the role map, match the route, authorize, refuse a {tenant} this govd
// does not manage (404 naming it, before any handler or store sees it), parse the JSON body, run
// the endpoint's handler. Endpoints without a handler in this build answer 501, naming what is
// missing. Exceptions thrown by a handler stop here and become a 500 with their message.
// A handler answers at once (ApiHandler), or later (AsyncApiHandler: it must call its reply
// exactly once, on the event loop; api_worker.h runs a slow handler on a worker thread so that
// AWS calls never block the loop).
// Thread safety: not thread safe; govd calls it from its event loop only.
// Never echoes request bodies or credentials into errors or logs.
#pragma once

#include <json/value.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/json_body.h"
#include "daemon/api/role_map.h"

namespace govd::daemon {

struct ApiRequest {
  Caller caller;
  RouteMatch route;
  Json::Value body;  // null when the request had no body
};

struct ApiResponse {
  int status = 200;
  Json::Value body;
  std::string allow;  // the Allow header of a 405
};

// The tenants this govd manages, by account id: its own account and, in child mode, each
// [tenant.ACCOUNT] of its config. Fixed at start (a reload keeps them).
using ManagedTenants = std::set<std::string, std::less<>>;

using ApiHandler = std::function<Result<ApiResponse>(const ApiRequest& request)>;
using ApiReply = std::function<void(ApiResponse response)>;
using AsyncApiHandler = std::function<void(const ApiRequest& request, ApiReply reply)>;

// HTTP status for an error code (400, 403, 404, 409, 413, 503, ...).
int HttpStatusFor(ErrorCode code);

// {"error": {"code": "permission denied", "message": ..., "where": ...}} with its HTTP status.
ApiResponse ErrorResponse(const Error& error);

class ApiDispatcher {
 public:
  ApiDispatcher(RoleMap roles, ManagedTenants managed)
      : roles_(std::move(roles)), managed_(std::move(managed)) {}

  void Handle(Endpoint endpoint, ApiHandler handler) { handlers_[endpoint] = std::move(handler); }
  void HandleAsync(Endpoint endpoint, AsyncApiHandler handler) { async_handlers_[endpoint] = std::move(handler); }
  // Takes effect for the next request (SIGHUP); requests in flight keep the caller they had.
  void set_roles(RoleMap roles) { roles_ = std::move(roles); }

  // Calls `reply` once with the answer: before returning, or later from the event loop when the
  // endpoint's handler is asynchronous.
  void Dispatch(const PeerCredentials& peer, std::string_view method, std::string_view target, std::string_view body,
                const ApiReply& reply) const;

 private:
  // A request ready for its handler, or the answer already decided (405).
  using Prepared = std::variant<ApiRequest, ApiResponse>;
  Result<Prepared> Prepare(const PeerCredentials& peer, std::string_view method, std::string_view target,
                           std::string_view body) const;
  Result<ApiResponse> CallHandler(const ApiRequest& request) const;

  RoleMap roles_;
  ManagedTenants managed_;
  std::map<Endpoint, ApiHandler> handlers_;
  std::map<Endpoint, AsyncApiHandler> async_handlers_;
};

}  // namespace govd::daemon

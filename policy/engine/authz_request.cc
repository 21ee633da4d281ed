#include "policy/engine/authz_request.h"

#include "policy/engine/arn.h"

namespace govd::policy {
namespace {

Status SetPrincipal(const std::string& principal, PreparedRequest& out) {
  if (principal == kAnonymousPrincipal) return Ok();
  auto parsed = ParsePrincipalArn(principal);
  if (!parsed) return parsed.error().WithContext("request principal");
  out.account = parsed->arn.account;
  out.name = parsed->name;
  out.session = parsed->session;
  switch (parsed->kind) {
    case PrincipalKind::kRole: out.kind = RequesterKind::kRole; break;
    case PrincipalKind::kUser: out.kind = RequesterKind::kUser; break;
    case PrincipalKind::kAssumedRoleSession: out.kind = RequesterKind::kSession; break;
    case PrincipalKind::kAccountRoot:
      return InvalidArgument("request principal \"" + principal + "\": the account root is not a requester here");
  }
  return Ok();
}

Result<std::string> ResourceAccount(const AuthzRequest& request, const PreparedRequest& prepared) {
  if (!request.resource_account.empty()) {
    GOVD_ASSIGN_OR_RETURN(AccountId id, AccountId::Parse(request.resource_account));
    return id.str();
  }
  if (request.resource == "*") {
    if (prepared.account.empty()) return InvalidArgument("resource \"*\" of an anonymous request has no account");
    return prepared.account;
  }
  auto arn = ParseArn(request.resource);
  if (!arn) return arn.error().WithContext("request resource");
  if (arn->account.size() != 12) {
    return InvalidArgument("the account of resource \"" + request.resource +
                           "\" cannot be derived; give the resource account");
  }
  return arn->account;
}

}  // namespace

Result<PreparedRequest> PrepareRequest(const AuthzRequest& request) {
  PreparedRequest out;
  out.request = &request;
  GOVD_TRY(SetPrincipal(request.principal, out));
  out.action_lower = AsciiLower(request.action);
  auto colon = out.action_lower.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == out.action_lower.size() ||
      out.action_lower.find_first_of("*?") != std::string::npos) {
    return InvalidArgument("request action \"" + request.action + "\" is not service:Action");
  }
  out.service_lower = out.action_lower.substr(0, colon);
  if (request.resource.empty()) return InvalidArgument("the request names no resource");
  GOVD_ASSIGN_OR_RETURN(out.resource_account, ResourceAccount(request, out));
  out.same_account = !out.account.empty() && out.account == out.resource_account;
  return out;
}

}  // namespace govd::policy

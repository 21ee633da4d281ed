// policy/engine/authz_request.h
// One authorization question ("may P do A on R in context C?") and its prepared form: the
// principal parsed once, the accounts derived (principal account, resource account, same-account
// or not) and the action lowercased, so that evaluation does no parsing. Prepare a request once
// and evaluate it against as many policy sets as needed (CompiledPolicySet::Evaluate).
// Pure, thread safe (values).
#pragma once

#include <string>

#include "base/result.h"
#include "policy/engine/request_context.h"

namespace govd::policy {

inline constexpr std::string_view kAnonymousPrincipal = "anonymous";

struct AuthzRequest {
  std::string principal;         // role/user/assumed-role ARN, or "anonymous" (unsigned)
  std::string action;            // "s3:GetObject"
  std::string resource;          // full ARN, or "*" for actions without resource-level permissions
  std::string resource_account;  // 12 digits; empty = derive from the resource ARN
  RequestContext context;        // complete and authoritative
};

// Who is asking, as the rules distinguish it.
enum class RequesterKind { kAnonymous, kRole, kUser, kSession };

struct PreparedRequest {
  const AuthzRequest* request = nullptr;  // not owned; outlives this
  RequesterKind kind = RequesterKind::kAnonymous;
  std::string account;           // principal account; empty for anonymous
  std::string name;              // role or user name (the role of a session)
  std::string session;           // session name for kSession
  std::string action_lower;
  std::string service_lower;     // "s3"
  std::string resource_account;  // derived as in the case format (explicit, ARN field, or principal's)
  bool same_account = false;
  // The principal (for a session: its role) has a permissions boundary attached. Not part of the
  // AuthzRequest: EvaluateReference sets it from the PolicySet (a non-empty PolicySet::boundary);
  // CompiledPolicySet takes it from its own set and never reads this field, so one prepared
  // request serves any number of sets.
  bool has_boundary = false;
};

// Refuses an unparsable principal, an action without "service:", or a request whose resource
// account cannot be derived. The result has has_boundary false.
Result<PreparedRequest> PrepareRequest(const AuthzRequest& request);

}  // namespace govd::policy

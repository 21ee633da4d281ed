// policy/engine/statement_match.h
// Whether one statement applies to one prepared request: Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal and every Condition. Shared by the compiled and the reference evaluator.
// Pure, thread safe.
#pragma once

#include <optional>

#include "policy/engine/authz_request.h"
#include "policy/engine/policy.h"

namespace govd::policy {

// How a statement's Principal names the requester; the decision rules treat these differently
// (an account only delegates; a role ARN grant is still capped by boundary and session policy).
enum class PrincipalMatch {
  kUnscoped,  // the statement has no Principal element (identity, boundary, session, SCP)
  kAccount,   // the requester's account (12 digits or :root)
  kAny,       // "*" (also anonymous), or everyone outside a NotPrincipal list (in a Deny, also a
              // listed principal with a permissions boundary)
  kRole,      // the role ARN (matches its sessions too)
  kUser,      // the IAM user ARN
  kSession,   // the assumed-role session ARN
};

bool ActionMatches(const Statement& statement, const PreparedRequest& request);
bool ResourceMatches(const Statement& statement, const PreparedRequest& request);
bool ConditionsHold(const Statement& statement, const PreparedRequest& request);
// nullopt: the Principal/NotPrincipal element does not cover the requester. A Deny's NotPrincipal
// exempts no principal with a permissions boundary (PreparedRequest::has_boundary).
std::optional<PrincipalMatch> MatchPrincipal(const Statement& statement, const PreparedRequest& request);

// True when `statement` is a Deny whose NotPrincipal lists the requester and its account, so would
// exempt it, but the requester has a permissions boundary (`has_boundary`); for explanations.
bool BoundaryVoidsNotPrincipal(const Statement& statement, const PreparedRequest& request, bool has_boundary);

// All of the above; nullopt when the statement does not apply.
std::optional<PrincipalMatch> StatementApplies(const Statement& statement, const PreparedRequest& request);

// The same with the requester's permissions boundary given apart from the request, so that one
// prepared request serves policy sets with and without a boundary (request.has_boundary is not read).
std::optional<PrincipalMatch> StatementApplies(const Statement& statement, const PreparedRequest& request,
                                               bool has_boundary);

}  // namespace govd::policy

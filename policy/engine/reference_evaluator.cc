// The reference evaluator of policy/engine/evaluator.h: every statement of every policy is tested, and the
// rules are written out as one boolean formula per case, independently of CompiledPolicySet.
#include <algorithm>

#include "policy/engine/evaluator.h"

namespace govd::policy {
namespace {

struct Scan {
  const PreparedRequest& request;

  bool Any(const NamedPolicy& policy, Effect effect, bool (*accept)(PrincipalMatch)) const {
    return std::any_of(policy.policy.statements.begin(), policy.policy.statements.end(), [&](const Statement& s) {
      if (s.effect != effect) return false;
      auto match = StatementApplies(s, request);
      return match.has_value() && accept(*match);
    });
  }
  bool Any(const std::vector<NamedPolicy>& policies, Effect effect, bool (*accept)(PrincipalMatch)) const {
    return std::any_of(policies.begin(), policies.end(),
                       [&](const NamedPolicy& p) { return Any(p, effect, accept); });
  }
  bool Any(const std::optional<NamedPolicy>& policy, Effect effect, bool (*accept)(PrincipalMatch)) const {
    return policy.has_value() && Any(*policy, effect, accept);
  }
};

bool All(PrincipalMatch /*match*/) { return true; }
bool IsAny(PrincipalMatch match) { return match == PrincipalMatch::kAny; }
bool IsAccount(PrincipalMatch match) { return match == PrincipalMatch::kAccount; }
bool IsUser(PrincipalMatch match) { return match == PrincipalMatch::kUser; }
bool IsSession(PrincipalMatch match) { return match == PrincipalMatch::kSession; }
bool IsRoleOrAny(PrincipalMatch match) { return match == PrincipalMatch::kRole || match == PrincipalMatch::kAny; }

bool AnyDeny(const PolicySet& set, const Scan& scan) {
  auto level_denies = [&](const std::vector<NamedPolicy>& level) { return scan.Any(level, Effect::kDeny, All); };
  return std::any_of(set.scps.begin(), set.scps.end(), level_denies) ||
         std::any_of(set.rcps.begin(), set.rcps.end(), level_denies) || scan.Any(set.resource, Effect::kDeny, All) ||
         scan.Any(set.identity, Effect::kDeny, All) || scan.Any(set.boundary, Effect::kDeny, All) ||
         scan.Any(set.session, Effect::kDeny, All);
}

}  // namespace

Result<Decision> EvaluateReference(const PolicySet& set, const AuthzRequest& request) {
  GOVD_ASSIGN_OR_RETURN(PreparedRequest prepared, PrepareRequest(request));
  prepared.has_boundary = !set.boundary.empty();
  Scan scan{prepared};
  if (AnyDeny(set, scan)) return Decision::kExplicitDeny;
  bool anonymous = prepared.kind == RequesterKind::kAnonymous;
  if (anonymous) return scan.Any(set.resource, Effect::kAllow, IsAny) ? Decision::kAllow : Decision::kImplicitDeny;
  for (const auto& level : set.scps) {
    if (!scan.Any(level, Effect::kAllow, All)) return Decision::kImplicitDeny;
  }
  bool boundary = set.boundary.empty() || scan.Any(set.boundary, Effect::kAllow, All);
  bool session = !set.session || scan.Any(set.session, Effect::kAllow, All);
  bool identity = scan.Any(set.identity, Effect::kAllow, All) && boundary && session;
  bool resource_any = scan.Any(set.resource, Effect::kAllow, All);
  bool allowed = false;
  if (!prepared.same_account) {
    allowed = identity && resource_any;
  } else {
    bool direct = scan.Any(set.resource, Effect::kAllow, IsSession) ||
                  (scan.Any(set.resource, Effect::kAllow, IsUser) && session) ||
                  (scan.Any(set.resource, Effect::kAllow, IsRoleOrAny) && boundary && session);
    bool via_account = identity && scan.Any(set.resource, Effect::kAllow, IsAccount);
    bool trust = prepared.action_lower.starts_with("sts:assumerole");
    allowed = direct || (trust ? via_account : identity);
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

}  // namespace govd::policy

// The names and the reason text of an Evaluation (policy/engine/evaluation.h), written only when
// asked for: the evaluator records which rule decided, never text.
#include "policy/engine/evaluation.h"

namespace govd::policy {
namespace {

std::string_view GapText(IdentityGap gap) {
  switch (gap) {
    case IdentityGap::kNoIdentityAllow:
      return "no identity policy allows it";
    case IdentityGap::kBoundary:
      return "the permissions boundary does not allow it";
    case IdentityGap::kSession:
      return "the session policy does not allow it";
  }
  return "no identity policy allows it";
}

}  // namespace

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

std::string_view PolicySourceName(PolicySource source) {
  switch (source) {
    case PolicySource::kScp:
      return "scp";
    case PolicySource::kRcp:
      return "rcp";
    case PolicySource::kResource:
      return "resource";
    case PolicySource::kIdentity:
      return "identity";
    case PolicySource::kBoundary:
      return "boundary";
    case PolicySource::kSession:
      return "session";
  }
  return "unknown";
}

std::string StatementMatch::Label() const {
  const std::string& sid = statement().sid;
  return policy->name + " statement " + (sid.empty() ? "#" + std::to_string(statement_index) : sid);
}

std::string Evaluation::DescribeRule() const {
  auto label = [&] { return matches[subject].Label(); };
  switch (rule) {
    case DecidingRule::kExplicitDeny: {
      std::string text = "explicitly denied by " + label();
      if (!boundary_voids_not_principal) return text;
      return text +
             ": its NotPrincipal lists the principal, but exempts no principal with a permissions boundary";
    }
    case DecidingRule::kScpLevelWithoutAllow:
      return "no SCP statement at level " + std::to_string(scp_level) +
             " allows it (every level from the root to the account must allow)";
    case DecidingRule::kAnonymousGrant:
      return "anonymous request allowed by " + label();
    case DecidingRule::kAnonymousNoGrant:
      return "anonymous request: no resource-policy Allow with Principal \"*\"";
    case DecidingRule::kCrossAccountIdentityGap:
      return "cross-account: " + std::string(GapText(gap));
    case DecidingRule::kCrossAccountNoGrant:
      return "cross-account: no statement of the resource policy allows the principal";
    case DecidingRule::kCrossAccountGrant:
      return "cross-account: identity side and " + label() + " allow";
    case DecidingRule::kSameAccountDirectGrant:
      return "same account: " + label() + " names the principal";
    case DecidingRule::kSameAccountIdentity:
      return "same account: identity side allows";
    case DecidingRule::kSameAccountTrust:
      return "same account: " + label() + " trusts the account and identity allows";
    case DecidingRule::kTrustRefused:
      return "the role's trust policy does not trust the principal";
    case DecidingRule::kSameAccountIdentityGap:
      return "same account: " + std::string(GapText(gap)) +
             ", and no resource-policy grant names the principal";
  }
  return "";
}

}  // namespace govd::policy

// policy/engine/evaluation.h
// The answer of the evaluator: the decision, which rule decided and one sentence saying so (written
// only when asked for: see `reason`), and every statement that applied (policy, Sid or index,
// effect), with the deciding ones marked.
// A StatementMatch points into the PolicySet that was evaluated: use an Evaluation only while that
// set lives. Thread safety: values. An Evaluation reused for further decisions keeps the capacity
// of its vectors, so those decisions allocate nothing once it has grown to fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/policy_set.h"
#include "policy/engine/statement_match.h"

namespace govd::policy {

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };
std::string_view DecisionName(Decision decision);  // "Allow", "ExplicitDeny", "ImplicitDeny"

enum class PolicySource { kScp, kRcp, kResource, kIdentity, kBoundary, kSession };
std::string_view PolicySourceName(PolicySource source);  // "scp", "rcp", "resource", ...

struct StatementMatch {
  PolicySource source;
  std::size_t level;  // SCP/RCP level (0 = root); 0 otherwise
  const NamedPolicy* policy;
  std::size_t statement_index;
  PrincipalMatch principal;

  const Statement& statement() const { return policy->policy.statements[statement_index]; }
  // "policy-name statement Sid" or "policy-name statement #2".
  std::string Label() const;
};

// The rule that decided. Those marked "subject" name the statement Evaluation::subject points at.
enum class DecidingRule {
  kExplicitDeny,          // subject: the first Deny that applied
  kScpLevelWithoutAllow,  // Evaluation::scp_level
  kAnonymousGrant,        // subject: the resource-policy Allow with Principal "*"
  kAnonymousNoGrant,
  kCrossAccountIdentityGap,  // Evaluation::gap
  kCrossAccountNoGrant,
  kCrossAccountGrant,       // subject: the resource-policy Allow
  kSameAccountDirectGrant,  // subject: the resource-policy Allow naming the principal
  kSameAccountIdentity,
  kSameAccountTrust,  // subject: the trust policy's Allow of the account
  kTrustRefused,
  kSameAccountIdentityGap,  // Evaluation::gap
};

// What is missing on the identity side (identity policies, boundary, session policy).
enum class IdentityGap { kNoIdentityAllow, kBoundary, kSession };

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  // DescribeRule(): filled by CompiledPolicySet::Evaluate(const AuthzRequest&); left empty by the
  // decision path (Evaluate(const PreparedRequest&, Evaluation&)), which writes no text.
  std::string reason;
  DecidingRule rule = DecidingRule::kAnonymousNoGrant;
  std::size_t subject = 0;    // index into `matches`, for the rules that name a statement
  std::size_t scp_level = 0;  // for kScpLevelWithoutAllow
  IdentityGap gap = IdentityGap::kNoIdentityAllow;
  bool boundary_voids_not_principal = false;  // kExplicitDeny: see BoundaryVoidsNotPrincipal
  std::vector<StatementMatch> matches;  // every applicable statement, in evaluation order
  std::vector<std::size_t> deciding;    // indices into `matches` of the statements that decided
  std::vector<std::uint32_t> candidates;  // the evaluator's working storage; not part of the answer

  // One sentence saying which rule decided ("cross-account: identity side and bucket statement
  // Read allow"), built from the fields above on each call.
  std::string DescribeRule() const;
};

}  // namespace govd::policy

// policy/engine/evaluation.h
// The answer of the evaluator: the decision, one sentence saying which rule decided, and every
// statement that applied (policy, Sid or index, effect), with the deciding ones marked.
// A StatementMatch points into the PolicySet that was evaluated: use an Evaluation only while that
// set lives. Thread safety: values.
#pragma once

#include <cstddef>
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

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  std::string reason;
  std::vector<StatementMatch> matches;  // every applicable statement, in evaluation order
  std::vector<std::size_t> deciding;    // indices into `matches` of the statements that decided
};

}  // namespace govd::policy

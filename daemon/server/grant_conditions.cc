#include "daemon/server/grant_conditions.h"

#include <array>

namespace govd::daemon {
namespace {

using accounts::GrantState;

// What each lifecycle state means for the three conditions.
struct StateFacts {
  GrantState state;
  bool ready;
  bool progressing;
  bool failed;
  std::string_view reason;
  std::string_view message;
};

constexpr std::array<StateFacts, 9> kFacts{{
    {GrantState::kRequested, false, false, false, "AwaitingApproval", "requested; an admin must approve or reject it"},
    {GrantState::kApproved, false, true, false, "WaitingForReconcile",
     "approved; the next reconcile pass writes it into the bucket policy"},
    {GrantState::kApplying, false, true, false, "Applying", "the reconciler is writing it into the bucket policy"},
    {GrantState::kActive, true, false, false, "Active", "the bucket policy grants it"},
    {GrantState::kRevoking, false, true, false, "Revoking", "the reconciler is removing it from the bucket policy"},
    {GrantState::kRevoked, false, false, false, "Revoked", "revoked and removed from the bucket policy"},
    {GrantState::kRejected, false, false, false, "Rejected", "rejected; it was never granted"},
    {GrantState::kExpired, false, false, false, "Expired", "expired; it is no longer granted"},
    {GrantState::kFailed, false, false, true, "Failed", "the reconciler could not apply it"},
}};

const StateFacts& FactsOf(GrantState state) {
  for (const StateFacts& facts : kFacts) {
    if (facts.state == state) return facts;
  }
  return kFacts.front();  // unreachable: kFacts lists every state
}

// When the condition `member` last changed status: the start of the run of history entries, up
// to now, during which it had its current status.
accounts::TimePoint LastTransition(const accounts::Grant& grant, std::span<const GrantEvent> history,
                                   bool StateFacts::*member) {
  if (history.empty() || history.back().state != grant.state) return grant.updated_at;
  const bool now = FactsOf(grant.state).*member;
  accounts::TimePoint since = history.back().at;
  for (auto it = history.rbegin(); it != history.rend() && FactsOf(it->state).*member == now; ++it) {
    since = it->at;
  }
  return since;
}

}  // namespace

std::vector<GrantCondition> DeriveGrantConditions(const accounts::Grant& grant, std::span<const GrantEvent> history) {
  const StateFacts& facts = FactsOf(grant.state);
  std::string message(facts.message);
  if (!grant.state_reason.empty()) message += ": " + grant.state_reason;
  const std::array<std::pair<std::string_view, bool StateFacts::*>, 3> kinds{{
      {"Ready", &StateFacts::ready},
      {"Progressing", &StateFacts::progressing},
      {"Failed", &StateFacts::failed},
  }};
  std::vector<GrantCondition> conditions;
  conditions.reserve(kinds.size());
  for (const auto& [type, member] : kinds) {
    conditions.push_back({type, facts.*member, facts.reason, message, grant.generation,
                          LastTransition(grant, history, member)});
  }
  return conditions;
}

}  // namespace govd::daemon

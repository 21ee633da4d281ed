// daemon/server/grant_conditions.h
// A grant's state told as Kubernetes-style conditions, so that tools and people can ask one
// question each ("is it in the bucket policy?", "is the reconciler still working on it?", "did it
// fail?") without knowing the lifecycle table:
//   Ready        True only while the grant is active (the bucket policy carries it)
//   Progressing  True while the reconciler has work to do (approved, applying, revoking)
//   Failed       True once the reconciler gave up on it (failed)
// Each condition carries the grant's generation it describes and the time its status last
// changed, found from the grant's history (its audit rows).
// Pure: thread safe, no I/O, no clock.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/store/grant.h"

namespace govd::daemon {

// One recorded state of a grant, oldest first in a history.
struct GrantEvent {
  accounts::TimePoint at;
  accounts::GrantState state = accounts::GrantState::kRequested;
};

struct GrantCondition {
  std::string_view type;     // "Ready", "Progressing", "Failed"
  bool status = false;       // shown as "True" / "False"
  std::string_view reason;   // CamelCase, from the state: "AwaitingApproval", "Active", ...
  std::string message;       // for people; ends with the grant's state_reason when it has one
  std::int64_t observed_generation = 0;
  accounts::TimePoint last_transition;
};

// Ready, Progressing and Failed for `grant`. `history` holds the grant's states in time order;
// when it is empty, or does not end in the grant's current state, the grant's updated_at stands
// for the last transition.
std::vector<GrantCondition> DeriveGrantConditions(const accounts::Grant& grant, std::span<const GrantEvent> history);

}  // namespace govd::daemon

// accounts/store/finding_record.h
// A finding as the store keeps it: what policy::ComputeFindings reported, and its status over
// time. active: found by the last refresh; resolved: no longer found (kept, with when it went);
// archived: a person decided it needs no action, and it stays archived whether found or not.
// Values; thread safe. Never holds credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accounts/store/grant.h"
#include "base/result.h"
#include "policy/analysis/findings.h"

namespace govd::accounts {

enum class FindingStatus { kActive, kResolved, kArchived };

std::string_view FindingStatusName(FindingStatus status);  // "active", "resolved", "archived"
Result<FindingStatus> ParseFindingStatus(std::string_view name);

struct FindingRecord {
  policy::Finding finding;
  FindingStatus status = FindingStatus::kActive;
  TimePoint first_seen;
  TimePoint last_seen;                   // the last refresh that found it
  std::optional<TimePoint> resolved_at;  // set while resolved (and kept when archived after)
  std::string archive_reason;            // why it was archived; "" unless archived (or archived before 0006)
};

// What one refresh (Store::RefreshFindings) changed.
struct FindingsRefresh {
  int raised = 0;    // new findings
  int reopened = 0;  // resolved findings found again
  int resolved = 0;  // active findings no longer found
  int seen = 0;      // findings of the current set, in any status
  int archived_by_rule = 0;  // new findings an archive rule archived as they were raised (in raised too)
};

}  // namespace govd::accounts

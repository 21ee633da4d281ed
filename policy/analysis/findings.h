// policy/analysis/findings.h
// Findings for security teams, in the spirit of IAM Access Analyzer: from an organisation
// snapshot and govd's desired grants, what deserves a person's attention -
//   access granted to a principal outside the organisation,
//   public access (Principal "*" with no condition narrowing the caller),
//   access in a bucket policy that no active grant explains (drift, or granted by hand),
//   grants to embargoed prefixes,
//   grants past their expiry whose access is still in the bucket policy,
//   trust policies that let a third party assume a role without sts:ExternalId.
// Each finding has a stable id (a hash of its type, resource, principal and statement), so that
// its status (active/resolved/archived) can be kept across runs by the store.
// Pure, thread safe: the time is an input. Never reads or writes anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/org_snapshot.h"

namespace govd::policy {

// The grant lifecycle of govd (docs: ARCHITECTURE.md, "Grant lifecycle").
enum class GrantState { kRequested, kApproved, kApplying, kActive, kRevoking, kRevoked, kExpired, kRejected, kFailed };
std::string_view GrantStateName(GrantState state);  // "requested", "approved", ...

// What the store knows of one grant, as the findings need it.
struct DesiredGrant {
  std::string id;
  std::string bucket;
  std::string prefix;   // "" for the whole bucket
  std::string grantee;  // principal ARN or 12-digit account
  std::int64_t expires_at = 0;  // Unix seconds; 0 = never
  GrantState state = GrantState::kRequested;
  bool embargoed = false;  // the prefix is under embargo
};

enum class FindingType {
  kOutsideOrganisation,
  kPublicAccess,
  kUnexplainedAccess,
  kEmbargoedGrant,
  kExpiredGrantEffective,
  kTrustWithoutExternalId,
};
std::string_view FindingTypeName(FindingType type);  // "outside-organisation", ...

enum class FindingSeverity { kCritical, kHigh, kMedium, kLow };
std::string_view FindingSeverityName(FindingSeverity severity);  // "critical", ...

struct Finding {
  std::string id;  // 16 hex digits, stable for the same type/resource/principal/statement
  FindingType type;
  FindingSeverity severity;
  std::string resource;   // bucket or role ARN, with "/prefix" for prefix-level findings
  std::string principal;  // ARN, account id, organisation id, or "*"
  std::string statement;  // "la-north-shared bucket policy statement Consultant"; "" when none
  std::string message;
};

struct FindingsInput {
  const OrgSnapshot* org = nullptr;  // REQUIRES: not null
  std::vector<DesiredGrant> grants;
  std::int64_t now = 0;  // Unix seconds
};

// Findings ordered by severity, then type, resource and principal.
std::vector<Finding> ComputeFindings(const FindingsInput& input);

// The stable id of a finding with these fields.
std::string FindingId(FindingType type, std::string_view resource, std::string_view principal,
                      std::string_view statement);

}  // namespace govd::policy

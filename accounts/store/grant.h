// accounts/store/grant.h
// A grant: read access for one principal (normally the central account's reader role) to one
// prefix of a child account's shared bucket, and the lifecycle it moves through:
//
//   requested -> approved -> applying -> active -> revoking -> revoked
//   requested -> rejected;  requested|approved|applying|active -> expired;  applying -> failed
//   approved|applying|active -> revoking
//
// Pure values and rules: thread safe, no I/O. Never decides on its own clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "policy/engine/arn.h"

namespace govd::accounts {

using TimePoint = std::chrono::system_clock::time_point;

enum class GrantState {
  kRequested,
  kApproved,
  kApplying,  // in flight: the reconciler is writing it into the bucket policy
  kActive,
  kRevoking,  // in flight: the reconciler is removing it
  kRevoked,
  kRejected,
  kExpired,
  kFailed,
};

std::string_view GrantStateName(GrantState state);
Result<GrantState> ParseGrantState(std::string_view name);
bool IsTerminal(GrantState state);
bool IsInFlight(GrantState state);
// Approved, applying or active: the grant is (about to be) in effect, so what it needs must be.
bool IsLive(GrantState state);

// OK when `from -> to` is a legal transition; otherwise kFailedPrecondition naming both states
// and the legal successors of `from`.
Status CheckTransition(GrantState from, GrantState to);

enum class GrantActions { kRead, kReadList };  // s3:GetObject; s3:GetObject + s3:ListBucket
std::string_view GrantActionsName(GrantActions actions);
Result<GrantActions> ParseGrantActions(std::string_view name);

// S3 bucket naming rules (the subset that matters for ids): 3-63 of [a-z0-9.-], starting and
// ending with a letter or digit, no "..".
Status ValidateBucketName(std::string_view bucket);

// An object-key prefix as granted: relative ("reports/2024/"), no "..", "." or empty segments
// in the middle, no leading '/', printable ASCII, at most 1024 bytes. "" means the whole bucket.
Status ValidatePrefix(std::string_view prefix);

// A grantee as requested: one IAM principal ARN (policy::ParsePrincipalArn), without a wildcard
// ('*' or '?'): IAM principal ARNs have none, and a grant names one principal, never a pattern of
// them. kInvalidArgument at "grantee", naming the value and what is wrong with it.
Status ValidateGrantee(std::string_view grantee);

// True when one prefix covers data of the other (either is a prefix of the other).
bool PrefixesOverlap(std::string_view a, std::string_view b);

struct GrantRequest {
  policy::AccountId owner;  // the child account that owns the bucket
  std::string bucket;
  std::string prefix;
  std::string grantee;  // a principal ARN without wildcards, checked with ValidateGrantee
  GrantActions actions = GrantActions::kRead;
  std::optional<TimePoint> expires_at;
  std::string reason;
};

struct Grant {
  std::int64_t id = 0;
  std::string tenant;
  std::string owner;  // 12-digit account id, as stored
  std::string bucket;
  std::string prefix;
  std::string grantee;
  GrantActions actions = GrantActions::kRead;
  std::optional<TimePoint> expires_at;
  std::string requested_by;
  std::string approved_by;  // empty until approved
  std::string reason;
  GrantState state = GrantState::kRequested;
  std::string state_reason;  // why the last transition happened (failure cause, rejection...)
  std::int64_t generation = 0;  // +1 on every change; reconcilers pass it back to detect races
  std::optional<TimePoint> deadline;  // in-flight states must move on by then
  TimePoint created_at;
  TimePoint updated_at;
};

}  // namespace govd::accounts

// policy/managed/bucket_policy_plan.h
// One reconcile decision for one bucket policy: given what the bucket's policy actually is and
// the shares its active grants ask for, what to write (nothing, a new document, or a delete) and
// which drift was found in govd's own statements. Drift is two-way: a desired statement that is
// missing or altered, and a managed statement no grant asks for (added by hand, or revoked).
// A share no statement can be rendered for (managed_statements.h, CheckRenderable) is refused on
// its own and left out of the desired statements: it never holds up the others, nor a revoke.
// Pure, thread safe. Foreign statements are never part of the drift and never change.
#pragma once

#include <json/value.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy {

// A share the plan leaves out because no statement can be rendered for it: its index in the
// shares given to PlanBucketPolicyPerShare, and why.
struct RefusedShare {
  std::size_t index = 0;
  std::string reason;
};

struct BucketPolicyPlan {
  enum class Action { kNone, kPut, kDelete };
  Action action = Action::kNone;
  Json::Value document;                 // what to PUT (only for kPut)
  std::vector<std::string> missing;     // Sids of desired statements absent or altered in actual
  std::vector<std::string> unexpected;  // Sids of managed statements in actual that are not desired
  std::vector<RefusedShare> refused;    // PlanBucketPolicyPerShare: shares left out, and why

  bool drifted() const { return !missing.empty() || !unexpected.empty(); }
};

// The invariant every write keeps: `next` allows nothing that neither `previous` nor the `desired`
// managed statements allow (each Allow statement of `next` is, by meaning, one of theirs) and
// drops no Deny statement of `previous`. kFailedPrecondition naming the statement otherwise.
Status CheckNeverWider(const Json::Value& previous, const Json::Value& next, std::span<const Json::Value> desired);

// REQUIRES: `actual` parsed (Json::nullValue when the bucket has no policy); shares of one bucket.
// A share that cannot be rendered fails the whole plan (kInvalidArgument naming it).
Result<BucketPolicyPlan> PlanBucketPolicy(const Json::Value& actual, std::span<const BucketShare> shares);

// As PlanBucketPolicy, but each share is checked on its own (CheckRenderable): one that cannot be
// rendered is left out of the desired statements and listed in `refused`, and the plan goes on
// with the others. A refused share's statement, if `actual` has one, is unexpected and goes
// (narrower is always safe); so does the statement of a share no longer given (a revoke). What the
// reconciler plans with, so that one bad grant never holds up its bucket's other grants or revokes.
Result<BucketPolicyPlan> PlanBucketPolicyPerShare(const Json::Value& actual,
                                                  std::span<const BucketShare> shares);

}  // namespace govd::policy

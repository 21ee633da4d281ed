// policy/managed/bucket_policy_plan.h
// One reconcile decision for one bucket policy: given what the bucket's policy actually is and
// the shares its active grants ask for, what to write (nothing, a new document, or a delete) and
// which drift was found in govd's own statements. Drift is two-way: a desired statement that is
// missing or altered, and a managed statement no grant asks for (added by hand, or revoked).
// Pure, thread safe. Foreign statements are never part of the drift and never change.
#pragma once

#include <json/value.h>

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy {

struct BucketPolicyPlan {
  enum class Action { kNone, kPut, kDelete };
  Action action = Action::kNone;
  Json::Value document;                 // what to PUT (only for kPut)
  std::vector<std::string> missing;     // Sids of desired statements absent or altered in actual
  std::vector<std::string> unexpected;  // Sids of managed statements in actual that are not desired

  bool drifted() const { return !missing.empty() || !unexpected.empty(); }
};

// The invariant every write keeps: `next` allows nothing that neither `previous` nor the `desired`
// managed statements allow (each Allow statement of `next` is, by meaning, one of theirs) and
// drops no Deny statement of `previous`. kFailedPrecondition naming the statement otherwise.
Status CheckNeverWider(const Json::Value& previous, const Json::Value& next, std::span<const Json::Value> desired);

// REQUIRES: `actual` parsed (Json::nullValue when the bucket has no policy); shares of one bucket.
Result<BucketPolicyPlan> PlanBucketPolicy(const Json::Value& actual, std::span<const BucketShare> shares);

}  // namespace govd::policy

// policy/analysis/access_analysis.h
// Effective access over an organisation snapshot (policy/engine/org_snapshot.h), in the spirit of IAM
// Access Analyzer: who can perform an action on a bucket or a prefix of it, and what a principal
// can reach. Every answer is decided by the policy evaluator (policy/engine/evaluator.h) with the SCP
// levels along the principal's OU path, the bucket policy, the identity and boundary policies of
// the organisation's roles and, for role chains, the trust policies; each answer carries the
// evaluator's explanation of every step.
//
// Candidates are found through indexes built once (roles by the buckets their identity policies
// name, roles by the roles they may assume, buckets and roles by the principals their policies
// name), so that a query evaluates only principals that can possibly be allowed.
// Principals outside the snapshot (a named outside account, role or user), and member accounts
// named as a whole whose roles the snapshot does not know (a store that keeps no IAM roles), have
// an unknown identity side: it is assumed to allow everything, so their answers mean "may access
// if their own administrators allow it". Leaving them out would hide a granted account. Anonymous access is asked as the anonymous principal ("*").
//
// Thread safety: an AccessAnalyzer is immutable after Build; queries may run concurrently.
// Pure: no clock, no I/O.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/engine/org_snapshot.h"

namespace govd::policy {

// How far role chains are followed (X assumes Y assumes Z ...).
inline constexpr int kMaxRoleChain = 3;

// One authorization a path depends on, as the evaluator explained it.
struct AccessStep {
  std::string principal;  // who asks
  std::string action;     // "sts:AssumeRole" for a hop, else the queried action
  std::string resource;
  std::string reason;                   // the evaluator's sentence
  std::vector<std::string> statements;  // the deciding statements ("bucket-policy statement Sid")
};

enum class PrincipalOrigin {
  kOrgRole,      // a role of the snapshot: every policy on its side is known
  kOutside,      // named by a policy but not in the snapshot: identity side assumed to allow
  kMemberUnknownIdentity,  // a member account (or a role of it) whose roles the snapshot does not
                           // know, named by a policy: identity side assumed to allow
  kAnonymous,    // anyone, unauthenticated requests included
};

struct AccessPath {
  std::string principal;  // role/user ARN, a 12-digit account (any principal of it), or "*"
  PrincipalOrigin origin = PrincipalOrigin::kOrgRole;
  bool in_organisation = false;     // the principal's account is a member of the snapshot's org
  std::vector<std::string> chain;   // the principal, then every role it assumes, in order
  std::vector<AccessStep> steps;    // one per hop, then the access itself
};

struct AccessQuery {
  std::string bucket;
  std::string prefix;  // "" for the whole bucket; object actions are asked on PREFIX + "*"
  std::string action;  // "s3:GetObject", "s3:ListBucket", ...
};

// A bucket prefix a principal can reach, and how.
struct ReachableResource {
  std::string bucket;
  std::string prefix;
  AccessPath path;
};

class AccessAnalyzer {
 public:
  // Validates the snapshot (ARNs, OU tree) and builds the indexes.
  static Result<AccessAnalyzer> Build(OrgSnapshot snapshot);

  AccessAnalyzer(AccessAnalyzer&&) noexcept;
  AccessAnalyzer& operator=(AccessAnalyzer&&) noexcept;
  ~AccessAnalyzer();

  // Every principal allowed, each with its shortest chain. Ordered: anonymous, then by principal.
  Result<std::vector<AccessPath>> WhoCanAccess(const AccessQuery& query) const;

  // Every bucket prefix `principal_arn` (a role of the snapshot, or any role/user ARN) can reach
  // with `action`, directly or through roles it may assume. Prefixes come from the resource
  // patterns of the policies involved; a prefix covered by a shorter reachable one is left out.
  Result<std::vector<ReachableResource>> WhatCanAccess(std::string_view principal_arn, std::string_view action) const;

  const OrgSnapshot& snapshot() const;

  // The indexes; opaque outside policy/access_*.cc (defined in policy/analysis/access_analysis_impl.h).
  struct Impl;

 private:
  explicit AccessAnalyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "s3:ListBucket" and the other bucket-level actions are asked on the bucket ARN; the rest on
// objects. Exposed for the findings, which ask the same questions.
bool IsBucketLevelAction(std::string_view action);

// The resource ARN a query asks about.
std::string QueryResource(const AccessQuery& query);

}  // namespace govd::policy

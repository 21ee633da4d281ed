// accounts/store/org_snapshot_of.h
// The one way from what the store holds (accounts::Organisation) to what the policy engine and the
// audits evaluate (policy::OrgSnapshot): the OU tree and the accounts, each level with its SCPs
// (FullAWSAccess, which AWS attaches to every root, OU and account unless someone detaches it,
// then the guardrails attached to that level), and the buckets with their owner. Roles with their
// trust, identity and boundary policies on request: the audits need them, the reconciler and
// simulate do not. Bucket policies stay empty: desired or actual is the caller's choice.
// Pure, thread safe. A document that does not parse fails the whole snapshot, naming it.
#pragma once

#include "accounts/store/store.h"
#include "base/result.h"
#include "policy/engine/org_snapshot.h"

namespace govd::accounts {

struct SnapshotOptions {
  bool roles = false;  // parse and include every recorded role
};

Result<policy::OrgSnapshot> OrgSnapshotOf(const Organisation& org, SnapshotOptions options = {});

// A policy document as a NamedPolicy, errors prefixed with `name`.
Result<policy::NamedPolicy> ParseNamedPolicy(std::string name, std::string_view json, policy::PolicyKind kind);

}  // namespace govd::accounts

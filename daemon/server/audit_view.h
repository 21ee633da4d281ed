// daemon/server/audit_view.h
// What govd's audits (findings, who/what-can-access, the report) look at for one tenant: an
// organisation snapshot built from the tenant's store - its OU tree with the guardrails as SCPs
// (beside AWS's default FullAWSAccess at every level), its accounts, the IAM roles recorded by
// `govd org import` (trust, identity and boundary policies: role chains and trust findings), and
// buckets - plus its grants as the findings want them, and each bucket's policy: the actual one
// read from S3 when the daemon has an S3 client, else the one govd's active grants render (the
// desired state), saying which. Principals of a member account whose roles are not recorded are
// reported as such; principals outside the organisation are "outside" principals whose identity
// side is assumed to allow.
// Thread safety: LoadAuditView uses the store (one thread at a time) and `actual`'s contract.
// Never logs; policy texts stay in memory.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "accounts/store/store.h"
#include "base/result.h"
#include "daemon/reconcile/bucket_policy_access.h"
#include "policy/analysis/findings.h"
#include "policy/engine/org_snapshot.h"

namespace govd::daemon {

struct AuditView {
  policy::OrgSnapshot org;
  std::vector<policy::DesiredGrant> grants;
  bool actual_policies = false;  // bucket policies read from S3 (else rendered from active grants)
};

// "s3" or "desired state": where the view's bucket policies come from, for answers.
std::string_view PolicySourceName(const AuditView& view);

// REQUIRES: `store` is bound to the tenant. `actual` null: bucket policies from desired state. A
// bucket whose actual policy cannot be read or parsed fails the whole view (an audit that silently
// looked at something else would resolve findings that are still there).
Result<AuditView> LoadAuditView(accounts::Store& store, BucketPolicyAccess* actual, accounts::TimePoint now);

// Unix seconds of a time point (the unit the findings and the report use).
std::int64_t UnixSeconds(accounts::TimePoint t);

}  // namespace govd::daemon

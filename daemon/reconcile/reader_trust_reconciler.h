// daemon/reconcile/reader_trust_reconciler.h
// The reader role's trust policy in a child's reconcile pass (ARCHITECTURE.md: "For each managed
// object (bucket policy, role trust policy)"): read the role (IAM GetRole), see whether a live
// grant (approved, applying or active) names the role as its grantee, plan govd's statement
// (policy/managed/reader_trust.h), write it (UpdateAssumeRolePolicy) when it differs, read it back to
// verify, and record the change in the audit log (object "role/NAME", policy hashes only).
// The pass runs it before the buckets; what it found (ReaderTrustState) decides whether a grant
// naming the role may become active (only once the trust lets the trusted principal in) or
// revoked (only once the trust entry is gone, unless another live grant still needs it).
// Thread safety: one per tenant pass (the Store is one connection). Blocks on IAM. Never logs.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "accounts/aws/iam_client.h"
#include "accounts/store/store.h"
#include "daemon/service/config.h"

namespace govd::daemon {

struct ReaderTrustState {
  std::string role_arn;            // as IAM names the role; grants name it as their grantee
  bool in_sync = false;            // the trust policy is as desired, read back from IAM
  bool allows = false;             // govd's Allow for the trusted principal is in it
  bool applied = false;            // this pass wrote it
  std::set<std::int64_t> needing;  // the live grants that named the role when it was planned
  std::string problem;             // why it is not in sync (IAM error, malformed document)
};

class ReaderTrustReconciler {
 public:
  // REQUIRES: store and iam outlive the reconciler; the store is bound to the role's account.
  ReaderTrustReconciler(accounts::Store& store, accounts::IamClient& iam, ReaderRole role,
                        const policy::AccountId& account)
      : store_(store), iam_(iam), role_(std::move(role)), account_(account) {}

  // Never fails as a whole: what went wrong is in problem (in_sync false), so that the buckets
  // still reconcile (revocations narrow access) while grants naming the role wait.
  ReaderTrustState Reconcile();

 private:
  Status ReconcileInto(ReaderTrustState& state);

  accounts::Store& store_;
  accounts::IamClient& iam_;
  ReaderRole role_;
  policy::AccountId account_;  // the role's: its ARN when IAM cannot be asked (no path then)
};

}  // namespace govd::daemon

// daemon/reconcile/bucket_reconciler.h
// One level-triggered reconcile pass over one shared bucket's policy (ARCHITECTURE.md, "The
// reconcile loop"): read the grants and the actual policy afresh, fail the grants being applied
// that the organisation's guardrails refuse, render the desired managed statements (a grant that
// cannot be rendered fails alone and is left out; when the desired document cannot be built at
// all, the revoked statements still go first: a revoke never waits on another grant), and when the
// two differ write foreign + desired (never wider, checked), re-read to verify, record the change
// and its drift in the audit log; only then move grants applying -> active and revoking ->
// revoked. A crash anywhere leaves a state the next pass repairs: nothing is marked done before
// S3 shows it.
// Thread safety: one reconciler per thread (the Store is one connection). Never logs policies or
// credentials; the audit log gets policy hashes, Sids and grant ids.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "accounts/store/grant.h"
#include "accounts/store/store.h"
#include "base/result.h"
#include "daemon/reconcile/bucket_policy_access.h"
#include "daemon/reconcile/reader_trust_reconciler.h"
#include "policy/engine/org_snapshot.h"
#include "policy/managed/bucket_policy_plan.h"

namespace govd::daemon {

struct ReconcileOutcome {
  enum class Kind {
    kInSync,   // nothing to write
    kApplied,  // a document was written (or deleted) and verified
    kPlanned,  // dry run: this is what would be written
    kFailed,   // a terminal failure for this bucket, recorded with its reason; retried on resync
  };
  Kind kind = Kind::kInSync;
  policy::BucketPolicyPlan::Action action = policy::BucketPolicyPlan::Action::kNone;
  std::vector<std::string> missing;     // drift: desired statements that were absent or altered
  std::vector<std::string> unexpected;  // drift: managed statements no grant asks for
  std::vector<std::int64_t> activated;  // grants now active
  std::vector<std::int64_t> revoked;    // grants now revoked
  std::vector<std::int64_t> failed;     // grants now failed
  std::string reason;                   // for kFailed
  std::string document;                 // for kPlanned: the compact document to write ("" = delete)
  std::string actual;                   // dry run: the compact document read from S3 ("" = none)
};

std::string_view ReconcileOutcomeName(ReconcileOutcome::Kind kind);

struct BucketReconcilerOptions {
  bool dry_run = false;  // plan only: no write to S3 and no grant transition
  // The reader role's trust as this pass found it (null: no reader role managed). A grant naming
  // the role becomes active only while the trust lets the trusted principal in, and revoked only
  // once the entry is gone or another live grant needs it; until then Reconcile returns a
  // retryable error after writing the bucket policy, so that the bucket is retried soon.
  const ReaderTrustState* reader_trust = nullptr;
  // The organisation as the policy engine sees it (its guardrails as SCPs), asked for only when a
  // grant is being applied. A grant whose access the guardrails refuse fails with the engine's
  // reason and gets no statement (policy/managed/guardrail_check.h). Empty: no guardrail check.
  std::function<Result<const policy::OrgSnapshot*>()> guardrails = nullptr;
};

class BucketReconciler {
 public:
  // REQUIRES: store and policies outlive the reconciler; the store is bound to the bucket's tenant.
  BucketReconciler(accounts::Store& store, BucketPolicyAccess& policies, BucketReconcilerOptions options = {})
      : store_(store), policies_(policies), options_(options) {}

  // An error is retryable (the caller backs off and tries again); a terminal failure of the
  // bucket comes back as an outcome of kind kFailed, already recorded.
  Result<ReconcileOutcome> Reconcile(const std::string& bucket, const policy::AccountId& owner);

 private:
  Result<std::vector<accounts::Grant>> LoadGrants(const std::string& bucket);
  Status StartApplying(std::vector<accounts::Grant>& grants);
  Result<Json::Value> ReadPolicy(const accounts::S3BucketRef& ref);
  Status FailDeletedGrantees(const Json::Value& actual, std::vector<accounts::Grant>& grants,
                             ReconcileOutcome& outcome);
  Status FailGuardrailDenied(const policy::AccountId& owner, std::vector<accounts::Grant>& grants,
                             ReconcileOutcome& outcome);
  Status FailUnrenderable(const policy::BucketPolicyPlan& plan, const std::vector<std::size_t>& grant_of,
                          std::vector<accounts::Grant>& grants, ReconcileOutcome& outcome);
  Status RevokeFirst(const accounts::S3BucketRef& ref, const Json::Value& actual,
                     std::vector<accounts::Grant>& grants, ReconcileOutcome& outcome);
  Status Apply(const accounts::S3BucketRef& ref, const policy::BucketPolicyPlan& plan);
  Status FinishTransitions(std::vector<accounts::Grant>& grants, ReconcileOutcome& outcome);
  bool WaitsForReaderTrust(const accounts::Grant& grant) const;
  // `outcome`: what the pass did before it failed (revocations first), kept in the kFailed outcome.
  Result<ReconcileOutcome> FailBucket(const std::string& bucket, std::vector<accounts::Grant>& grants,
                                      const Error& cause, ReconcileOutcome outcome = {});

  accounts::Store& store_;
  BucketPolicyAccess& policies_;
  BucketReconcilerOptions options_;
};

}  // namespace govd::daemon

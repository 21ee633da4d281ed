// daemon/reconcile/tenant_pass.h
// One reconcile pass over one tenant (child account): free the leases a pass of its own left when
// it failed halfway, sweep expired and stuck grants, reconcile the reader role's trust policy
// when the tenant has one (reader_trust_reconciler.h), then claim the tenant's due buckets in
// batches (leases: replicas on the same database share the work and never hold one bucket twice)
// and reconcile each. A bucket that succeeds is due again after the
// resync interval, so that drift made by hand is found; one that fails is due again after its
// own jittered backoff, so that a failing bucket never holds up the others.
// Thread safety: one pass at a time per Store (one connection); run it off the event loop.
// Never logs policies or credentials.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "accounts/store/store.h"
#include "base/result.h"
#include "daemon/reconcile/bucket_policy_access.h"
#include "daemon/reconcile/bucket_reconciler.h"
#include "daemon/reconcile/rate_limiter.h"
#include "daemon/reconcile/reader_trust_reconciler.h"
#include "policy/engine/org_snapshot.h"

namespace govd::daemon {

struct TenantPassOptions {
  std::string worker;                       // names this daemon in leases: "govd@222222222222:host:1234"
  int batch = 16;                           // buckets claimed at once
  std::chrono::seconds lease{120};          // a crashed daemon's buckets are free again after this
  std::chrono::seconds resync{300};         // an in-sync bucket is checked again after this
  policy::AccountId owner;                  // the tenant's account: the expected owner of its buckets
  std::function<bool()> stop_requested;     // checked between buckets: a stopping daemon ends the pass
  ReaderTrustReconciler* reader_trust = nullptr;  // the reader role's trust, before the buckets; null: none
};

struct BucketResult {
  std::string bucket;
  Result<ReconcileOutcome> outcome;
};

struct TenantPassReport {
  // Leases this worker still held from a pass of its own that failed halfway (e.g. the database
  // went away before a release): freed at the start of this pass, so those buckets are not held
  // back until their leases expire.
  int leases_recovered = 0;
  accounts::SweepReport sweep;
  std::optional<ReaderTrustState> reader_trust;  // when the tenant has a reader role
  std::vector<BucketResult> buckets;
  int in_sync = 0;
  int applied = 0;
  int failed = 0;  // terminal failures (recorded) and errors (backing off)
  // Applied although no grant changed state: someone edited the policy outside govd.
  int drift_repaired = 0;
  std::map<accounts::GrantState, std::int64_t> grants_by_state;  // the tenant's grants after the pass
};

// The dry run of a pass (govctl plan): every bucket of the tenant, due or not, through the
// BucketReconciler in dry-run mode. Takes no lease, writes nothing to S3 or the store; each
// bucket's outcome is kInSync, kPlanned (with the document to write) or kFailed (why a pass
// would fail it), or an error reading it.
Result<std::vector<BucketResult>> PlanTenant(accounts::Store& store, BucketPolicyAccess& policies);

class TenantPass {
 public:
  // REQUIRES: every reference outlives the pass; store is bound to the tenant.
  TenantPass(accounts::Store& store, BucketPolicyAccess& policies, RetryRateLimiter& limiter, const Clock& clock,
             TenantPassOptions options)
      : store_(store), policies_(policies), limiter_(limiter), clock_(clock), options_(std::move(options)) {}

  // Fails only when the store cannot be used at all (the pass is then retried as a whole).
  Result<TenantPassReport> Run();

 private:
  Status ReconcileLeased(const accounts::ReconcileLease& lease, TenantPassReport& report);
  // The organisation's guardrails, read from the store once per pass, when first needed.
  Result<const policy::OrgSnapshot*> Guardrails();

  accounts::Store& store_;
  BucketPolicyAccess& policies_;
  RetryRateLimiter& limiter_;
  const Clock& clock_;  // wall time: due times and lease releases
  TenantPassOptions options_;
  std::optional<policy::OrgSnapshot> guardrails_;
};

}  // namespace govd::daemon

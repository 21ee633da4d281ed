#include "daemon/reconcile/tenant_pass.h"

#include <set>

#include "accounts/store/org_snapshot_of.h"

namespace govd::daemon {
namespace {

// A write that no grant transition explains repaired a change made outside govd.
bool RepairedDrift(const ReconcileOutcome& outcome) {
  return outcome.kind == ReconcileOutcome::Kind::kApplied && outcome.activated.empty() && outcome.revoked.empty() &&
         outcome.failed.empty();
}

}  // namespace

Result<std::vector<BucketResult>> PlanTenant(accounts::Store& store, BucketPolicyAccess& policies) {
  GOVD_ASSIGN_OR_RETURN(accounts::Organisation org, store.ReadOrganisation());
  std::vector<BucketResult> plans;
  BucketReconciler reconciler(store, policies, {.dry_run = true});
  for (const auto& bucket : org.buckets) {
    plans.push_back({bucket.bucket, reconciler.Reconcile(bucket.bucket, bucket.owner)});
  }
  return plans;
}

Result<TenantPassReport> TenantPass::Run() {
  TenantPassReport report;
  guardrails_.reset();  // read afresh: a guardrail attached since the last pass counts
  GOVD_ASSIGN_OR_RETURN(report.leases_recovered, store_.ReleaseLeasesHeldBy(options_.worker));
  GOVD_ASSIGN_OR_RETURN(report.sweep, store_.Sweep());
  if (options_.reader_trust != nullptr) report.reader_trust = options_.reader_trust->Reconcile();
  std::set<std::string> seen;
  for (;;) {
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::ReconcileLease> leases,
                          store_.ClaimDueBuckets(options_.worker, options_.batch, options_.lease));
    bool any_new = false;
    for (const auto& lease : leases) {
      if (options_.stop_requested && options_.stop_requested()) {  // the lease is freed for the next pass
        GOVD_TRY(store_.ReleaseBucket(lease, options_.worker, clock_.Now()));
        continue;
      }
      if (!seen.insert(lease.bucket).second) {  // due again within this pass: leave it to the next
        GOVD_TRY(store_.ReleaseBucket(lease, options_.worker, clock_.Now() + std::chrono::seconds(1)));
        continue;
      }
      any_new = true;
      GOVD_TRY(ReconcileLeased(lease, report));
    }
    if (!any_new || (options_.stop_requested && options_.stop_requested())) break;
  }
  GOVD_ASSIGN_OR_RETURN(report.grants_by_state, store_.CountGrantsByState());
  return report;
}

Status TenantPass::ReconcileLeased(const accounts::ReconcileLease& lease, TenantPassReport& report) {
  BucketReconciler reconciler(store_, policies_,
                              {.dry_run = false,
                               .reader_trust = report.reader_trust ? &*report.reader_trust : nullptr,
                               .guardrails = [this] { return Guardrails(); }});
  Result<ReconcileOutcome> outcome = reconciler.Reconcile(lease.bucket, options_.owner);
  accounts::TimePoint next_due = clock_.Now() + options_.resync;
  if (outcome && outcome->kind != ReconcileOutcome::Kind::kFailed) {
    limiter_.Forget(lease.bucket);
    ++(outcome->kind == ReconcileOutcome::Kind::kInSync ? report.in_sync : report.applied);
    if (RepairedDrift(*outcome)) ++report.drift_repaired;
  } else {
    next_due = clock_.Now() + limiter_.When(lease.bucket);
    ++report.failed;
  }
  report.buckets.push_back({lease.bucket, std::move(outcome)});
  Status released = store_.ReleaseBucket(lease, options_.worker, next_due);
  // A lease lost (it expired and another daemon took the bucket) is that daemon's work now.
  if (!released && released.error().code() != ErrorCode::kFailedPrecondition) return released;
  return Ok();
}

Result<const policy::OrgSnapshot*> TenantPass::Guardrails() {
  if (!guardrails_) {
    GOVD_ASSIGN_OR_RETURN(accounts::Organisation org, store_.ReadOrganisation());
    GOVD_ASSIGN_OR_RETURN(guardrails_, accounts::OrgSnapshotOf(org));
  }
  return &*guardrails_;
}

}  // namespace govd::daemon

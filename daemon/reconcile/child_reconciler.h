// daemon/reconcile/child_reconciler.h
// Child mode, wired from the configuration: the tenants this daemon reconciles (its own account,
// and each [tenant.ACCOUNT] section of a hosted operator's daemon), each with its own identity
// (the daemon's own credentials, static keys of its own, or an assumed role in its account), its
// own S3 client, retry budget and per-bucket backoff, so that one tenant's failures never hold up
// or drain another's. A pass runs every tenant's TenantPass on up to reconcile.concurrency
// threads, each tenant with a fresh database connection bound to it (row-level security).
// Create() checks the database answers at this build's schema, so govd never reports ready
// without it.
// Thread safety: RunPass() from one thread at a time (the daemon's reconcile worker); Plan() and
// PolicyAccess() from any thread. Never logs credentials; pass reports carry tenant and bucket
// names, counts and error texts only.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/retry_strategy.h"
#include "accounts/aws/s3_client.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "daemon/reconcile/bucket_policy_access.h"
#include "daemon/reconcile/rate_limiter.h"
#include "daemon/reconcile/tenant_pass.h"
#include "daemon/service/config.h"

namespace govd::daemon {

// One tenant's outcome in a pass: its report, or why its pass could not run (no database, ...).
struct TenantPassResult {
  policy::AccountId tenant;
  Result<TenantPassReport> report;
};

struct ChildPassReport {
  std::vector<TenantPassResult> tenants;  // in the order of ChildReconciler::tenants()
};

class ChildReconciler {
 public:
  // REQUIRES: config.mode is kChild and config.database_conninfo is set. `observer` (may be
  // null) is told about every AWS call attempt and must outlive the reconciler.
  // audit_seal: MACs the audit rows the passes write and anchors their head (null: none).
  static Result<std::unique_ptr<ChildReconciler>> Create(
      const Config& config, accounts::AwsCallObserver* observer,
      std::shared_ptr<accounts::AuditSeal> audit_seal = nullptr);
  ~ChildReconciler();
  ChildReconciler(const ChildReconciler&) = delete;
  ChildReconciler& operator=(const ChildReconciler&) = delete;

  // One pass over every tenant's due buckets; blocks. Fails only when no tenant's pass could run
  // (the database is down); a tenant whose pass fails alone is reported in its result. Stops
  // between buckets once RequestStop().
  Result<ChildPassReport> RunPass();
  // What a pass would change in each of `tenant`'s buckets (PlanTenant); blocks, writes nothing.
  // NotFound for a tenant this daemon does not manage. May run on another thread at the same time
  // as RunPass() (its own connection; the S3 clients are thread safe).
  Result<std::vector<BucketResult>> Plan(const policy::AccountId& tenant);
  void RequestStop() { stop_requested_ = true; }
  // When a pass last made progress: its start, and each bucket it finished (any thread).
  std::chrono::steady_clock::time_point last_progress() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_progress_.load()));
  }
  // `tenant`'s bucket policies on S3 (thread safe), for what reads them outside a pass (audits,
  // simulate); null for a tenant this daemon does not manage.
  BucketPolicyAccess* PolicyAccess(const policy::AccountId& tenant);
  // Every tenant, the daemon's own account first.
  std::vector<policy::AccountId> tenants() const;

 private:
  struct Tenant;

  explicit ChildReconciler(const Config& config);
  Result<std::unique_ptr<accounts::Store>> OpenStore(const policy::AccountId& tenant) const;
  Status AddTenant(const ManagedTenant& managed, const Config& config, accounts::AwsCallObserver* observer);
  Result<TenantPassReport> RunTenantPass(Tenant& tenant);
  Tenant* Find(const policy::AccountId& account);
  void MarkProgress();

  std::string conninfo_;
  std::shared_ptr<accounts::AuditSeal> audit_seal_;
  policy::AccountId account_;
  std::string worker_;  // this process's name in reconcile leases
  std::chrono::seconds resync_;
  std::chrono::seconds lease_;
  int concurrency_;
  accounts::RetryOptions retry_options_;
  accounts::AwsEndpoint sts_endpoint_;
  accounts::CurlTransport transport_;
  SeededRandom random_;  // jitter for every tenant's retries and backoff
  accounts::RetryStrategy own_retry_;  // the daemon's own identity's calls (AssumeRole of tenants' roles)
  accounts::CredentialsProviderPtr own_credentials_;
  std::vector<std::unique_ptr<Tenant>> tenants_;  // the own account first
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::chrono::steady_clock::rep> last_progress_{0};
};

// How long a pass may go without finishing a bucket before it counts as hung: every AWS call of
// one bucket (read, write, verifying read, an AssumeRole) on its every try, plus 10 s for the
// database. A pass stalled longer than this withholds the systemd watchdog's pings.
std::chrono::milliseconds PassStallLimit(const Config& config);

// The STATUS= line for a finished pass: "in sync: 41 buckets checked, 2 changed, 0 failed, ...",
// with the number of tenants when the daemon has more than one.
std::string DescribePass(const ChildPassReport& report, std::chrono::milliseconds took);

}  // namespace govd::daemon

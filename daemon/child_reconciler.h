// daemon/child_reconciler.h
// Child mode, wired from the configuration: the S3 client for this account (an endpoint override
// means an S3-compatible server, addressed path-style), its credentials (static keys from the
// protected config file, else the AWS CLI's credential chain), and one TenantPass per reconcile
// pass over this account's buckets, with a fresh database connection each pass. Create() checks
// the database answers at this build's schema, so govd never reports ready without it.
// Thread safety: RunPass() from one thread at a time (the daemon's reconcile worker); Plan()
// from any thread. Never logs
// credentials; pass reports carry bucket names, counts and error texts only.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "accounts/credentials_provider.h"
#include "accounts/curl_transport.h"
#include "accounts/random_source.h"
#include "accounts/retry_strategy.h"
#include "accounts/s3_client.h"
#include "accounts/time_source.h"
#include "base/result.h"
#include "daemon/bucket_policy_access.h"
#include "daemon/clock.h"
#include "daemon/config.h"
#include "daemon/rate_limiter.h"
#include "daemon/tenant_pass.h"

namespace govd::daemon {

class ChildReconciler {
 public:
  // REQUIRES: config.mode is kChild and config.database_conninfo is set. `observer` (may be
  // null) is told about every AWS call attempt and must outlive the reconciler.
  static Result<std::unique_ptr<ChildReconciler>> Create(const Config& config, accounts::AwsCallObserver* observer);

  // One pass over the account's due buckets; blocks. Stops between buckets once RequestStop().
  Result<TenantPassReport> RunPass();
  // What a pass would change in each of the account's buckets (PlanTenant); blocks, writes
  // nothing. May run on another thread at the same time as RunPass() (its own connection; the
  // S3 client is thread safe).
  Result<std::vector<BucketResult>> Plan();
  void RequestStop() { stop_requested_ = true; }
  // This account's bucket policies on S3 (thread safe), for what reads them outside a pass
  // (audits, simulate).
  BucketPolicyAccess& policy_access() { return *access_; }

 private:
  explicit ChildReconciler(const Config& config);
  Result<std::unique_ptr<accounts::Store>> OpenStore() const;

  std::string conninfo_;
  policy::AccountId account_;
  std::chrono::seconds resync_;
  std::chrono::seconds lease_;
  accounts::CurlTransport transport_;
  accounts::SeededRandomSource random_;
  accounts::RetryStrategy retry_;
  accounts::SystemTimeSource time_;
  accounts::CredentialsProviderPtr credentials_;
  std::unique_ptr<accounts::S3Client> s3_;
  std::unique_ptr<S3BucketPolicyAccess> access_;
  SystemClock steady_;
  SystemRandom jitter_;
  RetryRateLimiter limiter_;
  std::atomic<bool> stop_requested_{false};
};

// The STATUS= line for a finished pass: "in sync: 41 buckets, 2 repaired, 0 failed (0.8 s)".
std::string DescribePass(const TenantPassReport& report, std::chrono::milliseconds took);

}  // namespace govd::daemon

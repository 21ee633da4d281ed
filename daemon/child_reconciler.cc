#include "daemon/child_reconciler.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "accounts/store.h"
#include "daemon/aws_wiring.h"

namespace govd::daemon {
namespace {

// Each try of an AWS call ends within aws.timeout: connecting, a stalled transfer, or the whole.
accounts::CurlTransportOptions TransportOptions(const Config& config) {
  accounts::CurlTransportOptions options;
  options.total_timeout = config.aws_timeout;
  options.connect_timeout = std::min(options.connect_timeout, config.aws_timeout);
  options.read_timeout = std::max(std::chrono::seconds(1),
                                  std::min(options.read_timeout, std::chrono::ceil<std::chrono::seconds>(config.aws_timeout)));
  return options;
}

accounts::RetryOptions RetryOptionsOf(const Config& config) {
  accounts::RetryOptions options;
  options.max_attempts = config.aws_max_attempts;
  options.budget_tokens = config.aws_retry_budget;
  return options;
}

}  // namespace

ChildReconciler::ChildReconciler(const Config& config)
    : conninfo_(config.database_conninfo),
      account_(config.account_id),
      resync_(std::chrono::duration_cast<std::chrono::seconds>(config.reconcile_interval)),
      lease_(std::chrono::ceil<std::chrono::seconds>(config.reconcile_lease)),
      transport_(TransportOptions(config)),
      random_(static_cast<std::uint64_t>(::getpid())),
      retry_(RetryOptionsOf(config), random_),
      limiter_(RateLimiterOptions{}, steady_, jitter_) {}

Result<std::unique_ptr<ChildReconciler>> ChildReconciler::Create(const Config& config,
                                                                  accounts::AwsCallObserver* observer) {
  if (config.database_conninfo.empty()) return InvalidArgument("child mode needs database.conninfo", "database.conninfo");
  std::unique_ptr<ChildReconciler> child(new ChildReconciler(config));
  GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint sts, StsEndpointOf(config));
  GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint s3, S3EndpointOf(config));
  child->credentials_ = OwnCredentials(
      config, {accounts::ProcessEnvironment(), child->transport_, child->retry_, child->time_, sts});
  child->s3_ = std::make_unique<accounts::S3Client>(
      s3, accounts::AwsCallerDeps{child->transport_, child->retry_, child->time_, child->credentials_.get(), observer},
      accounts::S3ClientOptions{.path_style = !config.endpoints.s3.empty()});
  child->access_ = std::make_unique<S3BucketPolicyAccess>(*child->s3_);
  GOVD_TRY(child->OpenStore());  // the database answers, at this build's schema
  return child;
}

Result<std::unique_ptr<accounts::Store>> ChildReconciler::OpenStore() const {
  accounts::StoreOptions options;
  options.clock = [] { return std::chrono::system_clock::now(); };
  auto store = accounts::Store::Open(conninfo_, {account_.str(), "govd@" + account_.str()}, options);
  if (!store) return store.error().WithContext("database");
  return store;
}

Result<TenantPassReport> ChildReconciler::RunPass() {
  GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> store, OpenStore());
  TenantPassOptions options{"govd@" + account_.str() + ":" + std::to_string(::getpid()),
                            16,
                            lease_,
                            resync_,
                            account_,
                            [this] { return stop_requested_.load(); }};
  TenantPass pass(*store, *access_, limiter_, [] { return std::chrono::system_clock::now(); }, options);
  return pass.Run();
}

Result<std::vector<BucketResult>> ChildReconciler::Plan() {
  GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> store, OpenStore());
  return PlanTenant(*store, *access_);
}

std::string DescribePass(const TenantPassReport& report, std::chrono::milliseconds took) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(took.count()) / 1000.0);
  std::string state = report.failed > 0 ? "degraded" : "in sync";
  return state + ": " + std::to_string(report.buckets.size()) + " buckets checked, " +
         std::to_string(report.applied) + " changed, " + std::to_string(report.failed) + " failed, " +
         std::to_string(report.sweep.expired) + " grants expired (last pass " + seconds + " s)";
}

}  // namespace govd::daemon

#include "daemon/child_reconciler.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "accounts/credential_chain.h"
#include "accounts/credential_sources.h"
#include "accounts/store.h"

namespace govd::daemon {
namespace {

// The endpoint of `service`: AWS's default, or the configured override (named in errors by `key`).
Result<accounts::AwsEndpoint> Endpoint(const std::string& override_url, const char* service,
                                       const std::string& region, accounts::AwsEndpoint aws_default,
                                       const char* key) {
  if (override_url.empty()) return aws_default;
  auto custom = accounts::ParseEndpointUrl(override_url, service, region);
  if (!custom) return custom.error().WithContext(key);
  return custom;
}

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

Result<std::unique_ptr<ChildReconciler>> ChildReconciler::Create(const Config& config) {
  if (config.database_conninfo.empty()) return InvalidArgument("child mode needs database.conninfo", "database.conninfo");
  std::unique_ptr<ChildReconciler> child(new ChildReconciler(config));
  GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint sts, Endpoint(config.endpoints.sts, "sts", config.region,
                                                             accounts::DefaultStsEndpoint(config.region),
                                                             "aws.sts-endpoint"));
  GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint s3, Endpoint(config.endpoints.s3, "s3", config.region,
                                                            accounts::DefaultS3Endpoint(config.region),
                                                            "aws.s3-endpoint"));
  if (config.static_keys) {
    child->credentials_ = std::make_unique<accounts::StaticCredentialsProvider>(accounts::AwsCredentials{
        signer::Credentials(config.static_keys->access_key_id, config.static_keys->secret_access_key, ""),
        std::nullopt});
  } else {
    child->credentials_ = accounts::MakeDefaultCredentialChain(
        {accounts::ProcessEnvironment(), child->transport_, child->retry_, child->time_, sts});
  }
  child->s3_ = std::make_unique<accounts::S3Client>(
      s3, accounts::AwsCallerDeps{child->transport_, child->retry_, child->time_, child->credentials_.get()},
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

std::string DescribePass(const TenantPassReport& report, std::chrono::milliseconds took) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(took.count()) / 1000.0);
  std::string state = report.failed > 0 ? "degraded" : "in sync";
  return state + ": " + std::to_string(report.buckets.size()) + " buckets checked, " +
         std::to_string(report.applied) + " changed, " + std::to_string(report.failed) + " failed, " +
         std::to_string(report.sweep.expired) + " grants expired (last pass " + seconds + " s)";
}

}  // namespace govd::daemon

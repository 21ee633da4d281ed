#include "daemon/reconcile/child_reconciler.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>
#include <cstdio>
#include <thread>

#include "accounts/aws/iam_client.h"
#include "accounts/store/store.h"
#include "daemon/reconcile/aws_wiring.h"

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

// Names this process in reconcile leases: "govd@222222222222:host:1234". The host name keeps
// replicas in containers apart, where every daemon may have the same pid.
std::string LeaseWorkerName(const policy::AccountId& account) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return "govd@" + account.str() + ":" + std::string(host.data()) + ":" + std::to_string(::getpid());
}

}  // namespace

// What one tenant's passes need, kept across passes: its identity, S3 client, retry budget and
// per-bucket backoff.
struct ChildReconciler::Tenant {
  Tenant(policy::AccountId id, const accounts::RetryOptions& retry_options, Random& random)
      : account(std::move(id)), retry(retry_options, random), limiter(RateLimiterOptions{}, SystemTime(), random) {}

  policy::AccountId account;
  accounts::RetryStrategy retry;
  RetryRateLimiter limiter;
  accounts::CredentialsProviderPtr credentials;  // null: the daemon's own
  std::unique_ptr<accounts::S3Client> s3;
  std::unique_ptr<S3BucketPolicyAccess> access;
  std::optional<ReaderRole> reader_role;     // the own account's, when configured
  std::unique_ptr<accounts::IamClient> iam;  // with reader_role
};

ChildReconciler::ChildReconciler(const Config& config)
    : conninfo_(config.database_conninfo),
      account_(config.account_id),
      worker_(LeaseWorkerName(config.account_id)),
      resync_(std::chrono::duration_cast<std::chrono::seconds>(config.reconcile_interval)),
      lease_(std::chrono::ceil<std::chrono::seconds>(config.reconcile_lease)),
      concurrency_(config.concurrency),
      retry_options_(RetryOptionsOf(config)),
      transport_(TransportOptions(config)),
      random_(static_cast<std::uint64_t>(::getpid())),
      own_retry_(retry_options_, random_) {}

ChildReconciler::~ChildReconciler() = default;

Result<std::unique_ptr<ChildReconciler>> ChildReconciler::Create(
    const Config& config, accounts::AwsCallObserver* observer,
    std::shared_ptr<accounts::AuditSeal> audit_seal) {
  if (config.database_conninfo.empty()) return InvalidArgument("child mode needs database.conninfo", "database.conninfo");
  std::unique_ptr<ChildReconciler> child(new ChildReconciler(config));
  child->audit_seal_ = std::move(audit_seal);
  GOVD_ASSIGN_OR_RETURN(child->sts_endpoint_, StsEndpointOf(config));
  child->own_credentials_ = OwnCredentials(config, {accounts::ProcessEnvironment(), child->transport_,
                                                    child->own_retry_, SystemTime(), child->sts_endpoint_});
  GOVD_TRY(
      child->AddTenant({.account = config.account_id, .role_arn = {}, .external_id = {}, .static_keys = {}},
                       config, observer));
  for (const ManagedTenant& tenant : config.tenants) GOVD_TRY(child->AddTenant(tenant, config, observer));
  GOVD_TRY(child->OpenStore(config.account_id));  // the database answers, at this build's schema
  return child;
}

Status ChildReconciler::AddTenant(const ManagedTenant& managed, const Config& config,
                                  accounts::AwsCallObserver* observer) {
  GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint s3, S3EndpointOf(config));
  auto tenant = std::make_unique<Tenant>(managed.account, retry_options_, random_);
  if (managed.static_keys) {
    tenant->credentials = StaticCredentials(*managed.static_keys);
  } else if (!managed.role_arn.empty()) {
    tenant->credentials = AssumedRoleCredentials(
        sts_endpoint_, {transport_, own_retry_, SystemTime(), own_credentials_.get()}, managed.role_arn, managed.external_id,
        "govd-" + account_.str() + "-" + std::to_string(::getpid()));
  }
  accounts::CredentialsProvider* credentials =
      tenant->credentials ? tenant->credentials.get() : own_credentials_.get();
  tenant->s3 = std::make_unique<accounts::S3Client>(
      s3, accounts::AwsCallerDeps{transport_, tenant->retry, SystemTime(), credentials, observer},
      accounts::S3ClientOptions{.path_style = !config.endpoints.s3.empty()});
  tenant->access = std::make_unique<S3BucketPolicyAccess>(*tenant->s3);
  if (managed.account == config.account_id && config.reader_role) {
    GOVD_ASSIGN_OR_RETURN(accounts::AwsEndpoint iam, IamEndpointOf(config));
    tenant->reader_role = config.reader_role;
    tenant->iam = std::make_unique<accounts::IamClient>(
        iam, accounts::AwsCallerDeps{transport_, tenant->retry, SystemTime(), credentials, observer});
  }
  tenants_.push_back(std::move(tenant));
  return Ok();
}

Result<std::unique_ptr<accounts::Store>> ChildReconciler::OpenStore(const policy::AccountId& tenant) const {
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  options.audit_seal = audit_seal_;
  auto store = accounts::Store::Open(conninfo_, {tenant.str(), "govd@" + account_.str()}, options);
  if (!store) return store.error().WithContext("database");
  return store;
}

Result<TenantPassReport> ChildReconciler::RunTenantPass(Tenant& tenant) {
  GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> store, OpenStore(tenant.account));
  TenantPassOptions options{worker_,
                            16,
                            lease_,
                            resync_,
                            tenant.account,
                            [this] {
                              MarkProgress();
                              return stop_requested_.load();
                            },
                            nullptr};
  std::optional<ReaderTrustReconciler> reader_trust;
  if (tenant.reader_role) {
    reader_trust.emplace(*store, *tenant.iam, *tenant.reader_role, tenant.account);
    options.reader_trust = &*reader_trust;
  }
  TenantPass pass(
      *store, *tenant.access, tenant.limiter, SystemTime(), options);
  return pass.Run();
}

// Tenants are handed out one at a time to up to `concurrency_` threads; each result lands in its
// tenant's slot, so the report's order does not depend on which thread finished first.
Result<ChildPassReport> ChildReconciler::RunPass() {
  MarkProgress();
  std::vector<std::optional<Result<TenantPassReport>>> results(tenants_.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < tenants_.size(); i = next++)
      results[i].emplace(RunTenantPass(*tenants_[i]));
  };
  std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(concurrency_, 1)), tenants_.size());
  {
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  ChildPassReport report;
  bool any_ran = false;
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    any_ran = any_ran || results[i]->has_value();
    report.tenants.push_back({tenants_[i]->account, std::move(*results[i])});
  }
  if (!any_ran) return report.tenants.front().report.error();
  return report;
}

void ChildReconciler::MarkProgress() { last_progress_ = std::chrono::steady_clock::now().time_since_epoch().count(); }

std::chrono::milliseconds PassStallLimit(const Config& config) {
  constexpr int kCallsPerBucket = 4;
  return kCallsPerBucket * config.aws_max_attempts * config.aws_timeout + std::chrono::seconds(10);
}

ChildReconciler::Tenant* ChildReconciler::Find(const policy::AccountId& account) {
  auto found =
      std::find_if(tenants_.begin(), tenants_.end(), [&](const auto& t) { return t->account == account; });
  return found == tenants_.end() ? nullptr : found->get();
}

Result<std::vector<BucketResult>> ChildReconciler::Plan(const policy::AccountId& tenant) {
  Tenant* found = Find(tenant);
  if (found == nullptr)
    return NotFound("tenant " + tenant.str() + " is not managed by this daemon (" + account_.str() + ")");
  GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> store, OpenStore(tenant));
  return PlanTenant(*store, *found->access);
}

BucketPolicyAccess* ChildReconciler::PolicyAccess(const policy::AccountId& tenant) {
  Tenant* found = Find(tenant);
  return found == nullptr ? nullptr : found->access.get();
}

std::vector<policy::AccountId> ChildReconciler::tenants() const {
  std::vector<policy::AccountId> accounts;
  for (const auto& tenant : tenants_) accounts.push_back(tenant->account);
  return accounts;
}

std::string DescribePass(const ChildPassReport& report, std::chrono::milliseconds took) {
  std::size_t buckets = 0;
  int applied = 0;
  int failed = 0;
  int expired = 0;
  int tenants_failed = 0;
  for (const TenantPassResult& tenant : report.tenants) {
    if (!tenant.report) {
      ++tenants_failed;
      continue;
    }
    buckets += tenant.report->buckets.size();
    applied += tenant.report->applied;
    failed += tenant.report->failed;
    expired += tenant.report->sweep.expired;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(took.count()) / 1000.0);
  std::string state = failed > 0 || tenants_failed > 0 ? "degraded" : "in sync";
  std::string tenants = report.tenants.size() > 1 ? std::to_string(report.tenants.size()) + " tenants (" +
                                                        std::to_string(tenants_failed) + " failed), "
                                                  : "";
  return state + ": " + tenants + std::to_string(buckets) + " buckets checked, " + std::to_string(applied) +
         " changed, " + std::to_string(failed) + " failed, " + std::to_string(expired) +
         " grants expired (last pass " + seconds + " s)";
}

}  // namespace govd::daemon

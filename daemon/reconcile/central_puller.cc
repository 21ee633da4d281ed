#include "daemon/reconcile/central_puller.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "accounts/aws/s3_client.h"
#include "accounts/pull/prefix_copy.h"
#include "daemon/reconcile/aws_wiring.h"

namespace govd::daemon {
namespace {

// The daemon reports counts when a pass ends; nobody watches individual objects go by.
class NoProgress final : public accounts::ProgressSink {
 public:
  void OnProgress(const accounts::PullProgress& /*progress*/) override {}
};

std::string Target(const PullSource& source, const std::string& prefix) {
  return "s3://" + source.bucket + "/" + prefix + " (source " + source.name + ", account " + source.account.str() + ")";
}

void Count(const SourcePullOutcome& outcome, CentralPassReport& report) {
  switch (outcome.state) {
    case PullState::kPulled: ++report.pulled; break;
    case PullState::kDenied: ++report.denied; break;
    case PullState::kFailed: ++report.failed; break;
  }
}

}  // namespace

std::string_view PullStateName(PullState state) {
  switch (state) {
    case PullState::kPulled: return "pulled";
    case PullState::kDenied: return "denied";
    case PullState::kFailed: return "failed";
  }
  return "failed";
}

Result<std::unique_ptr<CentralPuller>> CentralPuller::Create(const Config& config) {
  std::unique_ptr<CentralPuller> puller(new CentralPuller());
  GOVD_ASSIGN_OR_RETURN(puller->s3_endpoint_, S3EndpointOf(config));
  GOVD_ASSIGN_OR_RETURN(puller->sts_endpoint_, StsEndpointOf(config));
  puller->path_style_ = !config.endpoints.s3.empty();
  puller->account_ = config.account_id;
  puller->own_credentials_ = OwnCredentials(config, {accounts::ProcessEnvironment(), puller->transport_, puller->retry_,
                                                     SystemTime(), puller->sts_endpoint_});
  return puller;
}

accounts::CredentialsProvider& CentralPuller::CredentialsFor(const PullSource& source) {
  if (source.role_arn.empty()) return *own_credentials_;
  auto key = std::pair{source.role_arn, source.external_id};
  auto found = roles_.find(key);
  if (found != roles_.end()) return *found->second;
  auto assumed = AssumedRoleCredentials(sts_endpoint_, {transport_, retry_, SystemTime(), own_credentials_.get()},
                                        source.role_arn, source.external_id,
                                        "govd-central-" + std::to_string(::getpid()));
  return *roles_.emplace(key, std::move(assumed)).first->second;
}

SourcePullOutcome CentralPuller::PullOne(const PullSource& source, const std::string& prefix) {
  SourcePullOutcome outcome;
  outcome.source = source.name;
  outcome.account = source.account.str();
  outcome.bucket = source.bucket;
  outcome.prefix = prefix;
  accounts::S3Client s3(s3_endpoint_, {transport_, retry_, SystemTime(), &CredentialsFor(source)},
                        {.path_style = path_style_});
  NoProgress quiet;
  accounts::S3BucketRef from{source.bucket, source.account};
  Result<accounts::PullReport> report = accounts::PullReport{};
  if (source.destination_bucket.empty()) {
    report = accounts::PullPrefix(s3, from, prefix, source.destination, {}, quiet);
  } else {  // the central account's own bucket, written with the daemon's own identity
    accounts::S3Client own(s3_endpoint_, {transport_, retry_, SystemTime(), own_credentials_.get()},
                           {.path_style = path_style_});
    accounts::BucketDestination to{&own, {source.destination_bucket, account_}, source.destination_prefix};
    std::error_code no_tmp;
    std::filesystem::path staging = std::filesystem::temp_directory_path(no_tmp);
    report = no_tmp ? Result<accounts::PullReport>(Unavailable("no temporary directory: " + no_tmp.message()))
                    : accounts::CopyPrefixToBucket(s3, from, prefix, to, staging, quiet);
  }
  outcome.finished = std::chrono::system_clock::now();
  if (!report) {
    bool denied = report.error().code() == ErrorCode::kPermissionDenied;
    outcome.state = denied ? PullState::kDenied : PullState::kFailed;
    outcome.message = denied ? "grant of " + Target(source, prefix) + " to this account was revoked or denied: " +
                                   report.error().message()
                             : "pulling " + Target(source, prefix) + " failed: " + report.error().ToString();
    return outcome;
  }
  outcome.downloaded = report->downloaded;
  outcome.skipped = report->skipped;
  outcome.bytes = report->bytes;
  outcome.failed_objects = report->failures.size();
  if (!report->failures.empty()) {
    outcome.state = PullState::kFailed;
    outcome.message = std::to_string(report->failures.size()) + " objects of " + Target(source, prefix) +
                      " not pulled; first: " + report->failures.front().error.ToString();
  }
  return outcome;
}

CentralPassReport CentralPuller::RunPass(const std::vector<PullSource>& sources) {
  CentralPassReport report;
  for (const PullSource& source : sources) {
    for (const std::string& prefix : source.prefixes) {
      if (stop_requested_) return report;
      report.outcomes.push_back(PullOne(source, prefix));
      Count(report.outcomes.back(), report);
    }
  }
  return report;
}

std::string DescribeCentralPass(const CentralPassReport& report, std::chrono::milliseconds took) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(took.count()) / 1000.0);
  std::string state = report.denied + report.failed > 0 ? "degraded" : "in sync";
  return state + ": central: " + std::to_string(report.pulled) + " prefixes pulled, " +
         std::to_string(report.denied) + " denied (revoked or denied), " + std::to_string(report.failed) +
         " failed (last pass " + seconds + " s)";
}

}  // namespace govd::daemon

// daemon/reconcile/central_puller.h
// Central mode's pass: for every [source.NAME] of the configuration, pull each granted prefix
// into the source's destination, a local directory (accounts/pull/prefix_pull.h) or a bucket of the
// central account (accounts/pull/prefix_copy.h), resumable, checksummed, ETag+size skip,
// reading with the daemon's own credentials or, when the source names one, the child's reader
// role assumed with its ExternalId. Sources are independent: an AccessDenied ends that source's
// pull ("revoked or denied", naming the source and what it was granted) and the others go on.
// Thread safety: RunPass() from one thread at a time (the daemon's reconcile worker);
// RequestStop() from any thread. Never logs (the daemon logs the outcomes); outcomes carry
// names, counts and error texts, never credentials or the ExternalId.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/retry_strategy.h"
#include "accounts/pull/prefix_pull.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "daemon/service/config.h"

namespace govd::daemon {

enum class PullState { kPulled, kDenied, kFailed };
std::string_view PullStateName(PullState state);  // "pulled", "denied", "failed"

// What happened to one granted prefix of one source in one pass.
struct SourcePullOutcome {
  std::string source;   // the section's NAME
  std::string account;  // the child account (TENANT= in logs)
  std::string bucket;
  std::string prefix;
  PullState state = PullState::kPulled;
  std::size_t downloaded = 0;
  std::size_t skipped = 0;
  std::size_t failed_objects = 0;
  std::uint64_t bytes = 0;
  std::string message;  // why it was denied or failed; empty when every object was pulled
  std::chrono::system_clock::time_point finished;
};

struct CentralPassReport {
  std::vector<SourcePullOutcome> outcomes;  // one per source and prefix, in configuration order
  int pulled = 0;
  int denied = 0;
  int failed = 0;
};

class CentralPuller {
 public:
  static Result<std::unique_ptr<CentralPuller>> Create(const Config& config);

  // Pulls every prefix of every source; blocks. Sources not reached once RequestStop() was called
  // are left out of the report.
  CentralPassReport RunPass(const std::vector<PullSource>& sources);
  void RequestStop() { stop_requested_ = true; }

 private:
  CentralPuller() = default;
  SourcePullOutcome PullOne(const PullSource& source, const std::string& prefix);
  accounts::CredentialsProvider& CredentialsFor(const PullSource& source);

  accounts::CurlTransport transport_;
  accounts::RetryStrategy retry_{accounts::RetryOptions{}, SystemRandom()};
  accounts::AwsEndpoint s3_endpoint_;
  accounts::AwsEndpoint sts_endpoint_;
  bool path_style_ = false;
  std::optional<policy::AccountId> account_;  // the central account: the expected owner of s3:// destinations
  accounts::CredentialsProviderPtr own_credentials_;
  // Assumed reader roles, by role ARN and ExternalId, each session cached until near its expiry.
  std::map<std::pair<std::string, std::string>, accounts::CredentialsProviderPtr> roles_;
  std::atomic<bool> stop_requested_{false};
};

// The STATUS= line: "central: 2 prefixes pulled, 1 denied (revoked or denied), 0 failed (last pass 0.3 s)".
std::string DescribeCentralPass(const CentralPassReport& report, std::chrono::milliseconds took);

}  // namespace govd::daemon

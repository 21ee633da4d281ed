// tests/daemon/support/policy_watcher.h
// The never-wider watcher of the fault and crash tests. A thread samples the actual policy of each
// watched bucket continuously (straight from the S3 server, never through the fault proxy) and
// asks the policy evaluator, for a fixed set of probe requests (each principal x each prefix, read
// and list, plus the whole bucket), whether the sample allows a request that neither the previous
// sample of that bucket nor the desired state allows. The desired state is the bucket's foreign
// statements plus govd's statements rendered from the grants that were desired (approved,
// applying, active) at some read of the store within the last `window`: a daemon writes what it
// read before writing, so a grant revoked a moment ago may still appear for that long, but a
// statement no grant asked for is always a violation. Each sample's foreign statements must also
// be exactly the ones the test installed.
// Thread safety: samples() and violations() from any thread; the readers run on the watcher's
// thread only. Test-only.
#pragma once

#include <json/value.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "accounts/store/grant.h"
#include "base/result.h"

namespace govd::daemon::testing {

struct WatchedBucket {
  std::string name;
  std::string owner;                 // the 12-digit account that owns it
  std::vector<Json::Value> foreign;  // statements not govd's, installed by the test
};

// What govd should make the policy of `bucket`: its foreign statements, then the statements
// rendered from those of `grants` that are desired. Null when there is no statement at all.
Json::Value DesiredPolicy(const WatchedBucket& bucket, const std::vector<accounts::Grant>& grants);

// The canonical texts of the foreign statements of `document`, sorted.
std::vector<std::string> ForeignTexts(const Json::Value& document);

class PolicyWatcher {
 public:
  using ReadPolicy = std::function<Result<std::optional<std::string>>(const std::string& bucket)>;
  using ReadGrants = std::function<Result<std::vector<accounts::Grant>>()>;

  // Starts sampling. `principals` and `prefixes` span the probes (add ones no grant names).
  PolicyWatcher(std::vector<WatchedBucket> buckets, std::vector<std::string> principals,
                std::vector<std::string> prefixes, ReadPolicy read_policy, ReadGrants read_grants,
                std::chrono::seconds window);
  ~PolicyWatcher();
  PolicyWatcher(const PolicyWatcher&) = delete;
  PolicyWatcher& operator=(const PolicyWatcher&) = delete;

  void Stop();
  long samples() const { return samples_; }
  long probes() const { return probes_; }
  std::vector<std::string> violations() const;

 private:
  struct Probe {
    std::string principal, action, resource;
    std::optional<std::string> s3_prefix;
  };
  void Run();
  void Remember(const std::vector<accounts::Grant>& grants, std::chrono::steady_clock::time_point when);
  std::vector<accounts::Grant> RecentlyDesired(std::chrono::steady_clock::time_point sampled) const;
  void Check(const WatchedBucket& bucket, const Json::Value& sample, std::chrono::steady_clock::time_point when);
  std::vector<Probe> ProbesOf(const std::string& bucket) const;
  void Violation(std::string what);

  std::vector<WatchedBucket> buckets_;
  std::vector<std::string> principals_;
  std::vector<std::string> prefixes_;
  ReadPolicy read_policy_;
  ReadGrants read_grants_;
  std::chrono::seconds window_;
  // Watcher thread only: each grant as last read, and when it was last seen desired.
  std::map<std::int64_t, std::pair<accounts::Grant, std::chrono::steady_clock::time_point>> seen_;
  std::map<std::string, Json::Value> previous_;  // watcher thread only: the last sample per bucket
  std::atomic<long> samples_{0};
  std::atomic<long> probes_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> violations_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace govd::daemon::testing

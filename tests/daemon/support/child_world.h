// tests/daemon/support/child_world.h
// The world of the fault-injection and crash tests: child account 222222222222 (RadosGW user la1)
// with shared buckets on the RadosGW fixture, each holding a foreign Allow and a foreign Deny that
// govd must keep, the desired state in a fresh database, and the config of a child govd that
// reaches S3 at a given endpoint (the fault proxy, or the server itself) with la1's keys. Grants go
// to two central grantees (a user and the account root) on per-grant prefixes.
// Thread safety: ReadPolicy() from any thread; the rest from the test's thread. Test-only: throws
// on setup failures.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "accounts/store/store.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"
#include "tests/daemon/support/policy_watcher.h"

namespace govd::daemon::testing {

inline constexpr const char* kWorldAccount = "222222222222";
inline constexpr const char* kCentralUser = "arn:aws:iam::111111111111:user/central";
inline constexpr const char* kCentralRoot = "arn:aws:iam::111111111111:root";

class ChildWorld {
 public:
  // Creates `buckets` buckets "<unique stem>-<i>" on the server, registered in a fresh database on
  // `server_conninfo`, each with its foreign statements in place.
  ChildWorld(const std::string& server_conninfo, std::map<std::string, std::string> rgw_env, int buckets);

  accounts::Store& store() { return *store_; }
  const accounts::testing::TestDb& db() const { return *db_; }
  const std::vector<WatchedBucket>& buckets() const { return buckets_; }
  int rgw_port() const;

  // Writes the config of a child govd in `dir` (mode 0600: it holds static keys) and returns its
  // path: `aws` lines go to the [aws] section, `reconcile` lines to the [reconcile] one.
  std::string WriteConfig(const TempDir& dir, const std::string& s3_endpoint, const std::string& aws,
                          const std::string& reconcile) const;

  // A fresh connection for store() (after a database restart).
  void ReopenStore();

  // Requests (and approves, unless told not to) a read+list grant of `prefix` on bucket `index`.
  std::int64_t Grant(int index, const std::string& prefix, const std::string& grantee, bool approve = true);

  // The policy as the server has it, read directly (never through a proxy).
  Result<std::optional<std::string>> ReadPolicy(const std::string& bucket);

  // The actual policy of each of the first `count` buckets equals DesiredPolicy() by meaning; the
  // first difference otherwise.
  std::optional<std::string> FirstDifference(std::size_t count);

  // A watcher on every bucket, with its own database connection. Probe prefixes: `prefixes` plus
  // ones no grant names ("secret/", "public/" of the foreign statement, and the whole bucket).
  std::unique_ptr<PolicyWatcher> StartWatcher(std::vector<std::string> prefixes);

 private:
  std::map<std::string, std::string> env_;
  std::unique_ptr<accounts::testing::TestDb> db_;
  accounts::testing::FakeClock unused_clock_;
  std::unique_ptr<accounts::Store> store_;
  std::vector<WatchedBucket> buckets_;
  accounts::CurlTransport transport_;
  SeededRandom random_{11};
  accounts::RetryStrategy retry_{accounts::RetryOptions{}, random_};
  SystemClock time_;
  std::unique_ptr<accounts::StaticCredentialsProvider> credentials_;
  std::unique_ptr<accounts::S3Client> s3_;
};

// All grants of the world's tenant (at most 1000).
Result<std::vector<accounts::Grant>> AllGrants(accounts::Store& store);

}  // namespace govd::daemon::testing

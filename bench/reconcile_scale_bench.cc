// bench/reconcile_scale_bench.cc
// One child-mode reconciler managing many tenants on a real RadosGW and PostgreSQL, in steady
// state (every bucket's policy already as desired): the time of one full pass over every bucket,
// the AWS calls it makes (a pass in sync must write nothing), the CPU it costs per bucket and the
// process's peak RSS. Run it through bench/reconcile-scale, which starts the servers, makes one
// RadosGW user per tenant and passes them in:
//   GOVD_TEST_PG_DIR   a scripts/pg-test-server folder (its conninfo file: a superuser)
//   GOVD_RGW_ENV       a scripts/rgw-test-server env file
//   GOVD_SCALE_TENANTS a file of "ACCOUNT ACCESS_KEY SECRET_KEY" lines, one RadosGW user each
//   GOVD_SCALE_BUCKETS buckets per tenant (default 10)
// Each iteration waits (untimed) until every bucket is due again, then times one pass.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "accounts/aws/aws_call_observer.h"
#include "accounts/aws/s3_client.h"
#include "accounts/store/migrations.h"
#include "accounts/store/store.h"
#include "daemon/reconcile/child_reconciler.h"
#include "daemon/service/config.h"
#include "policy/engine/policy_canonical.h"
#include "tests/accounts/rgw_env.h"

namespace govd::daemon {
namespace {

struct TenantUser {
  std::string account;
  std::string access_key;
  std::string secret_key;
};

// Counts every AWS call attempt by operation; thread safe.
class CallCounter final : public accounts::AwsCallObserver {
 public:
  void OnAwsCall(const accounts::AwsCallAttempt& attempt) override {
    std::lock_guard lock(mutex_);
    ++calls_[std::string(attempt.operation)];
  }
  std::map<std::string, std::int64_t> Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(calls_, {});
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::int64_t> calls_;
};

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') throw std::runtime_error(std::string(name) + " is not set: run bench/reconcile-scale");
  return value;
}

std::vector<TenantUser> ReadTenants(const std::string& path) {
  std::vector<TenantUser> users;
  std::ifstream in(path);
  TenantUser user;
  while (in >> user.account >> user.access_key >> user.secret_key) users.push_back(user);
  if (users.empty()) throw std::runtime_error("no tenants in " + path);
  return users;
}

// A fresh, migrated database on the server of GOVD_TEST_PG_DIR; its conninfo.
std::string FreshDatabase() {
  std::ifstream in(RequiredEnv("GOVD_TEST_PG_DIR") + "/conninfo");
  std::string server;
  std::getline(in, server);
  std::string name = "govd_scale_" + std::to_string(::getpid());
  pqxx::connection c(server);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name);
  std::string conninfo = server + " dbname=" + name;
  if (auto migrated = accounts::MigrateSchema(conninfo); !migrated) throw std::runtime_error(migrated.error().ToString());
  return conninfo;
}

template <typename T>
T Must(Result<T> result, const std::string& what) {
  if (!result) throw std::runtime_error(what + ": " + result.error().ToString());
  return std::move(result).value();
}

void Must(const Status& status, const std::string& what) {
  if (!status) throw std::runtime_error(what + ": " + status.error().ToString());
}

// The tenant's organisation rows, its buckets on S3 and in the store, and one approved grant
// per bucket (the central account reads shared/reports/).
void SeedTenant(const std::string& conninfo, const std::string& endpoint, const TenantUser& user, int buckets) {
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  auto store = Must(accounts::Store::Open(conninfo, {user.account, "uid:0/admin"}, options), "open store");
  auto account = Must(policy::AccountId::Parse(user.account), "account");
  Must(store->CreateRoot("r-root", "Organisation"), "root");
  Must(store->CreateOu("ou-las", "r-root", "Local authorities"), "ou");
  Must(store->RegisterAccount({account, "tenant " + user.account, accounts::AccountKind::kChild, "ou-las"}), "account");
  accounts::CurlTransport transport;
  SeededRandom random(1);
  accounts::RetryStrategy retry({}, random);
  SystemClock time;
  accounts::StaticCredentialsProvider credentials({signer::Credentials(user.access_key, user.secret_key), std::nullopt});
  accounts::S3Client s3(Must(accounts::ParseEndpointUrl(endpoint, "s3", "us-east-1"), "endpoint"),
                        {transport, retry, time, &credentials}, accounts::S3ClientOptions{.path_style = true});
  for (int i = 0; i < buckets; ++i) {
    std::string bucket = "shared-" + user.account + "-" + std::to_string(i);  // unique, as on AWS
    Must(s3.CreateBucket({bucket, account}), "CreateBucket " + bucket);
    Must(store->RegisterBucket(bucket, account), "RegisterBucket " + bucket);
    accounts::GrantRequest request{account, bucket, "shared/reports/", "arn:aws:iam::111111111111:root",
                                   accounts::GrantActions::kReadList, std::nullopt, "scale bench"};
    auto grant = Must(store->RequestGrant(request), "RequestGrant");
    Must(store->ApproveGrant(grant.id), "ApproveGrant");
  }
}

// A child config as a file would give it: the first tenant is the daemon's own account, the
// others are [tenant.ACCOUNT] sections with their own keys.
Config ScaleConfig(const std::string& conninfo, const std::string& endpoint, const std::vector<TenantUser>& users) {
  RawConfig raw;
  raw.file_path = "reconcile_scale_bench";
  raw.file_mode = 0600;
  auto set = [&raw](const std::string& key, const std::string& value) {
    raw.values[key] = RawValue{{value}, ValueSource::kFile};
  };
  set("mode", "child");
  set("account-id", users[0].account);
  set("region", "us-east-1");
  set("database.conninfo", conninfo);
  set("aws.s3-endpoint", endpoint);
  set("aws.access-key-id", users[0].access_key);
  set("aws.secret-access-key", users[0].secret_key);
  set("reconcile.interval", "1s");
  set("reconcile.concurrency", std::to_string(std::min<std::size_t>(8, users.size())));
  for (std::size_t i = 1; i < users.size(); ++i) {
    set("tenant." + users[i].account + ".access-key-id", users[i].access_key);
    set("tenant." + users[i].account + ".secret-access-key", users[i].secret_key);
  }
  return Must(ValidateConfig(raw), "config");
}

struct PassFigures {
  std::size_t buckets = 0;
  int applied = 0;
  int failed = 0;
};

PassFigures Figures(const ChildPassReport& report) {
  PassFigures figures;
  for (const TenantPassResult& tenant : report.tenants) {
    if (!tenant.report) throw std::runtime_error("tenant " + tenant.tenant.str() + ": " + tenant.report.error().ToString());
    figures.buckets += tenant.report->buckets.size();
    figures.applied += tenant.report->applied;
    figures.failed += tenant.report->failed;
  }
  return figures;
}

double ProcessCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void BM_SteadyStatePass(benchmark::State& state) {
  try {
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) throw std::runtime_error("GOVD_RGW_ENV is not set: run bench/reconcile-scale");
    const std::string endpoint = (*env)["RGW_ENDPOINT"];
    auto users = ReadTenants(RequiredEnv("GOVD_SCALE_TENANTS"));
    const char* per_tenant = std::getenv("GOVD_SCALE_BUCKETS");
    int buckets = per_tenant != nullptr ? std::atoi(per_tenant) : 10;
    std::string conninfo = FreshDatabase();
    for (const TenantUser& user : users) SeedTenant(conninfo, endpoint, user, buckets);
    CallCounter calls;
    auto child = Must(ChildReconciler::Create(ScaleConfig(conninfo, endpoint, users), &calls), "reconciler");
    PassFigures first = Figures(Must(child->RunPass(), "first pass"));  // writes every grant
    if (first.failed != 0) throw std::runtime_error(std::to_string(first.failed) + " buckets failed in the first pass");
    calls.Take();
    const std::size_t expected = users.size() * static_cast<std::size_t>(buckets);
    std::map<std::string, std::int64_t> total;
    double cpu = 0;
    for (auto _ : state) {
      state.PauseTiming();
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // every bucket due again
      double cpu_before = ProcessCpuSeconds();
      state.ResumeTiming();
      PassFigures pass = Figures(Must(child->RunPass(), "pass"));
      state.PauseTiming();
      cpu += ProcessCpuSeconds() - cpu_before;
      if (pass.buckets != expected || pass.applied != 0 || pass.failed != 0) {
        throw std::runtime_error("not a steady full pass: " + std::to_string(pass.buckets) + " buckets, " +
                                 std::to_string(pass.applied) + " changed, " + std::to_string(pass.failed) + " failed");
      }
      for (const auto& [operation, count] : calls.Take()) total[operation] += count;
      state.ResumeTiming();
    }
    const auto iterations = static_cast<double>(state.iterations());
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    state.counters["tenants"] = static_cast<double>(users.size());
    state.counters["buckets"] = static_cast<double>(expected);
    for (const auto& [operation, count] : total) state.counters[operation + "_per_pass"] = static_cast<double>(count) / iterations;
    state.counters["writes_per_pass"] =
        static_cast<double>(total["PutBucketPolicy"] + total["DeleteBucketPolicy"]) / iterations;
    state.counters["cpu_us_per_bucket"] = cpu * 1e6 / iterations / static_cast<double>(expected);
    state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

BENCHMARK(BM_SteadyStatePass)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
}  // namespace govd::daemon

// bench/store_bench.cc: the store on a real PostgreSQL.
//   BM_RecordGrantRequests  time to record 10,000 grant requests (one transaction each, with the
//                           audit row), through one Store
//   BM_RecordGrantRequestsConcurrently/T
//                           16 clients (threads, one Store each) recording 500 grant requests
//                           each at once: of 16 tenants (T=16) or all of one tenant (T=1)
//   BM_ListActiveGrants     time to list a tenant's active grants (1,000 of them) among 100,000
//                           grants of 10 tenants, through a tenant's own database role (RLS on)
// Server: GOVD_BENCH_PG=<superuser conninfo> (e.g. `. DIR/env; GOVD_BENCH_PG=$GOVD_TEST_PG`), or
// else the bench starts its own with scripts/pg-test-server (GOVD_SOURCE_DIR locates it) and
// stops it at the end. Each run uses a fresh database.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "accounts/store/migrations.h"
#include "accounts/store/store.h"
#include "accounts/store/tenant_admin.h"
#include "tests/base/fake_clock.h"

namespace govd::accounts {
namespace {

// A server for the whole run: the one named by GOVD_BENCH_PG, or one of our own.
class BenchServer {
 public:
  BenchServer() {
    if (const char* given = std::getenv("GOVD_BENCH_PG"); given != nullptr) {
      conninfo_ = given;
      return;
    }
    dir_ = "/tmp/govd-store-bench-" + std::to_string(getpid());
    Run("start");
    std::ifstream in(dir_ + "/conninfo");
    std::getline(in, conninfo_);
    if (conninfo_.empty()) throw std::runtime_error("pg-test-server wrote no conninfo");
  }
  ~BenchServer() {
    if (!dir_.empty()) Run("stop");
  }
  BenchServer(const BenchServer&) = delete;
  BenchServer& operator=(const BenchServer&) = delete;

  // A fresh, migrated database; its superuser conninfo.
  std::string FreshDatabase(const std::string& tag) {
    std::string name = "govd_bench_" + tag + "_" + std::to_string(getpid());
    pqxx::connection c(conninfo_);
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + name);
    tx.exec("CREATE DATABASE " + name);
    std::string db = conninfo_ + " dbname=" + name;
    if (auto m = MigrateSchema(db); !m) throw std::runtime_error(m.error().ToString());
    return db;
  }

 private:
  void Run(const std::string& verb) const {
    std::string script = std::string(GOVD_SOURCE_DIR) + "/scripts/pg-test-server";
    std::string cmd = script + " " + verb + " " + dir_ + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
  }
  std::string dir_;
  std::string conninfo_;
};

BenchServer& Server() {
  static BenchServer server;  // NOLINT: one server per bench process, stopped at exit
  return server;
}

// 2027-01-15, whatever the machine's date: the figures do not depend on it.
const govd::testing::FakeClock kFixedNow;

std::unique_ptr<Store> OpenOrDie(const std::string& db, const std::string& tenant) {
  StoreOptions options;
  options.clock = &kFixedNow;
  auto store = Store::Open(db, {tenant, "bench"}, options);
  if (!store) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

void Seed(Store& store, const std::string& account, const std::string& bucket) {
  auto id = policy::AccountId::Parse(account).value();
  if (!store.CreateRoot("r-root", "root") ||
      !store.RegisterAccount({id, "la", AccountKind::kChild, "r-root"}) ||
      !store.RegisterBucket(bucket, id)) {
    throw std::runtime_error("seeding the organisation failed");
  }
}

GrantRequest Request(const std::string& account, const std::string& bucket, int i) {
  return {policy::AccountId::Parse(account).value(),
          bucket,
          "data/" + std::to_string(i) + "/",
          "arn:aws:iam::111111111111:role/govd-central-reader",
          GrantActions::kRead,
          std::nullopt,
          "bench"};
}

void BM_RecordGrantRequests(benchmark::State& state) {
  std::string db = Server().FreshDatabase("record");
  auto store = OpenOrDie(db, "la-bench");
  Seed(*store, "222222222222", "bench-data");
  int i = 0;
  for (auto _ : state) {
    for (int n = 0; n < 10'000; ++n) {
      auto g = store->RequestGrant(Request("222222222222", "bench-data", i++));
      if (!g) state.SkipWithError(g.error().ToString().c_str());
    }
  }
  state.counters["requests_per_s"] =
      benchmark::Counter(10'000.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RecordGrantRequests)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_RecordGrantRequestsConcurrently(benchmark::State& state) {
  constexpr int kClients = 16;
  constexpr int kEach = 500;
  const int tenants = static_cast<int>(state.range(0));
  std::string db = Server().FreshDatabase("concurrent" + std::to_string(tenants));
  std::vector<std::unique_ptr<Store>> stores;
  for (int c = 0; c < kClients; ++c) {
    int t = c % tenants;
    stores.push_back(OpenOrDie(db, "la-" + std::to_string(t)));
    if (c < tenants) {
      Seed(*stores.back(), "2222222222" + std::to_string(10 + t), "bench-" + std::to_string(t));
    }
  }
  int round = 0;
  std::vector<std::string> failed(kClients);  // a client's last error; each writes only its own
  for (auto _ : state) {
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        int t = c % tenants;
        for (int n = 0; n < kEach; ++n) {
          int i = (round * kClients + c) * kEach + n;
          auto g = stores[c]->RequestGrant(
              Request("2222222222" + std::to_string(10 + t), "bench-" + std::to_string(t), i));
          if (!g) failed[c] = g.error().ToString();
        }
      });
    }
    for (std::thread& client : clients) client.join();
    for (const std::string& error : failed) {
      if (!error.empty()) state.SkipWithError(error.c_str());
    }
    ++round;
  }
  state.counters["requests_per_s"] = benchmark::Counter(
      double{kClients * kEach} * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RecordGrantRequestsConcurrently)
    ->Arg(16)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// 10 tenants x 10,000 grants; in each tenant every 10th grant is active.
std::string SeedHundredThousand() {
  std::string db = Server().FreshDatabase("list");
  for (int t = 0; t < 10; ++t) {
    std::string tenant = "la-" + std::to_string(t);
    std::string account = "2222222222" + std::to_string(10 + t);
    Seed(*OpenOrDie(db, tenant), account, "bench-" + std::to_string(t));
  }
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO govd.grants (tenant, owner_account, bucket, prefix, grantee, actions, "
        "requested_by, reason, state, created_at, updated_at) "
        "SELECT 'la-' || (i % 10), '2222222222' || (10 + i % 10), 'bench-' || (i % 10), "
        "'data/' || i || '/', 'arn:aws:iam::111111111111:role/govd-central-reader', 'read', "
        "'bench', 'bench', CASE WHEN (i / 10) % 10 = 0 THEN 'active' ELSE 'requested' END, "
        "now(), now() FROM generate_series(0, 99999) i");
    tx.exec("CREATE ROLE bench_reader_" + std::to_string(getpid()) + " LOGIN PASSWORD 'bench'");
    tx.commit();
    pqxx::nontransaction analyze(c);
    analyze.exec("ANALYZE govd.grants");
  }
  std::string role = "bench_reader_" + std::to_string(getpid());
  if (!AddTenantRole(db, role, "la-3")) throw std::runtime_error("AddTenantRole failed");
  return db + " user=" + role + " password=bench";
}

void BM_ListActiveGrants(benchmark::State& state) {
  // Google Benchmark calls this function several times to size the run: seed once.
  static const std::string db = SeedHundredThousand();  // NOLINT: seeded once per process
  auto store = OpenOrDie(db, "la-3");
  GrantFilter active;
  active.state = GrantState::kActive;
  active.limit = 100'000;
  std::size_t listed = 0;
  for (auto _ : state) {
    auto grants = store->ListGrants(active);
    if (!grants) state.SkipWithError(grants.error().ToString().c_str());
    listed = grants ? grants->size() : 0;
  }
  state.counters["grants_listed"] = static_cast<double>(listed);
}
BENCHMARK(BM_ListActiveGrants)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace govd::accounts

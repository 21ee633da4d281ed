// tests/accounts/store/test_db.h
// A fresh, migrated database per test on the throwaway server of scripts/pg-test-server (CTest
// fixture "pg"; GOVD_TEST_PG_DIR names its folder). Test-only: throws on setup failures.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "accounts/store/migrations.h"
#include "accounts/store/store.h"
#include "accounts/store/tenant_admin.h"
#include "tests/base/fake_clock.h"

namespace govd::accounts::testing {

// The server's superuser conninfo, or "" when the tests run without the fixture.
inline std::string ServerConninfo() {
  const char* dir = std::getenv("GOVD_TEST_PG_DIR");
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/conninfo");
  std::string line;
  std::getline(in, line);
  if (line.empty()) ADD_FAILURE() << "GOVD_TEST_PG_DIR=" << dir << " has no conninfo: did the fixture start?";
  return line;
}

#define GOVD_REQUIRE_PG(server)                                                      \
  do {                                                                               \
    if ((server).empty()) GTEST_SKIP() << "GOVD_TEST_PG_DIR not set (run via ctest)"; \
  } while (false)

// A settable clock shared by a test's stores.
using govd::testing::FakeClock;

class TestDb {
 public:
  // Creates database govd_t_<pid>_<n> and migrates it.
  explicit TestDb(const std::string& server) : server_(server) {
    static std::atomic<int> counter{0};
    name_ = "govd_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    pqxx::connection c(server_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE DATABASE " + name_);
    auto migrated = MigrateSchema(conninfo());
    if (!migrated) throw std::runtime_error(migrated.error().ToString());
  }
  const std::string& name() const { return name_; }
  std::string conninfo() const { return server_ + " dbname=" + name_; }
  std::string RoleConninfo(const std::string& role) const {
    return conninfo() + " user=" + role + " password=pw-" + role;
  }
  // Creates a login role (unique to this database) for `tenant`; returns its name.
  std::string CreateTenantRole(const std::string& suffix, const std::string& tenant) const {
    std::string role = name_ + "_" + suffix;
    {
      pqxx::connection c(conninfo());
      pqxx::nontransaction tx(c);
      tx.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
    }
    auto added = AddTenantRole(conninfo(), role, tenant);
    if (!added) throw std::runtime_error(added.error().ToString());
    return role;
  }
  void Exec(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  std::int64_t Count(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

 private:
  std::string server_;
  std::string name_;
};

inline std::unique_ptr<Store> OpenStore(const std::string& conninfo, const std::string& tenant,
                                        FakeClock& clock, const std::string& actor = "uid:1000") {
  StoreOptions options;
  options.clock = &clock;
  options.in_flight_timeout = std::chrono::seconds(600);
  auto store = Store::Open(conninfo, {tenant, actor}, options);
  if (!store) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

inline policy::AccountId Account(std::string_view id) { return policy::AccountId::Parse(id).value(); }

inline constexpr const char* kReader = "arn:aws:iam::111111111111:role/govd-central-reader";
inline constexpr const char* kChild = "222222222222";
inline constexpr const char* kCentral = "111111111111";

// Root, one OU, the central and one child account, and the child's bucket "la-data".
inline void SeedOrganisation(Store& store, const std::string& child = kChild,
                             const std::string& bucket = "la-data") {
  ASSERT_TRUE(store.CreateRoot("r-root", "Organisation"));
  ASSERT_TRUE(store.CreateOu("ou-las", "r-root", "Local authorities"));
  ASSERT_TRUE(store.RegisterAccount({Account(kCentral), "central", AccountKind::kCentral, "r-root"}));
  ASSERT_TRUE(store.RegisterAccount({Account(child), "leeds", AccountKind::kChild, "ou-las"}));
  ASSERT_TRUE(store.RegisterBucket(bucket, Account(child)));
}

inline GrantRequest ReadRequest(const std::string& prefix = "reports/",
                                const std::string& bucket = "la-data") {
  GrantRequest r{Account(kChild), bucket, prefix, kReader, GrantActions::kRead, std::nullopt,
                 "quarterly statistics"};
  return r;
}

// A fresh database with tenant "la-leeds" seeded by SeedOrganisation; store_ acts for it.
// Subclasses that extend SetUp() call this one first and return if IsSkipped().
class SeededStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<TestDb>(server_);
    store_ = OpenStore(db_->conninfo(), "la-leeds", clock_);
    SeedOrganisation(*store_);
  }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<TestDb> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace govd::accounts::testing

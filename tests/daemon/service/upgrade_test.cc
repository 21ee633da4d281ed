// An upgrade as a package does it: a database left at an older release's schema (migrations up to
// kOldSchema, from the migration list), with a tenant's organisation, grants and a hash-chained
// audit log in it, then the new govd started under a notify socket with no `govd migrate` step.
// With database.migrate-at-start (the default) it migrates, says so in its log, and reaches
// READY=1 with the schema at whatever the migration list holds now and the data intact (the audit
// chain verifies). Logged in as a tenant role, which may not change the schema, it waits (not
// ready, saying why) until the owner runs the migrations, then starts. With migrate-at-start =
// false it changes nothing and refuses to start.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "accounts/store/audit_chain.h"
#include "accounts/store/migrations.h"
#include "accounts/store/store.h"
#include "accounts/store/tenant_admin.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"
#include "tests/daemon/support/notify_socket.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

// The schema of the release before the audit MAC (0005): every later migration runs on upgrade.
constexpr int kOldSchema = 4;
constexpr const char* kTenant = "111122223333";

// A database of its own on the test server, at schema kOldSchema.
class OldDatabase {
 public:
  explicit OldDatabase(const std::string& server) : server_(server) {
    name_ = "govd_upgrade_" + std::to_string(getpid()) + "_" + std::to_string(counter_++);
    pqxx::connection c(server_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE DATABASE " + name_);
  }
  std::string conninfo() const { return server_ + " dbname=" + name_; }
  // A login role of this database for kTenant, as a deployed daemon uses (not the owner).
  std::string TenantRoleConninfo() const {
    const std::string role = name_ + "_daemon";
    {
      pqxx::connection c(conninfo());
      pqxx::nontransaction tx(c);
      tx.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
    }
    if (Status added = accounts::AddTenantRole(conninfo(), role, kTenant); !added) {
      throw std::runtime_error(added.error().ToString());
    }
    return conninfo() + " user=" + role + " password=pw-" + role;
  }

 private:
  static inline int counter_ = 0;
  std::string server_;
  std::string name_;
};

// Appends one audit row the way a govd of the old release did: seq from the sequence, hash
// chained to the previous row, no MAC column yet.
std::string AppendOldAuditRow(pqxx::work& tx, const std::string& prev_hash, const std::string& action,
                              const std::string& object, const std::string& after_json, std::int64_t at_us) {
  accounts::AuditRecord r;
  r.seq = tx.exec1("SELECT nextval(pg_get_serial_sequence('govd.audit_log', 'seq'))")[0].as<std::int64_t>();
  r.tenant = kTenant;
  r.actor = "uid:1000/operator";
  r.action = action;
  r.object = object;
  r.before_json = "null";
  r.after_json = after_json;
  r.at_us = at_us;
  r.prev_hash = prev_hash;
  r.row_hash = accounts::AuditRowHash(r);
  tx.exec_params(
      "INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, at, "
      "prev_hash, "
      "row_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, govd.from_us($8), $9, $10)",
      r.seq, r.tenant, r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us, r.prev_hash,
      r.row_hash);
  return r.row_hash;
}

// An organisation, a bucket (not due: no pass touches S3), two grants and three audit rows.
void SeedOldRelease(const std::string& conninfo) {
  pqxx::connection c(conninfo);
  pqxx::work tx(c);
  const std::string t = kTenant;
  tx.exec_params(
      "INSERT INTO govd.ous (tenant, ou_id, parent_id, name) VALUES ($1, 'r-root', NULL, 'Organisation')", t);
  tx.exec_params(
      "INSERT INTO govd.accounts (tenant, account_id, name, kind, ou_id) VALUES "
      "($1, $1, 'leeds', 'child', 'r-root')",
      t);
  tx.exec_params("INSERT INTO govd.buckets (tenant, owner_account, bucket) VALUES ($1, $1, 'la-data')", t);
  const std::int64_t at = 1'700'000'000'000'000;
  for (const char* state : {"requested", "revoked"}) {
    tx.exec_params(
        "INSERT INTO govd.grants (tenant, owner_account, bucket, prefix, grantee, actions, requested_by, "
        "reason, state, created_at, updated_at) VALUES ($1, $1, 'la-data', 'reports/', "
        "'arn:aws:iam::111111111111:role/govd-central-reader', 'read', 'uid:1000', 'quarterly statistics', "
        "$2, govd.from_us($3), govd.from_us($3))",
        t, std::string(state), at);
  }
  std::string head(accounts::kGenesisHash);
  head = AppendOldAuditRow(tx, head, "account.register", "account/" + t, R"({"name":"leeds"})", at);
  head = AppendOldAuditRow(tx, head, "grant.request", "grant/1", R"({"state":"requested"})", at + 1);
  AppendOldAuditRow(tx, head, "grant.request", "grant/2", R"({"state":"requested"})", at + 2);
  tx.commit();
}

std::int64_t Count(const std::string& conninfo, const std::string& sql) {
  pqxx::connection c(conninfo);
  pqxx::nontransaction tx(c);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    ASSERT_GT(accounts::CodeSchemaVersion(), kOldSchema)
        << "no migration after the old schema to upgrade across";
    db_ = std::make_unique<OldDatabase>(server_);
    auto old = accounts::MigrateSchemaUpTo(db_->conninfo(), kOldSchema);
    ASSERT_TRUE(old) << old.error().ToString();
    ASSERT_EQ(accounts::ReadSchemaStatus(db_->conninfo())->database_version, kOldSchema);
    SeedOldRelease(db_->conninfo());
    ASSERT_TRUE(notify_.bound());
  }

  void WriteConfig(const std::string& extra) {
    testing::WriteFile(
        dir_.File("govd.conf"),
        testing::ConfigWithDatabase(dir_, db_->conninfo(), kTenant,
                                    "role = uid:" + std::to_string(getuid()) + " admin\n" + extra));
  }

  std::string server_;
  std::unique_ptr<OldDatabase> db_;
  testing::TempDir dir_;
  testing::NotifySocket notify_{dir_.File("notify.sock")};
  std::vector<std::string> seen_;
};

TEST_F(UpgradeTest, MigratesAtStartAndIsReadyWithTheDataIntact) {
  WriteConfig("");
  testing::GovdProcess govd({"--config", dir_.File("govd.conf")}, {notify_.env(), "WATCHDOG_USEC=2000000"},
                            dir_.File("govd.log"));
  std::string ready = notify_.WaitFor("READY=1", milliseconds(60'000), seen_);
  ASSERT_FALSE(ready.empty()) << "no READY=1; log:\n" << testing::ReadFile(dir_.File("govd.log"));

  auto schema = accounts::ReadSchemaStatus(db_->conninfo());
  ASSERT_TRUE(schema) << schema.error().ToString();
  EXPECT_EQ(schema->database_version, accounts::CodeSchemaVersion());
  std::string log = testing::ReadFile(dir_.File("govd.log"));
  EXPECT_NE(log.find("database schema migrated from version " + std::to_string(kOldSchema) + " to " +
                     std::to_string(accounts::CodeSchemaVersion())),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("schema migration 0005_audit_mac applied"), std::string::npos) << log;
  EXPECT_EQ(log.find("schema migration 0004"), std::string::npos) << "an applied migration ran again:\n"
                                                                  << log;

  const std::string where = " WHERE tenant = '" + std::string(kTenant) + "'";
  EXPECT_EQ(Count(db_->conninfo(), "SELECT count(*) FROM govd.accounts" + where), 1);
  EXPECT_EQ(Count(db_->conninfo(),
                  "SELECT count(*) FROM govd.grants" + where + " AND reason = 'quarterly statistics'"),
            2);
  EXPECT_EQ(Count(db_->conninfo(), "SELECT count(*) FROM govd.grants WHERE state = 'requested'"), 1);
  govd::testing::FakeClock clock;
  auto store = accounts::testing::OpenStore(db_->conninfo(), kTenant, clock);
  auto verified = store->VerifyAudit();
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_GE(verified->rows_checked, 3);
  EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;

  govd.Signal(SIGTERM);
  std::optional<int> exit = govd.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
}

TEST_F(UpgradeTest, ATenantRoleThatMayNotMigrateWaitsForTheOwnersMigration) {
  testing::WriteFile(dir_.File("govd.conf"),
                     testing::ConfigWithDatabase(dir_, db_->TenantRoleConninfo(), kTenant,
                                                 "role = uid:" + std::to_string(getuid()) + " admin\n"));
  testing::GovdProcess govd({"--config", dir_.File("govd.conf")}, {notify_.env(), "WATCHDOG_USEC=2000000"},
                            dir_.File("govd.log"));
  std::string waiting =
      notify_.WaitFor("run `govd migrate` as the database owner", milliseconds(30'000), seen_);
  ASSERT_FALSE(waiting.empty()) << "no STATUS saying what to do; log:\n"
                                << testing::ReadFile(dir_.File("govd.log"));
  EXPECT_NE(waiting.find("not ready"), std::string::npos) << waiting;
  EXPECT_EQ(waiting.find("password"), std::string::npos) << "the conninfo leaked: " << waiting;
  EXPECT_EQ(accounts::ReadSchemaStatus(db_->conninfo())->database_version, kOldSchema);
  ASSERT_FALSE(govd.WaitExit(milliseconds(0)).has_value()) << "govd gave up instead of waiting";

  auto migrated = accounts::MigrateSchema(db_->conninfo());  // the owner's `govd migrate`
  ASSERT_TRUE(migrated) << migrated.error().ToString();
  std::string ready = notify_.WaitFor("READY=1", milliseconds(90'000), seen_);
  ASSERT_FALSE(ready.empty()) << "no READY=1 after the owner migrated; log:\n"
                              << testing::ReadFile(dir_.File("govd.log"));
  govd.Signal(SIGTERM);
  std::optional<int> exit = govd.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
}

TEST_F(UpgradeTest, WithMigrateAtStartOffRefusesTheOldSchemaAndChangesNothing) {
  WriteConfig("[database]\nmigrate-at-start = false\n");
  testing::GovdProcess govd({"--config", dir_.File("govd.conf")}, {notify_.env()}, dir_.File("govd.log"));
  std::optional<int> exit = govd.WaitExit(milliseconds(30'000));
  ASSERT_TRUE(exit.has_value()) << "govd neither exited nor migrated";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) != 0) << *exit;
  std::string log = testing::ReadFile(dir_.File("govd.log"));
  EXPECT_NE(log.find("schema is at version " + std::to_string(kOldSchema) + ", behind this govd"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("govd migrate"), std::string::npos) << log;
  for (std::string message = notify_.Next(milliseconds(0)); !message.empty();
       message = notify_.Next(milliseconds(0))) {
    EXPECT_EQ(message.find("READY=1"), std::string::npos) << message;
  }
  EXPECT_EQ(accounts::ReadSchemaStatus(db_->conninfo())->database_version, kOldSchema);
}

}  // namespace
}  // namespace govd::daemon

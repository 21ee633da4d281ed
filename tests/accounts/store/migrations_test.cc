// Migrations: two daemons migrating at once apply each migration once; a database ahead of
// the code is refused; a Store refuses a database that is behind or ahead.
#include <gtest/gtest.h>

#include <thread>

#include "accounts/store/migration_list.h"
#include "test_db.h"

namespace govd::accounts {
namespace {

std::string FreshDatabase(const std::string& server, const std::string& suffix) {
  std::string name = "govd_m_" + std::to_string(getpid()) + "_" + suffix;
  pqxx::connection c(server);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name);
  return server + " dbname=" + name;
}

TEST(Migrations, EmbeddedVersionsStartAtOneWithoutGaps) {
  int expected = 1;
  for (const Migration& m : EmbeddedMigrations()) {
    EXPECT_EQ(m.version, expected++);
    EXPECT_FALSE(m.sql.empty());
  }
  EXPECT_EQ(CodeSchemaVersion(), expected - 1);
  EXPECT_GE(CodeSchemaVersion(), 1);
}

TEST(Migrations, ConcurrentMigratorsApplyOnce) {
  std::string server = testing::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  std::string db = FreshDatabase(server, "concurrent");
  EXPECT_EQ(ReadSchemaStatus(db)->database_version, 0);
  Result<SchemaStatus> results[2] = {Internal("not run"), Internal("not run")};
  std::thread t1([&] { results[0] = MigrateSchema(db); });
  std::thread t2([&] { results[1] = MigrateSchema(db); });
  t1.join();
  t2.join();
  ASSERT_TRUE(results[0]) << results[0].error().ToString();
  ASSERT_TRUE(results[1]) << results[1].error().ToString();
  EXPECT_EQ(results[0]->applied_now + results[1]->applied_now, CodeSchemaVersion());
  EXPECT_EQ(ReadSchemaStatus(db)->database_version, CodeSchemaVersion());
  EXPECT_TRUE(CheckSchemaCurrent(*ReadSchemaStatus(db)));
}

TEST(Migrations, DatabaseBehindOrAheadIsRefused) {
  std::string server = testing::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  std::string db = FreshDatabase(server, "ahead");
  testing::FakeClock clock;
  StoreOptions options;
  options.clock = &clock;
  auto behind = Store::Open(db, {"la-leeds", "uid:1"}, options);
  ASSERT_FALSE(behind);
  EXPECT_NE(behind.error().message().find("run `govd migrate`"), std::string::npos);

  ASSERT_TRUE(MigrateSchema(db));
  {
    pqxx::connection c(db);
    pqxx::nontransaction tx(c);
    tx.exec_params("INSERT INTO govd.schema_migrations (version, name) VALUES ($1, 'future')",
                   CodeSchemaVersion() + 1);
  }
  auto ahead = MigrateSchema(db);
  ASSERT_FALSE(ahead);
  EXPECT_EQ(ahead.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(ahead.error().message().find("upgrade govd"), std::string::npos);
  auto open = Store::Open(db, {"la-leeds", "uid:1"}, options);
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message().find("knows only up to"), std::string::npos);
}

}  // namespace
}  // namespace govd::accounts

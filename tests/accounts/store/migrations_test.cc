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

// The schema an older release left (the daemon's upgrade test starts from one), then the rest.
TEST(Migrations, UpToAVersionStopsThereAndTheRestFollowsLater) {
  std::string server = testing::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  std::string db = FreshDatabase(server, "upto");
  for (int bad : {0, CodeSchemaVersion() + 1}) {
    auto refused = MigrateSchemaUpTo(db, bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ReadSchemaStatus(db)->database_version, 0) << "a refused call changed the database";
  auto first = MigrateSchemaUpTo(db, 1);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->applied_now, 1);
  EXPECT_EQ(ReadSchemaStatus(db)->database_version, 1);
  EXPECT_EQ(MigrateSchemaUpTo(db, 1)->applied_now, 0);
  auto rest = MigrateSchema(db);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->applied_now, CodeSchemaVersion() - 1);
  EXPECT_EQ(rest->database_version, CodeSchemaVersion());
  EXPECT_EQ(MigrateSchema(db)->applied_now, 0);
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

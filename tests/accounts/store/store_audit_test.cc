// The audit log on a real PostgreSQL: it verifies, the database refuses changes to it, and a
// superuser's hand edit of any one row is reported at that row. With an audit seal (a key the
// database never sees, anchors in a directory): a row forged by the tenant's own database role and
// a tail deleted by the superuser are reported too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <thread>

#include "accounts/store/audit_seal.h"
#include "accounts/store/pg.h"
#include "test_db.h"

namespace govd::accounts {
namespace {

using testing::FakeClock;
using testing::TestDb;

class AuditTest : public testing::SeededStoreTest {
 protected:
  void SetUp() override {
    SeededStoreTest::SetUp();  // 5 audit rows
    if (IsSkipped() || HasFatalFailure()) return;
    Grant g = *store_->RequestGrant(testing::ReadRequest());
    ASSERT_TRUE(store_->ApproveGrant(g.id));
    ASSERT_TRUE(store_->RecordReconcile("la-data", "reconcile.apply", R"({"policy_sha256":"aa"})",
                                        R"({"policy_sha256":"bb"})"));
  }

  // Runs `sql` as the superuser with triggers off (what a hand edit by a superuser can do).
  void HandEdit(const std::string& sql) {
    db_->Exec("BEGIN; SET LOCAL session_replication_role = replica; " + sql + "; COMMIT");
  }

  // Puts a row back as it was, triggers off.
  void Restore(const AuditRecord& r) {
    pqxx::connection c(db_->conninfo());
    pqxx::work tx(c);
    tx.exec("SET LOCAL session_replication_role = replica");
    tx.exec_params(
        "UPDATE govd.audit_log SET actor = $2, action = $3, object = $4, before_json = $5, "
        "after_json = $6, at = govd.from_us($7), prev_hash = $8, row_hash = $9 WHERE seq = $1",
        r.seq, r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us, r.prev_hash,
        r.row_hash);
    tx.commit();
  }

};

TEST_F(AuditTest, ChainOfEveryChangeVerifies) {
  auto rows = store_->AuditLog(0, 100);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 8U);
  EXPECT_EQ(rows->front().prev_hash, kGenesisHash);
  EXPECT_EQ(rows->front().action, "root.create");
  EXPECT_EQ(rows->back().action, "reconcile.apply");
  EXPECT_EQ(rows->back().object, "bucket/la-data");
  EXPECT_EQ(rows->back().at_us, pg::ToMicros(clock_.Now()));
  auto v = store_->VerifyAudit();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->first_broken_seq) << v->problem;
  EXPECT_EQ(v->rows_checked, 8);
  EXPECT_EQ(v->head_hash, rows->back().row_hash);
}

TEST_F(AuditTest, DatabaseRefusesUpdateDeleteTruncateEvenForTheOwner) {
  for (const char* sql : {"UPDATE govd.audit_log SET actor = 'x'", "DELETE FROM govd.audit_log",
                          "TRUNCATE govd.audit_log"}) {
    try {
      db_->Exec(sql);
      ADD_FAILURE() << "accepted: " << sql;
    } catch (const pqxx::sql_error& e) {
      EXPECT_NE(std::string(e.what()).find("append-only"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log"), 8);
}

TEST_F(AuditTest, HandEditOfAnyOneRowIsReportedAtThatRow) {
  auto rows = *store_->AuditLog(0, 100);
  const char* edits[] = {"actor = 'root'", "after_json = '{\"state\":\"active\"}'",
                         "at = at + interval '1 second'", "action = 'grant.reject'",
                         "object = 'grant/999'", "before_json = '{}'",
                         "prev_hash = repeat('1', 64)", "row_hash = repeat('2', 64)"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string seq = std::to_string(rows[i].seq);
    const std::string edit = edits[i % std::size(edits)];
    HandEdit("UPDATE govd.audit_log SET " + edit + " WHERE seq = " + seq);
    auto v = store_->VerifyAudit();
    ASSERT_TRUE(v);
    EXPECT_EQ(v->first_broken_seq, rows[i].seq) << "edit " << edit << " of row " << i;
    Restore(rows[i]);
    EXPECT_FALSE(store_->VerifyAudit()->first_broken_seq) << "restoring row " << i;
  }
}

TEST_F(AuditTest, RewriteWithARecomputedHashIsReportedAtThatRow) {
  auto rows = *store_->AuditLog(0, 100);
  AuditRecord forged = rows[3];
  forged.actor = "someone-else";
  forged.row_hash = AuditRowHash(forged);
  HandEdit("UPDATE govd.audit_log SET actor = 'someone-else', row_hash = '" + forged.row_hash +
           "' WHERE seq = " + std::to_string(forged.seq));
  EXPECT_EQ(store_->VerifyAudit()->first_broken_seq, forged.seq);
}

TEST_F(AuditTest, DeletedRowIsReportedAtItsPredecessor) {
  auto rows = *store_->AuditLog(0, 100);
  HandEdit("DELETE FROM govd.audit_log WHERE seq = " + std::to_string(rows[4].seq));
  auto v = store_->VerifyAudit();
  EXPECT_EQ(v->first_broken_seq, rows[3].seq);
  EXPECT_NE(v->problem.find("removed"), std::string::npos);
}

TEST_F(AuditTest, ConcurrentWritersKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      auto s = testing::OpenStore(db_->conninfo(), "la-leeds", clock_, "worker-" + std::to_string(t));
      for (int i = 0; i < 25; ++i) EXPECT_TRUE(s->RequestGrant(testing::ReadRequest()));
    });
  }
  for (auto& th : threads) th.join();
  auto v = store_->VerifyAudit();
  EXPECT_EQ(v->rows_checked, 108);
  EXPECT_FALSE(v->first_broken_seq) << v->problem;
}

// --- the authenticated chain (docs/store.md, "Authenticated chain") ---

class SealedAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<TestDb>(server_);
    anchors_ = std::filesystem::path(::testing::TempDir()) /
               ("govd-anchors-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(anchors_);
    std::array<std::uint8_t, 32> key{};
    key.fill(7);
    auto seal = AuditSeal::ForTest(key, anchors_.string());
    ASSERT_TRUE(seal) << seal.error().ToString();
    seal_ = *seal;
    store_ = Open(db_->conninfo(), seal_);
    testing::SeedOrganisation(*store_);
    Grant g = *store_->RequestGrant(testing::ReadRequest());
    ASSERT_TRUE(store_->ApproveGrant(g.id));
  }
  void TearDown() override { std::filesystem::remove_all(anchors_); }

  std::unique_ptr<Store> Open(const std::string& conninfo, std::shared_ptr<AuditSeal> seal) {
    StoreOptions options;
    options.clock = &clock_;
    options.audit_seal = std::move(seal);
    auto store = Store::Open(conninfo, {"la-leeds", "uid:1000/operator"}, options);
    if (!store) throw std::runtime_error(store.error().ToString());
    return std::move(store).value();
  }

  // What the tenant's own database role can do by hand: append a row that chains and hashes
  // correctly, with no MAC (or a made-up one), naming root as the approver.
  void ForgeRowAsTenantRole(const std::string& mac) {
    std::string role = db_->CreateTenantRole("forger", "la-leeds");
    pqxx::connection c(db_->RoleConninfo(role));
    pqxx::work tx(c);
    AuditRecord head = AuditFromLast(tx);
    AuditRecord r{tx.exec1("SELECT nextval('govd.audit_log_seq_seq')")[0].as<std::int64_t>(),
                  "la-leeds",
                  "uid:0/admin",
                  "grant.approve",
                  "grant/1",
                  "null",
                  "{\"state\":\"approved\"}",
                  head.at_us + 1,
                  head.row_hash,
                  "",
                  mac};
    r.row_hash = AuditRowHash(r);
    tx.exec_params(
        "INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, at, "
        "prev_hash, row_hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, govd.from_us($8), $9, $10, $11)",
        r.seq, r.tenant, r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us, r.prev_hash,
        r.row_hash, r.mac);
    tx.commit();
    forged_seq_ = r.seq;
  }

  static AuditRecord AuditFromLast(pqxx::work& tx) {
    pqxx::row row = tx.exec1(
        "SELECT govd.to_us(at), row_hash FROM govd.audit_log WHERE tenant = 'la-leeds' ORDER BY seq DESC "
        "LIMIT 1");
    AuditRecord r;
    r.at_us = row[0].as<std::int64_t>();
    r.row_hash = row[1].as<std::string>();
    return r;
  }

  std::int64_t LastSeq() const { return db_->Count("SELECT max(seq) FROM govd.audit_log"); }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<TestDb> db_;
  std::filesystem::path anchors_;
  std::shared_ptr<AuditSeal> seal_;
  std::unique_ptr<Store> store_;
  std::int64_t forged_seq_ = 0;
};

TEST_F(SealedAuditTest, EveryRowCarriesAMacAndTheHeadIsAnchoredOutsideTheDatabase) {
  auto rows = *store_->AuditLog(0, 100);
  ASSERT_EQ(rows.size(), 7U);
  for (const AuditRecord& r : rows) EXPECT_EQ(r.mac, AuditRowMac(seal_->key(), r)) << r.seq;
  auto anchor = seal_->Anchor("la-leeds");
  ASSERT_TRUE(anchor && *anchor);
  EXPECT_EQ((*anchor)->seq, rows.back().seq);
  EXPECT_EQ((*anchor)->row_hash, rows.back().row_hash);
  auto v = store_->VerifyAudit();
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->first_broken_seq) << v->problem;
  EXPECT_TRUE(v->authenticated);
  EXPECT_EQ(v->anchored_seq, rows.back().seq);
}

TEST_F(SealedAuditTest, ConcurrentSealedWritersKeepOneAuthenticatedChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      auto s = Open(db_->conninfo(), seal_);
      for (int i = 0; i < 10; ++i) EXPECT_TRUE(s->RequestGrant(testing::ReadRequest()));
    });
  }
  for (auto& th : threads) th.join();
  auto rows = *store_->AuditLog(0, 1000);
  ASSERT_EQ(rows.size(), 47U);
  for (const AuditRecord& r : rows) EXPECT_EQ(r.mac, AuditRowMac(seal_->key(), r)) << r.seq;
  auto v = store_->VerifyAudit();
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->first_broken_seq) << v->problem;
  EXPECT_TRUE(v->authenticated);
}

TEST_F(SealedAuditTest, RowForgedByTheTenantRoleIsReportedAtThatRow) {
  for (std::string mac : {std::string(), std::string(64, 'f')}) {
    SetUp();  // a fresh database each round
    ForgeRowAsTenantRole(mac);
    auto v = store_->VerifyAudit();
    ASSERT_TRUE(v) << v.error().ToString();
    EXPECT_EQ(v->first_broken_seq, forged_seq_) << v->problem;
    EXPECT_NE(v->problem.find("MAC"), std::string::npos) << v->problem;
    // Without the key, the forgery passes: what the hash chain alone could tell.
    auto unsealed = Open(db_->conninfo(), nullptr)->VerifyAudit();
    EXPECT_FALSE(unsealed->first_broken_seq) << unsealed->problem;
    TearDown();
  }
}

TEST_F(SealedAuditTest, TailDeletedByTheSuperuserIsReportedAsTruncation) {
  std::int64_t last = LastSeq();
  db_->Exec("BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM govd.audit_log WHERE seq >= " +
            std::to_string(last - 1) + "; COMMIT");
  auto v = store_->VerifyAudit();
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->first_broken_seq, last) << v->problem;
  EXPECT_NE(v->problem.find("truncated"), std::string::npos) << v->problem;
  EXPECT_FALSE(Open(db_->conninfo(), nullptr)->VerifyAudit()->first_broken_seq);  // chain alone: fooled

  // govd writing on top of the truncated log does not move the anchor past the gap.
  ASSERT_TRUE(store_->RequestGrant(testing::ReadRequest()));
  auto after = store_->VerifyAudit();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->first_broken_seq, last) << after->problem;
}

TEST_F(SealedAuditTest, RowsWrittenBeforeTheKeyAreReportedNotAuthenticatedUntilASealedRowFollows) {
  auto fresh = std::make_unique<TestDb>(server_);
  auto unsealed = Open(fresh->conninfo(), nullptr);
  testing::SeedOrganisation(*unsealed);  // 5 rows without a MAC
  std::array<std::uint8_t, 32> key{};
  key.fill(7);
  std::filesystem::path fresh_anchors = anchors_ / "fresh";
  auto seal = AuditSeal::ForTest(key, fresh_anchors.string());
  ASSERT_TRUE(seal) << seal.error().ToString();
  auto sealed = Open(fresh->conninfo(), *seal);
  auto before = sealed->VerifyAudit();
  ASSERT_TRUE(before) << before.error().ToString();
  EXPECT_FALSE(before->first_broken_seq);
  EXPECT_FALSE(before->authenticated);
  EXPECT_EQ(before->unauthenticated_rows, 5);
  ASSERT_TRUE(sealed->RequestGrant(testing::ReadRequest()));
  auto after = sealed->VerifyAudit();
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_FALSE(after->first_broken_seq) << after->problem;
  EXPECT_TRUE(after->authenticated);
  EXPECT_EQ(after->unauthenticated_rows, 5);
  // A govd that writes without the key from now on is caught: its rows could be anyone's.
  ASSERT_TRUE(unsealed->RequestGrant(testing::ReadRequest()));
  EXPECT_TRUE(sealed->VerifyAudit()->first_broken_seq);
}

}  // namespace
}  // namespace govd::accounts

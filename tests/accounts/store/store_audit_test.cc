// The audit log on a real PostgreSQL: it verifies, the database refuses changes to it, and a
// superuser's hand edit of any one row is reported at that row.
#include <gtest/gtest.h>

#include <thread>

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

}  // namespace
}  // namespace govd::accounts

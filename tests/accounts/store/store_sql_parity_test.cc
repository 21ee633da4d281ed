// What the server computes for govd must be bit for bit what govd computes itself (migration
// 0007): an audit row's hash (govd.audit_row_hash against AuditRowHash) and a grant's audit JSON
// (govd.grant_json against GrantJson), for awkward text; and the rows the one-statement grant
// request writes are the rows govd would have written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accounts/store/audit_chain.h"
#include "accounts/store/store_impl.h"
#include "test_db.h"

namespace govd::accounts {
namespace {

class SqlParityTest : public testing::SeededStoreTest {
 protected:
  std::string SqlRowHash(const AuditRecord& r) const {
    pqxx::connection c(db_->conninfo());
    pqxx::nontransaction tx(c);
    return tx
        .exec_params1("SELECT govd.audit_row_hash($1, $2, $3, $4, $5, $6, $7, $8, $9)", r.seq, r.tenant,
                      r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us, r.prev_hash)[0]
        .as<std::string>();
  }

  std::string SqlGrantJson(std::int64_t id) const {
    pqxx::connection c(db_->conninfo());
    pqxx::nontransaction tx(c);
    return tx.exec_params1("SELECT govd.grant_json(g) FROM govd.grants g WHERE grant_id = $1", id)[0]
        .as<std::string>();
  }
};

TEST_F(SqlParityTest, AuditRowHashInSqlIsAuditRowHash) {
  std::vector<AuditRecord> records = {
      {1, "la-leeds", "uid:1000", "grant.request", "grant/1", "null", "{}", 0, std::string(kGenesisHash), "",
       ""},
      {9'223'372'036'854'775'807, "t", "", "", "", "", "", -1, "", "", ""},
      {42, "la-zürich", "uid:0/ro\\le:\"admin\"", "grant.approve", "grant/42",
       R"({"reason":"a \"quoted\" \\ reason","x":"Zürich ✓ 🚀"})", "{\"k\":\"line\\nbreak\"}",
       1'800'007'200'123'456, std::string(64, 'a'), "", ""},
      {7, "la-leeds", "3:abc\n", "a\nb", "4:x\n5", "{\"a\":\"\\u0000\"}", "[1,2]", 12, "f", "", ""},
  };
  for (const AuditRecord& r : records) EXPECT_EQ(SqlRowHash(r), AuditRowHash(r)) << r.seq;
}

TEST_F(SqlParityTest, GrantJsonInSqlIsGrantJsonInEveryState) {
  clock_.Advance(std::chrono::seconds(1));
  GrantRequest r = testing::ReadRequest("reports/\"q\"</x>&amp;/");
  r.reason = "a \"quoted\" \\ reason, Zürich ✓ 🚀 </script>";
  r.expires_at = clock_.Now() + std::chrono::hours(24) + std::chrono::microseconds(7);
  auto g = store_->RequestGrant(r);
  ASSERT_TRUE(g) << g.error().ToString();
  auto check = [&](std::string_view step) {
    auto now = store_->GetGrant(g->id);
    ASSERT_TRUE(now) << now.error().ToString();
    EXPECT_EQ(SqlGrantJson(g->id), GrantJson(*now)) << step;
  };
  check("requested");
  ASSERT_TRUE(store_->ApproveGrant(g->id, "ok by \"me\""));
  check("approved");
  auto applying = store_->MarkApplying(g->id, g->generation + 1);
  ASSERT_TRUE(applying) << applying.error().ToString();
  check("applying, with a deadline");
  ASSERT_TRUE(store_->MarkFailed(g->id, applying->generation, "S3 said \"no\" \\ twice"));
  check("failed");
}

TEST_F(SqlParityTest, OneStatementRequestWritesTheRowsGovdWouldWrite) {
  GrantRequest r = testing::ReadRequest("x/\"y\"/");
  r.reason = "Zürich \\ ✓";
  auto g = store_->RequestGrant(r);
  ASSERT_TRUE(g) << g.error().ToString();
  EXPECT_EQ(g->state, GrantState::kRequested);
  EXPECT_EQ(g->created_at, clock_.Now());
  EXPECT_EQ(g->requested_by, "uid:1000");
  auto rows = store_->AuditLog(0, 1000);
  ASSERT_TRUE(rows && !rows->empty());
  const AuditRecord& last = rows->back();
  EXPECT_EQ(last.action, "grant.request");
  EXPECT_EQ(last.object, "grant/" + std::to_string(g->id));
  EXPECT_EQ(last.actor, "uid:1000");
  EXPECT_EQ(last.before_json, "null");
  EXPECT_EQ(last.after_json, GrantJson(*g));
  EXPECT_EQ(last.at_us, pg::ToMicros(clock_.Now()));
  EXPECT_EQ(last.row_hash, AuditRowHash(last));
  EXPECT_EQ(last.mac, "");
  auto v = store_->VerifyAudit();
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_FALSE(v->first_broken_seq) << v->problem;
}

}  // namespace
}  // namespace govd::accounts

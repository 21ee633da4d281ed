// The audit chain's canonical bytes and verification, without a database.
#include "accounts/store/audit_chain.h"

#include <gtest/gtest.h>

#include <vector>

#include "signer/crypto.h"

namespace govd::accounts {
namespace {

std::vector<AuditRecord> Chain(int n) {
  std::vector<AuditRecord> rows;
  std::string prev(kGenesisHash);
  for (int i = 0; i < n; ++i) {
    AuditRecord r{10 + i * 3, "la-leeds", "uid:1000", "grant.approve", "grant/" + std::to_string(i),
                  "null", "{\"state\":\"approved\"}", 1'700'000'000'000'000 + i, prev, ""};
    r.row_hash = AuditRowHash(r);
    prev = r.row_hash;
    rows.push_back(r);
  }
  return rows;
}

TEST(AuditChain, CanonicalBytesAreLengthPrefixedFieldsInOrder) {
  AuditRecord r{7, "t", "a", "x.y", "o/1", "null", "{}", 42, std::string(kGenesisHash), ""};
  std::string expected = "govd-audit-v1\n1:7\n1:t\n1:a\n3:x.y\n3:o/1\n4:null\n2:{}\n2:42\n64:" +
                         std::string(kGenesisHash) + "\n";
  EXPECT_EQ(AuditCanonicalBytes(r), expected);
  EXPECT_EQ(AuditRowHash(r), signer::Sha256Hex(expected));
}

TEST(AuditChain, LengthPrefixesKeepFieldBoundaries) {
  AuditRecord a{1, "t", "ab", "c", "o", "null", "null", 1, std::string(kGenesisHash), ""};
  AuditRecord b = a;
  b.actor = "a";
  b.action = "bc";
  EXPECT_NE(AuditRowHash(a), AuditRowHash(b));
}

TEST(AuditChain, IntactChainVerifies) {
  auto rows = Chain(5);
  AuditVerification v = VerifyAuditChain(rows);
  EXPECT_FALSE(v.first_broken_seq);
  EXPECT_EQ(v.rows_checked, 5);
  EXPECT_EQ(v.head_hash, rows.back().row_hash);
}

TEST(AuditChain, EditedFieldIsReportedAtThatRow) {
  for (std::size_t i = 0; i < 5; ++i) {
    auto rows = Chain(5);
    rows[i].after_json = "{\"state\":\"active\"}";
    EXPECT_EQ(VerifyAuditChain(rows).first_broken_seq, rows[i].seq) << i;
  }
}

TEST(AuditChain, RewrittenRowWithFreshHashIsReportedAtThatRow) {
  for (std::size_t i = 0; i + 1 < 5; ++i) {
    auto rows = Chain(5);
    rows[i].actor = "someone-else";
    rows[i].row_hash = AuditRowHash(rows[i]);
    EXPECT_EQ(VerifyAuditChain(rows).first_broken_seq, rows[i].seq) << i;
  }
}

TEST(AuditChain, RemovedRowIsReportedAtItsPredecessor) {
  auto rows = Chain(5);
  rows.erase(rows.begin() + 2);
  AuditVerification v = VerifyAuditChain(rows);
  EXPECT_EQ(v.first_broken_seq, rows[1].seq);
  EXPECT_NE(v.problem.find("removed"), std::string::npos);
}

TEST(AuditChain, FirstRowMustStartFromGenesis) {
  auto rows = Chain(3);
  rows.erase(rows.begin());
  EXPECT_EQ(VerifyAuditChain(rows).first_broken_seq, rows[0].seq);
}

}  // namespace
}  // namespace govd::accounts

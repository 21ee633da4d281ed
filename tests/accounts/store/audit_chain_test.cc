// The audit chain's canonical bytes and verification, without a database.
#include "accounts/store/audit_chain.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "signer/crypto.h"

namespace govd::accounts {
namespace {

std::vector<AuditRecord> Chain(int n) {
  std::vector<AuditRecord> rows;
  std::string prev(kGenesisHash);
  for (int i = 0; i < n; ++i) {
    AuditRecord r{10 + i * 3,
                  "la-leeds",
                  "uid:1000",
                  "grant.approve",
                  "grant/" + std::to_string(i),
                  "null",
                  "{\"state\":\"approved\"}",
                  1'700'000'000'000'000 + i,
                  prev,
                  "",
                  ""};
    r.row_hash = AuditRowHash(r);
    prev = r.row_hash;
    rows.push_back(r);
  }
  return rows;
}

TEST(AuditChain, CanonicalBytesAreLengthPrefixedFieldsInOrder) {
  AuditRecord r{7, "t", "a", "x.y", "o/1", "null", "{}", 42, std::string(kGenesisHash), "", ""};
  std::string expected = "govd-audit-v1\n1:7\n1:t\n1:a\n3:x.y\n3:o/1\n4:null\n2:{}\n2:42\n64:" +
                         std::string(kGenesisHash) + "\n";
  EXPECT_EQ(AuditCanonicalBytes(r), expected);
  EXPECT_EQ(AuditRowHash(r), signer::Sha256Hex(expected));
}

TEST(AuditChain, LengthPrefixesKeepFieldBoundaries) {
  AuditRecord a{1, "t", "ab", "c", "o", "null", "null", 1, std::string(kGenesisHash), "", ""};
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

// --- the authenticated chain: MACs under a key the database never sees, and the anchor ---

const signer::HmacSha256Key& TestKey() {
  static const std::array<std::uint8_t, 32> kBytes{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                   12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                   23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  static const signer::HmacSha256Key key(kBytes);
  return key;
}

std::vector<AuditRecord> MacChain(int n) {
  auto rows = Chain(n);
  for (auto& row : rows) row.mac = AuditRowMac(TestKey(), row);
  return rows;
}

// A row appended by whoever holds the database: correctly chained and hashed, MAC unknown.
AuditRecord Forged(const AuditRecord& head, std::string mac) {
  AuditRecord r{head.seq + 1,  head.tenant, "uid:0/admin", "grant.approve",
                "grant/99",    "null",      "{}",          head.at_us + 1,
                head.row_hash, "",          std::move(mac)};
  r.row_hash = AuditRowHash(r);
  return r;
}

TEST(AuditChain, MacIsHmacOfTheCanonicalBytes) {
  auto rows = Chain(1);
  EXPECT_EQ(AuditRowMac(TestKey(), rows[0]), signer::HexEncode(TestKey().Mac(AuditCanonicalBytes(rows[0]))));
  AuditTrust trust{&TestKey(), std::nullopt};
  AuditVerification v = VerifyAuditChain(MacChain(4), trust);
  EXPECT_FALSE(v.first_broken_seq) << v.problem;
  EXPECT_TRUE(v.macs_checked);
  EXPECT_TRUE(v.authenticated);
  EXPECT_EQ(v.unauthenticated_rows, 0);
}

TEST(AuditChain, ForgedRowWithoutOrWithAWrongMacIsReportedAtThatRow) {
  AuditTrust trust{&TestKey(), std::nullopt};
  for (std::string mac : {std::string(), std::string(64, 'a')}) {
    auto rows = MacChain(3);
    rows.push_back(Forged(rows.back(), mac));
    EXPECT_FALSE(VerifyAuditChain(rows).first_broken_seq);  // the hash chain alone is fooled
    AuditVerification v = VerifyAuditChain(rows, trust);
    EXPECT_EQ(v.first_broken_seq, rows.back().seq) << mac;
    EXPECT_NE(v.problem.find("MAC"), std::string::npos) << v.problem;
  }
}

TEST(AuditChain, RowsWithoutMacAreNotAuthenticatedUntilAMacdRowFollows) {
  AuditTrust trust{&TestKey(), std::nullopt};
  auto rows = Chain(3);
  AuditVerification old = VerifyAuditChain(rows, trust);
  EXPECT_FALSE(old.first_broken_seq);
  EXPECT_FALSE(old.authenticated);
  EXPECT_EQ(old.unauthenticated_rows, 3);
  EXPECT_FALSE(VerifyAuditChain(rows).authenticated);  // no key: never authenticated
  AuditRecord next{rows.back().seq + 1,  "la-leeds", "uid:1", "grant.request", "grant/5", "null", "{}", 5,
                   rows.back().row_hash, "",         ""};
  next.row_hash = AuditRowHash(next);
  next.mac = AuditRowMac(TestKey(), next);
  rows.push_back(next);
  AuditVerification v = VerifyAuditChain(rows, trust);
  EXPECT_FALSE(v.first_broken_seq) << v.problem;
  EXPECT_TRUE(v.authenticated);
  EXPECT_EQ(v.unauthenticated_rows, 3);
}

TEST(AuditChain, TruncationBelowTheAnchorIsReportedAtTheAnchoredRow) {
  auto rows = MacChain(5);
  AuditTrust trust{&TestKey(), AuditAnchor{"la-leeds", rows.back().seq, rows.back().row_hash}};
  EXPECT_FALSE(VerifyAuditChain(rows, trust).first_broken_seq);
  std::int64_t anchored = rows.back().seq;
  rows.pop_back();
  EXPECT_FALSE(VerifyAuditChain(rows).first_broken_seq);  // the hash chain alone is fooled
  AuditVerification v = VerifyAuditChain(rows, trust);
  EXPECT_EQ(v.first_broken_seq, anchored);
  EXPECT_NE(v.problem.find("truncated"), std::string::npos) << v.problem;
  EXPECT_EQ(VerifyAuditChain({}, trust).first_broken_seq, anchored);
}

TEST(AuditChain, AnchorRoundTripsAndRefusesAlteration) {
  AuditAnchor anchor{"la-leeds", 42, std::string(64, 'b')};
  std::string text = FormatAuditAnchor(TestKey(), anchor);
  auto parsed = ParseAuditAnchor(TestKey(), "la-leeds", text);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->seq, 42);
  EXPECT_EQ(parsed->row_hash, anchor.row_hash);
  std::string lowered = text;
  lowered.replace(lowered.find("seq 42"), 6, "seq 41");
  EXPECT_FALSE(ParseAuditAnchor(TestKey(), "la-leeds", lowered));
  EXPECT_FALSE(ParseAuditAnchor(TestKey(), "la-york", text));
  EXPECT_FALSE(ParseAuditAnchor(TestKey(), "la-leeds", "govd-audit-anchor-v1\n"));
}

}  // namespace
}  // namespace govd::accounts

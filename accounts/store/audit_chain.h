// accounts/store/audit_chain.h
// The audit log's hash chain: the exact bytes hashed for a row, the MAC of a row under a key the
// database never sees, the anchor (the head recorded outside the database), and the check that a
// sequence of rows (one tenant's log, in seq order) is unbroken, authentic and reaches the
// anchor. Format in docs/store.md ("Audit chain", "Authenticated chain").
// Pure: thread safe, no I/O, no clock. Never receives credentials (callers pass redacted JSON);
// never puts the audit key, or anything derived from it but a MAC, into a result.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signer/crypto.h"

namespace govd::accounts {

// The prev_hash of a tenant's first row.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditRecord {
  std::int64_t seq = 0;
  std::string tenant;
  std::string actor;   // "uid:1000/role:operator", "reconciler:host-1"
  std::string action;  // "grant.approve", "guardrail.attach", "reconcile.apply", ...
  std::string object;  // "grant/17", "guardrail/3", "account/123456789012"
  std::string before_json;  // "null" when the object did not exist
  std::string after_json;
  std::int64_t at_us = 0;  // microseconds since the Unix epoch
  std::string prev_hash;   // row_hash of the tenant's previous row, or kGenesisHash
  std::string row_hash;    // hex SHA-256 of AuditCanonicalBytes(*this)
  std::string mac;         // hex HMAC-SHA256 of AuditCanonicalBytes(*this) under the audit key; "": none
};

// "govd-audit-v1\n" then, for seq, tenant, actor, action, object, before_json, after_json, at_us
// and prev_hash in that order: "<decimal byte length>:<bytes>\n". row_hash is not included.
std::string AuditCanonicalBytes(const AuditRecord& record);
std::string AuditRowHash(const AuditRecord& record);
// Hex HMAC-SHA256 of AuditCanonicalBytes(record) (prev_hash included, row_hash and mac not).
std::string AuditRowMac(const signer::HmacSha256Key& key, const AuditRecord& record);

// A tenant's head as last recorded outside the database: every row up to seq is pinned by it.
struct AuditAnchor {
  std::string tenant;
  std::int64_t seq = 0;
  std::string row_hash;
};

// The anchor as a file holds it, with a MAC under the audit key:
// "govd-audit-anchor-v1\ntenant T\nseq N\nrow_hash H\nmac M\n".
std::string FormatAuditAnchor(const signer::HmacSha256Key& key, const AuditAnchor& anchor);
// kFailedPrecondition when the text is not an anchor of `tenant` or its MAC does not verify.
Result<AuditAnchor> ParseAuditAnchor(const signer::HmacSha256Key& key, std::string_view tenant,
                                     std::string_view text);

// What the verifier is given besides the rows. Without a key, MACs are not checked (and no
// anchor can be trusted): only the hash chain is.
struct AuditTrust {
  const signer::HmacSha256Key* key = nullptr;
  std::optional<AuditAnchor> anchor;  // nullopt: nothing anchored yet
};

struct AuditVerification {
  std::int64_t rows_checked = 0;
  std::optional<std::int64_t> first_broken_seq;  // empty: the chain is intact
  std::string problem;                           // what is wrong with that row
  std::string head_hash;  // row_hash of the last row: keep it elsewhere to anchor the log
  bool macs_checked = false;              // a key was given
  std::int64_t unauthenticated_rows = 0;  // rows without a MAC (written before a key was set)
  // True when a key was given and every row is pinned by a MAC or the anchor: a MAC'd row
  // vouches for the rows before it through the chain. False: rows may be forged by whoever
  // holds the database (no key, or no MAC'd row and no anchor yet).
  bool authenticated = false;
  std::optional<std::int64_t> anchored_seq;  // the anchor checked, if any
};

// Checks rows (ascending seq) and reports the first broken row k: its fields do not hash to its
// row_hash (any hand edit that did not recompute the hash), or the first row does not start
// from genesis, or row k+1 is self-consistent but chains to another hash than row k's (row k was
// rewritten with a recomputed hash, or rows after it were removed). With a key: a row whose MAC
// does not verify, or a row without a MAC after one with a MAC (forged by someone without the
// key). With an anchor: the anchored row missing (the tail was truncated) or different.
AuditVerification VerifyAuditChain(std::span<const AuditRecord> rows, const AuditTrust& trust = {});

}  // namespace govd::accounts

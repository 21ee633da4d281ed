// accounts/store/audit_chain.h
// The audit log's hash chain: the exact bytes hashed for a row, and the check that a sequence of
// rows (one tenant's log, in seq order) is unbroken. Format in docs/store.md ("Audit chain").
// Pure: thread safe, no I/O, no clock. Never receives credentials (callers pass redacted JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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
};

// "govd-audit-v1\n" then, for seq, tenant, actor, action, object, before_json, after_json, at_us
// and prev_hash in that order: "<decimal byte length>:<bytes>\n". row_hash is not included.
std::string AuditCanonicalBytes(const AuditRecord& record);
std::string AuditRowHash(const AuditRecord& record);

struct AuditVerification {
  std::int64_t rows_checked = 0;
  std::optional<std::int64_t> first_broken_seq;  // empty: the chain is intact
  std::string problem;                           // what is wrong with that row
  std::string head_hash;  // row_hash of the last row: keep it elsewhere to anchor the log
};

// Checks rows (ascending seq) and reports the first broken row k: its fields do not hash to its
// row_hash (any hand edit that did not recompute the hash), or the first row does not start
// from genesis, or row k+1 is self-consistent but chains to another hash than row k's (row k was
// rewritten with a recomputed hash, or rows after it were removed).
AuditVerification VerifyAuditChain(std::span<const AuditRecord> rows);

}  // namespace govd::accounts

// accounts/store/audit_chain.cc: canonical bytes and chain verification.
#include "accounts/store/audit_chain.h"

#include "signer/crypto.h"

namespace govd::accounts {
namespace {

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '\n';
}

AuditVerification Broken(AuditVerification v, std::int64_t seq, std::string problem) {
  v.first_broken_seq = seq;
  v.problem = std::move(problem);
  return v;
}

}  // namespace

std::string AuditCanonicalBytes(const AuditRecord& r) {
  std::string out = "govd-audit-v1\n";
  AppendField(out, std::to_string(r.seq));
  AppendField(out, r.tenant);
  AppendField(out, r.actor);
  AppendField(out, r.action);
  AppendField(out, r.object);
  AppendField(out, r.before_json);
  AppendField(out, r.after_json);
  AppendField(out, std::to_string(r.at_us));
  AppendField(out, r.prev_hash);
  return out;
}

std::string AuditRowHash(const AuditRecord& record) {
  return signer::Sha256Hex(AuditCanonicalBytes(record));
}

AuditVerification VerifyAuditChain(std::span<const AuditRecord> rows) {
  AuditVerification v;
  std::string computed = rows.empty() ? "" : AuditRowHash(rows[0]);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const AuditRecord& row = rows[i];
    ++v.rows_checked;
    if (computed != row.row_hash) {
      return Broken(v, row.seq, "the row's fields do not hash to its stored row_hash");
    }
    if (i == 0 && row.prev_hash != kGenesisHash) {
      return Broken(v, row.seq, "the first row does not start from the genesis hash");
    }
    if (i + 1 == rows.size()) break;
    std::string next = AuditRowHash(rows[i + 1]);
    // A next row that does not match its own hash is the edited one: report it there.
    if (rows[i + 1].prev_hash != computed && next == rows[i + 1].row_hash) {
      return Broken(v, row.seq,
                    "the next row (seq " + std::to_string(rows[i + 1].seq) +
                        ") chains to a different hash: this row was rewritten, or a row after "
                        "it was removed");
    }
    computed = std::move(next);
  }
  if (!rows.empty()) v.head_hash = rows.back().row_hash;
  return v;
}

}  // namespace govd::accounts

// accounts/store/audit_chain.cc: canonical bytes, row MACs, anchors and chain verification.
#include "accounts/store/audit_chain.h"

#include <charconv>

namespace govd::accounts {
namespace {

constexpr std::string_view kAnchorMagic = "govd-audit-anchor-v1\n";

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

std::string MacHex(const signer::HmacSha256Key& key, std::string_view bytes) {
  signer::Sha256Digest mac = key.Mac(bytes);
  return signer::HexEncode(mac);
}

std::string AnchorMacHex(const signer::HmacSha256Key& key, const AuditAnchor& anchor) {
  std::string bytes(kAnchorMagic);
  AppendField(bytes, anchor.tenant);
  AppendField(bytes, std::to_string(anchor.seq));
  AppendField(bytes, anchor.row_hash);
  return MacHex(key, bytes);
}

// Constant time for equal lengths: a MAC compare must not tell how many leading bytes matched.
bool SameMac(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// "NAME VALUE\n" at the front of text; advances text past it.
std::optional<std::string_view> TakeLine(std::string_view& text, std::string_view name) {
  std::size_t end = text.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end + 1);
  if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ' ') {
    return std::nullopt;
  }
  return line.substr(name.size() + 1);
}

// With a key: the row's MAC, or its absence after a MAC'd row. Empty: the row is fine.
std::string MacProblem(const signer::HmacSha256Key& key, const AuditRecord& row, bool seen_mac) {
  if (row.mac.empty()) {
    return seen_mac ? "the row has no MAC but an earlier row has one: it was written without the "
                      "audit key (forged by whoever holds the database?)"
                    : "";
  }
  if (!SameMac(row.mac, AuditRowMac(key, row))) {
    return "the row's MAC does not verify under the audit key: it was forged or altered by "
           "someone without the key";
  }
  return "";
}

// The anchored row must be in the log with the anchored hash.
AuditVerification CheckAnchor(AuditVerification v, std::span<const AuditRecord> rows,
                              const AuditAnchor& anchor) {
  v.anchored_seq = anchor.seq;
  for (const AuditRecord& row : rows) {
    if (row.seq != anchor.seq) continue;
    if (row.row_hash == anchor.row_hash) return v;
    return Broken(v, row.seq, "the row differs from the head anchored outside the database");
  }
  std::string end =
      rows.empty() ? "the log is empty" : "the log ends at seq " + std::to_string(rows.back().seq);
  return Broken(
      v, anchor.seq,
      "the row anchored outside the database as the head is missing (" + end + "): the log was truncated");
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

std::string AuditRowMac(const signer::HmacSha256Key& key, const AuditRecord& record) {
  return MacHex(key, AuditCanonicalBytes(record));
}

std::string FormatAuditAnchor(const signer::HmacSha256Key& key, const AuditAnchor& anchor) {
  return std::string(kAnchorMagic) + "tenant " + anchor.tenant + "\nseq " + std::to_string(anchor.seq) +
         "\nrow_hash " + anchor.row_hash + "\nmac " + AnchorMacHex(key, anchor) + "\n";
}

Result<AuditAnchor> ParseAuditAnchor(const signer::HmacSha256Key& key, std::string_view tenant,
                                     std::string_view text) {
  auto bad = [&](std::string_view why) {
    return FailedPrecondition("the audit anchor of tenant " + std::string(tenant) + " " + std::string(why));
  };
  if (!text.starts_with(kAnchorMagic)) return bad("is not a govd audit anchor");
  text.remove_prefix(kAnchorMagic.size());
  auto name = TakeLine(text, "tenant");
  auto seq_text = TakeLine(text, "seq");
  auto hash = TakeLine(text, "row_hash");
  auto mac = TakeLine(text, "mac");
  if (!name || !seq_text || !hash || !mac || !text.empty()) return bad("is malformed");
  if (*name != tenant) return bad("names another tenant");
  AuditAnchor anchor{std::string(*name), 0, std::string(*hash)};
  auto [end, ec] = std::from_chars(seq_text->data(), seq_text->data() + seq_text->size(), anchor.seq);
  if (ec != std::errc() || end != seq_text->data() + seq_text->size()) return bad("is malformed");
  if (!SameMac(*mac, AnchorMacHex(key, anchor))) {
    return bad("does not verify under the audit key (altered, or written with another key)");
  }
  return anchor;
}

AuditVerification VerifyAuditChain(std::span<const AuditRecord> rows, const AuditTrust& trust) {
  AuditVerification v;
  v.macs_checked = trust.key != nullptr;
  std::string computed = rows.empty() ? "" : AuditRowHash(rows[0]);
  bool seen_mac = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const AuditRecord& row = rows[i];
    ++v.rows_checked;
    if (computed != row.row_hash) {
      return Broken(v, row.seq, "the row's fields do not hash to its stored row_hash");
    }
    if (i == 0 && row.prev_hash != kGenesisHash) {
      return Broken(v, row.seq, "the first row does not start from the genesis hash");
    }
    if (trust.key != nullptr) {
      if (std::string problem = MacProblem(*trust.key, row, seen_mac); !problem.empty()) {
        return Broken(v, row.seq, std::move(problem));
      }
    }
    // From a MAC'd or anchored row on, every row must carry a MAC.
    seen_mac = seen_mac || !row.mac.empty() || (trust.anchor && trust.anchor->seq == row.seq);
    if (row.mac.empty()) ++v.unauthenticated_rows;
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
  if (trust.key != nullptr && trust.anchor) {
    v = CheckAnchor(std::move(v), rows, *trust.anchor);
    if (v.first_broken_seq) return v;
  }
  if (!rows.empty()) v.head_hash = rows.back().row_hash;
  bool pinned =
      rows.empty() || !rows.back().mac.empty() || (v.anchored_seq && *v.anchored_seq == rows.back().seq);
  v.authenticated = trust.key != nullptr && pinned;
  return v;
}

}  // namespace govd::accounts

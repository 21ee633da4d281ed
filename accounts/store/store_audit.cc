// accounts/store/store_audit.cc: appending to and reading the tenant's audit chain.
#include <string>
#include <vector>

#include "accounts/store/audit_seal.h"
#include "accounts/store/store_impl.h"

namespace govd::accounts {
namespace {

constexpr const char* kAuditColumns =
    "seq, tenant, actor, action, object, before_json, after_json, govd.to_us(at), prev_hash, "
    "row_hash, mac";

AuditRecord AuditFromRow(const pqxx::row& row) {
  return AuditRecord{row[0].as<std::int64_t>(), row[1].as<std::string>(),  row[2].as<std::string>(),
                     row[3].as<std::string>(),  row[4].as<std::string>(),  row[5].as<std::string>(),
                     row[6].as<std::string>(),  row[7].as<std::int64_t>(), row[8].as<std::string>(),
                     row[9].as<std::string>(),  row[10].as<std::string>()};
}

// Prepared statement names (PrepareAuditStatements).
constexpr const char* kAppendAudit = "govd_append_audit";
constexpr const char* kChainHead = "govd_audit_chain_head";
constexpr const char* kInsertAudit = "govd_insert_audit";

// True when the tenant's log still holds its anchored row unchanged (or nothing is anchored
// yet), so that a new head may be anchored. False after a truncation or rewrite below the
// anchor, or when the anchor cannot be read: the old anchor then stays, and VerifyAudit reports.
bool ChainReachesAnchor(pqxx::work& tx, const AuditSeal& seal, const std::string& tenant) {
  Result<std::optional<AuditAnchor>> anchor = seal.Anchor(tenant);
  if (!anchor) return false;
  if (!*anchor) return true;
  pqxx::result row = tx.exec_params("SELECT row_hash FROM govd.audit_log WHERE tenant = $1 AND seq = $2",
                                    tenant, (*anchor)->seq);
  return !row.empty() && row[0][0].as<std::string>() == (*anchor)->row_hash;
}

// With a seal: the row's MAC, and the head to anchor after commit. The anchor is checked once
// per transaction (its later rows extend the same chain).
void SealRow(pqxx::work& tx, const Store::Impl& store, AuditRecord& r) {
  const AuditSeal* seal = store.options.audit_seal.get();
  if (seal == nullptr) return;
  r.mac = AuditRowMac(seal->key(), r);
  if (store.pending_anchor || ChainReachesAnchor(tx, *seal, r.tenant)) {
    store.pending_anchor = AuditAnchor{r.tenant, r.seq, r.row_hash};
  }
}

}  // namespace

std::string JsonText(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

void PrepareAuditStatements(pqxx::connection& conn) {
  conn.prepare(kAppendAudit,
               "SELECT o_seq, o_prev_hash, o_row_hash FROM govd.append_audit($1, $2, $3, $4, $5, $6, $7)");
  conn.prepare(kChainHead, "SELECT o_seq, o_prev_hash FROM govd.audit_chain_head($1)");
  conn.prepare(kInsertAudit,
               "INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, "
               "at, prev_hash, row_hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, govd.from_us($8), $9, "
               "$10, $11)");
}

namespace {

Status CheckServerRowHash(const AuditRecord& r, const std::string& server_hash) {
  if (AuditRowHash(r) == server_hash) return Ok();
  return Internal("the database hashed audit row " + std::to_string(r.seq) + " of tenant " + r.tenant +
                  " differently from govd (is govd.audit_row_hash altered?): the change is not recorded");
}

}  // namespace

Status AppendAudit(pqxx::work& tx, const Store::Impl& store, const AuditChange& change) {
  AuditRecord r;
  r.tenant = store.context.tenant;
  r.actor = store.context.actor;
  r.action = std::string(change.action);
  r.object = change.object;
  r.before_json = change.before_json;
  r.after_json = change.after_json;
  r.at_us = pg::ToMicros(store.Now());
  if (store.options.audit_seal == nullptr) {
    // One statement: the server takes the tenant's chain lock, hashes and inserts the row. govd
    // recomputes the hash and refuses a row it would not have written.
    pqxx::row row = tx.exec_prepared1(kAppendAudit, r.tenant, r.actor, r.action, r.object, r.before_json,
                                      r.after_json, r.at_us);
    r.seq = row[0].as<std::int64_t>();
    r.prev_hash = row[1].as<std::string>();
    return CheckServerRowHash(r, row[2].as<std::string>());
  }
  // With a key the MAC is computed here, where the key is: the server gives the chain's head
  // under the lock, govd hashes and MACs the row and inserts it.
  pqxx::row head = tx.exec_prepared1(kChainHead, r.tenant);
  r.seq = head[0].as<std::int64_t>();
  r.prev_hash = head[1].as<std::string>();
  r.row_hash = AuditRowHash(r);
  SealRow(tx, store, r);
  tx.exec_prepared(kInsertAudit, r.seq, r.tenant, r.actor, r.action, r.object, r.before_json, r.after_json,
                   r.at_us, r.prev_hash, r.row_hash, r.mac);
  return Ok();
}

void Store::Impl::AnchorCommittedHead() {
  if (!pending_anchor || !options.audit_seal) return;
  // The rows are committed whatever happens here, so the change must not report failure: an
  // anchor that cannot be written stays behind, and the next VerifyAudit writes it or says why.
  static_cast<void>(options.audit_seal->Advance(*pending_anchor));
}

namespace {

Status RecordReconcileOf(Store::Impl& impl, const std::string& object, std::string_view action,
                         std::string_view before_json, std::string_view after_json) {
  if (!action.starts_with("reconcile.")) {
    return InvalidArgument("reconcile actions start with \"reconcile.\", not \"" +
                               std::string(action) + "\"",
                           "action");
  }
  AuditChange change{action, object, std::string(before_json), std::string(after_json)};
  return impl.TxStatus("recording reconcile of " + object,
                       [&](pqxx::work& tx) { return AppendAudit(tx, impl, change); });
}

}  // namespace

Status Store::RecordReconcile(std::string_view bucket, std::string_view action,
                              std::string_view before_json, std::string_view after_json) {
  return RecordReconcileOf(*impl_, "bucket/" + std::string(bucket), action, before_json, after_json);
}

Status Store::RecordRoleReconcile(std::string_view role, std::string_view action,
                                  std::string_view before_json, std::string_view after_json) {
  return RecordReconcileOf(*impl_, "role/" + std::string(role), action, before_json, after_json);
}

Result<std::vector<AuditRecord>> Store::AuditLog(std::int64_t after_seq, int limit) {
  return impl_->Tx<std::vector<AuditRecord>>("reading the audit log", [&](pqxx::work& tx) {
    std::vector<AuditRecord> out;
    for (const pqxx::row& row : tx.exec_params(
             std::string("SELECT ") + kAuditColumns +
                 " FROM govd.audit_log WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3",
             impl_->context.tenant, after_seq, limit)) {
      out.push_back(AuditFromRow(row));
    }
    return Result<std::vector<AuditRecord>>(std::move(out));
  });
}

Result<AuditVerification> Store::VerifyAudit() {
  AuditSeal* seal = impl_->options.audit_seal.get();
  const std::string& tenant = impl_->context.tenant;
  AuditTrust trust;
  if (seal != nullptr) {
    trust.key = &seal->key();
    GOVD_ASSIGN_OR_RETURN(trust.anchor, seal->Anchor(tenant));
  }
  std::int64_t head_seq = 0;
  auto verify = [&](pqxx::work& tx) {
    std::vector<AuditRecord> rows;
    for (const pqxx::row& row : tx.exec_params(
             std::string("SELECT ") + kAuditColumns + " FROM govd.audit_log WHERE tenant = $1 ORDER BY seq",
             tenant)) {
      rows.push_back(AuditFromRow(row));
    }
    AuditVerification checked = VerifyAuditChain(rows, trust);
    if (!checked.first_broken_seq && checked.authenticated && !rows.empty()) {
      head_seq = rows.back().seq;  // anchored by Tx once this read commits
      impl_->pending_anchor = AuditAnchor{tenant, head_seq, rows.back().row_hash};
    }
    return Result<AuditVerification>(std::move(checked));
  };
  GOVD_ASSIGN_OR_RETURN(AuditVerification v, impl_->Tx<AuditVerification>("verifying the audit log", verify));
  if (head_seq == 0) return v;
  // Every pass anchors the verified head; say so when that did not happen.
  GOVD_ASSIGN_OR_RETURN(std::optional<AuditAnchor> anchored, seal->Anchor(tenant));
  if (!anchored || anchored->seq < head_seq) {
    return Unavailable("the audit log of " + tenant + " verifies, but its head could not be anchored in " +
                       seal->anchor_dir());
  }
  v.anchored_seq = anchored->seq;
  return v;
}

}  // namespace govd::accounts

// accounts/store/store_audit.cc: appending to and reading the tenant's audit chain.
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"

namespace govd::accounts {
namespace {

constexpr const char* kAuditColumns =
    "seq, tenant, actor, action, object, before_json, after_json, govd.to_us(at), prev_hash, "
    "row_hash";

AuditRecord AuditFromRow(const pqxx::row& row) {
  return AuditRecord{row[0].as<std::int64_t>(), row[1].as<std::string>(),
                     row[2].as<std::string>(),  row[3].as<std::string>(),
                     row[4].as<std::string>(),  row[5].as<std::string>(),
                     row[6].as<std::string>(),  row[7].as<std::int64_t>(),
                     row[8].as<std::string>(),  row[9].as<std::string>()};
}

// The tenant's last row hash; the advisory lock makes concurrent appenders queue here, so each
// sees the row its predecessor committed.
std::string LockChainHead(pqxx::work& tx, const std::string& tenant) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended('govd.audit/' || $1, 0))", tenant);
  pqxx::result last = tx.exec_params(
      "SELECT row_hash FROM govd.audit_log WHERE tenant = $1 ORDER BY seq DESC LIMIT 1", tenant);
  return last.empty() ? std::string(kGenesisHash) : last[0][0].as<std::string>();
}

}  // namespace

std::string JsonText(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

Status AppendAudit(pqxx::work& tx, const Store::Impl& store, const AuditChange& change) {
  AuditRecord r;
  r.tenant = store.context.tenant;
  r.actor = store.context.actor;
  r.action = std::string(change.action);
  r.object = change.object;
  r.before_json = change.before_json;
  r.after_json = change.after_json;
  r.at_us = pg::ToMicros(store.Now());
  r.prev_hash = LockChainHead(tx, r.tenant);
  r.seq = tx.exec1("SELECT nextval('govd.audit_log_seq_seq')")[0].as<std::int64_t>();
  r.row_hash = AuditRowHash(r);
  tx.exec_params(
      "INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, "
      "at, prev_hash, row_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, govd.from_us($8), $9, $10)",
      r.seq, r.tenant, r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us,
      r.prev_hash, r.row_hash);
  return Ok();
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
  return impl_->Tx<AuditVerification>("verifying the audit log", [&](pqxx::work& tx) {
    std::vector<AuditRecord> rows;
    for (const pqxx::row& row : tx.exec_params(std::string("SELECT ") + kAuditColumns +
                                                   " FROM govd.audit_log WHERE tenant = $1 "
                                                   "ORDER BY seq",
                                               impl_->context.tenant)) {
      rows.push_back(AuditFromRow(row));
    }
    return Result<AuditVerification>(VerifyAuditChain(rows));
  });
}

}  // namespace govd::accounts

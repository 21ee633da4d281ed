// accounts/store/store_findings.cc: the tenant's findings and their status (active/resolved/archived).
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"
#include "base/display_text.h"

namespace govd::accounts {
namespace {

constexpr const char* kFindingColumns =
    "finding_id, type, severity, resource, principal, statement, message, status, "
    "govd.to_us(first_seen), govd.to_us(last_seen), govd.to_us(resolved_at), archive_reason";

constexpr std::array kSeverities{policy::FindingSeverity::kCritical, policy::FindingSeverity::kHigh,
                                 policy::FindingSeverity::kMedium, policy::FindingSeverity::kLow};

template <typename Enum, std::size_t N, typename NameFn>
Result<Enum> ParseEnum(const std::array<Enum, N>& values, NameFn name_of, std::string_view text,
                       std::string_view what) {
  for (Enum value : values) {
    if (name_of(value) == text) return value;
  }
  return Internal("unknown finding " + std::string(what) + " \"" + std::string(text) + "\" in the database");
}

Result<policy::FindingType> TypeFromColumn(const std::string& text) {
  Result<policy::FindingType> type = policy::ParseFindingType(text);
  if (!type) return Internal("unknown finding type \"" + text + "\" in the database");
  return type;
}

Result<FindingRecord> FindingFromRow(const pqxx::row& row) {
  FindingRecord r;
  r.finding.id = row[0].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(r.finding.type, TypeFromColumn(row[1].as<std::string>()));
  GOVD_ASSIGN_OR_RETURN(r.finding.severity, ParseEnum(kSeverities, policy::FindingSeverityName,
                                                      row[2].as<std::string>(), "severity"));
  r.finding.resource = row[3].as<std::string>();
  r.finding.principal = row[4].as<std::string>();
  r.finding.statement = row[5].as<std::string>();
  r.finding.message = row[6].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(r.status, ParseFindingStatus(row[7].as<std::string>()));
  r.first_seen = pg::FromMicros(row[8].as<std::int64_t>());
  r.last_seen = pg::FromMicros(row[9].as<std::int64_t>());
  if (!row[10].is_null()) r.resolved_at = pg::FromMicros(row[10].as<std::int64_t>());
  r.archive_reason = row[11].as<std::string>();
  return r;
}

std::string FindingJson(const policy::Finding& f, FindingStatus status, std::string_view archive_reason = {}) {
  Json::Value v;
  if (!archive_reason.empty()) v["archive_reason"] = std::string(archive_reason);
  v["type"] = std::string(policy::FindingTypeName(f.type));
  v["severity"] = std::string(policy::FindingSeverityName(f.severity));
  v["resource"] = f.resource;
  v["principal"] = f.principal;
  v["statement"] = f.statement;
  v["status"] = std::string(FindingStatusName(status));
  return JsonText(v);
}

// The stored status name of every finding of the tenant, locked against a concurrent refresh.
std::map<std::string, std::string> LockStatuses(pqxx::work& tx, const std::string& tenant) {
  std::map<std::string, std::string> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT finding_id, status FROM govd.findings WHERE tenant = $1 FOR UPDATE", tenant)) {
    out[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return out;
}

constexpr const char* kRuleColumns = "name, finding_type, bucket, principal, reason";

Result<policy::ArchiveRule> RuleFromRow(const pqxx::row& row) {
  policy::ArchiveRule rule;
  rule.name = row[0].as<std::string>();
  if (!row[1].is_null()) {
    GOVD_ASSIGN_OR_RETURN(rule.type, TypeFromColumn(row[1].as<std::string>()));
  }
  rule.bucket = row[2].as<std::string>();
  rule.principal = row[3].as<std::string>();
  rule.reason = row[4].as<std::string>();
  return rule;
}

Result<std::vector<policy::ArchiveRule>> ReadArchiveRules(pqxx::work& tx, const std::string& tenant) {
  std::vector<policy::ArchiveRule> rules;
  for (const pqxx::row& row : tx.exec_params(std::string("SELECT ") + kRuleColumns +
                                                 " FROM govd.finding_archive_rules WHERE tenant = $1 ORDER BY name",
                                             tenant)) {
    GOVD_ASSIGN_OR_RETURN(policy::ArchiveRule rule, RuleFromRow(row));
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string RuleJson(const policy::ArchiveRule& rule) { return JsonText(policy::ArchiveRuleJson(rule)); }

class Refresher {
 public:
  Refresher(pqxx::work& tx, const Store::Impl& store, std::vector<policy::ArchiveRule> rules)
      : tx_(tx), store_(store), now_us_(pg::ToMicros(store.Now())),
        stored_(LockStatuses(tx, store.context.tenant)), rules_(std::move(rules)) {}

  Status See(const policy::Finding& f) {
    if (!seen_.insert(f.id).second) return Ok();  // the same finding twice in one set
    ++report_.seen;
    auto it = stored_.find(f.id);
    if (it == stored_.end()) return Raise(f);
    tx_.exec_params(
        "UPDATE govd.findings SET last_seen = govd.from_us($3), message = $4, severity = $5, "
        "status = CASE WHEN status = 'resolved' THEN 'active' ELSE status END, "
        "resolved_at = CASE WHEN status = 'resolved' THEN NULL ELSE resolved_at END "
        "WHERE tenant = $1 AND finding_id = $2",
        store_.context.tenant, f.id, now_us_, f.message, std::string(policy::FindingSeverityName(f.severity)));
    if (it->second != FindingStatusName(FindingStatus::kResolved)) return Ok();
    ++report_.reopened;
    return Audit("finding.reopen", f, FindingStatus::kResolved, FindingStatus::kActive);
  }

  // Every active finding the current set did not contain is resolved now.
  Status ResolveUnseen() {
    for (const auto& [id, status] : stored_) {
      if (status != FindingStatusName(FindingStatus::kActive) || seen_.contains(id)) continue;
      pqxx::row row = tx_.exec_params1(
          std::string("UPDATE govd.findings SET status = 'resolved', resolved_at = govd.from_us($3) "
                      "WHERE tenant = $1 AND finding_id = $2 RETURNING ") + kFindingColumns,
          store_.context.tenant, id, now_us_);
      GOVD_ASSIGN_OR_RETURN(FindingRecord record, FindingFromRow(row));
      ++report_.resolved;
      GOVD_TRY(Audit("finding.resolve", record.finding, FindingStatus::kActive, FindingStatus::kResolved));
    }
    return Ok();
  }

  const FindingsRefresh& report() const { return report_; }

 private:
  // A new finding: active, or archived at once when an archive rule covers it.
  Status Raise(const policy::Finding& f) {
    const policy::ArchiveRule* rule = policy::FirstMatchingRule(rules_, f);
    FindingStatus status = rule == nullptr ? FindingStatus::kActive : FindingStatus::kArchived;
    std::string reason = rule == nullptr ? "" : "archive rule " + rule->name + ": " + rule->reason;
    tx_.exec_params(
        "INSERT INTO govd.findings (tenant, finding_id, type, severity, resource, principal, statement, "
        "message, status, first_seen, last_seen, archive_reason) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, govd.from_us($10), govd.from_us($10), $11)",
        store_.context.tenant, f.id, std::string(policy::FindingTypeName(f.type)),
        std::string(policy::FindingSeverityName(f.severity)), f.resource, f.principal, f.statement, f.message,
        std::string(FindingStatusName(status)), now_us_, reason);
    ++report_.raised;
    if (rule != nullptr) ++report_.archived_by_rule;
    return AppendAudit(tx_, store_, {"finding.raise", "finding/" + f.id, "null", FindingJson(f, status, reason)});
  }

  Status Audit(std::string_view action, const policy::Finding& f, FindingStatus from, FindingStatus to) {
    return AppendAudit(tx_, store_, {action, "finding/" + f.id, FindingJson(f, from), FindingJson(f, to)});
  }

  pqxx::work& tx_;
  const Store::Impl& store_;
  std::int64_t now_us_;
  std::map<std::string, std::string> stored_;
  std::vector<policy::ArchiveRule> rules_;  // by name
  std::set<std::string> seen_;
  FindingsRefresh report_;
};

}  // namespace

std::string_view FindingStatusName(FindingStatus status) {
  switch (status) {
    case FindingStatus::kActive: return "active";
    case FindingStatus::kResolved: return "resolved";
    case FindingStatus::kArchived: return "archived";
  }
  return "active";
}

Result<FindingStatus> ParseFindingStatus(std::string_view name) {
  for (FindingStatus s : {FindingStatus::kActive, FindingStatus::kResolved, FindingStatus::kArchived}) {
    if (FindingStatusName(s) == name) return s;
  }
  return InvalidArgument("finding status \"" + std::string(name) + "\" is not one of active, resolved, archived",
                         "status");
}

Result<FindingsRefresh> Store::RefreshFindings(std::span<const policy::Finding> current) {
  return impl_->Tx<FindingsRefresh>("refreshing findings", [&](pqxx::work& tx) -> Result<FindingsRefresh> {
    GOVD_ASSIGN_OR_RETURN(std::vector<policy::ArchiveRule> rules, ReadArchiveRules(tx, impl_->context.tenant));
    Refresher refresher(tx, *impl_, std::move(rules));
    for (const policy::Finding& f : current) GOVD_TRY(refresher.See(f));
    GOVD_TRY(refresher.ResolveUnseen());
    return refresher.report();
  });
}

Result<std::vector<FindingRecord>> Store::ListFindings(std::optional<FindingStatus> status) {
  std::optional<std::string> wanted;
  if (status) wanted = std::string(FindingStatusName(*status));
  return impl_->Tx<std::vector<FindingRecord>>("listing findings", [&](pqxx::work& tx)
                                                   -> Result<std::vector<FindingRecord>> {
    std::vector<FindingRecord> out;
    for (const pqxx::row& row : tx.exec_params(
             std::string("SELECT ") + kFindingColumns +
                 " FROM govd.findings WHERE tenant = $1 AND ($2::text IS NULL OR status = $2) "
                 "ORDER BY array_position(ARRAY['active','resolved','archived'], status), "
                 "array_position(ARRAY['critical','high','medium','low'], severity), type, resource, principal",
             impl_->context.tenant, wanted)) {
      GOVD_ASSIGN_OR_RETURN(FindingRecord record, FindingFromRow(row));
      out.push_back(std::move(record));
    }
    return out;
  });
}

namespace {

// The tenant's finding `id`, locked for the rest of the transaction.
Result<FindingRecord> LockFinding(pqxx::work& tx, const Store::Impl& store, const std::string& id) {
  pqxx::result rows = tx.exec_params(std::string("SELECT ") + kFindingColumns +
                                         " FROM govd.findings WHERE tenant = $1 AND finding_id = $2 FOR UPDATE",
                                     store.context.tenant, id);
  if (rows.empty()) {
    return NotFound("finding \"" + id + "\" does not exist in tenant " + store.context.tenant, "finding");
  }
  return FindingFromRow(rows[0]);
}

}  // namespace

Result<FindingRecord> Store::ArchiveFinding(std::string_view finding_id, std::string_view reason) {
  std::string id(finding_id);
  GOVD_TRY(CheckReason(reason, "reason"));
  return impl_->Tx<FindingRecord>("archiving finding " + id, [&](pqxx::work& tx) -> Result<FindingRecord> {
    GOVD_ASSIGN_OR_RETURN(FindingRecord record, LockFinding(tx, *impl_, id));
    if (record.status == FindingStatus::kArchived) return record;
    tx.exec_params(
        "UPDATE govd.findings SET status = 'archived', archive_reason = $3 WHERE tenant = $1 AND finding_id = $2",
        impl_->context.tenant, id, std::string(reason));
    GOVD_TRY(AppendAudit(tx, *impl_, {"finding.archive", "finding/" + id, FindingJson(record.finding, record.status),
                                      FindingJson(record.finding, FindingStatus::kArchived, reason)}));
    record.status = FindingStatus::kArchived;
    record.archive_reason = reason;
    return record;
  });
}

Result<FindingRecord> Store::UnarchiveFinding(std::string_view finding_id) {
  std::string id(finding_id);
  return impl_->Tx<FindingRecord>("unarchiving finding " + id, [&](pqxx::work& tx) -> Result<FindingRecord> {
    GOVD_ASSIGN_OR_RETURN(FindingRecord record, LockFinding(tx, *impl_, id));
    if (record.status != FindingStatus::kArchived) return record;
    tx.exec_params(
        "UPDATE govd.findings SET status = 'active', archive_reason = '', resolved_at = NULL "
        "WHERE tenant = $1 AND finding_id = $2",
        impl_->context.tenant, id);
    GOVD_TRY(AppendAudit(tx, *impl_, {"finding.unarchive", "finding/" + id,
                                      FindingJson(record.finding, record.status, record.archive_reason),
                                      FindingJson(record.finding, FindingStatus::kActive)}));
    record.status = FindingStatus::kActive;
    record.archive_reason.clear();
    record.resolved_at.reset();
    return record;
  });
}

Status Store::CreateArchiveRule(const policy::ArchiveRule& rule) {
  GOVD_TRY(policy::ValidateArchiveRule(rule));
  return impl_->TxStatus("creating archive rule " + rule.name, [&](pqxx::work& tx) -> Status {
    if (RowExists(tx, "SELECT 1 FROM govd.finding_archive_rules WHERE tenant = $1 AND name = $2",
                  impl_->context.tenant, rule.name)) {
      return Error(ErrorCode::kAlreadyExists,
                   "archive rule " + rule.name + " already exists in tenant " + impl_->context.tenant, "name");
    }
    std::optional<std::string> type;
    if (rule.type) type = std::string(policy::FindingTypeName(*rule.type));
    tx.exec_params(
        "INSERT INTO govd.finding_archive_rules (tenant, name, finding_type, bucket, principal, reason, "
        "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, govd.from_us($7), $8)",
        impl_->context.tenant, rule.name, type, rule.bucket, rule.principal, rule.reason,
        pg::ToMicros(impl_->Now()), impl_->context.actor);
    return AppendAudit(tx, *impl_, {"archive-rule.create", "archive-rule/" + rule.name, "null", RuleJson(rule)});
  });
}

Result<std::vector<policy::ArchiveRule>> Store::ListArchiveRules() {
  return impl_->Tx<std::vector<policy::ArchiveRule>>(
      "listing archive rules", [&](pqxx::work& tx) { return ReadArchiveRules(tx, impl_->context.tenant); });
}

Status Store::DeleteArchiveRule(std::string_view name) {
  std::string wanted(name);
  return impl_->TxStatus("deleting archive rule " + wanted, [&](pqxx::work& tx) -> Status {
    pqxx::result rows = tx.exec_params(std::string("DELETE FROM govd.finding_archive_rules WHERE tenant = $1 AND "
                                                   "name = $2 RETURNING ") +
                                           kRuleColumns,
                                       impl_->context.tenant, wanted);
    if (rows.empty()) {
      return NotFound("archive rule \"" + wanted.substr(0, 64) + "\" does not exist in tenant " +
                          impl_->context.tenant,
                      "name");
    }
    GOVD_ASSIGN_OR_RETURN(policy::ArchiveRule rule, RuleFromRow(rows[0]));
    return AppendAudit(tx, *impl_, {"archive-rule.delete", "archive-rule/" + rule.name, RuleJson(rule), "null"});
  });
}

}  // namespace govd::accounts

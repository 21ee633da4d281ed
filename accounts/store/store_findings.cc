// accounts/store/store_findings.cc: the tenant's findings and their status (active/resolved/archived).
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"

namespace govd::accounts {
namespace {

constexpr const char* kFindingColumns =
    "finding_id, type, severity, resource, principal, statement, message, status, "
    "govd.to_us(first_seen), govd.to_us(last_seen), govd.to_us(resolved_at)";

constexpr std::array kTypes{policy::FindingType::kOutsideOrganisation, policy::FindingType::kPublicAccess,
                            policy::FindingType::kUnexplainedAccess,   policy::FindingType::kEmbargoedGrant,
                            policy::FindingType::kExpiredGrantEffective,
                            policy::FindingType::kTrustWithoutExternalId};
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

Result<FindingRecord> FindingFromRow(const pqxx::row& row) {
  FindingRecord r;
  r.finding.id = row[0].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(r.finding.type, ParseEnum(kTypes, policy::FindingTypeName, row[1].as<std::string>(), "type"));
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
  return r;
}

std::string FindingJson(const policy::Finding& f, FindingStatus status) {
  Json::Value v;
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

class Refresher {
 public:
  Refresher(pqxx::work& tx, const Store::Impl& store)
      : tx_(tx), store_(store), now_us_(pg::ToMicros(store.Now())),
        stored_(LockStatuses(tx, store.context.tenant)) {}

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
  Status Raise(const policy::Finding& f) {
    tx_.exec_params(
        "INSERT INTO govd.findings (tenant, finding_id, type, severity, resource, principal, statement, "
        "message, status, first_seen, last_seen) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', govd.from_us($9), govd.from_us($9))",
        store_.context.tenant, f.id, std::string(policy::FindingTypeName(f.type)),
        std::string(policy::FindingSeverityName(f.severity)), f.resource, f.principal, f.statement, f.message,
        now_us_);
    ++report_.raised;
    return AppendAudit(tx_, store_, {"finding.raise", "finding/" + f.id, "null", FindingJson(f, FindingStatus::kActive)});
  }

  Status Audit(std::string_view action, const policy::Finding& f, FindingStatus from, FindingStatus to) {
    return AppendAudit(tx_, store_, {action, "finding/" + f.id, FindingJson(f, from), FindingJson(f, to)});
  }

  pqxx::work& tx_;
  const Store::Impl& store_;
  std::int64_t now_us_;
  std::map<std::string, std::string> stored_;
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
    Refresher refresher(tx, *impl_);
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

Result<FindingRecord> Store::ArchiveFinding(std::string_view finding_id) {
  std::string id(finding_id);
  return impl_->Tx<FindingRecord>("archiving finding " + id, [&](pqxx::work& tx) -> Result<FindingRecord> {
    pqxx::result rows = tx.exec_params(std::string("SELECT ") + kFindingColumns +
                                           " FROM govd.findings WHERE tenant = $1 AND finding_id = $2 FOR UPDATE",
                                       impl_->context.tenant, id);
    if (rows.empty()) {
      return NotFound("finding \"" + id + "\" does not exist in tenant " + impl_->context.tenant, "finding");
    }
    GOVD_ASSIGN_OR_RETURN(FindingRecord record, FindingFromRow(rows[0]));
    if (record.status == FindingStatus::kArchived) return record;
    tx.exec_params("UPDATE govd.findings SET status = 'archived' WHERE tenant = $1 AND finding_id = $2",
                   impl_->context.tenant, id);
    GOVD_TRY(AppendAudit(tx, *impl_, {"finding.archive", "finding/" + id, FindingJson(record.finding, record.status),
                                      FindingJson(record.finding, FindingStatus::kArchived)}));
    record.status = FindingStatus::kArchived;
    return record;
  });
}

}  // namespace govd::accounts

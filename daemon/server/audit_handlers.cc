#include "daemon/server/audit_handlers.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "base/clock.h"
#include "base/iso8601.h"
#include "base/json_text.h"
#include "base/uri.h"
#include "daemon/server/audit_view.h"
#include "policy/analysis/access_analysis.h"
#include "policy/analysis/archive_rule.h"
#include "policy/analysis/audit_report.h"
#include "policy/managed/managed_statements.h"

namespace govd::daemon {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;

constexpr int kAuditPage = 500;     // rows read from the store at once
constexpr int kMaxEntries = 1000;   // entries per answer; the rest through next_after

// "a=1&b=x%20y" -> {a: 1, b: "x y"}; a parameter not in `allowed` is refused by name.
Result<Params> ParseQuery(std::string_view query, std::initializer_list<std::string_view> allowed) {
  Params params;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string name = govd::PercentDecode(pair.substr(0, eq));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return InvalidArgument("unknown query parameter \"" + name + "\"", "query");
    }
    params[name] = eq == std::string_view::npos ? "" : govd::PercentDecode(pair.substr(eq + 1));
  }
  return params;
}

std::string Param(const Params& params, std::string_view name, const std::string& fallback = "") {
  auto it = params.find(name);
  return it == params.end() || it->second.empty() ? fallback : it->second;
}

Result<std::int64_t> IntParam(const Params& params, std::string_view name, std::int64_t fallback, std::int64_t max) {
  std::string text = Param(params, name);
  if (text.empty()) return fallback;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return InvalidArgument("\"" + text + "\" is not an integer in [0, " + std::to_string(max) + "]",
                           std::string(name));
  }
  return value;
}

// "2026-11-25" (midnight UTC) or "2026-11-25T10:00:00Z" -> microseconds since the epoch.
Result<std::int64_t> SinceParam(const Params& params) {
  std::string text = Param(params, "since");
  if (text.empty()) return 0;
  GOVD_ASSIGN_OR_RETURN(WallTime since, govd::ParseIso8601(text, "since"));
  return std::chrono::duration_cast<std::chrono::microseconds>(since.time_since_epoch()).count();
}

// --- audit log and chain ---

Json::Value AuditEntryJson(const accounts::AuditRecord& r) {
  Json::Value v;
  v["seq"] = Json::Int64(r.seq);
  v["at"] = FormatIso8601Micros(WallTime(std::chrono::microseconds(r.at_us)));
  v["actor"] = r.actor;
  v["action"] = r.action;
  v["object"] = r.object;
  v["before"] = r.before_json;
  v["after"] = r.after_json;
  v["prev_hash"] = r.prev_hash;
  v["row_hash"] = r.row_hash;
  v["mac"] = r.mac;
  return v;
}

struct AuditFilter {
  std::int64_t since_us = 0;
  std::string object;  // "grant/17"; empty: every object
  bool Matches(const accounts::AuditRecord& r) const {
    return r.at_us >= since_us && (object.empty() || r.object == object);
  }
};

Result<AuditFilter> ParseAuditFilter(const Params& params) {
  AuditFilter filter;
  GOVD_ASSIGN_OR_RETURN(filter.since_us, SinceParam(params));
  std::string grant = Param(params, "grant");
  if (!grant.empty()) {
    GOVD_ASSIGN_OR_RETURN(std::int64_t id, IntParam(params, "grant", 0, INT64_MAX));
    filter.object = "grant/" + std::to_string(id);
  }
  return filter;
}

// Scans the chain after `after` until `limit` entries match or the log ends; next_after lets
// the client continue where the scan stopped.
Result<ApiResponse> AuditLogPage(accounts::Store& store, const AuditFilter& filter, std::int64_t after, int limit) {
  ApiResponse response;
  Json::Value& entries = response.body["entries"] = Json::Value(Json::arrayValue);
  response.body["next_after"] = Json::Value();
  while (true) {
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::AuditRecord> page, store.AuditLog(after, kAuditPage));
    for (const auto& record : page) {
      after = record.seq;
      if (filter.Matches(record)) entries.append(AuditEntryJson(record));
      if (static_cast<int>(entries.size()) == limit) {
        response.body["next_after"] = Json::Int64(after);
        return response;
      }
    }
    if (static_cast<int>(page.size()) < kAuditPage) return response;
  }
}

ApiHandler MakeAuditLogHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"since", "grant", "after", "limit"}));
    GOVD_ASSIGN_OR_RETURN(AuditFilter filter, ParseAuditFilter(params));
    GOVD_ASSIGN_OR_RETURN(std::int64_t after, IntParam(params, "after", 0, INT64_MAX));
    GOVD_ASSIGN_OR_RETURN(std::int64_t limit, IntParam(params, "limit", kMaxEntries, kMaxEntries));
    if (limit == 0) return InvalidArgument("limit must be at least 1", "limit");
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(ApiResponse response, AuditLogPage(*store, filter, after, static_cast<int>(limit)));
    response.body["tenant"] = store->context().tenant;
    return response;
  };
}

ApiHandler MakeAuditVerifyHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(accounts::AuditVerification check, store->VerifyAudit());
    if (check.rows_checked == 0) {  // an empty chain proves nothing: never report it as intact
      return NotFound("tenant " + store->context().tenant +
                          " has no audit rows: nothing was checked (is its organisation imported?)",
                      "tenant");
    }
    ApiResponse response;
    Json::Value& body = response.body;
    body["tenant"] = store->context().tenant;
    body["rows_checked"] = Json::Int64(check.rows_checked);
    body["intact"] = !check.first_broken_seq.has_value();
    body["first_broken_seq"] = check.first_broken_seq ? Json::Value(Json::Int64(*check.first_broken_seq)) : Json::Value();
    body["problem"] = check.problem;
    body["head_hash"] = check.head_hash;
    body["macs_checked"] = check.macs_checked;
    body["authenticated"] = check.authenticated;
    body["unauthenticated_rows"] = Json::Int64(check.unauthenticated_rows);
    body["anchored_seq"] = check.anchored_seq ? Json::Value(Json::Int64(*check.anchored_seq)) : Json::Value();
    return response;
  };
}

// --- findings ---

Json::Value FindingJson(const policy::Finding& f) {
  Json::Value v;
  v["id"] = f.id;
  v["type"] = std::string(policy::FindingTypeName(f.type));
  v["severity"] = std::string(policy::FindingSeverityName(f.severity));
  v["resource"] = f.resource;
  v["principal"] = f.principal;
  v["statement"] = f.statement;
  v["message"] = f.message;
  return v;
}

Json::Value FindingRecordJson(const accounts::FindingRecord& r) {
  Json::Value v = FindingJson(r.finding);
  v["status"] = std::string(accounts::FindingStatusName(r.status));
  v["first_seen"] = FormatIso8601Micros(r.first_seen);
  v["last_seen"] = FormatIso8601Micros(r.last_seen);
  v["resolved_at"] = r.resolved_at ? Json::Value(FormatIso8601Micros(*r.resolved_at)) : Json::Value();
  v["archive_reason"] = r.archive_reason;
  return v;
}

struct Opened {
  std::unique_ptr<accounts::Store> store;
  AuditView view;
};

Result<Opened> OpenView(const ApiStore& api_store, const TenantPolicyAccess& actual,
                        const ApiRequest& request) {
  Opened opened;
  GOVD_ASSIGN_OR_RETURN(opened.store, api_store.Open(request));
  GOVD_ASSIGN_OR_RETURN(
      opened.view,
      LoadAuditView(*opened.store, actual ? actual(api_store.TenantOf(request)) : nullptr, SystemTime().Now()));
  return opened;
}

std::vector<policy::Finding> CurrentFindings(const AuditView& view) {
  return policy::ComputeFindings({&view.org, view.grants, UnixSeconds(SystemTime().Now())});
}

ApiHandler MakeFindingListHandler(const ApiStore& api_store, const TenantPolicyAccess& actual) {
  return [&api_store, actual](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"status"}));
    std::optional<accounts::FindingStatus> status;
    if (std::string text = Param(params, "status"); !text.empty()) {
      GOVD_ASSIGN_OR_RETURN(status, accounts::ParseFindingStatus(text));
    }
    GOVD_ASSIGN_OR_RETURN(Opened opened, OpenView(api_store, actual, request));
    GOVD_ASSIGN_OR_RETURN(accounts::FindingsRefresh refresh, opened.store->RefreshFindings(CurrentFindings(opened.view)));
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::FindingRecord> records, opened.store->ListFindings(status));
    ApiResponse response;
    response.body["tenant"] = opened.store->context().tenant;
    response.body["policy_source"] = std::string(PolicySourceName(opened.view));
    response.body["refresh"]["raised"] = refresh.raised;
    response.body["refresh"]["reopened"] = refresh.reopened;
    response.body["refresh"]["resolved"] = refresh.resolved;
    response.body["refresh"]["archived_by_rule"] = refresh.archived_by_rule;
    Json::Value& list = response.body["findings"] = Json::Value(Json::arrayValue);
    for (const auto& record : records) list.append(FindingRecordJson(record));
    return response;
  };
}

// {"reason": "..."}: archiving needs one (the store checks what it may hold).
Result<std::string> ParseArchiveBody(const Json::Value& body) {
  constexpr std::array<std::string_view, 1> kFields{"reason"};
  GOVD_TRY(CheckFields(body, kFields));
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> reason, OptionalString(body, "reason"));
  if (!reason) return InvalidArgument("archiving a finding needs a reason: {\"reason\": \"...\"}", "reason");
  return *reason;
}

ApiHandler MakeFindingArchiveHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(std::string reason, ParseArchiveBody(request.body));
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(accounts::FindingRecord record, store->ArchiveFinding(request.route.finding_id, reason));
    ApiResponse response;
    response.body["finding"] = FindingRecordJson(record);
    return response;
  };
}

ApiHandler MakeFindingUnarchiveHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    constexpr std::array<std::string_view, 0> kNoFields{};
    GOVD_TRY(CheckFields(request.body, kNoFields));
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(accounts::FindingRecord record, store->UnarchiveFinding(request.route.finding_id));
    ApiResponse response;
    response.body["finding"] = FindingRecordJson(record);
    return response;
  };
}

// --- archive rules ---

// {"name", "type"?, "bucket"?, "principal"?, "reason"}; the store validates the rule.
Result<policy::ArchiveRule> ParseArchiveRuleBody(const Json::Value& body) {
  constexpr std::array<std::string_view, 5> kFields{"name", "type", "bucket", "principal", "reason"};
  GOVD_TRY(CheckFields(body, kFields));
  policy::ArchiveRule rule;
  GOVD_ASSIGN_OR_RETURN(rule.name, RequiredString(body, "name"));
  GOVD_ASSIGN_OR_RETURN(rule.reason, RequiredString(body, "reason"));
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(body, "type"));
  if (type) {
    GOVD_ASSIGN_OR_RETURN(rule.type, policy::ParseFindingType(*type));
  }
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> bucket, OptionalString(body, "bucket"));
  rule.bucket = bucket.value_or("");
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> principal, OptionalString(body, "principal"));
  rule.principal = principal.value_or("");
  return rule;
}

ApiHandler MakeArchiveRuleListHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(std::vector<policy::ArchiveRule> rules, store->ListArchiveRules());
    ApiResponse response;
    response.body["tenant"] = store->context().tenant;
    Json::Value& list = response.body["rules"] = Json::Value(Json::arrayValue);
    for (const auto& rule : rules) list.append(policy::ArchiveRuleJson(rule));
    return response;
  };
}

ApiHandler MakeArchiveRuleCreateHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(policy::ArchiveRule rule, ParseArchiveRuleBody(request.body));
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_TRY(store->CreateArchiveRule(rule));
    ApiResponse response;
    response.status = 201;
    response.body["rule"] = policy::ArchiveRuleJson(rule);
    return response;
  };
}

ApiHandler MakeArchiveRuleDeleteHandler(const ApiStore& api_store) {
  return [&api_store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
    GOVD_TRY(store->DeleteArchiveRule(request.route.rule_name));
    ApiResponse response;
    response.body["deleted"] = request.route.rule_name;
    return response;
  };
}

// --- effective access ---

std::string_view OriginName(policy::PrincipalOrigin origin) {
  switch (origin) {
    case policy::PrincipalOrigin::kOrgRole: return "organisation role";
    case policy::PrincipalOrigin::kOutside: return "outside (identity side assumed to allow)";
    case policy::PrincipalOrigin::kMemberUnknownIdentity:
      return "member account whose roles govd does not know (identity side assumed to allow)";
    case policy::PrincipalOrigin::kAnonymous: return "anonymous";
  }
  return "unknown";
}

Json::Value PathJson(const policy::AccessPath& path) {
  Json::Value v;
  v["principal"] = path.principal;
  v["origin"] = std::string(OriginName(path.origin));
  v["in_organisation"] = path.in_organisation;
  v["chain"] = StringList(path.chain);
  Json::Value& steps = v["steps"] = Json::Value(Json::arrayValue);
  for (const auto& step : path.steps) {
    Json::Value s;
    s["principal"] = step.principal;
    s["action"] = step.action;
    s["resource"] = step.resource;
    s["reason"] = step.reason;
    s["statements"] = StringList(step.statements);
    steps.append(s);
  }
  return v;
}

Result<policy::AccessAnalyzer> Analyzer(const AuditView& view) {
  auto analyzer = policy::AccessAnalyzer::Build(view.org);
  if (!analyzer) return analyzer.error().WithContext("the organisation snapshot of the store");
  return analyzer;
}

ApiHandler MakeWhoCanAccessHandler(const ApiStore& api_store, const TenantPolicyAccess& actual) {
  return [&api_store, actual](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"bucket", "prefix", "action"}));
    policy::AccessQuery query{Param(params, "bucket"), Param(params, "prefix"), Param(params, "action", "s3:GetObject")};
    if (query.bucket.empty()) return InvalidArgument("the bucket parameter is required", "bucket");
    GOVD_ASSIGN_OR_RETURN(Opened opened, OpenView(api_store, actual, request));
    GOVD_ASSIGN_OR_RETURN(policy::AccessAnalyzer analyzer, Analyzer(opened.view));
    GOVD_ASSIGN_OR_RETURN(std::vector<policy::AccessPath> paths, analyzer.WhoCanAccess(query));
    ApiResponse response;
    response.body["tenant"] = opened.store->context().tenant;
    response.body["policy_source"] = std::string(PolicySourceName(opened.view));
    response.body["resource"] = policy::QueryResource(query);
    response.body["action"] = query.action;
    Json::Value& list = response.body["principals"] = Json::Value(Json::arrayValue);
    for (const auto& path : paths) list.append(PathJson(path));
    return response;
  };
}

ApiHandler MakeWhatCanAccessHandler(const ApiStore& api_store, const TenantPolicyAccess& actual) {
  return [&api_store, actual](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"principal", "action"}));
    std::string principal = Param(params, "principal");
    std::string action = Param(params, "action", "s3:GetObject");
    if (principal.empty()) return InvalidArgument("the principal parameter is required", "principal");
    GOVD_ASSIGN_OR_RETURN(Opened opened, OpenView(api_store, actual, request));
    GOVD_ASSIGN_OR_RETURN(policy::AccessAnalyzer analyzer, Analyzer(opened.view));
    GOVD_ASSIGN_OR_RETURN(std::vector<policy::ReachableResource> reachable, analyzer.WhatCanAccess(principal, action));
    ApiResponse response;
    response.body["tenant"] = opened.store->context().tenant;
    response.body["policy_source"] = std::string(PolicySourceName(opened.view));
    response.body["principal"] = principal;
    response.body["action"] = action;
    Json::Value& list = response.body["resources"] = Json::Value(Json::arrayValue);
    for (const auto& r : reachable) {
      Json::Value v;
      v["bucket"] = r.bucket;
      v["prefix"] = r.prefix;
      v["path"] = PathJson(r.path);
      list.append(v);
    }
    return response;
  };
}

// --- report ---

Result<std::vector<accounts::AuditRecord>> WholeAuditLog(accounts::Store& store) {
  std::vector<accounts::AuditRecord> records;
  for (std::int64_t after = 0;;) {
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::AuditRecord> page, store.AuditLog(after, kAuditPage));
    for (auto& r : page) records.push_back(std::move(r));
    if (static_cast<int>(page.size()) < kAuditPage) return records;
    after = records.back().seq;
  }
}

// The document an audit row keeps as `before` or `after` (null when it is not a JSON object).
Json::Value RowDocument(const std::string& text) {
  Result<Json::Value> doc = govd::ParseJsonText(text, "the audit row's document");
  return doc && doc->isObject() ? *doc : Json::Value();
}

// The grant an audit row leaves behind ("grant/N" rows carry the grant as after document).
Json::Value GrantAfter(const accounts::AuditRecord& r) {
  return r.object.starts_with("grant/") ? RowDocument(r.after_json) : Json::Value();
}

// When each grant was active, from its transitions in the audit log.
std::vector<policy::GrantSpan> GrantHistory(const std::vector<accounts::AuditRecord>& log) {
  std::map<std::string, policy::GrantSpan> open;
  std::vector<policy::GrantSpan> spans;
  for (const auto& r : log) {
    Json::Value grant = GrantAfter(r);
    if (grant.isNull()) continue;
    std::string state = grant["state"].asString();
    auto it = open.find(r.object);
    if (state == "active" && it == open.end()) open[r.object] = {r.object.substr(6), r.at_us / 1'000'000, 0};
    if (state != "active" && it != open.end()) {
      it->second.end = r.at_us / 1'000'000;
      spans.push_back(it->second);
      open.erase(it);
    }
  }
  for (auto& [object, span] : open) spans.push_back(span);
  return spans;
}

// The Sids of a reconcile.apply row's drift list that `explained` does not account for.
std::vector<std::string> Unexplained(const Json::Value& sids, const std::set<std::string>& explained) {
  std::vector<std::string> out;
  for (const Json::Value& sid : sids) {
    if (!explained.contains(sid.asString())) out.push_back(sid.asString());
  }
  return out;
}

// The reconcile writes that repaired changes made outside govd. A reconcile.apply row lists as
// drift every managed Sid it added or removed, including those of grants that were approved,
// revoked, expired or failed since the bucket's previous write: those grants' transitions come
// before the write in the log, so their grantees' Sids are set aside; what remains was drift.
std::vector<policy::DriftRepair> DriftRepairs(const std::vector<accounts::AuditRecord>& log) {
  std::map<std::string, std::set<std::string>> explained;  // bucket -> Sids of grants in transition
  std::vector<policy::DriftRepair> repairs;
  for (const auto& r : log) {
    if (Json::Value grant = GrantAfter(r); !grant.isNull()) {
      static const std::set<std::string> kTransitions = {"approved", "applying", "revoking", "expired", "failed"};
      if (!kTransitions.contains(grant["state"].asString())) continue;
      for (std::string_view kind : {"Read", "List"}) {
        explained[grant["bucket"].asString()].insert(policy::ManagedSid(kind, grant["grantee"].asString()));
      }
    } else if (r.action == "reconcile.apply" && r.object.starts_with("bucket/")) {
      std::string bucket = r.object.substr(7);
      Json::Value before = RowDocument(r.before_json);
      policy::DriftRepair repair{r.at_us / 1'000'000, bucket, Unexplained(before["drift_missing"], explained[bucket]),
                                 Unexplained(before["drift_unexpected"], explained[bucket])};
      explained.erase(bucket);
      if (!repair.restored.empty() || !repair.removed.empty()) repairs.push_back(std::move(repair));
    }
  }
  return repairs;
}

Result<std::vector<policy::AccessAnswer>> AccessPerBucket(const AuditView& view) {
  GOVD_ASSIGN_OR_RETURN(policy::AccessAnalyzer analyzer, Analyzer(view));
  std::vector<policy::AccessAnswer> answers;
  for (const auto& bucket : view.org.buckets) {
    policy::AccessQuery query{bucket.name, "", "s3:GetObject"};
    GOVD_ASSIGN_OR_RETURN(std::vector<policy::AccessPath> paths, analyzer.WhoCanAccess(query));
    answers.push_back({query, std::move(paths)});
  }
  return answers;
}

// One tenant's part of a report. Its period starts at `since_us` (the tenant's first audit-log
// entry when absent or earlier); drift is looked for in the whole log, so that grants changing
// state before the period still explain a write inside it, and the repairs before the period are
// left out. The current findings are recorded first (as the findings list does), so that the
// report shows which of them are archived, and why.
Result<policy::AuditReportInput> TenantReport(Opened& opened, std::int64_t since_us) {
  policy::AuditReportInput input;
  input.generated_at = UnixSeconds(SystemTime().Now());
  input.findings = CurrentFindings(opened.view);
  GOVD_TRY(opened.store->RefreshFindings(input.findings));
  GOVD_ASSIGN_OR_RETURN(std::vector<accounts::FindingRecord> archived,
                        opened.store->ListFindings(accounts::FindingStatus::kArchived));
  for (const accounts::FindingRecord& record : archived) input.archived[record.finding.id] = record.archive_reason;
  input.grants = opened.view.grants;
  GOVD_ASSIGN_OR_RETURN(std::vector<accounts::AuditRecord> log, WholeAuditLog(*opened.store));
  input.history = GrantHistory(log);
  input.period_start = std::max(log.empty() ? input.generated_at : log.front().at_us / 1'000'000,
                                since_us / 1'000'000);
  for (policy::DriftRepair& repair : DriftRepairs(log)) {
    if (repair.at >= input.period_start) input.drift.push_back(std::move(repair));
  }
  GOVD_ASSIGN_OR_RETURN(input.access, AccessPerBucket(opened.view));
  return input;
}

ApiResponse ReportResponse(const policy::AuditReportInput& input, const std::string& tenant, std::string_view source) {
  ApiResponse response;
  response.body["tenant"] = tenant;
  response.body["policy_source"] = std::string(source);
  response.body["findings"] = Json::UInt64(input.findings.size());
  response.body["html"] = policy::RenderAuditReport(input);
  return response;
}

ApiHandler MakeAuditReportHandler(const ApiStore& api_store, const TenantPolicyAccess& actual) {
  return [&api_store, actual](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"since"}));
    GOVD_ASSIGN_OR_RETURN(std::int64_t since_us, SinceParam(params));
    GOVD_ASSIGN_OR_RETURN(Opened opened, OpenView(api_store, actual, request));
    const std::string& tenant = opened.store->context().tenant;
    GOVD_ASSIGN_OR_RETURN(policy::AuditReportInput input, TenantReport(opened, since_us));
    input.title = "govd audit report: tenant " + tenant + " (bucket policies from " +
                  std::string(PolicySourceName(opened.view)) + ")";
    return ReportResponse(input, tenant, PolicySourceName(opened.view));
  };
}

// Every tenant the daemon's database role can read, in one report: the parts of each tenant's
// report side by side (findings, grants, history, drift and access of all of them), the period
// from the earliest tenant's start. Each tenant's bucket policies come from S3 when this daemon
// manages it, else from its desired state; the title says which. Tenants are account ids.
ApiHandler MakeOrgAuditReportHandler(const ApiStore& api_store, const TenantPolicyAccess& actual) {
  return [&api_store, actual](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(Params params, ParseQuery(request.route.query, {"since"}));
    GOVD_ASSIGN_OR_RETURN(std::int64_t since_us, SinceParam(params));
    GOVD_ASSIGN_OR_RETURN(auto own, api_store.Open(request));
    GOVD_ASSIGN_OR_RETURN(std::vector<std::string> tenants, own->VisibleTenants());
    policy::AuditReportInput all;
    all.generated_at = UnixSeconds(SystemTime().Now());
    all.period_start = all.generated_at;
    std::set<std::string> sources;
    std::string described;  // "111122223333 (s3), 222233334444 (desired state)"
    for (const std::string& name : tenants) {
      auto id = policy::AccountId::Parse(name);
      if (!id) return id.error().WithContext("tenant \"" + name + "\" of the database");
      ApiRequest as_tenant = request;
      as_tenant.route.tenant = *id;
      GOVD_ASSIGN_OR_RETURN(Opened opened, OpenView(api_store, actual, as_tenant));
      std::string source(PolicySourceName(opened.view));
      if (!described.empty()) described += ", ";
      described += name;
      described += " (" + source + ")";
      sources.insert(std::move(source));
      GOVD_ASSIGN_OR_RETURN(policy::AuditReportInput part, TenantReport(opened, since_us));
      all.period_start = std::min(all.period_start, part.period_start);
      all.findings.insert(all.findings.end(), part.findings.begin(), part.findings.end());
      all.archived.insert(part.archived.begin(), part.archived.end());
      all.grants.insert(all.grants.end(), part.grants.begin(), part.grants.end());
      all.history.insert(all.history.end(), part.history.begin(), part.history.end());
      all.drift.insert(all.drift.end(), part.drift.begin(), part.drift.end());
      all.access.insert(all.access.end(), part.access.begin(), part.access.end());
    }
    std::stable_sort(all.drift.begin(), all.drift.end(),
                     [](const policy::DriftRepair& a, const policy::DriftRepair& b) { return a.at < b.at; });
    all.title = "govd audit report: " + std::to_string(tenants.size()) + " tenant(s), bucket policies from: " +
                (described.empty() ? "none" : described);
    std::string source = sources.size() == 1 ? *sources.begin() : sources.empty() ? "none" : "mixed";
    ApiResponse response = ReportResponse(all, "all", source);
    response.body["tenants"] = Json::arrayValue;
    for (const std::string& name : tenants) response.body["tenants"].append(name);
    return response;
  };
}

}  // namespace

void RegisterAuditHandlers(ApiDispatcher& dispatcher, const ApiStore& store, const TenantPolicyAccess& actual) {
  dispatcher.Handle(Endpoint::kAuditLog, MakeAuditLogHandler(store));
  dispatcher.Handle(Endpoint::kTenantAuditLog, MakeAuditLogHandler(store));
  dispatcher.Handle(Endpoint::kAuditVerify, MakeAuditVerifyHandler(store));
  dispatcher.Handle(Endpoint::kTenantAuditVerify, MakeAuditVerifyHandler(store));
  dispatcher.Handle(Endpoint::kFindingList, MakeFindingListHandler(store, actual));
  dispatcher.Handle(Endpoint::kFindingArchive, MakeFindingArchiveHandler(store));
  dispatcher.Handle(Endpoint::kFindingUnarchive, MakeFindingUnarchiveHandler(store));
  dispatcher.Handle(Endpoint::kArchiveRuleList, MakeArchiveRuleListHandler(store));
  dispatcher.Handle(Endpoint::kArchiveRuleCreate, MakeArchiveRuleCreateHandler(store));
  dispatcher.Handle(Endpoint::kArchiveRuleDelete, MakeArchiveRuleDeleteHandler(store));
  dispatcher.Handle(Endpoint::kWhoCanAccess, MakeWhoCanAccessHandler(store, actual));
  dispatcher.Handle(Endpoint::kWhatCanAccess, MakeWhatCanAccessHandler(store, actual));
  dispatcher.Handle(Endpoint::kAuditReport, MakeAuditReportHandler(store, actual));
  dispatcher.Handle(Endpoint::kOrgAuditReport, MakeOrgAuditReportHandler(store, actual));
}

}  // namespace govd::daemon

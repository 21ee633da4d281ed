#include "daemon/server/grant_handlers.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>
#include <string>
#include <vector>

#include "accounts/store/grant.h"
#include "base/display_text.h"
#include "base/iso8601.h"
#include "base/json_text.h"
#include "daemon/server/grant_conditions.h"
#include "signer/canonical_request.h"

namespace govd::daemon {
namespace {

using accounts::Grant;

constexpr int kMaxListLimit = 1000;
constexpr int kAuditPage = 1000;

// --- Request bodies ---

// The store checks the grantee the same way; checked here too so that a bad one is refused
// before anything else is looked up. The error names the field ("grantee") and the value.
Status CheckGrantee(const std::string& grantee) { return accounts::ValidateGrantee(grantee); }

// The reason of approve (optional), reject and revoke (required by the store, which names it).
Result<std::string> ParseDecisionBody(const Json::Value& body) {
  constexpr std::array<std::string_view, 1> kFields{"reason"};
  GOVD_TRY(CheckFields(body, kFields));
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> reason, OptionalString(body, "reason"));
  if (reason) GOVD_TRY(CheckReason(*reason, "reason"));
  return reason.value_or("");
}

// --- Paths and queries ---

// Grant ids are positive integers; anything else cannot name a grant.
Result<std::int64_t> ParseGrantId(std::string_view text) {
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument("grant_id \"" + std::string(text.substr(0, 64)) + "\" is not a positive integer", "grant_id");
  }
  return id;
}

Result<int> ParseLimit(std::string_view text) {
  int limit = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (error != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("limit must be an integer from 1 to " + std::to_string(kMaxListLimit), "limit");
  }
  return limit;
}

Status ApplyQueryParameter(const std::string& name, const std::string& value, accounts::GrantFilter& filter) {
  if (name == "state") {
    GOVD_ASSIGN_OR_RETURN(filter.state, accounts::ParseGrantState(value));
  } else if (name == "bucket") {
    filter.bucket = value;
  } else if (name == "after") {
    GOVD_ASSIGN_OR_RETURN(filter.after_id, ParseGrantId(value));
  } else if (name == "limit") {
    GOVD_ASSIGN_OR_RETURN(filter.limit, ParseLimit(value));
  } else {
    return InvalidArgument("unknown query parameter \"" + name + "\" (known: state, bucket, after, limit)", name);
  }
  return Ok();
}

// "state=active&bucket=la-data" (percent-encoded) into a filter.
Result<accounts::GrantFilter> ParseListQuery(std::string_view query) {
  accounts::GrantFilter filter;
  filter.limit = kMaxListLimit;
  for (const signer::QueryParam& param : signer::DecodeQueryString(query)) {
    GOVD_TRY(ApplyQueryParameter(param.name, param.value, filter));
  }
  return filter;
}

// --- Answers ---

Json::Value OptionalTime(const std::optional<accounts::TimePoint>& when) {
  return when ? Json::Value(govd::FormatIso8601(*when)) : Json::Value();
}

ApiResponse Answer(int status, Json::Value body) {
  ApiResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// --- History and conditions ---

struct HistoryEntry {
  accounts::AuditRecord record;
  GrantEvent event;
};

Result<Json::Value> ParseAuditJson(const accounts::AuditRecord& record) {
  Result<Json::Value> value = govd::ParseJsonText(record.after_json, "the grant");
  if (!value) return Internal("audit row " + std::to_string(record.seq) + ": " + value.error().message());
  if (!value->isObject())
    return Internal("audit row " + std::to_string(record.seq) + " does not hold a grant");
  return value;
}

// The grant's audit rows, oldest first. The audit log is read in pages: it is the one place
// that records each state with its time.
Result<std::vector<HistoryEntry>> LoadHistory(accounts::Store& store, std::int64_t grant_id) {
  const std::string object = "grant/" + std::to_string(grant_id);
  std::vector<HistoryEntry> history;
  std::int64_t after = 0;
  for (;;) {
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::AuditRecord> page, store.AuditLog(after, kAuditPage));
    for (auto& record : page) {
      if (record.object != object) continue;
      GOVD_ASSIGN_OR_RETURN(Json::Value after_json, ParseAuditJson(record));
      GOVD_ASSIGN_OR_RETURN(accounts::GrantState state, accounts::ParseGrantState(after_json["state"].asString()));
      accounts::TimePoint at{std::chrono::microseconds(record.at_us)};
      history.push_back({std::move(record), {at, state}});
    }
    if (static_cast<int>(page.size()) < kAuditPage) return history;
    after = page.back().seq;
  }
}

Json::Value HistoryJson(const std::vector<HistoryEntry>& history) {
  Json::Value list(Json::arrayValue);
  for (const auto& [record, event] : history) {
    Json::Value entry(Json::objectValue);
    entry["seq"] = Json::Int64(record.seq);
    entry["at"] = govd::FormatIso8601(event.at);
    entry["action"] = record.action;
    entry["actor"] = record.actor;
    entry["state"] = std::string(accounts::GrantStateName(event.state));
    list.append(entry);
  }
  return list;
}

Json::Value ConditionsJson(const Grant& grant, const std::vector<HistoryEntry>& history) {
  std::vector<GrantEvent> events;
  events.reserve(history.size());
  for (const auto& entry : history) events.push_back(entry.event);
  Json::Value list(Json::arrayValue);
  for (const GrantCondition& condition : DeriveGrantConditions(grant, events)) {
    Json::Value json(Json::objectValue);
    json["type"] = std::string(condition.type);
    json["status"] = condition.status ? "True" : "False";
    json["reason"] = std::string(condition.reason);
    json["message"] = condition.message;
    json["observedGeneration"] = Json::Int64(condition.observed_generation);
    json["lastTransitionTime"] = govd::FormatIso8601(condition.last_transition);
    list.append(json);
  }
  return list;
}

// --- Endpoints ---

Result<ApiResponse> ListGrants(const ApiStore& api_store, const ApiRequest& request) {
  GOVD_ASSIGN_OR_RETURN(accounts::GrantFilter filter, ParseListQuery(request.route.query));
  GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
  GOVD_ASSIGN_OR_RETURN(std::vector<Grant> grants, store->ListGrants(filter));
  Json::Value body(Json::objectValue);
  body["tenant"] = api_store.TenantOf(request).str();
  body["grants"] = Json::Value(Json::arrayValue);
  for (const Grant& grant : grants) body["grants"].append(GrantToJson(grant));
  const bool full = static_cast<int>(grants.size()) == filter.limit;
  body["next_after"] = full ? Json::Value(Json::Int64(grants.back().id)) : Json::Value();
  return Answer(200, std::move(body));
}

Result<ApiResponse> RequestGrant(const ApiStore& api_store, const ApiRequest& request) {
  const policy::AccountId& tenant = api_store.TenantOf(request);
  GOVD_ASSIGN_OR_RETURN(accounts::GrantRequest grant_request, ParseGrantRequestBody(request.body, tenant));
  GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
  GOVD_ASSIGN_OR_RETURN(Grant grant, store->RequestGrant(grant_request));
  return Answer(201, GrantToJson(grant));
}

Result<ApiResponse> ShowGrant(const ApiStore& api_store, const ApiRequest& request) {
  GOVD_ASSIGN_OR_RETURN(std::int64_t id, ParseGrantId(request.route.grant_id));
  GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
  GOVD_ASSIGN_OR_RETURN(Grant grant, store->GetGrant(id));
  GOVD_ASSIGN_OR_RETURN(std::vector<HistoryEntry> history, LoadHistory(*store, id));
  Json::Value body = GrantToJson(grant);
  body["conditions"] = ConditionsJson(grant, history);
  body["history"] = HistoryJson(history);
  return Answer(200, std::move(body));
}

enum class Decision { kApprove, kReject, kRevoke };

// "uid:N" of an actor "uid:N(NAME)/ROLE" or "uid:N/ROLE": the person, whatever role they act in
// and whatever the password database called them then (a name is shown, never compared).
std::string_view PersonOf(std::string_view actor) { return actor.substr(0, actor.find_first_of("(/")); }

// With four eyes on, the uid that requested the grant may not approve it. requested_by never
// changes after the request, so checking before the approval's own transaction is exact.
Status CheckSecondPerson(accounts::Store& store, std::int64_t id, const ApiRequest& request) {
  GOVD_ASSIGN_OR_RETURN(Grant grant, store.GetGrant(id));
  const std::string approver = ActorOf(request.caller);
  if (PersonOf(grant.requested_by) != PersonOf(approver)) return Ok();
  return PermissionDenied("control.four-eyes is on: grant " + std::to_string(id) + " was requested by " +
                              std::string(PersonOf(grant.requested_by)) + ", so another uid must approve it",
                          "grant_id");
}

// Approve, reject or revoke; the first and last change what the bucket policy must say, so they
// wake the reconciler (the store has already marked the grant's bucket due).
Result<ApiResponse> Decide(const ApiStore& api_store, ReconcileScheduler& scheduler, const Config& config,
                           Decision decision, const ApiRequest& request) {
  GOVD_ASSIGN_OR_RETURN(std::int64_t id, ParseGrantId(request.route.grant_id));
  GOVD_ASSIGN_OR_RETURN(std::string reason, ParseDecisionBody(request.body));
  GOVD_ASSIGN_OR_RETURN(auto store, api_store.Open(request));
  if (decision == Decision::kApprove && config.control_four_eyes) GOVD_TRY(CheckSecondPerson(*store, id, request));
  Result<Grant> grant = decision == Decision::kApprove  ? store->ApproveGrant(id, reason)
                        : decision == Decision::kReject ? store->RejectGrant(id, reason)
                                                        : store->RevokeGrant(id, reason);
  if (!grant) return grant.error();
  Json::Value body = GrantToJson(*grant);
  if (decision != Decision::kReject) body["reconcile_pass"] = Json::UInt64(scheduler.RequestNow());
  return Answer(200, std::move(body));
}

}  // namespace

Result<accounts::GrantRequest> ParseGrantRequestBody(const Json::Value& body, const policy::AccountId& owner) {
  constexpr std::array<std::string_view, 6> kFields{"bucket", "prefix", "grantee", "actions", "expires_at", "reason"};
  if (!body.isObject()) {
    return InvalidArgument("the request body must be a JSON object, not " + std::string(JsonTypeName(body)), "body");
  }
  GOVD_TRY(CheckFields(body, kFields));
  GOVD_ASSIGN_OR_RETURN(std::string bucket, RequiredString(body, "bucket"));
  if (bucket.empty()) return InvalidArgument("field \"bucket\" must not be empty", "bucket");
  GOVD_ASSIGN_OR_RETURN(std::string prefix, RequiredString(body, "prefix"));
  GOVD_TRY(accounts::ValidatePrefix(prefix));
  GOVD_ASSIGN_OR_RETURN(std::string grantee, RequiredString(body, "grantee"));
  GOVD_TRY(CheckGrantee(grantee));
  GOVD_ASSIGN_OR_RETURN(std::string reason, RequiredString(body, "reason"));
  GOVD_TRY(CheckReason(reason, "reason"));
  accounts::GrantRequest request{owner, std::move(bucket), std::move(prefix), std::move(grantee),
                                 accounts::GrantActions::kRead, std::nullopt, std::move(reason)};
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> actions, OptionalString(body, "actions"));
  if (actions) {
    GOVD_ASSIGN_OR_RETURN(request.actions, accounts::ParseGrantActions(*actions));
  }
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> expires, OptionalString(body, "expires_at"));
  if (expires) {
    auto at = govd::ParseIso8601(*expires, "expires_at");
    if (!at) return InvalidArgument("field \"expires_at\": " + at.error().message(), "expires_at");
    request.expires_at = *at;
  }
  return request;
}

Json::Value GrantToJson(const Grant& grant) {
  Json::Value json(Json::objectValue);
  json["id"] = Json::Int64(grant.id);
  json["tenant"] = grant.tenant;
  json["owner_account"] = grant.owner;
  json["bucket"] = grant.bucket;
  json["prefix"] = grant.prefix;
  json["grantee"] = grant.grantee;
  json["actions"] = std::string(accounts::GrantActionsName(grant.actions));
  json["expires_at"] = OptionalTime(grant.expires_at);
  json["state"] = std::string(accounts::GrantStateName(grant.state));
  json["state_reason"] = grant.state_reason;
  json["reason"] = grant.reason;
  json["requested_by"] = grant.requested_by;
  json["approved_by"] = grant.approved_by;
  json["generation"] = Json::Int64(grant.generation);
  json["deadline"] = OptionalTime(grant.deadline);
  json["created_at"] = govd::FormatIso8601(grant.created_at);
  json["updated_at"] = govd::FormatIso8601(grant.updated_at);
  return json;
}

void RegisterGrantHandlers(ApiDispatcher& dispatcher, const ApiStore& store, ReconcileScheduler& scheduler,
                           const Config& config) {
  dispatcher.Handle(Endpoint::kGrantList, [&store](const ApiRequest& r) { return ListGrants(store, r); });
  dispatcher.Handle(Endpoint::kGrantRequest, [&store](const ApiRequest& r) { return RequestGrant(store, r); });
  dispatcher.Handle(Endpoint::kGrantShow, [&store](const ApiRequest& r) { return ShowGrant(store, r); });
  const std::array<std::pair<Endpoint, Decision>, 3> decisions{{
      {Endpoint::kGrantApprove, Decision::kApprove},
      {Endpoint::kGrantReject, Decision::kReject},
      {Endpoint::kGrantRevoke, Decision::kRevoke},
  }};
  for (const auto& [endpoint, decision] : decisions) {
    dispatcher.Handle(endpoint, [&store, &scheduler, &config, decision = decision](const ApiRequest& r) {
      return Decide(store, scheduler, config, decision, r);
    });
  }
}

}  // namespace govd::daemon

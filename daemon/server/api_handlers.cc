#include "daemon/server/api_handlers.h"

#include "base/iso8601.h"
#include "base/version.h"

namespace govd::daemon {
namespace {

Json::Value ReconcileJson(const ReconcileScheduler::Stats& stats) {
  Json::Value json(Json::objectValue);
  json["passes_started"] = Json::UInt64(stats.passes_started);
  json["passes_finished"] = Json::UInt64(stats.passes_finished);
  json["running"] = stats.running;
  json["follow_up_pending"] = stats.follow_up_pending;
  json["last_finished"] = stats.passes_finished == 0 ? Json::Value() : Json::Value(govd::FormatIso8601(stats.last_finished));
  auto until = std::chrono::duration_cast<std::chrono::milliseconds>(stats.next_periodic - std::chrono::steady_clock::now());
  json["next_periodic_in_ms"] = stats.running ? Json::Value() : Json::Value(Json::Int64(std::max<std::int64_t>(0, until.count())));
  return json;
}

Json::Value PullsJson(const std::vector<SourcePullOutcome>& pulls) {
  Json::Value json(Json::arrayValue);
  for (const SourcePullOutcome& pull : pulls) {
    Json::Value row(Json::objectValue);
    row["source"] = pull.source;
    row["account"] = pull.account;
    row["bucket"] = pull.bucket;
    row["prefix"] = pull.prefix;
    row["state"] = std::string(PullStateName(pull.state));
    row["downloaded"] = Json::UInt64(pull.downloaded);
    row["skipped"] = Json::UInt64(pull.skipped);
    row["failed_objects"] = Json::UInt64(pull.failed_objects);
    row["bytes"] = Json::UInt64(pull.bytes);
    row["message"] = pull.message;
    row["finished"] = govd::FormatIso8601(pull.finished);
    json.append(std::move(row));
  }
  return json;
}

Json::Value ErrorsJson(const ServiceState& state) {
  Json::Value json(Json::objectValue);
  json["pass"] = state.pass_error.empty() ? Json::Value() : Json::Value(state.pass_error);
  json["failing_buckets"] = Json::UInt64(state.bucket_errors.size());
  Json::Value buckets(Json::objectValue);
  for (const auto& [bucket, reason] : state.bucket_errors) buckets[bucket] = reason;
  json["buckets"] = std::move(buckets);
  Json::Value grants(Json::objectValue);
  for (const auto& [id, where] : state.failed_grants) grants[std::to_string(id)] = "failed: " + where;
  json["failed_grants"] = std::move(grants);
  return json;
}

Json::Value CallerJson(const Caller& caller) {
  Json::Value json(Json::objectValue);
  json["uid"] = caller.peer.uid;
  json["gid"] = caller.peer.gid;
  json["role"] = std::string(RoleName(caller.role));
  json["tenant"] = caller.tenant ? Json::Value(caller.tenant->str()) : Json::Value();
  return json;
}

}  // namespace

ApiHandler MakeStatusHandler(const Config& config, const ServiceState& state, const ReconcileScheduler& scheduler) {
  return [&config, &state, &scheduler](const ApiRequest& request) -> Result<ApiResponse> {
    ApiResponse response;
    Json::Value& body = response.body;
    body["version"] = std::string(kVersion);
    body["mode"] = std::string(ModeName(config.mode));
    body["account_id"] = config.account_id.str();
    body["region"] = config.region;
    body["activity"] = state.activity;
    body["uptime_seconds"] = Json::Int64(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - state.started).count());
    body["reloads"] = Json::UInt64(state.reloads);
    if (!state.metrics_address.empty()) body["metrics_address"] = state.metrics_address;
    body["reconcile"] = ReconcileJson(scheduler.stats());
    if (config.mode == Mode::kCentral) body["pulls"] = PullsJson(state.pulls);
    if (config.mode == Mode::kChild) {
      Json::Value& tenants = body["tenants"] = Json::arrayValue;
      tenants.append(config.account_id.str());
      for (const ManagedTenant& tenant : config.tenants) tenants.append(tenant.account.str());
    }
    body["errors"] = ErrorsJson(state);
    body["caller"] = CallerJson(request.caller);
    return response;
  };
}

ApiHandler MakeReconcileNowHandler(ReconcileScheduler& scheduler) {
  return [&scheduler](const ApiRequest&) -> Result<ApiResponse> {
    ApiResponse response;
    response.status = 202;
    response.body["queued"] = true;
    response.body["pass"] = Json::UInt64(scheduler.RequestNow());
    return response;
  };
}

}  // namespace govd::daemon

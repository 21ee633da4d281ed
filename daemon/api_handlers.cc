#include "daemon/api_handlers.h"

#include "accounts/iso8601.h"
#include "base/version.h"

namespace govd::daemon {
namespace {

Json::Value ReconcileJson(const ReconcileScheduler::Stats& stats) {
  Json::Value json(Json::objectValue);
  json["passes_started"] = Json::UInt64(stats.passes_started);
  json["passes_finished"] = Json::UInt64(stats.passes_finished);
  json["running"] = stats.running;
  json["follow_up_pending"] = stats.follow_up_pending;
  json["last_finished"] = stats.passes_finished == 0 ? Json::Value() : Json::Value(accounts::FormatIso8601(stats.last_finished));
  auto until = std::chrono::duration_cast<std::chrono::milliseconds>(stats.next_periodic - std::chrono::steady_clock::now());
  json["next_periodic_in_ms"] = stats.running ? Json::Value() : Json::Value(Json::Int64(std::max<std::int64_t>(0, until.count())));
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
    body["reconcile"] = ReconcileJson(scheduler.stats());
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

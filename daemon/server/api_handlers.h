// daemon/server/api_handlers.h
// The control-API endpoints that need no store: status and "reconcile now". Each Make* returns
// an ApiHandler bound to the parts it reads; those parts must outlive the dispatcher.
// Thread safety: the handlers run on the event loop only, like everything they read.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/reconcile/central_puller.h"
#include "daemon/reconcile/reconcile_scheduler.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/service/config.h"

namespace govd::daemon {

// What govd reports about itself, kept up to date by the wiring in govd_main.cc.
struct ServiceState {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint64_t reloads = 0;
  std::string activity = "starting";  // the last STATUS= line
  std::string metrics_address;        // where /metrics is served ("" = nowhere), port resolved
  std::vector<SourcePullOutcome> pulls;  // central mode: the last pass's outcome per source and prefix
  std::string pass_error;             // why the last pass could not run at all; "" when it ran
  std::map<std::string, std::string> bucket_errors;  // buckets failing now and why, until one succeeds
  // Grants a reconcile failed since govd started (a terminal state: a deleted grantee, a document
  // AWS refused), by id: "tenant T, bucket B". `govctl grant show ID` gives the reason.
  std::map<std::int64_t, std::string> failed_grants;
};

// GET /v1/status: mode, account, region, version, uptime, reloads, reconcile passes, what is
// failing now and why (the pass as a whole, each failing bucket, the grants a reconcile failed), in central mode each
// source's last pull ("pulls"), and the caller's own uid, role and tenant (so `govctl status`
// also answers "who am I to govd").
ApiHandler MakeStatusHandler(const Config& config, const ServiceState& state, const ReconcileScheduler& scheduler);

// POST /v1/reconcile: 202 with the number of the pass that will serve the request.
ApiHandler MakeReconcileNowHandler(ReconcileScheduler& scheduler);

}  // namespace govd::daemon

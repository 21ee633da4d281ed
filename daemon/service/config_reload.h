// daemon/service/config_reload.h
// What a SIGHUP may change while govd runs. Log level, role map, control limits and reconcile
// timing take effect at once; identity and wiring (mode, account, region, database, endpoints,
// keys, control socket, metrics address) need a restart, so a reload keeps the running values
// and names each key that was not applied. Pure; thread safe.
#pragma once

#include <string>
#include <vector>

#include "daemon/service/config.h"

namespace govd::daemon {

struct ReloadPlan {
  Config config;                          // the configuration to run with from now on
  std::vector<std::string> needs_restart;  // keys whose new value is not applied
};

ReloadPlan PlanReload(const Config& running, const Config& fresh);

}  // namespace govd::daemon

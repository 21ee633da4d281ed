// daemon/govctl_plan.h
// `govctl plan [TENANT] [--json]`: what the next reconcile pass would change in each of the
// tenant's buckets (GET /v1/tenants/{tenant}/plan), written nowhere. TENANT defaults to the
// daemon's own account. `govd --dry-run` prints its plans the same way (PrintPlan).
#pragma once

#include <json/value.h>

#include <iosfwd>

#include "daemon/govctl_command.h"

namespace govd::daemon {

// A plan answer (api_plan.h's PlanJson) as a table, then one line per statement to add or remove.
void PrintPlan(const Json::Value& body, std::ostream& out);

int RunPlanCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

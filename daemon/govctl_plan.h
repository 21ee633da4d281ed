// daemon/govctl_plan.h
// `govctl plan [TENANT] [--json]`: what the next reconcile pass would change in each of the
// tenant's buckets (GET /v1/tenants/{tenant}/plan), written nowhere. TENANT defaults to the
// daemon's own account.
#pragma once

#include <iosfwd>

#include "daemon/govctl_command.h"

namespace govd::daemon {

int RunPlanCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

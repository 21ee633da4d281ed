// daemon/cli/govctl_plan.h
// `govctl plan [TENANT] [--json]`: what the next reconcile pass would change in each of the
// tenant's buckets (GET /v1/tenants/{tenant}/plan), written nowhere. TENANT defaults to the
// daemon's own account. `govd --dry-run` prints its plans the same way (daemon/api/text_report.h).
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunPlanCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

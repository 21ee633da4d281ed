// daemon/cli/govctl_org.h
// `govctl org show [--json]`: the organisation of the daemon's tenant (GET /v1/org) as tables:
// the OU tree, accounts, guardrails, buckets and declared prefixes. Provisioning is offline:
// `govd org import` (daemon/main/govd_org.h).
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunOrgCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

// daemon/cli/govctl_grant.h
// `govctl grant request|approve|reject|revoke|list|show`: the grant lifecycle over the control
// API. The tenant (child account) is --tenant, else the daemon's own account.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunGrantCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

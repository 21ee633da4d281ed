// daemon/cli/govctl_status.h
// `govctl status`: what the daemon is doing (mode, account, reconcile passes, who you are to it).
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunStatusCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

// daemon/cli/govctl_reconcile.h
// `govctl reconcile now`: asks govd to start a reconcile pass at once instead of at its next
// periodic time.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunReconcileCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

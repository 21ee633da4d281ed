// daemon/cli/govctl_simulate.h
// `govctl simulate`: asks the policy engine (policy/engine/evaluator.h) whether a request is allowed,
// either for every case of a JSON Lines case file (--cases) or for one question given by flags.
// Reads only the files named on the command line; never contacts AWS.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunSimulateCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

// daemon/cli/govctl_policy.h
// `govctl policy ...`: offline commands on IAM policy documents (no daemon needed).
//   govctl policy lint FILE... [--kind KIND] [--format text|json|sarif] [--org-id ID] [--org-account ACCT]...
// Reads the named files only; never talks to AWS or to govd.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunPolicyCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

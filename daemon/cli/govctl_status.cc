#include "daemon/cli/govctl_status.h"

#include <ostream>

#include "daemon/cli/govctl_options.h"

namespace govd::daemon {

int RunStatusCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto options = ParseGovctlOptions(args);
  if (!options || !options->positional.empty()) {
    err << "govctl status: " << (options ? "takes no arguments" : options.error().message()) << "\n";
    return kExitUsage;
  }
  if (options->help) {
    out << "usage: govctl status [--socket PATH] [--json]\n\nShows what govd is doing.\n";
    PrintCommonOptions(out);
    return kExitOk;
  }
  return RunApiCall(*options, "GET", "/v1/status", {}, PrintKeyValueTable, out, err);
}

}  // namespace govd::daemon

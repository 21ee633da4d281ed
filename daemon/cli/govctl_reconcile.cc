#include "daemon/cli/govctl_reconcile.h"

#include <ostream>

#include "daemon/cli/govctl_options.h"

namespace govd::daemon {
namespace {

void PrintQueued(const Json::Value& body, std::ostream& out) {
  out << "reconcile pass " << body["pass"].asUInt64() << " queued\n";
}

}  // namespace

int RunReconcileCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto options = ParseGovctlOptions(args);
  if (!options) {
    err << "govctl reconcile: " << options.error().message() << "\n";
    return kExitUsage;
  }
  if (options->help) {
    out << "usage: govctl reconcile now [--socket PATH] [--json]\n\nStarts a reconcile pass now.\n";
    PrintCommonOptions(out);
    return kExitOk;
  }
  if (options->positional.size() != 1 || options->positional[0] != "now") {
    err << "govctl reconcile: usage: govctl reconcile now\n";
    return kExitUsage;
  }
  return RunApiCall(*options, "POST", "/v1/reconcile", {}, PrintQueued, out, err);
}

}  // namespace govd::daemon

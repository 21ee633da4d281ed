#include "daemon/cli/govctl_plan.h"

#include <cstdlib>
#include <ostream>

#include "daemon/cli/govctl_options.h"

namespace govd::daemon {

namespace {

// The daemon's own account, from GET /v1/status.
Result<std::string> OwnAccount(const GovctlOptions& options) {
  GOVD_ASSIGN_OR_RETURN(std::string socket, ResolveSocketPath(options.socket, std::getenv("GOVD_SOCKET"), "/run/govd"));
  GOVD_ASSIGN_OR_RETURN(ControlResponse response, ControlClient(socket).Call("GET", "/v1/status"));
  if (response.status == 403) return PermissionDenied(DescribeErrorResponse(response));
  if (response.status != 200) return Unavailable(DescribeErrorResponse(response));
  return response.body["account_id"].asString();
}

}  // namespace

int RunPlanCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto options = ParseGovctlOptions(args);
  if (!options || options->positional.size() > 1) {
    err << "govctl plan: " << (options ? "usage: govctl plan [TENANT]" : options.error().message()) << "\n";
    return kExitUsage;
  }
  if (options->help) {
    out << "usage: govctl plan [TENANT] [--socket PATH] [--json]\n\nShows what the next reconcile pass would change "
           "in each bucket of TENANT\n(default: the daemon's own account): the actual policy read from S3 against\n"
           "the one rendered from the grants. Writes nothing.\n";
    PrintCommonOptions(out);
    return kExitOk;
  }
  std::string tenant = options->positional.empty() ? "" : options->positional[0];
  if (tenant.empty()) {
    auto own = OwnAccount(*options);
    if (!own) {
      err << "govctl plan: " << own.error().ToString() << "\n";
      return ExitCodeFor(own.error());
    }
    tenant = *own;
  }
  return RunApiCall(*options, "GET", "/v1/tenants/" + tenant + "/plan", {}, PrintPlan, out, err);
}

}  // namespace govd::daemon

#include "daemon/cli/govctl_plan.h"

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <string_view>
#include <vector>

#include "daemon/api/json_body.h"
#include "daemon/cli/govctl_options.h"

namespace govd::daemon {

namespace {

// --detailed-exitcode: the plan ran and some bucket would change. The same number as kExitUsage,
// as in terraform; scripts that use the flag tell the two apart by the answer on stdout.
constexpr int kExitChangesPending = 2;

// The daemon's own account, from GET /v1/status.
Result<std::string> OwnAccount(const GovctlOptions& options) {
  GOVD_ASSIGN_OR_RETURN(std::string socket, ResolveSocketPath(options.socket, std::getenv("GOVD_SOCKET"), "/run/govd"));
  GOVD_ASSIGN_OR_RETURN(ControlResponse response, ControlClient(socket).Call("GET", "/v1/status"));
  if (response.status == 403) return PermissionDenied(DescribeErrorResponse(response));
  if (response.status != 200) return Unavailable(DescribeErrorResponse(response));
  return response.body["account_id"].asString();
}

// The exit code of a plan answer: 1 when a bucket failed; else, with --detailed-exitcode, 2 when
// a bucket would change and 0 when none would (terraform's scheme), and 0 without it.
int PlanExitCode(const Json::Value& plan, bool detailed) {
  if (plan["failures"].asInt() > 0) return kExitFailure;
  if (detailed && plan["changes"].asInt() > 0) return kExitChangesPending;
  return kExitOk;
}

}  // namespace

int RunPlanCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto is_detailed = [](const char* arg) { return std::string_view(arg) == "--detailed-exitcode"; };
  std::vector<const char*> rest(args.begin(), args.end());
  bool detailed = std::any_of(rest.begin(), rest.end(), is_detailed);
  rest.erase(std::remove_if(rest.begin(), rest.end(), is_detailed), rest.end());
  auto options = ParseGovctlOptions(CommandArgs(rest.data(), rest.size()));
  if (!options || options->positional.size() > 1) {
    err << "govctl plan: "
        << (options ? "usage: govctl plan [TENANT] [--detailed-exitcode]" : options.error().message())
        << "\n";
    return kExitUsage;
  }
  if (options->help) {
    out << "usage: govctl plan [TENANT] [--detailed-exitcode] [--socket PATH] [--json]\n\n"
           "Shows what the next reconcile pass would change in each bucket of TENANT\n"
           "(default: the daemon's own account): the actual policy read from S3 against\n"
           "the one rendered from the grants, as a diff of the two documents. Writes nothing.\n\n"
           "Exit status: 1 when a bucket's plan failed (or on any error); else 0.\n"
           "  --detailed-exitcode  exit 0: nothing would change, 2: changes pending, 1: an error\n";
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
  Json::Value plan;
  if (int code = FetchJson(*options, "GET", "/v1/tenants/" + tenant + "/plan", {}, plan, err);
      code != kExitOk) {
    return code;
  }
  if (options->json) {
    out << WriteJson(plan);
  } else {
    PrintPlan(EscapedForTerminal(plan), out);  // names and reasons print inert
  }
  if (plan["failures"].asInt() > 0)
    err << "govctl plan: " << plan["failures"].asInt() << " bucket(s) failed\n";
  return PlanExitCode(plan, detailed);
}

}  // namespace govd::daemon

#include "daemon/govctl_plan.h"

#include <cstdlib>
#include <ostream>

#include "daemon/govctl_options.h"

namespace govd::daemon {

void PrintPlan(const Json::Value& body, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : body["buckets"]) {
    rows.push_back({b["bucket"].asString(), b["outcome"].asString(), b.get("action", "-").asString(),
                    std::to_string(b["missing"].size()), std::to_string(b["unexpected"].size()),
                    b.get("reason", "").asString()});
  }
  PrintColumns({"BUCKET", "OUTCOME", "ACTION", "MISSING", "UNEXPECTED", "REASON"}, rows, out);
  for (const auto& b : body["buckets"]) {
    for (const auto& sid : b["missing"]) out << b["bucket"].asString() << ": would add " << sid.asString() << "\n";
    for (const auto& sid : b["unexpected"]) out << b["bucket"].asString() << ": would remove " << sid.asString() << "\n";
  }
  out << body["changes"].asInt() << " of " << body["buckets"].size() << " bucket(s) would change, "
      << body["failures"].asInt() << " would fail; nothing was written\n";
}

namespace {

// The daemon's own account, from GET /v1/status.
Result<std::string> OwnAccount(const GovctlOptions& options) {
  GOVD_ASSIGN_OR_RETURN(std::string socket, ResolveSocketPath(options.socket, std::getenv("GOVD_SOCKET"), "/run/govd"));
  GOVD_ASSIGN_OR_RETURN(ControlResponse response, ControlClient(socket).Call("GET", "/v1/status"));
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
      return kExitUnavailable;
    }
    tenant = *own;
  }
  return RunApiCall(*options, "GET", "/v1/tenants/" + tenant + "/plan", {}, PrintPlan, out, err);
}

}  // namespace govd::daemon

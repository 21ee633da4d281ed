#include "daemon/cli/govctl_grant.h"

#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "base/uri.h"
#include "daemon/api/json_body.h"
#include "daemon/cli/govctl_options.h"
#include "policy/engine/arn.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kGrantUsage =
    "usage: govctl grant request --bucket B --prefix P --grantee ARN [--actions read|read+list]\n"
    "                            [--expires DATE] --reason TEXT [--tenant ACCOUNT]\n"
    "usage: govctl grant approve ID [--reason TEXT] [--tenant ACCOUNT]\n"
    "usage: govctl grant reject ID --reason TEXT [--tenant ACCOUNT]\n"
    "usage: govctl grant revoke ID --reason TEXT [--tenant ACCOUNT]\n"
    "usage: govctl grant list [--state S] [--bucket B] [--tenant ACCOUNT]\n"
    "usage: govctl grant show ID [--tenant ACCOUNT]\n";

constexpr std::string_view kDescription =
    "\nRequests a grant of read access to a prefix of one of the tenant's buckets, decides on it\n"
    "(approve and reject: admins), revokes it, lists and shows grants with their conditions and\n"
    "history. ACCOUNT is the tenant's 12-digit account id; default: the daemon's own account.\n"
    "--expires takes a UTC date or time like 2027-01-31 or 2027-01-31T00:00:00Z. States for --state:\n"
    "requested, approved, applying, active, revoking, revoked, rejected, expired, failed.\n\n";

// The options of `govctl grant` that take a value ("--bucket B" or "--bucket=B").
constexpr std::array<std::string_view, 8> kValueFlags{"--bucket", "--prefix",  "--grantee", "--actions",
                                                      "--expires", "--reason", "--tenant",  "--state"};

struct Subcommand {
  std::string_view name;
  bool takes_id;
  std::string_view allowed;   // flags, separated by spaces
  std::string_view required;  // likewise
};

constexpr std::array<Subcommand, 6> kSubcommands{{
    {"request", false, "--bucket --prefix --grantee --actions --expires --reason --tenant",
     "--bucket --prefix --grantee --reason"},
    {"approve", true, "--reason --tenant", ""},
    {"reject", true, "--reason --tenant", "--reason"},
    {"revoke", true, "--reason --tenant", "--reason"},
    {"list", false, "--state --bucket --tenant", ""},
    {"show", true, "--tenant", ""},
}};

// The lines of kGrantUsage for the subcommand `args` name (its "usage:" line and the indented lines
// after it); empty when they name none.
std::string UsageOf(CommandArgs args) {
  auto named = std::find_if(args.begin(), args.end(), [](const char* arg) {
    return std::any_of(kSubcommands.begin(), kSubcommands.end(), [arg](const Subcommand& sub) { return sub.name == arg; });
  });
  if (named == args.end()) return {};
  const std::string head = "usage: govctl grant " + std::string(*named) + " ";
  std::string lines;
  bool inside = false;
  for (std::string_view rest = kGrantUsage; !rest.empty();) {
    std::string_view line = rest.substr(0, rest.find('\n') + 1);
    rest.remove_prefix(line.size());
    inside = line.starts_with(head) || (inside && line.starts_with(" "));
    if (inside) lines += line;
  }
  return lines;
}

bool ListHas(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    std::string_view item = list.substr(0, list.find(' '));
    if (item == word) return true;
    list.remove_prefix(std::min(list.size(), item.size() + 1));
  }
  return false;
}

struct GrantArgs {
  GovctlOptions common;
  std::map<std::string, std::string, std::less<>> flags;  // "--bucket" -> "la-data"
  const Subcommand* subcommand = nullptr;
  std::string id;
};

// Takes out the grant options; the rest (--socket, --json, --help, words) are govctl's own.
Result<GrantArgs> SplitArgs(CommandArgs args) {
  GrantArgs parsed;
  std::vector<const char*> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string name(arg.substr(0, arg.find('=')));
    if (std::find(kValueFlags.begin(), kValueFlags.end(), name) == kValueFlags.end()) {
      rest.push_back(args[i]);
      continue;
    }
    std::string value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return InvalidArgument(name + " needs a value", name);
    }
    if (!parsed.flags.emplace(name, std::move(value)).second) return InvalidArgument(name + " is given twice", name);
  }
  GOVD_ASSIGN_OR_RETURN(parsed.common, ParseGovctlOptions(CommandArgs(rest.data(), rest.size())));
  return parsed;
}

Status CheckFlags(const GrantArgs& args) {
  const Subcommand& sub = *args.subcommand;
  for (const auto& [flag, value] : args.flags) {
    if (!ListHas(sub.allowed, flag)) return InvalidArgument(flag + " does not apply to `grant " + std::string(sub.name) + "`", flag);
  }
  for (std::string_view flag : kValueFlags) {
    if (ListHas(sub.required, flag) && !args.flags.contains(flag)) {
      return InvalidArgument("`grant " + std::string(sub.name) + "` needs " + std::string(flag), std::string(flag));
    }
  }
  if (auto tenant = args.flags.find("--tenant"); tenant != args.flags.end()) {
    if (auto account = policy::AccountId::Parse(tenant->second); !account) {
      return InvalidArgument("--tenant must be a 12-digit account id, not \"" + tenant->second + "\"", "--tenant");
    }
  }
  return Ok();
}

// Finds the subcommand and its grant id among the words, then checks the options against it.
Status Resolve(GrantArgs& args) {
  const std::vector<std::string>& words = args.common.positional;
  if (words.empty()) return InvalidArgument("which grant command? (request, approve, reject, revoke, list, show)", "grant");
  for (const Subcommand& sub : kSubcommands) {
    if (sub.name == words[0]) args.subcommand = &sub;
  }
  if (args.subcommand == nullptr) return InvalidArgument("unknown grant command \"" + words[0] + "\"", "grant");
  const std::size_t expected = args.subcommand->takes_id ? 2 : 1;
  if (words.size() != expected) {
    return InvalidArgument("`grant " + words[0] + "` takes " + (expected == 2 ? "one grant ID" : "no further words"),
                           "grant");
  }
  if (expected == 2) {
    args.id = words[1];
    if (args.id.empty() || args.id.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("grant ID \"" + args.id + "\" is not a number", "ID");
    }
  }
  return CheckFlags(args);
}

std::string FlagValue(const GrantArgs& args, std::string_view flag) {
  auto it = args.flags.find(flag);
  return it == args.flags.end() ? std::string() : it->second;
}

// --tenant, else the account of the daemon we talk to.
int ResolveTenant(const GrantArgs& args, std::string& tenant, std::ostream& err) {
  tenant = FlagValue(args, "--tenant");
  if (!tenant.empty()) return kExitOk;
  Json::Value status;
  int code = FetchJson(args.common, "GET", "/v1/status", {}, status, err);
  if (code == kExitOk) tenant = status["account_id"].asString();
  return code;
}

// --- Human output ---

std::string Where(const Json::Value& grant) {
  return "s3://" + grant["bucket"].asString() + "/" + grant["prefix"].asString();
}

void PrintRequested(const Json::Value& grant, std::ostream& out) {
  out << "grant " << grant["id"].asInt64() << " requested: " << grant["actions"].asString() << " on " << Where(grant)
      << " for " << grant["grantee"].asString() << "\n"
      << "an admin approves it with: govctl grant approve " << grant["id"].asInt64() << " --tenant "
      << grant["tenant"].asString() << "\n";
}

void PrintDecided(const Json::Value& grant, std::ostream& out) {
  out << "grant " << grant["id"].asInt64() << " is now " << grant["state"].asString();
  if (grant.isMember("reconcile_pass")) out << "; reconcile pass " << grant["reconcile_pass"].asUInt64() << " queued";
  out << "\n";
}

void PrintList(const Json::Value& body, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const Json::Value& grant : body["grants"]) {
    rows.push_back({std::to_string(grant["id"].asInt64()), grant["state"].asString(), grant["bucket"].asString(),
                    grant["prefix"].asString(), grant["actions"].asString(), grant["grantee"].asString(),
                    CellText(grant["expires_at"]), grant["requested_by"].asString()});
  }
  PrintColumns({"ID", "STATE", "BUCKET", "PREFIX", "ACTIONS", "GRANTEE", "EXPIRES", "REQUESTED BY"}, rows, out);
  if (!body["next_after"].isNull()) out << "(more: the API pages with ?after=" << body["next_after"].asInt64() << ")\n";
}

void PrintShown(const Json::Value& body, std::ostream& out) {
  Json::Value fields = body;
  fields.removeMember("conditions");
  fields.removeMember("history");
  PrintKeyValueTable(fields, out);
  std::vector<std::vector<std::string>> conditions;
  for (const Json::Value& c : body["conditions"]) {
    conditions.push_back({c["type"].asString(), c["status"].asString(), c["reason"].asString(),
                          c["lastTransitionTime"].asString(), c["message"].asString()});
  }
  out << "\nconditions (generation " << body["generation"].asInt64() << "):\n";
  PrintColumns({"TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"}, conditions, out);
  std::vector<std::vector<std::string>> history;
  for (const Json::Value& h : body["history"]) {
    history.push_back({h["at"].asString(), h["action"].asString(), h["state"].asString(), h["actor"].asString()});
  }
  out << "\nhistory:\n";
  PrintColumns({"AT", "ACTION", "STATE", "ACTOR"}, history, out);
}

// --- Requests ---

std::string RequestBody(const GrantArgs& args) {
  Json::Value body(Json::objectValue);
  const std::array<std::pair<std::string_view, const char*>, 6> fields{{{"--bucket", "bucket"},
                                                                        {"--prefix", "prefix"},
                                                                        {"--grantee", "grantee"},
                                                                        {"--actions", "actions"},
                                                                        {"--expires", "expires_at"},
                                                                        {"--reason", "reason"}}};
  for (const auto& [flag, field] : fields) {
    if (auto it = args.flags.find(flag); it != args.flags.end()) body[field] = it->second;
  }
  return WriteJson(body);
}

std::string ListQuery(const GrantArgs& args) {
  std::string query;
  for (const auto& [flag, name] : std::array<std::pair<std::string_view, std::string_view>, 2>{
           {{"--state", "state"}, {"--bucket", "bucket"}}}) {
    if (auto it = args.flags.find(flag); it != args.flags.end()) {
      query += (query.empty() ? "?" : "&") + std::string(name) + "=" + govd::UriEncode(it->second);
    }
  }
  return query;
}

int Run(const GrantArgs& args, std::ostream& out, std::ostream& err) {
  std::string tenant;
  if (int code = ResolveTenant(args, tenant, err); code != kExitOk) return code;
  const std::string grants = "/v1/tenants/" + tenant + "/grants";
  const std::string_view name = args.subcommand->name;
  if (name == "request") return RunApiCall(args.common, "POST", grants, RequestBody(args), PrintRequested, out, err);
  if (name == "list") return RunApiCall(args.common, "GET", grants + ListQuery(args), {}, PrintList, out, err);
  if (name == "show") return RunApiCall(args.common, "GET", grants + "/" + args.id, {}, PrintShown, out, err);
  std::string body;
  if (auto reason = args.flags.find("--reason"); reason != args.flags.end()) {
    Json::Value json(Json::objectValue);
    json["reason"] = reason->second;
    body = WriteJson(json);
  }
  return RunApiCall(args.common, "POST", grants + "/" + args.id + "/" + std::string(name), body, PrintDecided, out,
                    err);
}

}  // namespace

int RunGrantCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto parsed = SplitArgs(args);
  if (parsed && parsed->common.help) {
    out << kGrantUsage << kDescription;
    PrintCommonOptions(out);
    return kExitOk;
  }
  Status resolved = parsed ? Resolve(*parsed) : Status(parsed.error());
  if (!resolved) {
    err << "govctl grant: " << resolved.error().message() << "\n";
    err << UsageOf(args);
    err << "see govctl grant --help\n";
    return kExitUsage;
  }
  return Run(*parsed, out, err);
}

}  // namespace govd::daemon

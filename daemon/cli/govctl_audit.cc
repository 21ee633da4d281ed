#include "daemon/cli/govctl_audit.h"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <ostream>
#include <vector>

#include "base/display_text.h"
#include "base/uri.h"
#include "daemon/api/json_body.h"
#include "daemon/cli/control_client.h"
#include "daemon/cli/govctl_options.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kAuditUsage =
    "usage: govctl audit log [--tenant ACCOUNT] [--since DATE] [--grant ID] [--format table|jsonl|csv]\n"
    "       govctl audit verify [--tenant ACCOUNT]\n"
    "       govctl audit findings [--status active|resolved|archived] [--tenant ACCOUNT]\n"
    "       govctl audit archive FINDING_ID --reason TEXT [--tenant ACCOUNT]\n"
    "       govctl audit unarchive FINDING_ID [--tenant ACCOUNT]\n"
    "       govctl audit archive-rule list [--tenant ACCOUNT]\n"
    "       govctl audit archive-rule create NAME --reason TEXT [--type TYPE] [--bucket B] [--principal P]\n"
    "                                       [--tenant ACCOUNT]\n"
    "       govctl audit archive-rule delete NAME [--tenant ACCOUNT]\n"
    "       govctl audit who-can-access s3://BUCKET[/PREFIX] [--action ACTION] [--tenant ACCOUNT]\n"
    "       govctl audit what-can-access ARN [--action ACTION] [--tenant ACCOUNT]\n"
    "       govctl audit report --out FILE.html [--tenant ACCOUNT | --all-tenants] [--since DATE]\n";

constexpr std::string_view kHelp =
    "\nAudits over govd's view of a tenant (default: the daemon's own account). DATE is YYYY-MM-DD\n"
    "(midnight UTC) or YYYY-MM-DDTHH:MM:SSZ. `verify` exits 1 when the hash chain is broken, a row's MAC\n"
    "does not verify or the log is shorter than its anchored head, and names the first bad row.\n"
    "ACTION defaults to s3:GetObject. With --json, `log` prints JSON Lines and the\n"
    "other commands the daemon's JSON answer. `report --all-tenants` (admin, auditor) puts every\n"
    "tenant the daemon's database shows into one report. `archive` needs --reason (admins);\n"
    "an archive rule archives each NEW finding that matches all it sets (TYPE, bucket B or under it,\n"
    "principal P exactly), with its reason; existing findings are left as they are.\n";

// The options of `govctl audit` that take a value.
constexpr std::string_view kValueOptions[] = {"--tenant", "--since", "--grant", "--format", "--status", "--action",
                                              "--out",    "--reason", "--type",  "--bucket", "--principal"};

struct AuditArgs {
  GovctlOptions common;
  std::map<std::string, std::string, std::less<>> values;  // "--tenant" -> "111122223333"
  std::string Value(std::string_view option) const {
    auto it = values.find(option);
    return it == values.end() ? std::string() : it->second;
  }
};

bool IsValueOption(std::string_view arg) {
  for (std::string_view option : kValueOptions) {
    if (arg == option) return true;
  }
  return false;
}

Result<AuditArgs> ParseAuditArgs(CommandArgs args) {
  AuditArgs parsed;
  std::vector<const char*> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::size_t eq = arg.find('=');
    if (eq != std::string_view::npos && IsValueOption(arg.substr(0, eq))) {
      parsed.values[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    } else if (IsValueOption(arg)) {
      if (i + 1 == args.size()) return InvalidArgument(std::string(arg) + " needs a value", std::string(arg));
      parsed.values[std::string(arg)] = args[++i];
    } else if (arg == "--all-tenants") {
      parsed.values[std::string(arg)] = "yes";
    } else {
      rest.push_back(args[i]);
    }
  }
  GOVD_ASSIGN_OR_RETURN(parsed.common, ParseGovctlOptions(CommandArgs(rest.data(), rest.size())));
  return parsed;
}

// One connection per call to govd; a non-2xx answer is an error carrying the daemon's message.
class AuditClient {
 public:
  explicit AuditClient(std::string socket) : client_(std::move(socket)) {}

  Result<Json::Value> Call(std::string_view method, const std::string& target, std::string_view body = {}) const {
    GOVD_ASSIGN_OR_RETURN(ControlResponse response, client_.Call(method, target, body));
    if (response.status >= 200 && response.status < 300) return response.body;
    std::string text = DescribeErrorResponse(response);
    if (response.status == 403) return PermissionDenied(text);
    return FailedPrecondition(text);
  }

  // "/v1/tenants/ACCOUNT": --tenant, else the daemon's own account (from /v1/status).
  Result<std::string> TenantPath(const std::string& tenant) const {
    if (!tenant.empty()) return "/v1/tenants/" + tenant;
    GOVD_ASSIGN_OR_RETURN(Json::Value status, Call("GET", "/v1/status"));
    return "/v1/tenants/" + status["account_id"].asString();
  }

 private:
  ControlClient client_;
};

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string query;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    query += (query.empty() ? "?" : "&") + name + "=" + govd::UriEncode(value);
  }
  return query;
}

std::string Pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

// --- log ---

using Printer = std::function<void(const Json::Value& entry, std::ostream& out)>;

constexpr std::string_view kCsvColumns[] = {"seq", "at", "actor", "action", "object", "before", "after",
                                            "prev_hash", "row_hash"};

void PrintCsvRow(const Json::Value& entry, std::ostream& out) {
  std::string line;
  for (std::string_view column : kCsvColumns) {
    const Json::Value& value = entry[std::string(column)];
    line += (line.empty() ? "" : ",") + CsvField(value.isString() ? value.asString() : std::to_string(value.asInt64()));
  }
  out << line << "\r\n";
}

void PrintJsonLine(const Json::Value& entry, std::ostream& out) { out << WriteJson(entry); }

void PrintTableRow(const Json::Value& raw, std::ostream& out) {
  const Json::Value entry = EscapedForTerminal(raw);
  out << Pad(std::to_string(entry["seq"].asInt64()), 7) << Pad(entry["at"].asString(), 28)
      << Pad(entry["actor"].asString(), 24) << Pad(entry["action"].asString(), 20) << entry["object"].asString()
      << "\n";
}

Result<Printer> PrinterFor(const AuditArgs& args, std::ostream& out) {
  std::string format = args.common.json ? "jsonl" : args.Value("--format");
  if (format.empty() || format == "table") {
    out << Pad("SEQ", 7) << Pad("AT", 28) << Pad("ACTOR", 24) << Pad("ACTION", 20) << "OBJECT\n";
    return Printer(PrintTableRow);
  }
  if (format == "jsonl") return Printer(PrintJsonLine);
  if (format == "csv") {
    std::string header;
    for (std::string_view column : kCsvColumns) header += (header.empty() ? "" : ",") + std::string(column);
    out << header << "\r\n";
    return Printer(PrintCsvRow);
  }
  return InvalidArgument("--format must be table, jsonl or csv, not \"" + format + "\"", "--format");
}

Status RunLog(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  std::string tenant = args.Value("--tenant");
  std::string base = tenant.empty() ? "/v1/audit" : "/v1/tenants/" + tenant + "/audit";
  GOVD_ASSIGN_OR_RETURN(Printer print, PrinterFor(args, out));
  std::string after;
  while (true) {
    std::string target = base + Query({{"since", args.Value("--since")}, {"grant", args.Value("--grant")}, {"after", after}});
    GOVD_ASSIGN_OR_RETURN(Json::Value page, client.Call("GET", target));
    for (const Json::Value& entry : page["entries"]) print(entry, out);
    if (page["next_after"].isNull()) return Ok();
    after = std::to_string(page["next_after"].asInt64());
  }
}

// --- verify ---

// Whether the intact chain could also have been forged by whoever holds the database.
void PrintAuthentication(const Json::Value& body, std::ostream& out) {
  std::int64_t unauthenticated = body["unauthenticated_rows"].asInt64();
  if (!body["macs_checked"].asBool()) {
    out << "NOT AUTHENTICATED: the daemon has no audit.key-file; whoever holds the database could have "
           "forged or truncated this chain\n";
  } else if (!body["authenticated"].asBool()) {
    out << "NOT AUTHENTICATED: " << unauthenticated
        << " rows were written without the audit key and no row with a MAC follows them yet\n";
  } else {
    out << "authenticated: MACs verify";
    if (body["anchored_seq"].isInt64())
      out << ", the log reaches the head anchored at seq " << body["anchored_seq"].asInt64();
    if (unauthenticated > 0)
      out << "; " << unauthenticated << " older rows without a MAC are vouched for by later ones";
    out << "\n";
  }
}

Result<int> RunVerify(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  std::string tenant = args.Value("--tenant");
  GOVD_ASSIGN_OR_RETURN(Json::Value body,
                        client.Call("POST", tenant.empty() ? "/v1/audit/verify" : "/v1/tenants/" + tenant + "/audit/verify"));
  bool intact = body["intact"].asBool();
  if (args.common.json) {
    out << WriteJson(body);
    return intact ? kExitOk : kExitFailure;
  }
  body = EscapedForTerminal(body);
  if (intact) {
    out << "audit chain of tenant " << body["tenant"].asString() << " intact: " << body["rows_checked"].asInt64()
        << " rows checked, head " << body["head_hash"].asString() << "\n";
    PrintAuthentication(body, out);
  } else {
    out << "audit chain of tenant " << body["tenant"].asString() << " BROKEN at seq "
        << body["first_broken_seq"].asInt64() << ": " << body["problem"].asString() << "\n";
  }
  return intact ? kExitOk : kExitFailure;
}

// --- findings ---

void PrintPolicySource(const Json::Value& body, std::ostream& out) {
  if (body["policy_source"].asString() == "s3") {
    out << "bucket policies: actual, read from S3\n";
  } else {
    out << "bucket policies: desired state (this govd has no S3 client; hand edits in S3 are not seen)\n";
  }
}

// Why a finding was archived, as shown: findings archived before reasons were recorded have none.
std::string ArchiveReasonText(const Json::Value& finding) {
  std::string reason = finding["archive_reason"].asString();
  return reason.empty() ? "(no reason recorded)" : reason;
}

void PrintFindings(const Json::Value& body, std::ostream& out) {
  PrintPolicySource(body, out);
  out << Pad("ID", 18) << Pad("STATUS", 10) << Pad("SEVERITY", 10) << Pad("TYPE", 27) << Pad("RESOURCE", 40)
      << "PRINCIPAL\n";
  for (const Json::Value& f : body["findings"]) {
    out << Pad(f["id"].asString(), 18) << Pad(f["status"].asString(), 10) << Pad(f["severity"].asString(), 10)
        << Pad(f["type"].asString(), 27) << Pad(f["resource"].asString(), 40) << f["principal"].asString() << "\n"
        << "    " << f["message"].asString() << "\n";
    if (f["status"].asString() == "archived") out << "    archived: " << ArchiveReasonText(f) << "\n";
  }
  out << body["findings"].size() << " finding(s)\n";
}

Status RunFindings(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  GOVD_ASSIGN_OR_RETURN(Json::Value body, client.Call("GET", tenant + "/findings" + Query({{"status", args.Value("--status")}})));
  if (args.common.json) {
    out << WriteJson(body);
  } else {
    PrintFindings(EscapedForTerminal(body), out);
  }
  return Ok();
}

Status RunArchive(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  if (args.common.positional.size() != 2) return InvalidArgument("archive takes one FINDING_ID", "FINDING_ID");
  std::string reason = args.Value("--reason");
  if (reason.empty()) return InvalidArgument("archive needs --reason TEXT: why the finding needs no action", "--reason");
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  const std::string& id = args.common.positional[1];
  Json::Value request(Json::objectValue);
  request["reason"] = reason;
  GOVD_ASSIGN_OR_RETURN(Json::Value body, client.Call("POST", tenant + "/findings/" + govd::UriEncode(id) + "/archive",
                                                      WriteJson(request)));
  if (args.common.json) {
    out << WriteJson(body);
  } else {
    Json::Value finding = EscapedForTerminal(body["finding"]);
    out << "finding " << finding["id"].asString() << " archived: " << ArchiveReasonText(finding) << "\n";
  }
  return Ok();
}

Status RunUnarchive(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  if (args.common.positional.size() != 2) return InvalidArgument("unarchive takes one FINDING_ID", "FINDING_ID");
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  const std::string& id = args.common.positional[1];
  GOVD_ASSIGN_OR_RETURN(Json::Value body,
                        client.Call("POST", tenant + "/findings/" + govd::UriEncode(id) + "/unarchive"));
  if (args.common.json) {
    out << WriteJson(body);
  } else {
    Json::Value finding = EscapedForTerminal(body["finding"]);
    out << "finding " << finding["id"].asString() << " is " << finding["status"].asString() << "\n";
  }
  return Ok();
}

// --- archive rules ---

void PrintArchiveRules(const Json::Value& body, std::ostream& out) {
  out << Pad("NAME", 24) << Pad("TYPE", 27) << Pad("BUCKET", 24) << Pad("PRINCIPAL", 40) << "REASON\n";
  for (const Json::Value& rule : body["rules"]) {
    std::string type = rule["type"].isNull() ? "*" : rule["type"].asString();
    std::string bucket = rule["bucket"].asString().empty() ? "*" : rule["bucket"].asString();
    std::string principal = rule["principal"].asString().empty() ? "*" : rule["principal"].asString();
    out << Pad(rule["name"].asString(), 24) << Pad(type, 27) << Pad(bucket, 24) << Pad(principal, 40)
        << rule["reason"].asString() << "\n";
  }
  out << body["rules"].size() << " archive rule(s)\n";
}

Json::Value ArchiveRuleRequest(const AuditArgs& args, const std::string& name) {
  Json::Value rule(Json::objectValue);
  rule["name"] = name;
  rule["reason"] = args.Value("--reason");
  for (const char* option : {"--type", "--bucket", "--principal"}) {
    if (std::string value = args.Value(option); !value.empty()) rule[std::string(option).substr(2)] = value;
  }
  return rule;
}

Status RunArchiveRule(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  const std::vector<std::string>& words = args.common.positional;
  std::string verb = words.size() > 1 ? words[1] : "";
  bool named = verb == "create" || verb == "delete";
  if ((verb != "list" && !named) || words.size() != (named ? 3U : 2U)) {
    return InvalidArgument("use archive-rule list, archive-rule create NAME or archive-rule delete NAME", "archive-rule");
  }
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  Json::Value body;
  if (verb == "list") {
    GOVD_ASSIGN_OR_RETURN(body, client.Call("GET", tenant + "/archive-rules"));
  } else if (verb == "create") {
    if (args.Value("--reason").empty()) return InvalidArgument("archive-rule create needs --reason TEXT", "--reason");
    GOVD_ASSIGN_OR_RETURN(body, client.Call("POST", tenant + "/archive-rules", WriteJson(ArchiveRuleRequest(args, words[2]))));
  } else {
    GOVD_ASSIGN_OR_RETURN(body, client.Call("DELETE", tenant + "/archive-rules/" + govd::UriEncode(words[2])));
  }
  if (args.common.json) {
    out << WriteJson(body);
  } else if (verb == "list") {
    PrintArchiveRules(EscapedForTerminal(body), out);
  } else {
    out << "archive rule " << EscapeForTerminal(words[2]) << (verb == "create" ? " created" : " deleted") << "\n";
  }
  return Ok();
}

// --- access ---

void PrintPath(const Json::Value& path, std::ostream& out) {
  out << path["principal"].asString() << "  [" << path["origin"].asString()
      << (path["in_organisation"].asBool() ? ", in the organisation" : "") << "]\n";
  std::string chain;
  for (const Json::Value& hop : path["chain"]) chain += (chain.empty() ? "" : " -> ") + hop.asString();
  if (path["chain"].size() > 1) out << "    chain: " << chain << "\n";
  for (const Json::Value& step : path["steps"]) {
    std::string statements;
    for (const Json::Value& s : step["statements"]) statements += (statements.empty() ? "" : "; ") + s.asString();
    out << "    " << step["principal"].asString() << " " << step["action"].asString() << " "
        << step["resource"].asString() << ": " << step["reason"].asString();
    if (!statements.empty()) out << " [" << statements << "]";
    out << "\n";
  }
}

// "s3://bucket/prefix" -> {bucket, prefix}
Result<std::pair<std::string, std::string>> ParseS3Url(std::string_view url) {
  if (!url.starts_with("s3://") || url.size() == 5) {
    return InvalidArgument("\"" + std::string(url) + "\" is not s3://BUCKET[/PREFIX]", "s3 url");
  }
  url.remove_prefix(5);
  std::size_t slash = url.find('/');
  if (slash == std::string_view::npos) return std::make_pair(std::string(url), std::string());
  return std::make_pair(std::string(url.substr(0, slash)), std::string(url.substr(slash + 1)));
}

Status RunWho(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  if (args.common.positional.size() != 2) return InvalidArgument("who-can-access takes one s3://BUCKET[/PREFIX]", "s3 url");
  GOVD_ASSIGN_OR_RETURN(auto where, ParseS3Url(args.common.positional[1]));
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  GOVD_ASSIGN_OR_RETURN(Json::Value body,
                        client.Call("GET", tenant + "/access/who" + Query({{"bucket", where.first},
                                                                            {"prefix", where.second},
                                                                            {"action", args.Value("--action")}})));
  if (args.common.json) {
    out << WriteJson(body);
    return Ok();
  }
  body = EscapedForTerminal(body);
  PrintPolicySource(body, out);
  out << "who can " << body["action"].asString() << " on " << body["resource"].asString() << ": "
      << body["principals"].size() << " principal(s)\n";
  for (const Json::Value& path : body["principals"]) PrintPath(path, out);
  return Ok();
}

Status RunWhat(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  if (args.common.positional.size() != 2) return InvalidArgument("what-can-access takes one principal ARN", "ARN");
  GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
  GOVD_ASSIGN_OR_RETURN(Json::Value body,
                        client.Call("GET", tenant + "/access/what" + Query({{"principal", args.common.positional[1]},
                                                                             {"action", args.Value("--action")}})));
  if (args.common.json) {
    out << WriteJson(body);
    return Ok();
  }
  body = EscapedForTerminal(body);
  PrintPolicySource(body, out);
  out << "what " << body["principal"].asString() << " can " << body["action"].asString() << ": "
      << body["resources"].size() << " resource(s)\n";
  for (const Json::Value& r : body["resources"]) {
    out << "s3://" << r["bucket"].asString() << "/" << r["prefix"].asString() << "  via ";
    PrintPath(r["path"], out);
  }
  return Ok();
}

Status RunReport(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  std::string path = args.Value("--out");
  if (path.empty()) return InvalidArgument("report needs --out FILE", "--out");
  bool all = !args.Value("--all-tenants").empty();
  if (all && !args.Value("--tenant").empty()) {
    return InvalidArgument("give --tenant or --all-tenants, not both", "--all-tenants");
  }
  std::string base;
  if (all) {
    base = "/v1/audit/report";
  } else {
    GOVD_ASSIGN_OR_RETURN(std::string tenant, client.TenantPath(args.Value("--tenant")));
    base = tenant + "/audit/report";
  }
  GOVD_ASSIGN_OR_RETURN(Json::Value body, client.Call("GET", base + Query({{"since", args.Value("--since")}})));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << body["html"].asString();
  file.close();
  if (!file) return FailedPrecondition("cannot write " + path, "--out");
  std::string whose = all ? std::to_string(body["tenants"].size()) + " tenant(s)"
                          : "tenant " + EscapeForTerminal(body["tenant"].asString());
  out << "wrote " << path << " (" << whose << ", " << body["findings"].asUInt64()
      << " current finding(s), bucket policies from " << body["policy_source"].asString() << ")\n";
  return Ok();
}

Result<int> RunSubcommand(const AuditClient& client, const AuditArgs& args, std::ostream& out) {
  const std::string& sub = args.common.positional[0];
  Status done = Ok();
  if (sub == "log") {
    done = RunLog(client, args, out);
  } else if (sub == "verify") {
    return RunVerify(client, args, out);
  } else if (sub == "findings") {
    done = RunFindings(client, args, out);
  } else if (sub == "archive") {
    done = RunArchive(client, args, out);
  } else if (sub == "unarchive") {
    done = RunUnarchive(client, args, out);
  } else if (sub == "archive-rule") {
    done = RunArchiveRule(client, args, out);
  } else if (sub == "who-can-access") {
    done = RunWho(client, args, out);
  } else if (sub == "what-can-access") {
    done = RunWhat(client, args, out);
  } else if (sub == "report") {
    done = RunReport(client, args, out);
  } else {
    return InvalidArgument("unknown audit command \"" + sub + "\"", "command");
  }
  if (!done) return done.error();
  return kExitOk;
}

}  // namespace

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

int RunAuditCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseAuditArgs(args);
  if (!parsed) {
    err << "govctl audit: " << parsed.error().message() << "\n" << kAuditUsage;
    return kExitUsage;
  }
  if (parsed->common.help) {
    out << kAuditUsage << kHelp;
    PrintCommonOptions(out);
    return kExitOk;
  }
  if (parsed->common.positional.empty()) {
    err << kAuditUsage;
    return kExitUsage;
  }
  auto socket = ResolveSocketPath(parsed->common.socket, std::getenv("GOVD_SOCKET"), "/run/govd");
  if (!socket) {
    err << "govctl: " << socket.error().message() << "\n";
    return ExitCodeFor(socket.error());
  }
  auto code = RunSubcommand(AuditClient(*socket), *parsed, out);
  if (code) return *code;
  err << "govctl audit: " << code.error().message() << "\n";
  if (code.error().code() == ErrorCode::kInvalidArgument) err << kAuditUsage;
  return ExitCodeFor(code.error());
}

}  // namespace govd::daemon

#include "daemon/cli/govctl_simulate.h"

#include <json/writer.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/result.h"
#include "daemon/api/json_body.h"
#include "daemon/api/simulate_report.h"
#include "daemon/cli/govctl_options.h"
#include "policy/engine/arn.h"
#include "policy/engine/case_reader.h"
#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::daemon {
namespace {

using policy::AuthzRequest;
using policy::CompiledPolicySet;
using policy::Evaluation;
using policy::PolicyKind;

constexpr std::string_view kSimulateUsage = R"(usage:
  govctl simulate --cases FILE.jsonl [--explain]
  govctl simulate --principal ARN --action SERVICE:ACTION --resource ARN
                  [--resource-account ACCOUNT] [--context KEY=VALUE]... [--context-list KEY=V1,V2,...]...
                  [--identity-policy FILE]... [--resource-policy FILE] [--boundary FILE]
                  [--session-policy FILE] [--scp-level FILE[,FILE...]]... [--rcp-level FILE[,FILE...]]...
                  [--output text|json]
  govctl simulate --daemon --tenant ACCOUNT --principal ARN --action SERVICE:ACTION --resource ARN
                  [--resource-account ACCOUNT] [--context KEY=VALUE]... [--context-list KEY=V1,V2,...]...
                  [--identity-policy FILE]... [--boundary FILE] [--session-policy FILE]
                  [--socket PATH] [--output text|json]

--cases writes one JSON line per case, in input order: {"id":...,"decision":"Allow"|"ExplicitDeny"|
"ImplicitDeny"}; --explain adds the explanation; a malformed case gives "decision":"Error".
Exit status 0 (also when some cases are malformed), 2 for bad flags or an unreadable file.

A single question prints the decision and why (--output json, or --json: one JSON object). Exit status 0 for Allow,
1 for a deny, 2 for bad flags or policies. --principal is a role, user or assumed-role ARN, or
"anonymous". --scp-level is given once per level of the principal's account, root first, account
last (comma-separated files attached at that level); --rcp-level likewise for the resource's
account. The resource policy is read as a role trust policy for sts: actions, else as a bucket
policy. --context repeated with the same key makes a multivalued key; --context-list KEY= gives
an empty one.

--daemon asks govd instead (POST /v1/tenants/ACCOUNT/simulate): the organisation's real
policies replace --scp-level and --resource-policy: the guardrails in govd's store (at every
level of the principal's account, with AWS's default FullAWSAccess implied) and, for an S3
resource in one of the tenant's buckets, that bucket's actual policy read from S3. Same exit
status as a single question.
)";

std::string Quote(std::string_view text) { return Json::valueToQuotedString(std::string(text).c_str()); }

// ---- output -------------------------------------------------------------------------------------

std::string StatementJson(const Evaluation& evaluation, std::size_t i) {
  const policy::StatementMatch& match = evaluation.matches[i];
  bool deciding = std::find(evaluation.deciding.begin(), evaluation.deciding.end(), i) != evaluation.deciding.end();
  std::ostringstream s;
  s << "{\"policy\":" << Quote(match.policy->name) << ",\"source\":" << Quote(PolicySourceName(match.source));
  if (match.source == policy::PolicySource::kScp || match.source == policy::PolicySource::kRcp) {
    s << ",\"level\":" << match.level;
  }
  s << ",\"statement\":" << match.statement_index;
  if (!match.statement().sid.empty()) s << ",\"sid\":" << Quote(match.statement().sid);
  s << ",\"effect\":\"" << (match.statement().effect == policy::Effect::kAllow ? "Allow" : "Deny") << "\""
    << ",\"deciding\":" << (deciding ? "true" : "false") << "}";
  return s.str();
}

std::string ExplanationJson(const Evaluation& evaluation) {
  std::string json = "{\"reason\":" + Quote(evaluation.reason) + ",\"statements\":[";
  for (std::size_t i = 0; i < evaluation.matches.size(); ++i) {
    if (i > 0) json += ",";
    json += StatementJson(evaluation, i);
  }
  return json + "]}";
}

std::string DecisionLine(std::string_view id, const Evaluation& evaluation, bool explain) {
  std::string line = "{";
  if (!id.empty()) line += "\"id\":" + Quote(id) + ",";
  line += "\"decision\":\"" + std::string(DecisionName(evaluation.decision)) + "\"";
  if (explain) line += ",\"explanation\":" + ExplanationJson(evaluation);
  return line + "}";
}

std::string ErrorLine(std::string_view id, std::size_t line_number, const Error& error) {
  std::string line = "{";
  if (!id.empty()) line += "\"id\":" + Quote(id) + ",";
  return line + "\"line\":" + std::to_string(line_number) + ",\"decision\":\"Error\",\"error\":" +
         Quote(error.ToString()) + "}";
}

// ---- --cases ------------------------------------------------------------------------------------

std::string EvaluateLine(const std::string& text, std::size_t line_number, bool explain) {
  auto parsed = policy::ParseCaseLine(text);
  if (!parsed) return ErrorLine(policy::CaseIdOf(text), line_number, parsed.error());
  CompiledPolicySet compiled(std::move(parsed->policies));
  auto evaluation = compiled.Evaluate(parsed->request);
  if (!evaluation) return ErrorLine(parsed->id, line_number, evaluation.error());
  return DecisionLine(parsed->id, *evaluation, explain);
}

int RunCases(const std::string& path, bool explain, std::ostream& out, std::ostream& err) {
  std::ifstream file(path);
  if (!file) {
    err << "govctl simulate: cannot read \"" << path << "\"\n";
    return kExitUsage;
  }
  std::string text;
  for (std::size_t number = 1; std::getline(file, text); ++number) {
    if (policy::IsBlankLine(text)) continue;
    out << EvaluateLine(text, number, explain) << "\n";
  }
  return kExitOk;
}

// ---- one question -------------------------------------------------------------------------------

struct Flags {
  std::optional<std::string> cases;
  bool explain = false;
  bool json = false;
  AuthzRequest request;
  std::vector<std::string> identity;
  std::optional<std::string> resource;
  std::vector<std::string> boundary;
  std::optional<std::string> session;
  std::vector<std::string> scp_levels;
  std::vector<std::string> rcp_levels;
  std::vector<policy::ContextEntry> context;  // keys as given
  bool daemon = false;
  std::string tenant;
  std::string socket;
};

Result<std::pair<std::string, std::string>> KeyValue(std::string_view flag, std::string_view text) {
  auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return InvalidArgument(std::string(flag) + " needs KEY=VALUE, got \"" + std::string(text) + "\"");
  }
  return std::pair{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    auto comma = text.find(',');
    parts.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

// --context KEY=V sets a single value; given again for the same key, or as --context-list, the key
// is multivalued.
Status AddContext(Flags& flags, std::string_view flag, std::string_view text) {
  GOVD_ASSIGN_OR_RETURN(auto kv, KeyValue(flag, text));
  bool list = flag == "--context-list";
  std::vector<std::string> values = list ? SplitCommas(kv.second) : std::vector{kv.second};
  for (auto& entry : flags.context) {
    if (policy::AsciiLower(entry.key) == policy::AsciiLower(kv.first)) {
      entry.values.insert(entry.values.end(), values.begin(), values.end());
      entry.multivalued = true;
      return Ok();
    }
  }
  flags.context.push_back({kv.first, std::move(values), list});
  return Ok();
}

Status SetOnce(std::optional<std::string>& slot, std::string_view flag, std::string value) {
  if (slot) return InvalidArgument(std::string(flag) + " may be given only once");
  slot = std::move(value);
  return Ok();
}

Status SetString(std::string& slot, std::string_view flag, std::string value) {
  if (!slot.empty()) return InvalidArgument(std::string(flag) + " may be given only once");
  if (value.empty()) return InvalidArgument(std::string(flag) + " needs a non-empty value");
  slot = std::move(value);
  return Ok();
}

Status ApplyValueFlag(Flags& flags, std::string_view flag, std::string value) {
  if (flag == "--cases") return SetOnce(flags.cases, flag, std::move(value));
  if (flag == "--principal") return SetString(flags.request.principal, flag, std::move(value));
  if (flag == "--action") return SetString(flags.request.action, flag, std::move(value));
  if (flag == "--resource") return SetString(flags.request.resource, flag, std::move(value));
  if (flag == "--resource-account") return SetString(flags.request.resource_account, flag, std::move(value));
  if (flag == "--context" || flag == "--context-list") return AddContext(flags, flag, value);
  if (flag == "--identity-policy") return flags.identity.push_back(std::move(value)), Ok();
  if (flag == "--resource-policy") return SetOnce(flags.resource, flag, std::move(value));
  if (flag == "--boundary") return flags.boundary.push_back(std::move(value)), Ok();
  if (flag == "--session-policy") return SetOnce(flags.session, flag, std::move(value));
  if (flag == "--scp-level") return flags.scp_levels.push_back(std::move(value)), Ok();
  if (flag == "--rcp-level") return flags.rcp_levels.push_back(std::move(value)), Ok();
  if (flag == "--tenant") return SetString(flags.tenant, flag, std::move(value));
  if (flag == "--socket") return SetString(flags.socket, flag, std::move(value));
  return InvalidArgument("unknown flag \"" + std::string(flag) + "\"");
}

Result<Flags> ParseFlags(CommandArgs args) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--explain") {
      flags.explain = true;
    } else if (auto output = ParseOutputOption(args, i)) {
      GOVD_ASSIGN_OR_RETURN(flags.json, std::move(*output));
    } else if (flag == "--daemon") {
      flags.daemon = true;
    } else if (!flag.starts_with("--")) {
      return InvalidArgument("unexpected argument \"" + std::string(flag) + "\"");
    } else if (i + 1 >= args.size()) {
      return InvalidArgument(std::string(flag) + " needs a value");
    } else {
      GOVD_TRY(ApplyValueFlag(flags, flag, args[++i]));
    }
  }
  return flags;
}

Status CheckModes(const Flags& flags) {
  bool question = !flags.request.principal.empty() || !flags.request.action.empty() ||
                  !flags.request.resource.empty();
  if (flags.cases) {
    if (question || flags.json) return InvalidArgument("--cases cannot be combined with a single question's flags");
    return Ok();
  }
  if (flags.request.principal.empty() || flags.request.action.empty() || flags.request.resource.empty()) {
    return InvalidArgument("give --cases FILE, or --principal, --action and --resource");
  }
  if (flags.daemon != !flags.tenant.empty()) return InvalidArgument("--daemon and --tenant go together");
  if (flags.daemon && (flags.resource || !flags.scp_levels.empty() || !flags.rcp_levels.empty())) {
    return InvalidArgument("with --daemon, govd supplies the guardrails and the bucket policy: drop --scp-level, "
                           "--rcp-level and --resource-policy");
  }
  if (!flags.daemon && !flags.socket.empty()) return InvalidArgument("--socket needs --daemon");
  if (!flags.daemon && flags.request.resource_account.empty() && flags.request.resource != "*") {
    auto arn = policy::ParseArn(flags.request.resource);
    if (arn && arn->account.empty()) {
      return InvalidArgument("the resource " + flags.request.resource +
                                 " names no account (S3 ARNs never do); give it with --resource-account ACCOUNT",
                             "--resource-account");
    }
  }
  return Ok();
}

Result<policy::NamedPolicy> LoadPolicy(const std::string& path, PolicyKind kind) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return InvalidArgument("cannot read policy file \"" + path + "\"");
  std::ostringstream text;
  text << file.rdbuf();
  auto parsed = policy::ParsePolicy(text.str(), kind);
  if (!parsed) return parsed.error().WithContext(path);
  return policy::NamedPolicy{path, std::move(parsed).value()};
}

Result<std::vector<policy::NamedPolicy>> LoadPolicies(const std::vector<std::string>& paths, PolicyKind kind) {
  std::vector<policy::NamedPolicy> out;
  for (const auto& path : paths) {
    GOVD_ASSIGN_OR_RETURN(auto loaded, LoadPolicy(path, kind));
    out.push_back(std::move(loaded));
  }
  return out;
}

Result<std::vector<std::vector<policy::NamedPolicy>>> LoadLevels(const std::vector<std::string>& levels,
                                                                 PolicyKind kind) {
  std::vector<std::vector<policy::NamedPolicy>> out;
  for (const auto& level : levels) {
    GOVD_ASSIGN_OR_RETURN(auto loaded, LoadPolicies(SplitCommas(level), kind));
    out.push_back(std::move(loaded));
  }
  return out;
}

Result<policy::PolicySet> LoadPolicySet(const Flags& flags) {
  policy::PolicySet set;
  GOVD_ASSIGN_OR_RETURN(set.identity, LoadPolicies(flags.identity, PolicyKind::kIdentity));
  GOVD_ASSIGN_OR_RETURN(set.boundary, LoadPolicies(flags.boundary, PolicyKind::kBoundary));
  GOVD_ASSIGN_OR_RETURN(set.scps, LoadLevels(flags.scp_levels, PolicyKind::kScp));
  GOVD_ASSIGN_OR_RETURN(set.rcps, LoadLevels(flags.rcp_levels, PolicyKind::kRcp));
  if (flags.resource) {
    bool trust = policy::AsciiLower(flags.request.action).starts_with("sts:");
    PolicyKind kind = trust ? PolicyKind::kTrust : PolicyKind::kResource;
    GOVD_ASSIGN_OR_RETURN(set.resource, LoadPolicy(*flags.resource, kind));
  }
  if (flags.session) {
    GOVD_ASSIGN_OR_RETURN(set.session, LoadPolicy(*flags.session, PolicyKind::kSession));
  }
  return set;
}

void FillContext(const Flags& flags, AuthzRequest& request) {
  for (const auto& entry : flags.context) {
    if (entry.multivalued) {
      request.context.SetMultivalued(entry.key, entry.values);
    } else {
      request.context.Set(entry.key, entry.values[0]);
    }
  }
}

int RunQuestion(Flags& flags, std::ostream& out, std::ostream& err) {
  auto set = LoadPolicySet(flags);
  if (!set) {
    err << "govctl simulate: " << set.error().ToString() << "\n";
    return kExitUsage;
  }
  FillContext(flags, flags.request);
  CompiledPolicySet compiled(std::move(set).value());
  auto evaluation = compiled.Evaluate(flags.request);
  if (!evaluation) {
    err << "govctl simulate: " << evaluation.error().ToString() << "\n";
    return kExitUsage;
  }
  if (flags.json) {
    out << DecisionLine("", *evaluation, true) << "\n";
  } else {
    PrintEvaluation(EvaluationJson(*evaluation), out);
  }
  return evaluation->decision == policy::Decision::kAllow ? kExitOk : kExitFailure;
}

// ---- --daemon -----------------------------------------------------------------------------------

Result<Json::Value> PolicyFileJson(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return InvalidArgument("cannot read policy file \"" + path + "\"");
  std::ostringstream text;
  text << file.rdbuf();
  auto json = ParseJsonBody(text.str());
  if (!json) return InvalidArgument(json.error().message(), path);
  return json;
}

Result<Json::Value> PolicyFilesJson(const std::vector<std::string>& paths) {
  Json::Value list(Json::arrayValue);
  for (const auto& path : paths) {
    GOVD_ASSIGN_OR_RETURN(Json::Value document, PolicyFileJson(path));
    list.append(document);
  }
  return list;
}

// The question as a case of the case format (shared/conformance/iam/FORMAT.md), without the
// policies govd supplies.
Result<Json::Value> DaemonCase(const Flags& flags) {
  Json::Value body(Json::objectValue);
  body["id"] = "govctl";
  Json::Value& request = body["request"];
  request["principal"] = flags.request.principal;
  request["action"] = flags.request.action;
  request["resource"] = flags.request.resource;
  if (!flags.request.resource_account.empty()) request["resourceAccount"] = flags.request.resource_account;
  request["context"] = Json::objectValue;
  for (const auto& entry : flags.context) {
    Json::Value values(Json::arrayValue);
    for (const auto& value : entry.values) values.append(value);
    request["context"][entry.key] = entry.multivalued ? values : values[0];
  }
  GOVD_ASSIGN_OR_RETURN(body["identityPolicies"], PolicyFilesJson(flags.identity));
  if (!flags.boundary.empty()) {
    GOVD_ASSIGN_OR_RETURN(body["permissionBoundaries"], PolicyFilesJson(flags.boundary));
  }
  if (flags.session) {
    GOVD_ASSIGN_OR_RETURN(body["sessionPolicy"], PolicyFileJson(*flags.session));
  }
  return body;
}

void PrintDaemonAnswer(const Json::Value& body, std::ostream& out) {
  PrintEvaluation(body["evaluation"], out);
  const Json::Value& used = body["organisation_policies"];
  out << "organisation policies: " << used["scp_levels"].size() << " SCP level(s) from govd's guardrails, "
      << (used["resource_policy"].isString() ? used["resource_policy"].asString() : "no resource policy") << "\n";
}

int RunOnDaemon(const Flags& flags, std::ostream& out, std::ostream& err) {
  auto body = DaemonCase(flags);
  if (!body) {
    err << "govctl simulate: " << body.error().ToString() << "\n";
    return kExitUsage;
  }
  GovctlOptions options;
  options.socket = flags.socket;
  bool allowed = false;
  auto render = [&](const Json::Value& answer, std::ostream& to) {
    allowed = answer["evaluation"]["decision"].asString() == "Allow";
    if (flags.json) {
      to << WriteJson(answer);
    } else {
      PrintDaemonAnswer(answer, to);
    }
  };
  int code = RunApiCall(options, "POST", "/v1/tenants/" + flags.tenant + "/simulate", WriteJson(*body), render, out, err);
  return code == kExitOk && !allowed ? kExitFailure : code;
}

}  // namespace

int RunSimulateCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && (std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h")) {
    out << kSimulateUsage;
    return kExitOk;
  }
  auto flags = ParseFlags(args);
  Status modes = flags ? CheckModes(*flags) : Status(flags.error());
  if (!modes) {
    err << "govctl simulate: " << modes.error().message() << "\n\n" << kSimulateUsage;
    return kExitUsage;
  }
  if (flags->cases) return RunCases(*flags->cases, flags->explain, out, err);
  if (flags->daemon) return RunOnDaemon(*flags, out, err);
  return RunQuestion(*flags, out, err);
}

}  // namespace govd::daemon

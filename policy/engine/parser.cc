#include "policy/engine/parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "base/json_text.h"
#include "policy/engine/arn.h"

namespace govd::policy {
namespace {

// A JSON pointer under construction: Child() appends one escaped reference token.
std::string Child(std::string_view parent, std::string_view token) {
  std::string out(parent);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Child(std::string_view parent, Json::ArrayIndex index) {
  return Child(parent, std::to_string(index));
}

bool Has(const Json::Value& object, const char* name) { return object.isMember(name); }

Status CheckMembers(const Json::Value& object, std::initializer_list<std::string_view> allowed,
                    std::string_view what, const std::string& where) {
  for (const auto& name : object.getMemberNames()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return InvalidArgument("unknown element \"" + name + "\" in " + std::string(what), Child(where, name));
    }
  }
  return Ok();
}

bool IsIamKind(PolicyKind kind) {
  return kind == PolicyKind::kIdentity || kind == PolicyKind::kBoundary || kind == PolicyKind::kSession ||
         kind == PolicyKind::kScp || kind == PolicyKind::kRcp;
}

bool TakesPrincipal(PolicyKind kind) {
  return kind == PolicyKind::kResource || kind == PolicyKind::kTrust || kind == PolicyKind::kRcp;
}

// A string or a non-empty array of strings.
Result<std::vector<std::string>> StringList(const Json::Value& value, std::string_view element,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (value.isString()) {
    out.push_back(value.asString());
    return out;
  }
  if (!value.isArray() || value.empty()) {
    return InvalidArgument(std::string(element) + " must be a string or a non-empty array of strings", where);
  }
  for (Json::ArrayIndex i = 0; i < value.size(); ++i) {
    if (!value[i].isString()) {
      return InvalidArgument(std::string(element) + " entries must be strings", Child(where, i));
    }
    out.push_back(value[i].asString());
  }
  return out;
}

std::string NumberText(const Json::Value& value) {
  if (value.isInt64()) return std::to_string(value.asInt64());
  if (value.isUInt64()) return std::to_string(value.asUInt64());
  std::array<char, 64> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.asDouble());
  return std::string(buffer.data(), result.ptr);
}

// Condition values: strings, or number/boolean literals meaning their text.
Error InvalidPrincipalEntry(const std::string& entry, const std::string& kind, const std::string& where) {
  return InvalidArgument("\"" + entry + "\" is not a valid " + kind + " principal", where);
}

Result<std::string> ConditionText(const Json::Value& value, const std::string& where) {
  if (value.isString()) return value.asString();
  if (value.isBool()) return std::string(value.asBool() ? "true" : "false");
  if (value.isNumeric()) return NumberText(value);
  return InvalidArgument("condition values must be strings, numbers or booleans", where);
}

struct Parser {
  PolicyKind kind;
  bool variables;

  Result<Policy> Document(const Json::Value& doc, const std::string& where);
  Result<Statement> ParseStatement(const Json::Value& value, const std::string& where);
  Status Effect(const Json::Value& value, Statement& out, const std::string& where);
  Status Principals(const Json::Value& statement, Statement& out, const std::string& where);
  Status Actions(const Json::Value& statement, Statement& out, const std::string& where);
  Status Resources(const Json::Value& statement, Statement& out, const std::string& where);
  Status Conditions(const Json::Value& value, Statement& out, const std::string& where);
  Status ConditionKeys(const Json::Value& keys, const ConditionOperator& op, const std::string& op_name,
                       Statement& out, const std::string& where);
  Result<ConditionValue> ParseConditionValue(const Json::Value& value, ConditionBase base,
                                             const std::string& where);
};

Result<Policy> Parser::Document(const Json::Value& doc, const std::string& where) {
  if (!doc.isObject()) return InvalidArgument("a policy document must be a JSON object", where);
  GOVD_TRY(CheckMembers(doc, {"Version", "Id", "Statement"}, "a policy document", where));
  Policy policy;
  policy.kind = kind;
  if (Has(doc, "Version")) {
    const Json::Value& version = doc["Version"];
    if (version.isString() && version.asString() == "2012-10-17") {
      policy.version = PolicyVersion::k2012_10_17;
    } else if (!version.isString() || version.asString() != "2008-10-17") {
      return InvalidArgument("Version must be \"2012-10-17\" or \"2008-10-17\"", Child(where, "Version"));
    }
  }
  variables = policy.version == PolicyVersion::k2012_10_17;
  if (Has(doc, "Id")) {
    if (!doc["Id"].isString()) return InvalidArgument("Id must be a string", Child(where, "Id"));
    policy.id = doc["Id"].asString();
  }
  if (!Has(doc, "Statement")) return InvalidArgument("a policy document needs a Statement element", where);
  const Json::Value& statements = doc["Statement"];
  std::string at = Child(where, "Statement");
  if (statements.isObject()) {
    GOVD_ASSIGN_OR_RETURN(Statement s, ParseStatement(statements, at));
    policy.statements.push_back(std::move(s));
  } else if (statements.isArray() && !statements.empty()) {
    for (Json::ArrayIndex i = 0; i < statements.size(); ++i) {
      GOVD_ASSIGN_OR_RETURN(Statement s, ParseStatement(statements[i], Child(at, i)));
      policy.statements.push_back(std::move(s));
    }
  } else {
    return InvalidArgument("Statement must be an object or a non-empty array of objects", at);
  }
  std::set<std::string> sids;
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const std::string& sid = policy.statements[i].sid;
    if (!sid.empty() && !sids.insert(sid).second) {
      std::string place = statements.isArray() ? Child(at, static_cast<Json::ArrayIndex>(i)) : at;
      return InvalidArgument("Sid \"" + sid + "\" is used by more than one statement; Sids must be unique",
                             Child(place, "Sid"));
    }
  }
  return policy;
}

Result<Statement> Parser::ParseStatement(const Json::Value& value, const std::string& where) {
  if (!value.isObject()) return InvalidArgument("a statement must be a JSON object", where);
  GOVD_TRY(CheckMembers(value,
                        {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                         "NotResource", "Condition"},
                        "a statement", where));
  Statement out;
  if (Has(value, "Sid")) {
    const Json::Value& sid = value["Sid"];
    if (!sid.isString()) return InvalidArgument("Sid must be a string", Child(where, "Sid"));
    out.sid = sid.asString();
    bool alnum = std::all_of(out.sid.begin(), out.sid.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    if (IsIamKind(kind) && !alnum) {
      return InvalidArgument("Sid may contain only ASCII letters and digits in a " +
                                 std::string(PolicyKindName(kind)) + " policy",
                             Child(where, "Sid"));
    }
  }
  GOVD_TRY(Effect(value, out, where));
  GOVD_TRY(Principals(value, out, where));
  GOVD_TRY(Actions(value, out, where));
  GOVD_TRY(Resources(value, out, where));
  if (Has(value, "Condition")) GOVD_TRY(Conditions(value["Condition"], out, Child(where, "Condition")));
  return out;
}

Status Parser::Effect(const Json::Value& value, Statement& out, const std::string& where) {
  if (!Has(value, "Effect")) return InvalidArgument("a statement needs an Effect element", where);
  const Json::Value& effect = value["Effect"];
  std::string at = Child(where, "Effect");
  if (effect.isString() && effect.asString() == "Allow") {
    out.effect = Effect::kAllow;
  } else if (effect.isString() && effect.asString() == "Deny") {
    out.effect = Effect::kDeny;
  } else {
    return InvalidArgument("Effect must be \"Allow\" or \"Deny\"", at);
  }
  if (kind == PolicyKind::kRcp && out.effect == Effect::kAllow) {
    return InvalidArgument("resource control policies may only Deny (RCPFullAWSAccess is implied)", at);
  }
  return Ok();
}

Status ParseAwsPrincipal(const std::string& entry, PrincipalSet& set, const std::string& where) {
  if (entry == "*") {
    set.any = true;
    return Ok();
  }
  if (entry.find_first_of("*?") != std::string::npos) {
    return InvalidArgument("\"" + entry +
                               "\": a principal may not contain wildcards other than \"*\" alone; use "
                               "\"*\" with a condition on aws:PrincipalArn",
                           where);
  }
  if (AccountId::Parse(entry)) {
    set.aws.push_back({entry, PrincipalKind::kAccountRoot, entry, {}, {}});
    return Ok();
  }
  auto principal = ParsePrincipalArn(entry);
  if (!principal) return InvalidArgument(principal.error().message(), where);
  set.aws.push_back({entry, principal->kind, principal->arn.account, principal->name, principal->session});
  return Ok();
}

Status ParsePrincipalObject(const Json::Value& value, PrincipalSet& set, const std::string& where) {
  if (!value.isObject() || value.empty()) {
    return InvalidArgument("a principal must be \"*\" or an object with AWS, Service, Federated or CanonicalUser",
                           where);
  }
  GOVD_TRY(CheckMembers(value, {"AWS", "Service", "Federated", "CanonicalUser"}, "a principal", where));
  for (const auto& name : value.getMemberNames()) {
    std::string at = Child(where, name);
    GOVD_ASSIGN_OR_RETURN(auto entries, StringList(value[name], name, at));
    for (std::size_t i = 0; i < entries.size(); ++i) {
      std::string entry_at = value[name].isArray() ? Child(at, static_cast<Json::ArrayIndex>(i)) : at;
      const std::string& entry = entries[i];
      if (name == "AWS") {
        GOVD_TRY(ParseAwsPrincipal(entry, set, entry_at));
        continue;
      }
      if (entry.empty() || entry.find_first_of(" *?") != std::string::npos) {
        return InvalidPrincipalEntry(entry, name, entry_at);
      }
      auto& list = name == "Service" ? set.service : name == "Federated" ? set.federated : set.canonical_user;
      list.push_back(entry);
    }
  }
  return Ok();
}

Status Parser::Principals(const Json::Value& value, Statement& out, const std::string& where) {
  bool has = Has(value, "Principal");
  bool has_not = Has(value, "NotPrincipal");
  if (has && has_not) return InvalidArgument("a statement may not have both Principal and NotPrincipal", where);
  if (!TakesPrincipal(kind)) {
    if (has || has_not) {
      return InvalidArgument("a " + std::string(PolicyKindName(kind)) + " policy may not name a principal",
                             Child(where, has ? "Principal" : "NotPrincipal"));
    }
    return Ok();
  }
  if (!has && !has_not) {
    return InvalidArgument("a " + std::string(PolicyKindName(kind)) + " policy statement needs a Principal", where);
  }
  std::string at = Child(where, has ? "Principal" : "NotPrincipal");
  if (kind == PolicyKind::kRcp && has_not) return InvalidArgument("RCPs do not support NotPrincipal", at);
  const Json::Value& principal = value[has ? "Principal" : "NotPrincipal"];
  out.has_principal = true;
  out.not_principal = has_not;
  if (principal.isString()) {
    if (principal.asString() != "*") {
      return InvalidArgument("a principal given as a string must be \"*\"; name others as {\"AWS\": ...}", at);
    }
    out.principals.any = true;
  } else {
    GOVD_TRY(ParsePrincipalObject(principal, out.principals, at));
  }
  bool star_only = out.principals.any && out.principals.aws.empty() && out.principals.service.empty() &&
                   out.principals.federated.empty() && out.principals.canonical_user.empty();
  if (kind == PolicyKind::kRcp && !star_only) return InvalidArgument("the Principal of an RCP must be \"*\"", at);
  return Ok();
}

Status Parser::Actions(const Json::Value& value, Statement& out, const std::string& where) {
  bool has = Has(value, "Action");
  bool has_not = Has(value, "NotAction");
  if (has == has_not) return InvalidArgument("a statement needs exactly one of Action and NotAction", where);
  std::string name = has ? "Action" : "NotAction";
  std::string at = Child(where, name);
  if (kind == PolicyKind::kRcp && has_not) return InvalidArgument("RCPs do not support NotAction", at);
  out.not_action = has_not;
  const Json::Value& actions = value[name];
  GOVD_ASSIGN_OR_RETURN(auto entries, StringList(actions, name, at));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto action = ActionPattern::Parse(entries[i]);
    if (!action) {
      return InvalidArgument(action.error().message(),
                             actions.isArray() ? Child(at, static_cast<Json::ArrayIndex>(i)) : at);
    }
    out.actions.push_back(std::move(action).value());
  }
  return Ok();
}

Status CheckResourceShape(const std::string& entry, const std::string& where) {
  if (entry == "*") return Ok();
  std::size_t colons = static_cast<std::size_t>(std::count(entry.begin(), entry.end(), ':'));
  if (!entry.starts_with("arn:") || colons < 5) {
    return InvalidArgument("\"" + entry + "\" is not a resource: expected \"*\" or an ARN " +
                               "(arn:partition:service:region:account:resource, wildcards allowed)",
                           where);
  }
  return Ok();
}

Status Parser::Resources(const Json::Value& value, Statement& out, const std::string& where) {
  bool has = Has(value, "Resource");
  bool has_not = Has(value, "NotResource");
  if (kind == PolicyKind::kTrust) {
    if (has || has_not) {
      return InvalidArgument("a trust policy has no Resource (the role is the resource)",
                             Child(where, has ? "Resource" : "NotResource"));
    }
    return Ok();
  }
  if (has == has_not) return InvalidArgument("a statement needs exactly one of Resource and NotResource", where);
  std::string name = has ? "Resource" : "NotResource";
  std::string at = Child(where, name);
  out.has_resource = true;
  out.not_resource = has_not;
  GOVD_ASSIGN_OR_RETURN(auto entries, StringList(value[name], name, at));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string entry_at = value[name].isArray() ? Child(at, static_cast<Json::ArrayIndex>(i)) : at;
    GOVD_TRY(CheckResourceShape(entries[i], entry_at));
    auto pattern = Pattern::Parse(entries[i], variables);
    if (!pattern) return InvalidArgument(pattern.error().message(), entry_at);
    out.resources.push_back(std::move(pattern).value());
  }
  return Ok();
}

Status Parser::Conditions(const Json::Value& value, Statement& out, const std::string& where) {
  if (!value.isObject()) return InvalidArgument("Condition must be an object of operators", where);
  for (const auto& op_name : value.getMemberNames()) {
    std::string at = Child(where, op_name);
    auto op = ConditionOperator::Parse(op_name);
    if (!op) return InvalidArgument(op.error().message(), at);
    const Json::Value& keys = value[op_name];
    if (!keys.isObject() || keys.empty()) {
      return InvalidArgument("the operator " + op_name + " needs an object of condition keys", at);
    }
    GOVD_TRY(ConditionKeys(keys, *op, op_name, out, at));
  }
  return Ok();
}

Status Parser::ConditionKeys(const Json::Value& keys, const ConditionOperator& op, const std::string& op_name,
                             Statement& out, const std::string& where) {
  for (const auto& key : keys.getMemberNames()) {
    std::string at = Child(where, key);
    auto colon = key.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == key.size()) {
      return InvalidArgument("\"" + key + "\" is not a condition key (service:name)", at);
    }
    ConditionClause clause{op, op_name, key, AsciiLower(key), {}};
    const Json::Value& values = keys[key];
    if (values.isArray()) {
      if (values.empty()) return InvalidArgument("a condition key needs at least one value", at);
      for (Json::ArrayIndex i = 0; i < values.size(); ++i) {
        GOVD_ASSIGN_OR_RETURN(auto v, ParseConditionValue(values[i], op.base, Child(at, i)));
        clause.values.push_back(std::move(v));
      }
    } else {
      GOVD_ASSIGN_OR_RETURN(auto v, ParseConditionValue(values, op.base, at));
      clause.values.push_back(std::move(v));
    }
    out.conditions.push_back(std::move(clause));
  }
  return Ok();
}

Result<ConditionValue> Parser::ParseConditionValue(const Json::Value& value, ConditionBase base,
                                                   const std::string& where) {
  GOVD_ASSIGN_OR_RETURN(std::string text, ConditionText(value, where));
  auto pattern = Pattern::Parse(text, variables && base != ConditionBase::kNull);
  if (!pattern) return InvalidArgument(pattern.error().message(), where);
  ConditionValue out{std::move(pattern).value(), false, 0, 0, false, {}};
  if (!out.pattern.has_variables()) {
    auto typed = CheckConditionValueType(base, text);
    if (!typed) return InvalidArgument(typed.error().message(), where);
    PrecomputeConditionValue(base, out);
  }
  return out;
}

}  // namespace

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity: return "identity";
    case PolicyKind::kResource: return "resource";
    case PolicyKind::kTrust: return "trust";
    case PolicyKind::kScp: return "SCP";
    case PolicyKind::kRcp: return "RCP";
    case PolicyKind::kBoundary: return "permissions boundary";
    case PolicyKind::kSession: return "session";
  }
  return "unknown";
}

Result<Policy> ParsePolicyValue(const Json::Value& document, PolicyKind kind, std::string_view where) {
  Parser parser{kind, false};
  return parser.Document(document, std::string(where));
}

Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind) {
  if (json.size() > kMaxPolicyBytes) {
    return InvalidArgument("the policy is " + std::to_string(json.size()) + " bytes; at most " +
                           std::to_string(kMaxPolicyBytes) + " are accepted");
  }
  GOVD_ASSIGN_OR_RETURN(Json::Value document, ParseJsonText(json, "the policy", {.strict = true}));
  return ParsePolicyValue(document, kind);
}

}  // namespace govd::policy

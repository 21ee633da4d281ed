#include "policy/engine/case_reader.h"

#include <algorithm>

#include "base/json_text.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

Result<Json::Value> ParseJson(std::string_view text) {
  GOVD_ASSIGN_OR_RETURN(Json::Value value, ParseJsonText(text, "the case", {.strict = true}));
  if (!value.isObject()) return InvalidArgument("a case must be a JSON object");
  return value;
}

bool Present(const Json::Value& object, const char* name) {
  return object.isMember(name) && !object[name].isNull();
}

Result<std::string> RequiredString(const Json::Value& object, const char* name, const std::string& where) {
  if (!object.isMember(name)) return InvalidArgument(std::string("missing member \"") + name + "\"", where);
  if (!object[name].isString()) {
    return InvalidArgument(std::string("\"") + name + "\" must be a string", where + "/" + name);
  }
  return object[name].asString();
}

Status ReadContext(const Json::Value& context, RequestContext& out) {
  if (!context.isObject()) return InvalidArgument("context must be an object", "/request/context");
  for (const auto& key : context.getMemberNames()) {
    const Json::Value& value = context[key];
    std::string at = "/request/context/" + key;
    if (value.isString()) {
      out.Set(key, value.asString());
      continue;
    }
    if (!value.isArray()) return InvalidArgument("a context value must be a string or an array of strings", at);
    std::vector<std::string> values;
    for (Json::ArrayIndex i = 0; i < value.size(); ++i) {
      if (!value[i].isString()) return InvalidArgument("context array entries must be strings", at);
      values.push_back(value[i].asString());
    }
    out.SetMultivalued(key, std::move(values));
  }
  return Ok();
}

Result<AuthzRequest> ReadRequest(const Json::Value& root) {
  if (!root.isMember("request") || !root["request"].isObject()) {
    return InvalidArgument("missing object member \"request\"", "/request");
  }
  const Json::Value& request = root["request"];
  AuthzRequest out;
  GOVD_ASSIGN_OR_RETURN(out.principal, RequiredString(request, "principal", "/request"));
  GOVD_ASSIGN_OR_RETURN(out.action, RequiredString(request, "action", "/request"));
  GOVD_ASSIGN_OR_RETURN(out.resource, RequiredString(request, "resource", "/request"));
  if (Present(request, "resourceAccount")) {
    GOVD_ASSIGN_OR_RETURN(out.resource_account, RequiredString(request, "resourceAccount", "/request"));
  }
  if (Present(request, "context")) GOVD_TRY(ReadContext(request["context"], out.context));
  return out;
}

Result<NamedPolicy> ReadPolicy(const Json::Value& value, PolicyKind kind, std::string name, const std::string& where) {
  GOVD_ASSIGN_OR_RETURN(Policy policy, ParsePolicyValue(value, kind, where));
  return NamedPolicy{std::move(name), std::move(policy)};
}

// "name[i]" and "/where/i": how the i-th element of a list is named in messages and pointers.
std::string IndexedName(const std::string& name, const std::string& index) { return name + "[" + index + "]"; }
std::string IndexedPointer(const std::string& where, const std::string& index) { return where + "/" + index; }

Result<std::vector<NamedPolicy>> ReadPolicyList(const Json::Value& root, const std::string& member,
                                                PolicyKind kind, const std::string& name, const std::string& where) {
  std::vector<NamedPolicy> out;
  const Json::Value& list = member.empty() ? root : root[member];
  if (!member.empty() && !Present(root, member.c_str())) return out;
  if (!list.isArray()) return InvalidArgument("must be an array of policy documents", where);
  for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
    std::string index = std::to_string(i);
    GOVD_ASSIGN_OR_RETURN(auto policy, ReadPolicy(list[i], kind, IndexedName(name, index), IndexedPointer(where, index)));
    out.push_back(std::move(policy));
  }
  return out;
}

Result<std::vector<std::vector<NamedPolicy>>> ReadLevels(const Json::Value& root, const std::string& member,
                                                         PolicyKind kind) {
  std::vector<std::vector<NamedPolicy>> out;
  if (!Present(root, member.c_str())) return out;
  const Json::Value& levels = root[member];
  if (!levels.isArray()) return InvalidArgument("must be an array of levels", "/" + member);
  for (Json::ArrayIndex i = 0; i < levels.size(); ++i) {
    std::string index = std::to_string(i);
    GOVD_ASSIGN_OR_RETURN(auto level, ReadPolicyList(levels[i], "", kind, IndexedName(member, index),
                                                     IndexedPointer("/" + member, index)));
    out.push_back(std::move(level));
  }
  return out;
}

Status ReadPolicies(const Json::Value& root, const AuthzRequest& request, PolicySet& out) {
  GOVD_ASSIGN_OR_RETURN(out.identity, ReadPolicyList(root, "identityPolicies", PolicyKind::kIdentity,
                                                     "identityPolicies", "/identityPolicies"));
  GOVD_ASSIGN_OR_RETURN(out.boundary, ReadPolicyList(root, "permissionBoundaries", PolicyKind::kBoundary,
                                                     "permissionBoundaries", "/permissionBoundaries"));
  GOVD_ASSIGN_OR_RETURN(out.scps, ReadLevels(root, "scps", PolicyKind::kScp));
  GOVD_ASSIGN_OR_RETURN(out.rcps, ReadLevels(root, "rcps", PolicyKind::kRcp));
  if (Present(root, "resourcePolicy")) {
    // For STS actions the resource is a role, and its resource policy is the trust policy.
    bool trust = AsciiLower(request.action).starts_with("sts:");
    PolicyKind kind = trust ? PolicyKind::kTrust : PolicyKind::kResource;
    GOVD_ASSIGN_OR_RETURN(out.resource, ReadPolicy(root["resourcePolicy"], kind, "resourcePolicy", "/resourcePolicy"));
  }
  if (Present(root, "sessionPolicy")) {
    GOVD_ASSIGN_OR_RETURN(out.session, ReadPolicy(root["sessionPolicy"], PolicyKind::kSession, "sessionPolicy",
                                                  "/sessionPolicy"));
  }
  return Ok();
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

Result<AuthzCase> ParseCaseLine(std::string_view line) {
  GOVD_ASSIGN_OR_RETURN(Json::Value root, ParseJson(line));
  AuthzCase out;
  GOVD_ASSIGN_OR_RETURN(out.id, RequiredString(root, "id", ""));
  if (root.isMember("expected") && root["expected"].isString()) out.expected = root["expected"].asString();
  GOVD_ASSIGN_OR_RETURN(out.request, ReadRequest(root));
  GOVD_TRY(ReadPolicies(root, out.request, out.policies));
  return out;
}

std::string CaseIdOf(std::string_view line) {
  auto root = ParseJson(line);
  if (!root || !root->isMember("id") || !(*root)["id"].isString()) return {};
  return (*root)["id"].asString();
}

}  // namespace govd::policy

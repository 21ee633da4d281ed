#include "daemon/server/org_file.h"

#include <algorithm>
#include <initializer_list>
#include <set>

#include "accounts/store/grant.h"
#include "base/display_text.h"
#include "base/iso8601.h"
#include "daemon/api/json_body.h"
#include "policy/engine/arn.h"
#include "policy/engine/parser.h"
#include "policy/engine/policy_canonical.h"

namespace govd::daemon {
namespace {

using accounts::AccountKind;
using accounts::GuardrailTarget;

constexpr std::size_t kMaxIdBytes = 68;
constexpr std::size_t kMaxNameBytes = 128;

std::string At(const std::string& where, std::string_view member) { return where + "/" + std::string(member); }

Status CheckMembers(const Json::Value& object, const std::string& where, std::initializer_list<std::string_view> known) {
  if (!object.isObject()) return InvalidArgument("must be a JSON object", where);
  for (const std::string& name : object.getMemberNames()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidArgument("unknown member \"" + name + "\"", At(where, name));
    }
  }
  return Ok();
}

Result<std::string> RequiredString(const Json::Value& object, std::string_view member, const std::string& where) {
  const Json::Value* value = object.find(member.data(), member.data() + member.size());
  if (value == nullptr) return InvalidArgument("\"" + std::string(member) + "\" is required", At(where, member));
  if (!value->isString() || value->asString().empty()) {
    return InvalidArgument("\"" + std::string(member) + "\" must be a non-empty string", At(where, member));
  }
  return value->asString();
}

Result<std::string> OptionalString(const Json::Value& object, std::string_view member, const std::string& where) {
  if (!object.isMember(std::string(member))) return std::string();
  return RequiredString(object, member, where);
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// OU and root ids as the store takes them: 1-68 of [A-Za-z0-9_-].
Result<std::string> OuId(const Json::Value& object, std::string_view member, const std::string& where) {
  GOVD_ASSIGN_OR_RETURN(std::string id, RequiredString(object, member, where));
  if (id.size() > kMaxIdBytes || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return InvalidArgument("OU id \"" + id + "\" must be 1-68 of A-Z a-z 0-9 _ -", At(where, member));
  }
  return id;
}

Result<std::string> Name(const Json::Value& object, std::string_view member, const std::string& where) {
  GOVD_ASSIGN_OR_RETURN(std::string name, RequiredString(object, member, where));
  if (name.size() > kMaxNameBytes) return InvalidArgument("a name has at most 128 bytes", At(where, member));
  if (Status shown = CheckDisplayText(name, "name"); !shown) {
    return InvalidArgument(shown.error().message(), At(where, member));
  }
  return name;
}

Result<policy::AccountId> Account(const Json::Value& object, std::string_view member, const std::string& where) {
  GOVD_ASSIGN_OR_RETURN(std::string text, RequiredString(object, member, where));
  auto id = policy::AccountId::Parse(text);
  if (!id) return InvalidArgument(id.error().message(), At(where, member));
  return id;
}

// Each element of the array `member` (absent: none), parsed by `parse`, in file order.
template <typename T, typename Parse>
Result<std::vector<Located<T>>> Elements(const Json::Value& file, std::string_view member, Parse parse,
                                         const std::string& base = "") {
  std::vector<Located<T>> out;
  const std::string where = base + "/" + std::string(member);
  if (!file.isMember(std::string(member))) return out;
  const Json::Value& list = file[std::string(member)];
  if (!list.isArray()) return InvalidArgument("must be an array", where);
  for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
    std::string at = where + "/" + std::to_string(i);
    GOVD_ASSIGN_OR_RETURN(T value, parse(list[i], at));
    out.push_back({std::move(value), at});
  }
  return out;
}

Result<accounts::OuRecord> ParseRoot(const Json::Value& v, const std::string& at) {
  GOVD_TRY(CheckMembers(v, at, {"id", "name"}));
  GOVD_ASSIGN_OR_RETURN(std::string id, OuId(v, "id", at));
  GOVD_ASSIGN_OR_RETURN(std::string name, Name(v, "name", at));
  return accounts::OuRecord{std::move(id), "", std::move(name)};
}

Result<accounts::OuRecord> ParseOu(const Json::Value& v, const std::string& at) {
  GOVD_TRY(CheckMembers(v, at, {"id", "parent", "name"}));
  GOVD_ASSIGN_OR_RETURN(std::string id, OuId(v, "id", at));
  GOVD_ASSIGN_OR_RETURN(std::string parent, OuId(v, "parent", at));
  GOVD_ASSIGN_OR_RETURN(std::string name, Name(v, "name", at));
  return accounts::OuRecord{std::move(id), std::move(parent), std::move(name)};
}

Result<accounts::AccountSpec> ParseAccount(const Json::Value& v, const std::string& at) {
  GOVD_TRY(CheckMembers(v, at, {"id", "name", "kind", "ou"}));
  GOVD_ASSIGN_OR_RETURN(policy::AccountId id, Account(v, "id", at));
  GOVD_ASSIGN_OR_RETURN(std::string name, Name(v, "name", at));
  GOVD_ASSIGN_OR_RETURN(std::string kind, RequiredString(v, "kind", at));
  if (kind != "central" && kind != "child") return InvalidArgument("kind must be \"central\" or \"child\"", At(at, "kind"));
  GOVD_ASSIGN_OR_RETURN(std::string ou, OuId(v, "ou", at));
  return accounts::AccountSpec{std::move(id), std::move(name), kind == "central" ? AccountKind::kCentral : AccountKind::kChild,
                               std::move(ou)};
}

Result<GuardrailTarget> ParseTarget(const Json::Value& v, const std::string& at) {
  GOVD_ASSIGN_OR_RETURN(std::string target, RequiredString(v, "target", at));
  for (GuardrailTarget t : {GuardrailTarget::kRoot, GuardrailTarget::kOu, GuardrailTarget::kAccount}) {
    if (accounts::GuardrailTargetName(t) == target) return t;
  }
  return InvalidArgument("target must be \"root\", \"ou\" or \"account\"", At(at, "target"));
}

// A policy document of `kind`, inline in `member` (a JSON object, stored as compact JSON) or read
// from the file named by `member`_file.
Result<std::string> Document(const Json::Value& v, const std::string& at, const DocumentReader& read,
                             const std::string& member, policy::PolicyKind kind) {
  const std::string file_member = member + "_file";
  bool inline_doc = v.isMember(member);
  if (inline_doc == v.isMember(file_member)) {
    return InvalidArgument("give exactly one of \"" + member + "\" (inline) and \"" + file_member + "\"", at);
  }
  std::string text;
  std::string where = At(at, inline_doc ? member : file_member);
  if (inline_doc) {
    if (!v[member].isObject()) return InvalidArgument("must be a policy document (a JSON object)", where);
    text = policy::CompactJson(v[member]);
  } else {
    GOVD_ASSIGN_OR_RETURN(std::string path, RequiredString(v, file_member, at));
    auto read_text = read(path);
    if (!read_text) return Error(read_text.error().code(), read_text.error().message(), where);
    text = *std::move(read_text);
  }
  if (auto parsed = policy::ParsePolicy(text, kind); !parsed) {
    const Error& e = parsed.error();
    std::string what = kind == policy::PolicyKind::kScp ? "SCP" : std::string(policy::PolicyKindName(kind)) + " policy";
    return InvalidArgument("not a valid " + what + ": " + e.message(), inline_doc ? where + e.where() : where);
  }
  return text;
}

Result<accounts::GuardrailSpec> ParseGuardrail(const Json::Value& v, const std::string& at, const DocumentReader& read) {
  GOVD_TRY(CheckMembers(v, at, {"name", "target", "target_id", "document", "document_file"}));
  accounts::GuardrailSpec spec;
  GOVD_ASSIGN_OR_RETURN(spec.name, Name(v, "name", at));
  GOVD_ASSIGN_OR_RETURN(spec.target, ParseTarget(v, at));
  if (spec.target == GuardrailTarget::kAccount) {
    GOVD_ASSIGN_OR_RETURN(policy::AccountId id, Account(v, "target_id", at));
    spec.target_id = id.str();
  } else if (spec.target == GuardrailTarget::kOu || v.isMember("target_id")) {
    GOVD_ASSIGN_OR_RETURN(spec.target_id, OuId(v, "target_id", at));
  }
  GOVD_ASSIGN_OR_RETURN(spec.document, Document(v, at, read, "document", policy::PolicyKind::kScp));
  return spec;
}

Result<accounts::NamedDocument> ParseRolePolicy(const Json::Value& v, const std::string& at, const DocumentReader& read) {
  GOVD_TRY(CheckMembers(v, at, {"name", "document", "document_file"}));
  accounts::NamedDocument policy;
  GOVD_ASSIGN_OR_RETURN(policy.name, Name(v, "name", at));
  GOVD_ASSIGN_OR_RETURN(policy.document, Document(v, at, read, "document", policy::PolicyKind::kIdentity));
  return policy;
}

// {"arn", "trust" | "trust_file", "policies": [{"name", "document" | "document_file"}],
//  "boundary" | "boundary_file"}: only the trust policy is required.
Result<accounts::RoleRecord> ParseRole(const Json::Value& v, const std::string& at, const DocumentReader& read) {
  GOVD_TRY(CheckMembers(v, at, {"arn", "trust", "trust_file", "policies", "boundary", "boundary_file"}));
  accounts::RoleRecord role;
  GOVD_ASSIGN_OR_RETURN(role.arn, RequiredString(v, "arn", at));
  auto arn = policy::ParsePrincipalArn(role.arn);
  if (!arn || arn->kind != policy::PrincipalKind::kRole) {
    return InvalidArgument("\"" + role.arn + "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", At(at, "arn"));
  }
  GOVD_ASSIGN_OR_RETURN(role.trust, Document(v, at, read, "trust", policy::PolicyKind::kTrust));
  auto policy = [&read](const Json::Value& p, const std::string& where) { return ParseRolePolicy(p, where, read); };
  GOVD_ASSIGN_OR_RETURN(auto policies, Elements<accounts::NamedDocument>(v, "policies", policy, at));
  std::set<std::string> names;
  for (auto& [p, where] : policies) {
    if (!names.insert(p.name).second) return InvalidArgument("policy \"" + p.name + "\" is listed twice", where);
    role.identity.push_back(std::move(p));
  }
  if (v.isMember("boundary") || v.isMember("boundary_file")) {
    GOVD_ASSIGN_OR_RETURN(role.boundary, Document(v, at, read, "boundary", policy::PolicyKind::kBoundary));
  }
  return role;
}

Result<accounts::BucketRecord> ParseBucket(const Json::Value& v, const std::string& at) {
  GOVD_TRY(CheckMembers(v, at, {"name", "owner"}));
  GOVD_ASSIGN_OR_RETURN(std::string name, RequiredString(v, "name", at));
  if (Status valid = accounts::ValidateBucketName(name); !valid) {
    return InvalidArgument(valid.error().message(), At(at, "name"));
  }
  GOVD_ASSIGN_OR_RETURN(policy::AccountId owner, Account(v, "owner", at));
  return accounts::BucketRecord{std::move(name), std::move(owner)};
}

Result<accounts::PrefixRecord> ParsePrefix(const Json::Value& v, const std::string& at) {
  GOVD_TRY(CheckMembers(v, at, {"bucket", "prefix", "embargo_until"}));
  accounts::PrefixRecord record;
  GOVD_ASSIGN_OR_RETURN(record.bucket, RequiredString(v, "bucket", at));
  GOVD_ASSIGN_OR_RETURN(record.prefix, RequiredString(v, "prefix", at));
  if (Status valid = accounts::ValidatePrefix(record.prefix); !valid) {
    return InvalidArgument(valid.error().message(), At(at, "prefix"));
  }
  GOVD_ASSIGN_OR_RETURN(std::string embargo, OptionalString(v, "embargo_until", at));
  if (!embargo.empty()) {
    auto when = govd::ParseIso8601(embargo, "embargo_until");
    if (!when) return InvalidArgument(when.error().message(), At(at, "embargo_until"));
    record.embargo_until = *when;
  }
  return record;
}

// The same key twice in one list is a mistake in the file, whatever the store holds.
template <typename T, typename Key>
Status CheckUnique(const std::vector<Located<T>>& items, Key key, std::string_view what) {
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (!seen.insert(key(item.value)).second) {
      return InvalidArgument(std::string(what) + " \"" + key(item.value) + "\" is listed twice", item.where);
    }
  }
  return Ok();
}

Status CheckNoDuplicates(const OrgSpec& spec) {
  GOVD_TRY(CheckUnique(spec.ous, [](const accounts::OuRecord& ou) { return ou.id; }, "OU"));
  GOVD_TRY(CheckUnique(spec.accounts, [](const accounts::AccountSpec& a) { return a.id.str(); }, "account"));
  GOVD_TRY(CheckUnique(spec.guardrails, [](const accounts::GuardrailSpec& g) { return g.target_id + "/" + g.name; },
                       "guardrail (target/name)"));
  GOVD_TRY(CheckUnique(spec.roles, [](const accounts::RoleRecord& r) { return r.arn; }, "role"));
  GOVD_TRY(CheckUnique(spec.buckets, [](const accounts::BucketRecord& b) { return b.bucket; }, "bucket"));
  GOVD_TRY(CheckUnique(spec.prefixes, [](const accounts::PrefixRecord& p) { return p.bucket + "/" + p.prefix; },
                       "prefix"));
  for (const auto& ou : spec.ous) {
    if (ou.value.id == spec.root.value.id) return InvalidArgument("OU \"" + ou.value.id + "\" has the root's id", ou.where);
  }
  return Ok();
}

// A stored document as JSON (stored documents were validated, so they parse).
Json::Value DocumentJson(const std::string& text, const std::string& what) {
  auto document = ParseJsonText(text, what);
  return document ? *document : Json::Value(text);
}

Json::Value GuardrailJson(const accounts::Guardrail& g) {
  Json::Value v(Json::objectValue);
  v["name"] = g.spec.name;
  v["target"] = std::string(accounts::GuardrailTargetName(g.spec.target));
  v["target_id"] = g.spec.target_id;
  v["document"] = DocumentJson(g.spec.document, "guardrail " + g.spec.name);
  return v;
}

Json::Value RoleJson(const accounts::RoleRecord& r) {
  Json::Value v(Json::objectValue);
  v["arn"] = r.arn;
  v["trust"] = DocumentJson(r.trust, "the trust policy of " + r.arn);
  v["policies"] = Json::arrayValue;
  for (const auto& p : r.identity) {
    Json::Value policy(Json::objectValue);
    policy["name"] = p.name;
    policy["document"] = DocumentJson(p.document, "policy " + p.name);
    v["policies"].append(policy);
  }
  if (r.boundary) v["boundary"] = DocumentJson(*r.boundary, "the boundary of " + r.arn);
  return v;
}

}  // namespace

Result<OrgSpec> ParseOrgFile(std::string_view text, const DocumentReader& read_document) {
  GOVD_ASSIGN_OR_RETURN(Json::Value file, ParseJsonText(text, "the organisation file"));
  GOVD_TRY(CheckMembers(file, "", {"root", "ous", "accounts", "guardrails", "roles", "buckets", "prefixes"}));
  if (!file.isMember("root")) return InvalidArgument("\"root\" is required", "/root");
  OrgSpec spec;
  GOVD_ASSIGN_OR_RETURN(accounts::OuRecord root, ParseRoot(file["root"], "/root"));
  spec.root = {std::move(root), "/root"};
  GOVD_ASSIGN_OR_RETURN(spec.ous, Elements<accounts::OuRecord>(file, "ous", ParseOu));
  GOVD_ASSIGN_OR_RETURN(spec.accounts, Elements<accounts::AccountSpec>(file, "accounts", ParseAccount));
  auto guardrail = [&read_document](const Json::Value& v, const std::string& at) {
    return ParseGuardrail(v, at, read_document);
  };
  GOVD_ASSIGN_OR_RETURN(spec.guardrails, Elements<accounts::GuardrailSpec>(file, "guardrails", guardrail));
  for (auto& g : spec.guardrails) {
    if (g.value.target == GuardrailTarget::kRoot && g.value.target_id.empty()) g.value.target_id = spec.root.value.id;
  }
  auto role = [&read_document](const Json::Value& v, const std::string& at) { return ParseRole(v, at, read_document); };
  GOVD_ASSIGN_OR_RETURN(spec.roles, Elements<accounts::RoleRecord>(file, "roles", role));
  GOVD_ASSIGN_OR_RETURN(spec.buckets, Elements<accounts::BucketRecord>(file, "buckets", ParseBucket));
  GOVD_ASSIGN_OR_RETURN(spec.prefixes, Elements<accounts::PrefixRecord>(file, "prefixes", ParsePrefix));
  GOVD_TRY(CheckNoDuplicates(spec));
  return spec;
}

Json::Value OrganisationJson(const accounts::Organisation& org) {
  Json::Value file(Json::objectValue);
  for (const char* list : {"ous", "accounts", "guardrails", "roles", "buckets", "prefixes"}) file[list] = Json::arrayValue;
  for (const auto& ou : org.ous) {
    Json::Value v(Json::objectValue);
    v["id"] = ou.id;
    if (!ou.parent_id.empty()) v["parent"] = ou.parent_id;
    v["name"] = ou.name;
    if (ou.parent_id.empty()) {
      file["root"] = v;
    } else {
      file["ous"].append(v);
    }
  }
  for (const auto& a : org.accounts) {
    Json::Value v(Json::objectValue);
    v["id"] = a.id.str();
    v["name"] = a.name;
    v["kind"] = a.kind == AccountKind::kCentral ? "central" : "child";
    v["ou"] = a.ou_id;
    file["accounts"].append(v);
  }
  for (const auto& g : org.guardrails) file["guardrails"].append(GuardrailJson(g));
  for (const auto& r : org.roles) file["roles"].append(RoleJson(r));
  for (const auto& b : org.buckets) {
    Json::Value v(Json::objectValue);
    v["name"] = b.bucket;
    v["owner"] = b.owner.str();
    file["buckets"].append(v);
  }
  for (const auto& p : org.prefixes) {
    Json::Value v(Json::objectValue);
    v["bucket"] = p.bucket;
    v["prefix"] = p.prefix;
    if (p.embargo_until) v["embargo_until"] = govd::FormatIso8601(*p.embargo_until);
    file["prefixes"].append(v);
  }
  return file;
}

}  // namespace govd::daemon

#include "daemon/org_file.h"

#include <algorithm>
#include <initializer_list>
#include <set>

#include "accounts/grant.h"
#include "accounts/iso8601.h"
#include "daemon/api_dispatcher.h"
#include "policy/parser.h"
#include "policy/policy_canonical.h"

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
Result<std::vector<Located<T>>> Elements(const Json::Value& file, std::string_view member, Parse parse) {
  std::vector<Located<T>> out;
  const std::string where = "/" + std::string(member);
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

// The document inline (a JSON object, stored as compact JSON) or from "document_file"; an SCP.
Result<std::string> GuardrailDocument(const Json::Value& v, const std::string& at, const DocumentReader& read) {
  bool inline_doc = v.isMember("document");
  if (inline_doc == v.isMember("document_file")) {
    return InvalidArgument("give exactly one of \"document\" (inline) and \"document_file\"", at);
  }
  std::string text;
  std::string where = At(at, inline_doc ? "document" : "document_file");
  if (inline_doc) {
    if (!v["document"].isObject()) return InvalidArgument("must be a policy document (a JSON object)", where);
    text = policy::CompactJson(v["document"]);
  } else {
    GOVD_ASSIGN_OR_RETURN(std::string path, RequiredString(v, "document_file", at));
    auto read_text = read(path);
    if (!read_text) return Error(read_text.error().code(), read_text.error().message(), where);
    text = *std::move(read_text);
  }
  if (auto parsed = policy::ParsePolicy(text, policy::PolicyKind::kScp); !parsed) {
    const Error& e = parsed.error();
    return InvalidArgument("not a valid SCP: " + e.message(), inline_doc ? where + e.where() : where);
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
  GOVD_ASSIGN_OR_RETURN(spec.document, GuardrailDocument(v, at, read));
  return spec;
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
    auto when = accounts::ParseIso8601(embargo, "embargo_until");
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
  GOVD_TRY(CheckUnique(spec.buckets, [](const accounts::BucketRecord& b) { return b.bucket; }, "bucket"));
  GOVD_TRY(CheckUnique(spec.prefixes, [](const accounts::PrefixRecord& p) { return p.bucket + "/" + p.prefix; },
                       "prefix"));
  for (const auto& ou : spec.ous) {
    if (ou.value.id == spec.root.value.id) return InvalidArgument("OU \"" + ou.value.id + "\" has the root's id", ou.where);
  }
  return Ok();
}

Json::Value GuardrailJson(const accounts::Guardrail& g) {
  Json::Value v(Json::objectValue);
  v["name"] = g.spec.name;
  v["target"] = std::string(accounts::GuardrailTargetName(g.spec.target));
  v["target_id"] = g.spec.target_id;
  auto document = ParseJsonText(g.spec.document, "guardrail " + g.spec.name);
  v["document"] = document ? *document : Json::Value(g.spec.document);
  return v;
}

}  // namespace

Result<OrgSpec> ParseOrgFile(std::string_view text, const DocumentReader& read_document) {
  GOVD_ASSIGN_OR_RETURN(Json::Value file, ParseJsonText(text, "the organisation file"));
  GOVD_TRY(CheckMembers(file, "", {"root", "ous", "accounts", "guardrails", "buckets", "prefixes"}));
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
  GOVD_ASSIGN_OR_RETURN(spec.buckets, Elements<accounts::BucketRecord>(file, "buckets", ParseBucket));
  GOVD_ASSIGN_OR_RETURN(spec.prefixes, Elements<accounts::PrefixRecord>(file, "prefixes", ParsePrefix));
  GOVD_TRY(CheckNoDuplicates(spec));
  return spec;
}

Json::Value OrganisationJson(const accounts::Organisation& org) {
  Json::Value file(Json::objectValue);
  for (const char* list : {"ous", "accounts", "guardrails", "buckets", "prefixes"}) file[list] = Json::arrayValue;
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
    if (p.embargo_until) v["embargo_until"] = accounts::FormatIso8601(*p.embargo_until);
    file["prefixes"].append(v);
  }
  return file;
}

}  // namespace govd::daemon

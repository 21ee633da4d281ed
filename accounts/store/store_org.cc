// accounts/store/store_org.cc: OUs, accounts, guardrails, roles, buckets and prefixes of the tenant.

#include <set>
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"
#include "base/json_text.h"
#include "policy/engine/parser.h"
#include "signer/crypto.h"

namespace govd::accounts {
namespace {

Result<GuardrailTarget> ParseTarget(std::string_view name) {
  for (GuardrailTarget t : {GuardrailTarget::kRoot, GuardrailTarget::kOu, GuardrailTarget::kAccount}) {
    if (GuardrailTargetName(t) == name) return t;
  }
  return Internal("unknown guardrail target kind \"" + std::string(name) + "\" in the database");
}

bool OuExists(pqxx::work& tx, const std::string& tenant, std::string_view ou_id) {
  return RowExists(tx, "SELECT 1 FROM govd.ous WHERE tenant = $1 AND ou_id = $2", tenant,
                   std::string(ou_id));
}

Status CheckGuardrailTarget(pqxx::work& tx, const std::string& tenant, const GuardrailSpec& g) {
  bool found = false;
  if (g.target == GuardrailTarget::kRoot) {
    found = RowExists(tx,
                      "SELECT 1 FROM govd.ous WHERE tenant = $1 AND ou_id = $2 AND "
                      "parent_id IS NULL",
                      tenant, g.target_id);
  } else if (g.target == GuardrailTarget::kOu) {
    found = OuExists(tx, tenant, g.target_id);
  } else {
    found = RowExists(tx, "SELECT 1 FROM govd.accounts WHERE tenant = $1 AND account_id = $2",
                      tenant, g.target_id);
  }
  if (found) return Ok();
  return NotFound("guardrail target " + std::string(GuardrailTargetName(g.target)) + " \"" + g.target_id +
                      "\" does not exist in tenant " + tenant,
                  "target_id");
}

Result<std::vector<Guardrail>> ReadGuardrails(pqxx::work& tx, const std::string& tenant) {
  std::vector<Guardrail> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT guardrail_id, target_kind, target_id, name, document FROM govd.guardrails "
           "WHERE tenant = $1 ORDER BY guardrail_id",
           tenant)) {
    GOVD_ASSIGN_OR_RETURN(GuardrailTarget target, ParseTarget(row[1].as<std::string>()));
    out.push_back({row[0].as<std::int64_t>(),
                   {target, row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<std::string>()}});
  }
  return out;
}

Json::Value IdentityPoliciesJson(const std::vector<NamedDocument>& policies) {
  Json::Value list(Json::arrayValue);
  for (const NamedDocument& p : policies) {
    Json::Value v;
    v["name"] = p.name;
    v["document"] = p.document;
    list.append(v);
  }
  return list;
}

Result<std::vector<NamedDocument>> ParseIdentityPolicies(const std::string& arn, const std::string& text) {
  Result<Json::Value> list = ParseJsonText(text, "identity policies");
  if (!list || !list->isArray()) {
    return Internal("the identity policies of role " + arn + " in the database are not a JSON array");
  }
  std::vector<NamedDocument> out;
  for (const Json::Value& v : *list) out.push_back({v["name"].asString(), v["document"].asString()});
  return out;
}

constexpr const char* kRoleColumns = "arn, trust_policy, identity_policies, boundary_policy";

// A row of kRoleColumns.
Result<RoleRecord> RoleFromRow(const pqxx::row& row) {
  RoleRecord role{row[0].as<std::string>(), row[1].as<std::string>(), {}, std::nullopt};
  GOVD_ASSIGN_OR_RETURN(role.identity, ParseIdentityPolicies(role.arn, row[2].as<std::string>()));
  if (!row[3].is_null()) role.boundary = row[3].as<std::string>();
  return role;
}

Result<std::vector<RoleRecord>> ReadRoles(pqxx::work& tx, const std::string& tenant) {
  std::vector<RoleRecord> out;
  for (const pqxx::row& row : tx.exec_params(
           std::string("SELECT ") + kRoleColumns + " FROM govd.roles WHERE tenant = $1 ORDER BY arn", tenant)) {
    GOVD_ASSIGN_OR_RETURN(RoleRecord role, RoleFromRow(row));
    out.push_back(std::move(role));
  }
  return out;
}

Status CheckDocument(const std::string& text, policy::PolicyKind kind, const std::string& what) {
  if (auto parsed = policy::ParsePolicy(text, kind); !parsed) {
    return parsed.error().WithContext(what + " is not a valid " + std::string(policy::PolicyKindName(kind)) +
                                      " policy");
  }
  return Ok();
}

// The role's account, after checking the ARN names a role and every document parses as its kind.
Result<policy::AccountId> CheckRole(const RoleRecord& role) {
  auto arn = policy::ParsePrincipalArn(role.arn);
  if (!arn || arn->kind != policy::PrincipalKind::kRole) {
    return InvalidArgument("\"" + role.arn + "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", "arn");
  }
  GOVD_ASSIGN_OR_RETURN(policy::AccountId account, policy::AccountId::Parse(arn->arn.account));
  GOVD_TRY(CheckDocument(role.trust, policy::PolicyKind::kTrust, "the trust policy of " + role.arn));
  std::set<std::string> names;
  for (const NamedDocument& p : role.identity) {
    if (p.name.empty() || !names.insert(p.name).second) {
      return InvalidArgument("role " + role.arn + " has an unnamed or twice-named identity policy \"" + p.name + "\"",
                             "identity");
    }
    GOVD_TRY(CheckDocument(p.document, policy::PolicyKind::kIdentity, "policy " + p.name + " of " + role.arn));
  }
  if (role.boundary) {
    GOVD_TRY(CheckDocument(*role.boundary, policy::PolicyKind::kBoundary, "the boundary of " + role.arn));
  }
  return account;
}

// The audit form of a role: its ARN and the SHA-256 of each document, never their text.
Json::Value RoleAuditJson(const RoleRecord& role) {
  Json::Value v;
  v["arn"] = role.arn;
  v["trust_sha256"] = signer::Sha256Hex(role.trust);
  v["identity"] = Json::arrayValue;
  for (const NamedDocument& p : role.identity) {
    Json::Value policy;
    policy["name"] = p.name;
    policy["document_sha256"] = signer::Sha256Hex(p.document);
    v["identity"].append(policy);
  }
  v["boundary_sha256"] = role.boundary ? Json::Value(signer::Sha256Hex(*role.boundary)) : Json::Value();
  return v;
}

// Parents before children: the root first, then by depth, then by id.
constexpr const char* kOusInTreeOrder =
    "WITH RECURSIVE tree AS ("
    "  SELECT ou_id, parent_id, name, 0 AS depth FROM govd.ous WHERE tenant = $1 AND parent_id IS NULL"
    "  UNION ALL"
    "  SELECT o.ou_id, o.parent_id, o.name, t.depth + 1 FROM govd.ous o JOIN tree t ON o.parent_id = t.ou_id"
    "  WHERE o.tenant = $1"
    ") SELECT ou_id, coalesce(parent_id, ''), name FROM tree ORDER BY depth, ou_id";

std::vector<OuRecord> ReadOus(pqxx::work& tx, const std::string& tenant) {
  std::vector<OuRecord> out;
  for (const pqxx::row& row : tx.exec_params(kOusInTreeOrder, tenant)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

Result<std::vector<AccountSpec>> ReadAccounts(pqxx::work& tx, const std::string& tenant) {
  std::vector<AccountSpec> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT account_id, name, kind, ou_id FROM govd.accounts WHERE tenant = $1 ORDER BY account_id",
           tenant)) {
    GOVD_ASSIGN_OR_RETURN(policy::AccountId id, policy::AccountId::Parse(row[0].as<std::string>()));
    AccountKind kind = row[2].as<std::string>() == "central" ? AccountKind::kCentral : AccountKind::kChild;
    out.push_back({std::move(id), row[1].as<std::string>(), kind, row[3].as<std::string>()});
  }
  return out;
}

Result<std::vector<BucketRecord>> ReadBuckets(pqxx::work& tx, const std::string& tenant) {
  std::vector<BucketRecord> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT bucket, owner_account FROM govd.buckets WHERE tenant = $1 ORDER BY bucket", tenant)) {
    GOVD_ASSIGN_OR_RETURN(policy::AccountId owner, policy::AccountId::Parse(row[1].as<std::string>()));
    out.push_back({row[0].as<std::string>(), std::move(owner)});
  }
  return out;
}

std::vector<PrefixRecord> ReadPrefixes(pqxx::work& tx, const std::string& tenant) {
  std::vector<PrefixRecord> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT bucket, prefix, govd.to_us(embargo_until) FROM govd.prefixes WHERE tenant = $1 "
           "ORDER BY bucket, prefix",
           tenant)) {
    std::optional<TimePoint> embargo;
    if (!row[2].is_null()) embargo = pg::FromMicros(row[2].as<std::int64_t>());
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), embargo});
  }
  return out;
}

Json::Value OuJson(std::string_view id, std::string_view parent, std::string_view name) {
  Json::Value v;
  v["ou_id"] = std::string(id);
  v["parent_id"] = parent.empty() ? Json::Value() : Json::Value(std::string(parent));
  v["name"] = std::string(name);
  return v;
}

}  // namespace

std::string_view GuardrailTargetName(GuardrailTarget target) {
  switch (target) {
    case GuardrailTarget::kRoot: return "root";
    case GuardrailTarget::kOu: return "ou";
    case GuardrailTarget::kAccount: return "account";
  }
  return "root";
}

Status Store::CreateRoot(std::string_view root_id, std::string_view name) {
  return impl_->TxStatus("creating root " + std::string(root_id), [&](pqxx::work& tx) {
    tx.exec_params("INSERT INTO govd.ous (tenant, ou_id, parent_id, name) VALUES ($1, $2, NULL, $3)",
                   impl_->context.tenant, std::string(root_id), std::string(name));
    return AppendAudit(tx, *impl_, {"root.create", "ou/" + std::string(root_id), "null",
                                    JsonText(OuJson(root_id, "", name))});
  });
}

Status Store::CreateOu(std::string_view ou_id, std::string_view parent_id, std::string_view name) {
  return impl_->TxStatus("creating OU " + std::string(ou_id), [&](pqxx::work& tx) -> Status {
    if (!OuExists(tx, impl_->context.tenant, parent_id)) {
      return NotFound("parent OU \"" + std::string(parent_id) + "\" does not exist", "parent_id");
    }
    tx.exec_params("INSERT INTO govd.ous (tenant, ou_id, parent_id, name) VALUES ($1, $2, $3, $4)",
                   impl_->context.tenant, std::string(ou_id), std::string(parent_id),
                   std::string(name));
    return AppendAudit(tx, *impl_, {"ou.create", "ou/" + std::string(ou_id), "null",
                                    JsonText(OuJson(ou_id, parent_id, name))});
  });
}

Status Store::RegisterAccount(const AccountSpec& a) {
  std::string kind = a.kind == AccountKind::kCentral ? "central" : "child";
  return impl_->TxStatus("registering account " + a.id.str(), [&](pqxx::work& tx) -> Status {
    if (!OuExists(tx, impl_->context.tenant, a.ou_id)) {
      return NotFound("OU \"" + a.ou_id + "\" does not exist", "ou_id");
    }
    tx.exec_params(
        "INSERT INTO govd.accounts (account_id, tenant, name, kind, ou_id) VALUES ($1,$2,$3,$4,$5)",
        a.id.str(), impl_->context.tenant, a.name, kind, a.ou_id);
    Json::Value after;
    after["account_id"] = a.id.str();
    after["name"] = a.name;
    after["kind"] = kind;
    after["ou_id"] = a.ou_id;
    return AppendAudit(tx, *impl_, {"account.register", "account/" + a.id.str(), "null",
                                    JsonText(after)});
  });
}

Result<Guardrail> Store::AttachGuardrail(const GuardrailSpec& spec) {
  if (auto parsed = policy::ParsePolicy(spec.document, policy::PolicyKind::kScp); !parsed) {
    return parsed.error().WithContext("guardrail \"" + spec.name + "\" is not a valid SCP");
  }
  return impl_->Tx<Guardrail>("attaching guardrail " + spec.name, [&](pqxx::work& tx)
                                  -> Result<Guardrail> {
    GOVD_TRY(CheckGuardrailTarget(tx, impl_->context.tenant, spec));
    pqxx::row row = tx.exec_params1(
        "INSERT INTO govd.guardrails (tenant, target_kind, target_id, name, document, created_at) "
        "VALUES ($1, $2, $3, $4, $5, govd.from_us($6)) RETURNING guardrail_id",
        impl_->context.tenant, std::string(GuardrailTargetName(spec.target)), spec.target_id, spec.name,
        spec.document, pg::ToMicros(impl_->Now()));
    Guardrail g{row[0].as<std::int64_t>(), spec};
    Json::Value after;
    after["target"] = std::string(GuardrailTargetName(spec.target)) + "/" + spec.target_id;
    after["name"] = spec.name;
    after["document_sha256"] = signer::Sha256Hex(spec.document);
    GOVD_TRY(AppendAudit(tx, *impl_, {"guardrail.attach", "guardrail/" + std::to_string(g.id),
                                      "null", JsonText(after)}));
    return g;
  });
}

Result<std::vector<Guardrail>> Store::ListGuardrails() {
  return impl_->Tx<std::vector<Guardrail>>("listing guardrails", [&](pqxx::work& tx) {
    return ReadGuardrails(tx, impl_->context.tenant);
  });
}

Status Store::RecordRole(const RoleRecord& role) {
  GOVD_ASSIGN_OR_RETURN(policy::AccountId account, CheckRole(role));
  return impl_->TxStatus("recording role " + role.arn, [&](pqxx::work& tx) -> Status {
    if (!RowExists(tx, "SELECT 1 FROM govd.accounts WHERE tenant = $1 AND account_id = $2", impl_->context.tenant,
                   account.str())) {
      return NotFound("account " + account.str() + " of role " + role.arn + " is not an account of tenant " +
                          impl_->context.tenant,
                      "arn");
    }
    if (RowExists(tx, "SELECT 1 FROM govd.roles WHERE tenant = $1 AND arn = $2", impl_->context.tenant, role.arn)) {
      return Error(ErrorCode::kAlreadyExists, "role " + role.arn + " is already recorded", "arn");
    }
    std::optional<std::string> boundary = role.boundary;
    tx.exec_params(
        "INSERT INTO govd.roles (tenant, arn, account_id, trust_policy, identity_policies, boundary_policy, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, govd.from_us($7))",
        impl_->context.tenant, role.arn, account.str(), role.trust, JsonText(IdentityPoliciesJson(role.identity)),
        boundary, pg::ToMicros(impl_->Now()));
    return AppendAudit(tx, *impl_, {"role.record", "role/" + role.arn, "null", JsonText(RoleAuditJson(role))});
  });
}

Status Store::ReplaceRole(const RoleRecord& role) {
  GOVD_TRY(CheckRole(role));
  return impl_->TxStatus("replacing role " + role.arn, [&](pqxx::work& tx) -> Status {
    pqxx::result before = tx.exec_params(
        std::string("SELECT ") + kRoleColumns + " FROM govd.roles WHERE tenant = $1 AND arn = $2 FOR UPDATE",
        impl_->context.tenant, role.arn);
    if (before.empty()) return NotFound("role " + role.arn + " is not recorded", "arn");
    GOVD_ASSIGN_OR_RETURN(RoleRecord old, RoleFromRow(before[0]));
    std::optional<std::string> boundary = role.boundary;
    tx.exec_params(
        "UPDATE govd.roles SET trust_policy = $3, identity_policies = $4, boundary_policy = $5 "
        "WHERE tenant = $1 AND arn = $2",
        impl_->context.tenant, role.arn, role.trust, JsonText(IdentityPoliciesJson(role.identity)), boundary);
    return AppendAudit(tx, *impl_, {"role.update", "role/" + role.arn, JsonText(RoleAuditJson(old)),
                                    JsonText(RoleAuditJson(role))});
  });
}

Status Store::RegisterBucket(std::string_view bucket, const policy::AccountId& owner) {
  GOVD_TRY(ValidateBucketName(bucket));
  return impl_->TxStatus("registering bucket " + std::string(bucket), [&](pqxx::work& tx)
                                                                        -> Status {
    if (!RowExists(tx,
                   "SELECT 1 FROM govd.accounts WHERE tenant = $1 AND account_id = $2 AND "
                   "kind = 'child'",
                   impl_->context.tenant, owner.str())) {
      return NotFound("account " + owner.str() + " is not a child account of tenant " +
                          impl_->context.tenant,
                      "owner");
    }
    tx.exec_params("INSERT INTO govd.buckets (bucket, tenant, owner_account) VALUES ($1, $2, $3)",
                   std::string(bucket), impl_->context.tenant, owner.str());
    Json::Value after;
    after["bucket"] = std::string(bucket);
    after["owner_account"] = owner.str();
    return AppendAudit(tx, *impl_, {"bucket.register", "bucket/" + std::string(bucket), "null",
                                    JsonText(after)});
  });
}

Status Store::DeclarePrefix(std::string_view bucket, std::string_view prefix,
                            std::optional<TimePoint> embargo_until) {
  GOVD_TRY(ValidatePrefix(prefix));
  std::optional<std::int64_t> embargo_us;
  if (embargo_until) embargo_us = pg::ToMicros(*embargo_until);
  return impl_->TxStatus("declaring prefix " + std::string(prefix), [&](pqxx::work& tx) -> Status {
    if (!RowExists(tx, "SELECT 1 FROM govd.buckets WHERE tenant = $1 AND bucket = $2",
                   impl_->context.tenant, std::string(bucket))) {
      return NotFound("bucket \"" + std::string(bucket) + "\" is not registered by tenant " +
                          impl_->context.tenant,
                      "bucket");
    }
    tx.exec_params(
        "INSERT INTO govd.prefixes (bucket, prefix, tenant, embargo_until) "
        "VALUES ($1, $2, $3, govd.from_us($4))",
        std::string(bucket), std::string(prefix), impl_->context.tenant, embargo_us);
    Json::Value after;
    after["prefix"] = std::string(prefix);
    after["embargo_until_us"] = embargo_us ? Json::Value(Json::Int64(*embargo_us)) : Json::Value();
    return AppendAudit(tx, *impl_, {"prefix.declare",
                                    "bucket/" + std::string(bucket) + "/" + std::string(prefix),
                                    "null", JsonText(after)});
  });
}

Result<std::vector<std::string>> Store::VisibleTenants() {
  return impl_->Tx<std::vector<std::string>>("listing the tenants", [](pqxx::work& tx) {
    std::vector<std::string> tenants;
    for (const pqxx::row& row : tx.exec("SELECT DISTINCT tenant FROM govd.ous WHERE parent_id IS NULL ORDER BY tenant")) {
      tenants.push_back(row[0].as<std::string>());
    }
    return tenants;
  });
}

Result<Organisation> Store::ReadOrganisation() {
  return impl_->Tx<Organisation>("reading the organisation", [&](pqxx::work& tx) -> Result<Organisation> {
    const std::string& tenant = impl_->context.tenant;
    Organisation org;
    org.ous = ReadOus(tx, tenant);
    GOVD_ASSIGN_OR_RETURN(org.accounts, ReadAccounts(tx, tenant));
    GOVD_ASSIGN_OR_RETURN(org.guardrails, ReadGuardrails(tx, tenant));
    GOVD_ASSIGN_OR_RETURN(org.roles, ReadRoles(tx, tenant));
    GOVD_ASSIGN_OR_RETURN(org.buckets, ReadBuckets(tx, tenant));
    org.prefixes = ReadPrefixes(tx, tenant);
    return org;
  });
}

}  // namespace govd::accounts

#include "accounts/store/org_snapshot_of.h"

#include "policy/engine/parser.h"

namespace govd::accounts {
namespace {

constexpr std::string_view kFullAwsAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

// FullAWSAccess and the guardrails attached to the level `target_id` of kind `kind`.
Result<std::vector<policy::NamedPolicy>> ScpsAt(const Organisation& org, GuardrailTarget kind,
                                                const std::string& target_id) {
  std::vector<policy::NamedPolicy> scps;
  GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy full, ParseNamedPolicy("FullAWSAccess (implied) at " + target_id,
                                                                    kFullAwsAccess, policy::PolicyKind::kScp));
  scps.push_back(std::move(full));
  for (const auto& g : org.guardrails) {
    if (g.spec.target != kind || g.spec.target_id != target_id) continue;
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy scp,
                          ParseNamedPolicy("guardrail " + g.spec.name, g.spec.document, policy::PolicyKind::kScp));
    scps.push_back(std::move(scp));
  }
  return scps;
}

Result<policy::OrgRole> RoleOf(const RoleRecord& role) {
  policy::OrgRole out{role.arn, {}, {}, std::nullopt};
  GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy trust,
                        ParseNamedPolicy(role.arn + " trust policy", role.trust, policy::PolicyKind::kTrust));
  out.trust = std::move(trust);
  for (const auto& p : role.identity) {
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy identity, ParseNamedPolicy(role.arn + " policy " + p.name, p.document,
                                                                          policy::PolicyKind::kIdentity));
    out.identity.push_back(std::move(identity));
  }
  if (role.boundary) {
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy boundary, ParseNamedPolicy(role.arn + " boundary", *role.boundary,
                                                                          policy::PolicyKind::kBoundary));
    out.boundary.push_back(std::move(boundary));
  }
  return out;
}

}  // namespace

Result<policy::NamedPolicy> ParseNamedPolicy(std::string name, std::string_view json, policy::PolicyKind kind) {
  auto parsed = policy::ParsePolicy(json, kind);
  if (!parsed) return parsed.error().WithContext(name);
  return policy::NamedPolicy{std::move(name), *std::move(parsed)};
}

Result<policy::OrgSnapshot> OrgSnapshotOf(const Organisation& org, SnapshotOptions options) {
  policy::OrgSnapshot snapshot;
  for (const auto& ou : org.ous) {
    GuardrailTarget kind = ou.parent_id.empty() ? GuardrailTarget::kRoot : GuardrailTarget::kOu;
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsAt(org, kind, ou.id));
    snapshot.units.push_back({ou.id, ou.name, ou.parent_id, std::move(scps)});
  }
  for (const auto& a : org.accounts) {
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsAt(org, GuardrailTarget::kAccount, a.id.str()));
    snapshot.accounts.push_back({a.id.str(), a.name, a.ou_id, std::move(scps)});
  }
  if (options.roles) {
    for (const auto& role : org.roles) {
      GOVD_ASSIGN_OR_RETURN(policy::OrgRole r, RoleOf(role));
      snapshot.roles.push_back(std::move(r));
    }
  }
  for (const auto& b : org.buckets) snapshot.buckets.push_back({b.bucket, b.owner.str(), std::nullopt});
  return snapshot;
}

}  // namespace govd::accounts

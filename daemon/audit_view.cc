#include "daemon/audit_view.h"

#include "base/json_text.h"
#include "policy/managed_statements.h"
#include "policy/parser.h"

namespace govd::daemon {
namespace {

using accounts::Grant;

constexpr std::string_view kFullAwsAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

Result<policy::NamedPolicy> ParseNamed(std::string name, std::string_view json, policy::PolicyKind kind) {
  auto parsed = policy::ParsePolicy(json, kind);
  if (!parsed) return parsed.error().WithContext(name);
  return policy::NamedPolicy{std::move(name), *std::move(parsed)};
}

// AWS attaches FullAWSAccess to every root, OU and account unless someone detaches it; the
// store's guardrails are what is added on top. Without it, a level would allow nothing.
Result<std::vector<policy::NamedPolicy>> ScpsOf(const std::vector<accounts::Guardrail>& guardrails,
                                                 const std::string& target_id, const std::string& level) {
  std::vector<policy::NamedPolicy> scps;
  GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy full, ParseNamed("FullAWSAccess@" + level, kFullAwsAccess,
                                                              policy::PolicyKind::kScp));
  scps.push_back(std::move(full));
  for (const auto& g : guardrails) {
    if (g.spec.target_id != target_id) continue;
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy scp, ParseNamed("guardrail " + g.spec.name, g.spec.document,
                                                               policy::PolicyKind::kScp));
    scps.push_back(std::move(scp));
  }
  return scps;
}

Result<std::vector<Grant>> AllGrants(accounts::Store& store) {
  std::vector<Grant> all;
  accounts::GrantFilter filter;
  while (true) {
    GOVD_ASSIGN_OR_RETURN(std::vector<Grant> page, store.ListGrants(filter));
    if (page.empty()) return all;
    filter.after_id = page.back().id;
    all.insert(all.end(), page.begin(), page.end());
  }
}

policy::GrantState PolicyState(accounts::GrantState state) {
  for (auto s : {policy::GrantState::kRequested, policy::GrantState::kApproved, policy::GrantState::kApplying,
                 policy::GrantState::kActive, policy::GrantState::kRevoking, policy::GrantState::kRevoked,
                 policy::GrantState::kExpired, policy::GrantState::kRejected}) {
    if (policy::GrantStateName(s) == accounts::GrantStateName(state)) return s;
  }
  return policy::GrantState::kFailed;
}

bool Embargoed(const Grant& grant, const std::vector<accounts::PrefixRecord>& prefixes, accounts::TimePoint now) {
  for (const auto& p : prefixes) {
    if (p.bucket == grant.bucket && p.embargo_until && *p.embargo_until > now &&
        accounts::PrefixesOverlap(p.prefix, grant.prefix)) {
      return true;
    }
  }
  return false;
}

std::vector<policy::DesiredGrant> DesiredGrants(const std::vector<Grant>& grants, const accounts::Organisation& org,
                                                accounts::TimePoint now) {
  std::vector<policy::DesiredGrant> out;
  for (const Grant& g : grants) {
    std::int64_t expires = g.expires_at ? UnixSeconds(*g.expires_at) : 0;
    out.push_back({std::to_string(g.id), g.bucket, g.prefix, g.grantee, expires, PolicyState(g.state),
                   Embargoed(g, org.prefixes, now)});
  }
  return out;
}

Result<Json::Value> ParseDocument(const std::string& bucket, const std::string& text) {
  Result<Json::Value> document = govd::ParseJsonText(text, "the policy of bucket " + bucket);
  if (!document) return FailedPrecondition(document.error().message());
  return document;
}

// The document govd's active grants render for `bucket` (null: no statement, no policy).
Result<Json::Value> DesiredDocument(const std::string& bucket, const std::vector<Grant>& grants) {
  std::vector<policy::BucketShare> shares;
  for (const Grant& g : grants) {
    if (g.bucket == bucket && g.state == accounts::GrantState::kActive) {
      shares.push_back({g.bucket, g.prefix, g.grantee, g.actions == accounts::GrantActions::kReadList});
    }
  }
  GOVD_ASSIGN_OR_RETURN(std::vector<Json::Value> managed, policy::RenderBucketStatements(shares));
  return policy::ComposeBucketPolicy(Json::Value(), managed);
}

Result<Json::Value> BucketDocument(const accounts::BucketRecord& bucket, const std::vector<Grant>& grants,
                                   BucketPolicyAccess* actual) {
  if (actual == nullptr) return DesiredDocument(bucket.bucket, grants);
  auto text = actual->Get(accounts::S3BucketRef{bucket.bucket, bucket.owner});
  if (!text) return text.error().WithContext("reading the policy of bucket " + bucket.bucket);
  if (!text->has_value()) return Json::Value();
  return ParseDocument(bucket.bucket, **text);
}

Result<policy::OrgBucket> SnapshotBucket(const accounts::BucketRecord& bucket, const std::vector<Grant>& grants,
                                         BucketPolicyAccess* actual) {
  policy::OrgBucket out{bucket.bucket, bucket.owner.str(), std::nullopt};
  GOVD_ASSIGN_OR_RETURN(Json::Value document, BucketDocument(bucket, grants, actual));
  if (document.isNull()) return out;
  std::string name = bucket.bucket + " bucket policy";
  auto parsed = policy::ParsePolicyValue(document, policy::PolicyKind::kResource);
  if (!parsed) return parsed.error().WithContext("the " + name + " is not a valid bucket policy");
  out.policy = policy::NamedPolicy{std::move(name), *std::move(parsed)};
  return out;
}

Result<policy::OrgRole> SnapshotRole(const accounts::RoleRecord& role) {
  policy::OrgRole out{role.arn, {}, {}, std::nullopt};
  GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy trust, ParseNamed(role.arn + " trust policy", role.trust,
                                                               policy::PolicyKind::kTrust));
  out.trust = std::move(trust);
  for (const auto& p : role.identity) {
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy identity, ParseNamed(role.arn + " policy " + p.name, p.document,
                                                                    policy::PolicyKind::kIdentity));
    out.identity.push_back(std::move(identity));
  }
  if (role.boundary) {
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy boundary, ParseNamed(role.arn + " boundary", *role.boundary,
                                                                    policy::PolicyKind::kBoundary));
    out.boundary.push_back(std::move(boundary));
  }
  return out;
}

Result<policy::OrgSnapshot> Snapshot(const accounts::Organisation& org, const std::vector<Grant>& grants,
                                     BucketPolicyAccess* actual) {
  const std::vector<accounts::Guardrail>& guardrails = org.guardrails;
  policy::OrgSnapshot snapshot;
  for (const auto& ou : org.ous) {
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsOf(guardrails, ou.id, ou.id));
    snapshot.units.push_back({ou.id, ou.name, ou.parent_id, std::move(scps)});
  }
  for (const auto& account : org.accounts) {
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsOf(guardrails, account.id.str(), account.id.str()));
    snapshot.accounts.push_back({account.id.str(), account.name, account.ou_id, std::move(scps)});
  }
  for (const auto& role : org.roles) {
    GOVD_ASSIGN_OR_RETURN(policy::OrgRole r, SnapshotRole(role));
    snapshot.roles.push_back(std::move(r));
  }
  for (const auto& bucket : org.buckets) {
    GOVD_ASSIGN_OR_RETURN(policy::OrgBucket b, SnapshotBucket(bucket, grants, actual));
    snapshot.buckets.push_back(std::move(b));
  }
  return snapshot;
}

}  // namespace

std::int64_t UnixSeconds(accounts::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string_view PolicySourceName(const AuditView& view) { return view.actual_policies ? "s3" : "desired state"; }

Result<AuditView> LoadAuditView(accounts::Store& store, BucketPolicyAccess* actual, accounts::TimePoint now) {
  GOVD_ASSIGN_OR_RETURN(accounts::Organisation org, store.ReadOrganisation());
  GOVD_ASSIGN_OR_RETURN(std::vector<Grant> grants, AllGrants(store));
  AuditView view;
  view.actual_policies = actual != nullptr;
  GOVD_ASSIGN_OR_RETURN(view.org, Snapshot(org, grants, actual));
  view.grants = DesiredGrants(grants, org, now);
  return view;
}

}  // namespace govd::daemon

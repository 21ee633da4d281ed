#include "daemon/server/audit_view.h"

#include "accounts/store/org_snapshot_of.h"
#include "base/json_text.h"
#include "policy/engine/parser.h"
#include "policy/managed/managed_statements.h"

namespace govd::daemon {
namespace {

using accounts::Grant;

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

// The organisation with its roles, each bucket with its desired or actual policy.
Result<policy::OrgSnapshot> Snapshot(const accounts::Organisation& org, const std::vector<Grant>& grants,
                                     BucketPolicyAccess* actual) {
  GOVD_ASSIGN_OR_RETURN(policy::OrgSnapshot snapshot, accounts::OrgSnapshotOf(org, {.roles = true}));
  snapshot.buckets.clear();
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

// policy/analysis/findings.cc
#include "policy/analysis/findings.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "policy/engine/statement_facts.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy {
namespace {

std::string StatementLabel(const NamedPolicy& policy, std::size_t index) {
  const std::string& sid = policy.policy.statements[index].sid;
  return policy.name + " statement " + (sid.empty() ? "#" + std::to_string(index) : sid);
}

std::string BucketArn(const std::string& bucket, const std::string& prefix = {}) {
  return "arn:aws:s3:::" + bucket + (prefix.empty() ? "" : "/" + prefix);
}

bool NamesGrantee(const AwsPrincipal& p, const std::string& grantee) {
  return p.text == grantee || (p.kind == PrincipalKind::kAccountRoot && p.account == grantee);
}

class Collector {
 public:
  explicit Collector(const FindingsInput& input) : input_(input) {
    for (const auto& account : input.org->accounts) members_.insert(account.id);
  }

  void Add(FindingType type, FindingSeverity severity, std::string resource, std::string principal,
           std::string statement, std::string message) {
    std::string id = FindingId(type, resource, principal, statement);
    if (!ids_.insert(id).second) return;
    out_.push_back({std::move(id), type, severity, std::move(resource), std::move(principal), std::move(statement),
                    std::move(message)});
  }

  bool IsMember(const std::string& account) const { return members_.count(account) != 0; }
  const FindingsInput& input() const { return input_; }
  std::vector<Finding> Take() { return std::move(out_); }

 private:
  const FindingsInput& input_;
  std::set<std::string> members_;
  std::set<std::string> ids_;
  std::vector<Finding> out_;
};

void PublicAndOutside(Collector& c, const std::string& resource, const NamedPolicy& policy, std::size_t i) {
  const Statement& s = policy.policy.statements[i];
  std::string label = StatementLabel(policy, i);
  if (NamesEveryone(s) && !HasNarrowingCondition(s)) {
    c.Add(FindingType::kPublicAccess, FindingSeverity::kCritical, resource, "*", label,
          label + " allows anyone, anonymous users included");
  }
  const std::string& org_id = c.input().org->org_id;
  if (auto orgs = PinnedConditionValues(s, "aws:principalorgid"); NamesEveryone(s) && orgs) {
    for (const auto& org : *orgs) {
      if (org == org_id) continue;
      std::string message = label;
      message += " allows the members of organisation ";
      message += org;
      c.Add(FindingType::kOutsideOrganisation, FindingSeverity::kHigh, resource, org, label, std::move(message));
    }
  }
  for (const AwsPrincipal& p : s.principals.aws) {
    if (c.IsMember(p.account) || RestrictedToOrganisation(s, org_id, {})) continue;
    c.Add(FindingType::kOutsideOrganisation, FindingSeverity::kHigh, resource, p.text, label,
          label + " allows " + p.text + " of account " + p.account + ", outside the organisation");
  }
}

bool ExplainedByGrant(const Collector& c, const std::string& bucket, const AwsPrincipal& p, const std::string& prefix) {
  const auto& grants = c.input().grants;
  return std::any_of(grants.begin(), grants.end(), [&](const DesiredGrant& g) {
    return g.state == GrantState::kActive && g.bucket == bucket && NamesGrantee(p, g.grantee) &&
           prefix.starts_with(g.prefix);
  });
}

void Unexplained(Collector& c, const OrgBucket& bucket, std::size_t i) {
  const Statement& s = bucket.policy->policy.statements[i];
  std::string label = StatementLabel(*bucket.policy, i);
  bool managed = s.sid.starts_with(kManagedSidPrefix);
  for (const AwsPrincipal& p : s.principals.aws) {
    if (p.account == bucket.account) continue;  // the owner's own principals are not shares
    for (const Pattern& resource : s.resources) {
      auto prefix = S3KeyPrefix(resource, bucket.name);
      if (!prefix || ExplainedByGrant(c, bucket.name, p, *prefix)) continue;
      std::string why = managed ? " is govd's but no active grant asks for it (drift)"
                                : " was added by hand: no active grant explains it";
      std::string resource_arn = BucketArn(bucket.name, *prefix);
      std::string message = label;
      message += " grants " + p.text;
      message += " access to " + resource_arn;
      message += ", and" + why;
      c.Add(FindingType::kUnexplainedAccess, FindingSeverity::kMedium, resource_arn, p.text, label, std::move(message));
    }
  }
}

void BucketFindings(Collector& c, const OrgBucket& bucket) {
  if (!bucket.policy) return;
  for (std::size_t i = 0; i < bucket.policy->policy.statements.size(); ++i) {
    if (bucket.policy->policy.statements[i].effect != Effect::kAllow) continue;
    PublicAndOutside(c, BucketArn(bucket.name), *bucket.policy, i);
    Unexplained(c, bucket, i);
  }
}

void TrustFindings(Collector& c, const OrgRole& role) {
  if (!role.trust) return;
  for (std::size_t i = 0; i < role.trust->policy.statements.size(); ++i) {
    const Statement& s = role.trust->policy.statements[i];
    if (s.effect != Effect::kAllow || !CoversAction(s, "sts:assumerole")) continue;
    PublicAndOutside(c, role.arn, *role.trust, i);
    if (PinnedConditionValues(s, "sts:externalid")) continue;
    std::string label = StatementLabel(*role.trust, i);
    for (const AwsPrincipal& p : s.principals.aws) {
      if (c.IsMember(p.account)) continue;
      c.Add(FindingType::kTrustWithoutExternalId, FindingSeverity::kHigh, role.arn, p.text, label,
            label + " lets " + p.text + " (a third party) assume the role without an sts:ExternalId condition");
    }
  }
}

// The first Allow statement of the grant's bucket policy that still grants the grantee the prefix.
std::string GrantingStatement(const Collector& c, const DesiredGrant& grant) {
  for (const OrgBucket& bucket : c.input().org->buckets) {
    if (bucket.name != grant.bucket || !bucket.policy) continue;
    for (std::size_t i = 0; i < bucket.policy->policy.statements.size(); ++i) {
      const Statement& s = bucket.policy->policy.statements[i];
      if (s.effect != Effect::kAllow) continue;
      bool names = std::any_of(s.principals.aws.begin(), s.principals.aws.end(),
                               [&](const AwsPrincipal& p) { return NamesGrantee(p, grant.grantee); });
      bool covers = std::any_of(s.resources.begin(), s.resources.end(), [&](const Pattern& r) {
        auto prefix = S3KeyPrefix(r, bucket.name);
        return prefix && grant.prefix.starts_with(*prefix);
      });
      if (names && covers) return StatementLabel(*bucket.policy, i);
    }
  }
  return {};
}

bool GrantLive(GrantState state) {
  return state == GrantState::kApproved || state == GrantState::kApplying || state == GrantState::kActive;
}

void GrantFindings(Collector& c, const DesiredGrant& grant) {
  std::string resource = BucketArn(grant.bucket, grant.prefix);
  std::string statement = GrantingStatement(c, grant);
  if (grant.embargoed && (GrantLive(grant.state) || !statement.empty())) {
    c.Add(FindingType::kEmbargoedGrant, FindingSeverity::kHigh, resource, grant.grantee, statement,
          "grant " + grant.id + " gives " + grant.grantee + " access to embargoed " + resource);
  }
  if (grant.expires_at != 0 && grant.expires_at <= c.input().now && !statement.empty()) {
    c.Add(FindingType::kExpiredGrantEffective, FindingSeverity::kHigh, resource, grant.grantee, statement,
          "grant " + grant.id + " expired at " + std::to_string(grant.expires_at) + " but " + statement +
              " still gives " + grant.grantee + " access");
  }
}

}  // namespace

std::string_view GrantStateName(GrantState state) {
  switch (state) {
    case GrantState::kRequested: return "requested";
    case GrantState::kApproved: return "approved";
    case GrantState::kApplying: return "applying";
    case GrantState::kActive: return "active";
    case GrantState::kRevoking: return "revoking";
    case GrantState::kRevoked: return "revoked";
    case GrantState::kExpired: return "expired";
    case GrantState::kRejected: return "rejected";
    case GrantState::kFailed: return "failed";
  }
  return "unknown";
}

std::string_view FindingTypeName(FindingType type) {
  switch (type) {
    case FindingType::kOutsideOrganisation: return "outside-organisation";
    case FindingType::kPublicAccess: return "public-access";
    case FindingType::kUnexplainedAccess: return "unexplained-access";
    case FindingType::kEmbargoedGrant: return "embargoed-grant";
    case FindingType::kExpiredGrantEffective: return "expired-grant-effective";
    case FindingType::kTrustWithoutExternalId: return "trust-without-external-id";
  }
  return "unknown";
}

std::string_view FindingSeverityName(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::kCritical: return "critical";
    case FindingSeverity::kHigh: return "high";
    case FindingSeverity::kMedium: return "medium";
    case FindingSeverity::kLow: return "low";
  }
  return "unknown";
}

std::string FindingId(FindingType type, std::string_view resource, std::string_view principal,
                      std::string_view statement) {
  // FNV-1a over the fields with separators: stable across runs and platforms; an identifier,
  // not a security hash.
  std::uint64_t hash = 14695981039346656037ULL;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    hash = (hash ^ 0x1FU) * 1099511628211ULL;
  };
  mix(FindingTypeName(type));
  mix(resource);
  mix(principal);
  mix(statement);
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4U) id[static_cast<std::size_t>(i)] = kHex[hash & 0xFU];
  return id;
}

std::vector<Finding> ComputeFindings(const FindingsInput& input) {
  Collector collector(input);
  for (const OrgBucket& bucket : input.org->buckets) BucketFindings(collector, bucket);
  for (const OrgRole& role : input.org->roles) TrustFindings(collector, role);
  for (const DesiredGrant& grant : input.grants) GrantFindings(collector, grant);
  std::vector<Finding> findings = collector.Take();
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.severity, a.type, a.resource, a.principal, a.statement) <
           std::tie(b.severity, b.type, b.resource, b.principal, b.statement);
  });
  return findings;
}

}  // namespace govd::policy

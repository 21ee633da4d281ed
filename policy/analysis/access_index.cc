// policy/analysis/access_index.cc: the indexes of an AccessAnalyzer, and the evaluator call.
#include <algorithm>

#include "policy/analysis/access_analysis_impl.h"
#include "policy/engine/arn.h"
#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"
#include "policy/engine/statement_facts.h"

namespace govd::policy {
namespace {

constexpr std::string_view kS3ArnPrefix = "arn:aws:s3:::";
// Stands for "any principal of this account" when an outside account is named.
constexpr std::string_view kAnyPrincipalRole = "govd-analysis-any-principal";
constexpr std::string_view kAllowAll =
    R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})";

bool HasWildcard(std::string_view text) { return text.find_first_of("*?") != std::string_view::npos; }

// The bucket part of an S3 resource pattern; "*" when the pattern could name any bucket.
std::string BucketGlobOf(const Pattern& pattern) {
  if (pattern.has_variables() || !pattern.text().starts_with(kS3ArnPrefix)) return "*";
  std::string rest = pattern.text().substr(kS3ArnPrefix.size());
  return rest.substr(0, rest.find('/'));
}

bool MayAllowS3(const Statement& s) {
  if (s.not_action) return true;
  return std::any_of(s.actions.begin(), s.actions.end(),
                     [](const ActionPattern& a) { return a.service.empty() || a.service == "s3"; });
}

// The names a statement's Principal matches by: role/user ARNs, account ids, or "*".
std::vector<std::string> PrincipalNames(const Statement& s) {
  if (NamesEveryone(s)) return {"*"};
  std::vector<std::string> names;
  for (const AwsPrincipal& p : s.principals.aws) {
    names.push_back(p.kind == PrincipalKind::kAccountRoot ? p.account : p.text);
  }
  return names;
}

template <typename Fn>
void ForEachAllow(const std::vector<NamedPolicy>& policies, Fn fn) {
  for (const NamedPolicy& named : policies) {
    for (const Statement& s : named.policy.statements) {
      if (s.effect == Effect::kAllow) fn(s);
    }
  }
}

void IndexIdentity(AccessAnalyzer::Impl& impl, std::size_t r) {
  ForEachAllow(impl.org.roles[r].identity, [&](const Statement& s) {
    bool s3 = MayAllowS3(s);
    bool assume = CoversAction(s, "sts:assumerole");
    for (const Pattern& resource : s.resources) {
      if (s3) {
        std::string glob = s.not_resource ? "*" : BucketGlobOf(resource);
        impl.s3_roles.Add(glob, r);
        impl.roles[r].bucket_globs.push_back(std::move(glob));
      }
      if (assume) impl.assumers.Add(s.not_resource || resource.has_variables() ? "*" : resource.text(), r);
    }
  });
}

void IndexTrust(AccessAnalyzer::Impl& impl, std::size_t r) {
  const auto& trust = impl.org.roles[r].trust;
  if (!trust) return;
  for (const Statement& s : trust->policy.statements) {
    if (s.effect != Effect::kAllow) continue;
    for (const auto& name : PrincipalNames(s)) impl.trusting_roles.Add(name, r);
  }
}

void IndexBucket(AccessAnalyzer::Impl& impl, std::size_t b) {
  const auto& policy = impl.org.buckets[b].policy;
  if (!policy) return;
  for (const Statement& s : policy->policy.statements) {
    if (s.effect != Effect::kAllow) continue;
    for (const auto& name : PrincipalNames(s)) impl.naming_buckets.Add(name, b);
  }
}

Status IndexRole(AccessAnalyzer::Impl& impl, std::size_t r) {
  const OrgRole& role = impl.org.roles[r];
  GOVD_ASSIGN_OR_RETURN(PrincipalArn arn, ParsePrincipalArn(role.arn));
  if (arn.kind != PrincipalKind::kRole) return InvalidArgument("\"" + role.arn + "\" is not a role ARN", "roles");
  GOVD_ASSIGN_OR_RETURN(auto scps, ScpLevels(impl.org, arn.arn.account));
  impl.roles.push_back({&role, arn.arn.account, std::move(scps), {}});
  impl.role_by_arn[role.arn] = r;
  impl.roles_by_account[arn.arn.account].push_back(r);
  IndexIdentity(impl, r);
  IndexTrust(impl, r);
  return Ok();
}

RequestContext ContextFor(const AccessAnalyzer::Impl& impl, const Requester& who, const std::string& action,
                          const std::string& prefix) {
  RequestContext context;
  context.Set("aws:SecureTransport", "true");
  if (who.principal != kAnonymousPrincipal) {
    context.Set("aws:PrincipalArn", who.principal);
    context.Set("aws:PrincipalAccount", who.account);
    if (impl.IsMember(who.account) && !impl.org.org_id.empty()) context.Set("aws:PrincipalOrgID", impl.org.org_id);
  }
  if (AsciiLower(action) == "s3:listbucket") context.Set("s3:prefix", prefix);
  return context;
}

}  // namespace

void SortUnique(std::vector<std::size_t>& indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
}

std::vector<std::size_t> NamedRoles(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy,
                                    const std::string& owner_account) {
  std::vector<std::size_t> out;
  if (!policy) return out;
  for (const Statement& s : policy->policy.statements) {
    if (s.effect != Effect::kAllow) continue;
    if (auto own = impl.roles_by_account.find(owner_account); NamesEveryone(s) && own != impl.roles_by_account.end()) {
      out.insert(out.end(), own->second.begin(), own->second.end());
    }
    for (const AwsPrincipal& p : s.principals.aws) {
      if (auto it = impl.role_by_arn.find(p.text); it != impl.role_by_arn.end()) out.push_back(it->second);
    }
  }
  SortUnique(out);
  return out;
}

bool MayGrantAcrossAccounts(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy,
                            std::size_t role) {
  if (!policy) return false;
  const RoleInfo& info = impl.roles[role];
  return std::any_of(policy->policy.statements.begin(), policy->policy.statements.end(), [&](const Statement& s) {
    if (s.effect != Effect::kAllow) return false;
    if (NamesEveryone(s)) return true;
    return std::any_of(s.principals.aws.begin(), s.principals.aws.end(), [&](const AwsPrincipal& p) {
      return p.text == info.role->arn || (p.kind == PrincipalKind::kAccountRoot && p.account == info.account);
    });
  });
}

std::vector<OutsideName> OutsideNames(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy) {
  std::vector<OutsideName> out;
  if (!policy) return out;
  for (const Statement& s : policy->policy.statements) {
    if (s.effect != Effect::kAllow || s.not_principal) continue;
    for (const AwsPrincipal& p : s.principals.aws) {
      if (p.kind == PrincipalKind::kAccountRoot) {
        std::string asked = "arn:aws:iam::" + p.account + ":role/" + std::string(kAnyPrincipalRole);
        bool roles_known = impl.IsMember(p.account) && impl.roles_by_account.count(p.account) > 0;
        if (!roles_known) out.push_back({p.account, asked, p.account});
      } else if (impl.role_by_arn.count(p.text) == 0) {
        out.push_back({p.text, p.text, p.account});
      }
    }
  }
  return out;
}

PrincipalOrigin OriginOf(const AccessAnalyzer::Impl& impl, const OutsideName& name) {
  return impl.IsMember(name.account) ? PrincipalOrigin::kMemberUnknownIdentity : PrincipalOrigin::kOutside;
}

AccessPath DirectPath(const std::string& principal, PrincipalOrigin origin, bool member, AccessStep step) {
  AccessPath path{principal, origin, member, {principal}, {}};
  path.steps.push_back(std::move(step));
  return path;
}

AccessPath Prepend(const std::string& principal, PrincipalOrigin origin, bool member, AccessStep hop,
                   const AccessPath& rest) {
  AccessPath path{principal, origin, member, {principal}, {}};
  path.steps.push_back(std::move(hop));
  path.chain.insert(path.chain.end(), rest.chain.begin(), rest.chain.end());
  path.steps.insert(path.steps.end(), rest.steps.begin(), rest.steps.end());
  return path;
}

void NameIndex::Add(const std::string& glob, std::size_t index) {
  if (HasWildcard(glob)) {
    wild.emplace_back(glob, index);
  } else {
    exact[glob].push_back(index);
  }
}

std::vector<std::size_t> NameIndex::Find(const std::string& name) const {
  std::vector<std::size_t> out;
  if (auto it = exact.find(name); it != exact.end()) out = it->second;
  for (const auto& [glob, index] : wild) {
    if (GlobMatch(glob, name, false)) out.push_back(index);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status BuildIndexes(AccessAnalyzer::Impl& impl) {
  GOVD_ASSIGN_OR_RETURN(Policy allow_all, ParsePolicy(kAllowAll, PolicyKind::kIdentity));
  impl.assumed_identity.push_back({"assumed identity policy (principal outside the snapshot)", std::move(allow_all)});
  for (const OrgAccount& account : impl.org.accounts) impl.members.insert(account.id);
  impl.roles.reserve(impl.org.roles.size());
  for (std::size_t r = 0; r < impl.org.roles.size(); ++r) GOVD_TRY(IndexRole(impl, r));
  for (std::size_t b = 0; b < impl.org.buckets.size(); ++b) {
    impl.bucket_by_name[impl.org.buckets[b].name] = b;
    impl.buckets_by_account[impl.org.buckets[b].account].push_back(b);
    IndexBucket(impl, b);
  }
  return Ok();
}

Requester AccessAnalyzer::Impl::RoleRequester(std::size_t role) const {
  const RoleInfo& info = roles[role];
  return {info.role->arn, info.account, &info.role->identity, &info.role->boundary, &info.scps};
}

Requester AccessAnalyzer::Impl::OutsideRequester(const std::string& principal, const std::string& account) const {
  return {principal, account, &assumed_identity, nullptr, nullptr};
}

Result<std::optional<AccessStep>> AccessAnalyzer::Impl::Ask(const Requester& who, const std::string& action,
                                                            const std::string& resource,
                                                            const std::string& resource_account,
                                                            const std::optional<NamedPolicy>& resource_policy,
                                                            const std::string& prefix) const {
  PolicySet set;
  if (who.scps != nullptr) set.scps = *who.scps;
  set.resource = resource_policy;
  if (who.identity != nullptr) set.identity = *who.identity;
  if (who.boundary != nullptr) set.boundary = *who.boundary;
  AuthzRequest request{who.principal, action, resource, resource_account, ContextFor(*this, who, action, prefix)};
  CompiledPolicySet compiled(std::move(set));
  GOVD_ASSIGN_OR_RETURN(Evaluation evaluation, compiled.Evaluate(request));
  if (evaluation.decision != Decision::kAllow) return std::optional<AccessStep>();
  AccessStep step{who.principal, action, resource, evaluation.reason, {}};
  for (std::size_t at : evaluation.deciding) step.statements.push_back(evaluation.matches[at].Label());
  return std::optional<AccessStep>(std::move(step));
}

}  // namespace govd::policy

// policy/analysis/access_analysis_impl.h
// Internal to policy/access_analysis*.cc: the indexes an AccessAnalyzer builds once, and the one
// place where a question is put to the evaluator. Not for use elsewhere.
// Thread safety: immutable after Build.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "policy/analysis/access_analysis.h"

namespace govd::policy {

// The side of a request that asks: a role of the snapshot, an outside principal (identity side
// assumed to allow), or anonymous.
struct Requester {
  std::string principal;  // ARN, or kAnonymousPrincipal
  std::string account;    // "" for anonymous
  const std::vector<NamedPolicy>* identity = nullptr;
  const std::vector<NamedPolicy>* boundary = nullptr;
  const std::vector<std::vector<NamedPolicy>>* scps = nullptr;  // null: no SCPs apply
};

struct RoleInfo {
  const OrgRole* role = nullptr;
  std::string account;
  std::vector<std::vector<NamedPolicy>> scps;
  std::vector<std::string> bucket_globs;  // buckets its identity policies may allow s3 on
};

// Indexes from a name to the roles or buckets whose policies mention it; a name given by a
// pattern with wildcards goes to the `wild` list and is matched at query time.
struct NameIndex {
  std::map<std::string, std::vector<std::size_t>> exact;
  std::vector<std::pair<std::string, std::size_t>> wild;  // (glob, index)
  void Add(const std::string& glob, std::size_t index);
  // Indices whose name or glob matches `name`, sorted and unique.
  std::vector<std::size_t> Find(const std::string& name) const;
};

struct AccessAnalyzer::Impl {
  OrgSnapshot org;
  std::vector<RoleInfo> roles;  // parallel to org.roles
  std::map<std::string, std::size_t> role_by_arn;
  std::map<std::string, std::size_t> bucket_by_name;
  std::set<std::string> members;
  std::map<std::string, std::vector<std::size_t>> roles_by_account;
  std::map<std::string, std::vector<std::size_t>> buckets_by_account;
  NameIndex s3_roles;         // bucket name -> roles whose identity policies may allow s3 on it
  NameIndex assumers;         // role ARN -> roles whose identity policies may allow sts:AssumeRole on it
  NameIndex trusting_roles;   // principal ARN or account -> roles whose trust policy names it ("*" too)
  NameIndex naming_buckets;   // principal ARN or account -> buckets whose policy names it ("*" too)
  std::vector<NamedPolicy> assumed_identity;  // "allow everything", for outside principals

  // Puts one question to the evaluator; the step when it allows, nullopt when it does not.
  Result<std::optional<AccessStep>> Ask(const Requester& who, const std::string& action, const std::string& resource,
                                        const std::string& resource_account, const std::optional<NamedPolicy>& resource_policy,
                                        const std::string& prefix) const;
  Requester RoleRequester(std::size_t role) const;
  Requester OutsideRequester(const std::string& principal, const std::string& account) const;
  bool IsMember(const std::string& account) const { return members.count(account) > 0; }
};

Result<void> BuildIndexes(AccessAnalyzer::Impl& impl);

// Roles of the snapshot that a resource or trust policy's Allow statements name by ARN, and all
// roles of `owner_account` when a statement names everyone (same-account grants need no
// identity policy on the caller's side).
std::vector<std::size_t> NamedRoles(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy,
                                    const std::string& owner_account);

// Whether a resource or trust policy's Allow statements could grant `role` across accounts: they
// name it, its account, or everyone. Cross-account access needs that; same-account access does not.
bool MayGrantAcrossAccounts(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy,
                            std::size_t role);

// The names of outside principals a policy's Allow statements name: `reported` is what answers
// show (an account id or an ARN), `principal` the ARN asked as, `account` its account.
struct OutsideName {
  std::string reported;
  std::string principal;
  std::string account;
};
std::vector<OutsideName> OutsideNames(const AccessAnalyzer::Impl& impl, const std::optional<NamedPolicy>& policy);
// kOutside for a principal of another organisation, kMemberUnknownIdentity for one of a member.
PrincipalOrigin OriginOf(const AccessAnalyzer::Impl& impl, const OutsideName& name);

AccessPath DirectPath(const std::string& principal, PrincipalOrigin origin, bool member, AccessStep step);
// `hop` (principal assumes the first role of `rest`) followed by `rest`.
AccessPath Prepend(const std::string& principal, PrincipalOrigin origin, bool member, AccessStep hop,
                   const AccessPath& rest);

void SortUnique(std::vector<std::size_t>& indices);

}  // namespace govd::policy

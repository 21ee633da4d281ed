// policy/engine/org_snapshot.h
// What the access analysis and the findings know about an AWS organisation at one moment: its OU
// tree with the SCPs attached at each level, its accounts, the IAM roles with their identity,
// boundary and trust policies, and the S3 buckets with their owner and bucket policy. Built by
// the caller (from the store or from a test scenario); values only.
// Thread safety: plain values. Never holds credentials.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "policy/engine/policy_set.h"

namespace govd::policy {

struct OrgUnit {
  std::string id;         // "r-root", "ou-la"
  std::string name;       // "LocalAuthorities"
  std::string parent_id;  // "" for the root
  std::vector<NamedPolicy> scps;
};

struct OrgAccount {
  std::string id;         // 12 digits
  std::string name;
  std::string parent_id;  // the OU (or root) the account sits in
  std::vector<NamedPolicy> scps;  // attached to the account itself
};

struct OrgRole {
  std::string arn;  // arn:aws:iam::ACCOUNT:role/[path/]NAME
  std::vector<NamedPolicy> identity;
  std::vector<NamedPolicy> boundary;   // empty: no permissions boundary
  std::optional<NamedPolicy> trust;    // absent: nobody may assume the role
};

struct OrgBucket {
  std::string name;
  std::string account;                // owner
  std::optional<NamedPolicy> policy;  // absent: no bucket policy
};

struct OrgSnapshot {
  std::string org_id;  // "o-..."; empty when the accounts are not in an organisation
  std::vector<OrgUnit> units;
  std::vector<OrgAccount> accounts;
  std::vector<OrgRole> roles;
  std::vector<OrgBucket> buckets;
};

// The SCP levels that apply to principals of `account_id`, root first and the account last, as
// PolicySet::scps wants them. Empty when the snapshot has no OU tree (no SCPs at all) or the
// account is not a member (outside the organisation, SCPs do not apply).
// Fails when the OU tree is broken (unknown parent, a cycle).
Result<std::vector<std::vector<NamedPolicy>>> ScpLevels(const OrgSnapshot& org, const std::string& account_id);

// "Root/LocalAuthorities" for an account, by OU names; "" for a non-member.
std::string OuPath(const OrgSnapshot& org, const std::string& account_id);

}  // namespace govd::policy

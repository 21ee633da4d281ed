// policy/engine/policy_set.h
// The policies that apply to one request, grouped as AWS's evaluation logic groups them: SCP
// levels of the principal's account (root first, account last), RCP levels of the resource's
// account, the resource policy (bucket or role trust policy), identity policies, the permissions
// boundary and the session policy. Values; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/engine/policy.h"

namespace govd::policy {

struct NamedPolicy {
  std::string name;  // shown in explanations: "identityPolicies[0]", a file name, a policy ARN
  Policy policy;
};

struct PolicySet {
  std::vector<std::vector<NamedPolicy>> scps;  // empty = no SCPs; a level with no policy allows nothing
  std::vector<std::vector<NamedPolicy>> rcps;  // empty = none; RCPFullAWSAccess is implied at every level
  std::optional<NamedPolicy> resource;         // bucket policy, or the trust policy for sts:AssumeRole
  std::vector<NamedPolicy> identity;
  std::vector<NamedPolicy> boundary;  // empty = no boundary; several are pooled as one
  std::optional<NamedPolicy> session;
};

}  // namespace govd::policy

// policy/managed/guardrail_check.h
// Whether the organisation's guardrails let a grant work: before govd writes a statement for a
// grant, the policy engine evaluates what the statement gives (s3:GetObject on the prefix, and
// s3:ListBucket limited to it for read+list) for the grantee, under the SCPs along the grantee's
// account path (OrgSnapshot), with the statement itself as the bucket policy and the grantee's own
// permissions assumed to allow it. A Deny (or a level that does not allow) in a guardrail means
// AWS would refuse the access whatever govd writes: the grant fails with the engine's reason
// instead of putting a statement into the bucket policy that cannot work.
// Pure, thread safe. A grantee outside the organisation has no SCPs and is never refused here;
// nor is a whole account (ACCOUNT:root), whose principals the guardrails may treat differently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "policy/engine/org_snapshot.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy {

// nullopt when the guardrails allow what `share` gives; else why not (the action, the resource and
// the engine's explanation, naming the guardrail). Errors: a grantee that is no principal ARN, a
// broken OU tree.
Result<std::optional<std::string>> GuardrailDenial(const OrgSnapshot& org, const BucketShare& share,
                                                   std::string_view bucket_owner);

}  // namespace govd::policy

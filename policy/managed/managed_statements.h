// policy/managed/managed_statements.h
// The statements govd owns in a bucket policy, and how they are told apart from everyone else's.
// govd renders its statements from the active grants of a bucket (merged per grantee), splits an
// actual policy into managed and foreign statements by Sid prefix, and composes the document to
// write: the foreign statements exactly as they were, then the managed ones.
// Pure, thread safe. It never drops or edits a foreign statement, and it never renders access
// wider than the grants it is given: a prefix that could widen a Resource pattern (a wildcard, a
// policy variable) or a principal with a wildcard is refused, not escaped.
#pragma once

#include <json/value.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace govd::policy {

// Sid prefix of every statement govd owns. IAM accepts only [A-Za-z0-9] in a Sid, so the prefix
// is alphanumeric, and so is the rest of the Sid.
inline constexpr std::string_view kManagedSidPrefix = "GovdManaged";

// AWS rejects bucket policies larger than this (RGW does not; govd follows AWS).
inline constexpr std::size_t kMaxBucketPolicyBytes = 20 * 1024;

// What one active grant asks of a bucket policy.
struct BucketShare {
  std::string bucket;     // the bucket name
  std::string prefix;     // key prefix ("shared/reports/"), or "" for the whole bucket
  std::string principal;  // grantee principal ARN
  bool list = false;      // also s3:ListBucket restricted to the prefix
};

struct SplitStatements {
  std::vector<Json::Value> managed;
  std::vector<Json::Value> foreign;
};

// True when the statement's Sid starts with kManagedSidPrefix.
bool IsManagedStatement(const Json::Value& statement);

// Splits a parsed policy document's statements by owner. A document without statements (or a
// missing policy: pass Json::nullValue) gives two empty lists.
SplitStatements SplitByOwner(const Json::Value& document);

// OK when a statement can be rendered for `share`: its prefix widens no pattern (no wildcard, '$',
// control character or leading '/'), and its principal is one IAM principal ARN, with no wildcard
// ('*' or '?': IAM principal ARNs have none, and AWS refuses a policy naming one). The error names
// the share's bucket and what is wrong with it.
Status CheckRenderable(const BucketShare& share);

// Renders the managed statements for one bucket's shares: per grantee, one s3:GetObject statement
// over all its prefixes and, when any share lists, one s3:ListBucket statement limited by an
// s3:prefix condition. Prefixes covered by a shorter prefix of the same grantee are dropped.
// Deterministic: the same shares in any order give the same statements, with stable Sids.
// REQUIRES: every share names the same bucket. Errors name the share that is refused (the first
// that CheckRenderable refuses): to render the others all the same, filter with CheckRenderable.
Result<std::vector<Json::Value>> RenderBucketStatements(std::span<const BucketShare> shares);

// The Sid govd gives the statement of `kind` ("Read", "List") for `principal`: the prefix, the kind
// and a stable 16-hex-digit tag of the principal ARN. The tag lets govd tell whose statement it
// was even after AWS has rewritten the principal (a deleted role becomes its unique id, AROA...).
std::string ManagedSid(std::string_view kind, std::string_view principal);

// The grantees among `principals` whose managed statements in `actual` name an IAM unique id
// (AROA..., AIDA...) instead of an ARN: AWS does that when the role or user was deleted, and then
// refuses every document that still names it.
std::vector<std::string> DeletedGrantees(const Json::Value& actual, std::span<const std::string> principals);

// `document` without the IAM unique ids (AROA..., AIDA...) AWS writes for deleted principals, and
// without statements left naming nobody: what the policy parser can check, since a unique id is
// no ARN. Only for checking a policy read back from S3; never write the result.
Json::Value WithoutUniqueIdPrincipals(const Json::Value& document);

// `document` without govd's own Allow statements that do not parse on their own (a wildcard
// grantee's statement an older govd wrote, which RadosGW stores and AWS refuses): what the policy
// parser can check. Such a statement is never desired, so the plan removes it, which only narrows;
// a foreign statement or a Deny that does not parse still makes the whole document unreadable.
// Only for checking a policy read back from S3; never write the result.
Json::Value WithoutUnparseableManagedAllows(const Json::Value& document);

// The document to write in place of `actual` (Json::nullValue when there is no policy): its
// Version, Id and foreign statements exactly as they were (a 2008-10-17 document keeps treating
// "${...}" as text), then `managed`. Returns Json::nullValue when no statement is left (the policy
// should be deleted). Fails with kResourceExhausted, naming the size, over the AWS limit.
Result<Json::Value> ComposeBucketPolicy(const Json::Value& actual, std::span<const Json::Value> managed);

}  // namespace govd::policy

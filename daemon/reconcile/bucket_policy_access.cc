#include "daemon/reconcile/bucket_policy_access.h"

namespace govd::daemon {

Result<std::optional<std::string>> S3BucketPolicyAccess::Get(const accounts::S3BucketRef& bucket) {
  auto policy = client_.GetBucketPolicy(bucket);
  if (policy) return std::optional<std::string>(std::move(policy).value());
  if (policy.aws_code() == "NoSuchBucketPolicy") return std::optional<std::string>();
  return policy.error();
}

Status S3BucketPolicyAccess::Put(const accounts::S3BucketRef& bucket, const std::string& json) {
  auto put = client_.PutBucketPolicy(bucket, json);
  if (!put) return put.error();
  return Ok();
}

Status S3BucketPolicyAccess::Delete(const accounts::S3BucketRef& bucket) {
  auto deleted = client_.DeleteBucketPolicy(bucket);
  if (!deleted) return deleted.error();
  return Ok();
}

}  // namespace govd::daemon

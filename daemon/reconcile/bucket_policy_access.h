// daemon/reconcile/bucket_policy_access.h
// Reading and writing one bucket's policy: the reconciler's view of S3, as an interface so that
// the reconciler runs the same against AWS, an S3-compatible server, or a test that injects
// failures. S3BucketPolicyAccess is the implementation over accounts::S3Client.
// Thread safety: as the implementation; S3BucketPolicyAccess may be shared by threads.
// Never logs policy text.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "accounts/aws/s3_client.h"
#include "base/result.h"
#include "policy/engine/arn.h"

namespace govd::daemon {

class BucketPolicyAccess {
 public:
  virtual ~BucketPolicyAccess() = default;
  // The policy text, or nullopt when the bucket has none.
  virtual Result<std::optional<std::string>> Get(const accounts::S3BucketRef& bucket) = 0;
  virtual Status Put(const accounts::S3BucketRef& bucket, const std::string& json) = 0;
  virtual Status Delete(const accounts::S3BucketRef& bucket) = 0;
};

class S3BucketPolicyAccess final : public BucketPolicyAccess {
 public:
  // REQUIRES: client outlives this object.
  explicit S3BucketPolicyAccess(accounts::S3Client& client) : client_(client) {}

  Result<std::optional<std::string>> Get(const accounts::S3BucketRef& bucket) override;
  Status Put(const accounts::S3BucketRef& bucket, const std::string& json) override;
  Status Delete(const accounts::S3BucketRef& bucket) override;

 private:
  accounts::S3Client& client_;
};

// The bucket policy access of a tenant the daemon manages; null for any other tenant.
using TenantPolicyAccess = std::function<BucketPolicyAccess*(const policy::AccountId& tenant)>;

}  // namespace govd::daemon

// accounts/aws/s3_client.h
// The S3 operations govd needs: bucket policies (get, put, delete), listing (ListObjectsV2 with
// pagination), objects (get streamed to a file, head, put) and CreateBucket. Every call on a
// bucket can carry x-amz-expected-bucket-owner, so that a child bucket that changed hands is
// refused by S3 instead of being read or written.
// Addressing: virtual-hosted ("bucket.s3.region.amazonaws.com") by default, path-style when
// S3ClientOptions::path_style is set (custom endpoints, RadosGW; RadosGW's cross-tenant names
// "222222222222:bucket" only work path-style).
// Thread safety: all methods may be called concurrently (see aws_caller.h). They block.
// Never logs; bucket policies and object data are returned, not printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/aws/aws_caller.h"
#include "policy/engine/arn.h"

namespace govd::accounts {

struct S3BucketRef {
  std::string name;
  // When set, S3 refuses the request (403 AccessDenied) unless this account owns the bucket.
  std::optional<policy::AccountId> expected_owner;
};

struct S3Object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // with AWS's quotes removed
  std::string last_modified;
};

struct ListObjectsPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;  // empty on the last page
};

struct ListObjectsRequest {
  std::string prefix;
  std::string delimiter;
  std::string continuation_token;
  int max_keys = 1000;
};

struct ObjectInfo {
  std::string etag;
  std::uint64_t size = 0;
  std::string content_type;
};

struct S3ClientOptions {
  bool path_style = false;
  // ListAllObjects gives up (kResourceExhausted) after this many pages.
  std::size_t max_list_pages = 10'000;
};

class S3Client {
 public:
  S3Client(AwsEndpoint endpoint, AwsCallerDeps deps, S3ClientOptions options = {})
      : caller_(std::move(endpoint), deps), options_(options) {}

  // The policy document, byte for byte. kNotFound (code NoSuchBucketPolicy) when there is none.
  AwsResult<std::string> GetBucketPolicy(const S3BucketRef& bucket);
  AwsStatus PutBucketPolicy(const S3BucketRef& bucket, const std::string& policy_json);
  AwsStatus DeleteBucketPolicy(const S3BucketRef& bucket);

  AwsResult<ListObjectsPage> ListObjectsV2(const S3BucketRef& bucket, const ListObjectsRequest& request);
  // Follows continuation tokens until the listing is complete (at most max_list_pages pages).
  AwsResult<std::vector<S3Object>> ListAllObjects(const S3BucketRef& bucket, const std::string& prefix);

  // Streams the object into `path` (written as path + ".part", renamed when complete).
  AwsResult<ObjectInfo> GetObject(const S3BucketRef& bucket, const std::string& key, const std::string& path);
  AwsResult<ObjectInfo> HeadObject(const S3BucketRef& bucket, const std::string& key);
  // Returns the new object's ETag.
  AwsResult<std::string> PutObject(const S3BucketRef& bucket, const std::string& key, std::string body,
                                   const std::string& content_type = "application/octet-stream");
  // In the endpoint's signing region (no LocationConstraint for us-east-1).
  AwsStatus CreateBucket(const S3BucketRef& bucket);

 private:
  AwsRequest BucketRequest(std::string operation, std::string method, const S3BucketRef& bucket,
                           const std::string& key = {}) const;

  AwsCaller caller_;
  S3ClientOptions options_;
};

}  // namespace govd::accounts

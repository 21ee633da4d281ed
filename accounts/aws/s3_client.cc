#include "accounts/aws/s3_client.h"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>

#include "accounts/aws/xml_document.h"
#include "signer/canonical_request.h"

namespace govd::accounts {
namespace {

std::string Base64Md5(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int encoded_length = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return {reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(encoded_length)};
}

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

std::uint64_t ParseSize(const std::string& text) {
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

ObjectInfo InfoFromHeaders(const HttpResponse& response) {
  return {Unquote(response.Header("ETag").value_or("")), ParseSize(response.Header("Content-Length").value_or("0")),
          response.Header("Content-Type").value_or("")};
}

S3Object ParseObject(const XmlElement& contents) {
  return {contents.ChildText("Key"), ParseSize(contents.ChildText("Size")), Unquote(contents.ChildText("ETag")),
          contents.ChildText("LastModified")};
}

Result<ListObjectsPage> ParseListPage(std::string_view xml) {
  GOVD_ASSIGN_OR_RETURN(XmlElement root, ParseXml(xml));
  if (root.name != "ListBucketResult") {
    return InvalidArgument("ListObjectsV2 answer has root <" + root.name + ">, expected <ListBucketResult>");
  }
  ListObjectsPage page;
  for (const XmlElement* contents : root.ChildrenNamed("Contents")) page.objects.push_back(ParseObject(*contents));
  for (const XmlElement* prefix : root.ChildrenNamed("CommonPrefixes")) {
    page.common_prefixes.push_back(prefix->ChildText("Prefix"));
  }
  page.is_truncated = root.ChildText("IsTruncated") == "true";
  page.next_continuation_token = root.ChildText("NextContinuationToken");
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return InvalidArgument("ListObjectsV2 answer is truncated but has no NextContinuationToken");
  }
  return page;
}

void AddQueryIfSet(std::vector<signer::QueryParam>& query, std::string name, const std::string& value) {
  if (!value.empty()) query.push_back({std::move(name), value});
}

}  // namespace

AwsRequest S3Client::BucketRequest(std::string operation, std::string method, const S3BucketRef& bucket,
                                   const std::string& key) const {
  AwsRequest request;
  request.operation = std::move(operation);
  request.method = std::move(method);
  std::string object_path = key.empty() ? "" : "/" + govd::UriEncodePath(key);
  if (options_.path_style) {
    request.path = "/" + govd::UriEncode(bucket.name) + (object_path.empty() ? "" : object_path);
  } else {
    request.host_prefix = bucket.name + ".";
    request.path = object_path.empty() ? "/" : object_path;
  }
  if (bucket.expected_owner) request.headers.emplace_back("x-amz-expected-bucket-owner", bucket.expected_owner->str());
  return request;
}

AwsResult<std::string> S3Client::GetBucketPolicy(const S3BucketRef& bucket) {
  AwsRequest request = BucketRequest("GetBucketPolicy", "GET", bucket);
  request.query = {{"policy", ""}};
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller_.Call(request));
  return std::move(response.body);
}

AwsStatus S3Client::PutBucketPolicy(const S3BucketRef& bucket, const std::string& policy_json) {
  AwsRequest request = BucketRequest("PutBucketPolicy", "PUT", bucket);
  request.query = {{"policy", ""}};
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Content-MD5", Base64Md5(policy_json));  // AWS requires a checksum here
  request.body = policy_json;
  GOVD_AWS_TRY(caller_.Call(request));
  return {};
}

AwsStatus S3Client::DeleteBucketPolicy(const S3BucketRef& bucket) {
  AwsRequest request = BucketRequest("DeleteBucketPolicy", "DELETE", bucket);
  request.query = {{"policy", ""}};
  GOVD_AWS_TRY(caller_.Call(request));
  return {};
}

AwsResult<ListObjectsPage> S3Client::ListObjectsV2(const S3BucketRef& bucket, const ListObjectsRequest& list) {
  AwsRequest request = BucketRequest("ListObjectsV2", "GET", bucket);
  request.query = {{"list-type", "2"}, {"max-keys", std::to_string(list.max_keys)}};
  AddQueryIfSet(request.query, "prefix", list.prefix);
  AddQueryIfSet(request.query, "delimiter", list.delimiter);
  AddQueryIfSet(request.query, "continuation-token", list.continuation_token);
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller_.Call(request));
  GOVD_ASSIGN_OR_RETURN(ListObjectsPage page, ParseListPage(response.body));
  return page;
}

AwsResult<std::vector<S3Object>> S3Client::ListAllObjects(const S3BucketRef& bucket, const std::string& prefix) {
  std::vector<S3Object> all;
  ListObjectsRequest list;
  list.prefix = prefix;
  for (std::size_t pages = 0; pages < options_.max_list_pages; ++pages) {
    auto page = ListObjectsV2(bucket, list);
    if (!page) return page.failure();
    all.insert(all.end(), page->objects.begin(), page->objects.end());
    if (!page->is_truncated) return all;
    list.continuation_token = page->next_continuation_token;
  }
  return Error(ErrorCode::kResourceExhausted,
               "listing s3://" + bucket.name + "/" + prefix + " needs more than " +
                   std::to_string(options_.max_list_pages) + " pages");
}

AwsResult<ObjectInfo> S3Client::GetObject(const S3BucketRef& bucket, const std::string& key, const std::string& path) {
  AwsRequest request = BucketRequest("GetObject", "GET", bucket, key);
  std::string partial = path + ".part";
  request.body_file = partial;
  auto response = caller_.Call(request);
  if (!response) {
    std::remove(partial.c_str());
    return response.failure();
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) return Internal("GetObject: cannot rename " + partial + " to " + path + ": " + error.message());
  ObjectInfo info = InfoFromHeaders(*response);
  info.size = response->body_file_bytes;
  return info;
}

AwsResult<ObjectInfo> S3Client::HeadObject(const S3BucketRef& bucket, const std::string& key) {
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller_.Call(BucketRequest("HeadObject", "HEAD", bucket, key)));
  return InfoFromHeaders(response);
}

AwsResult<std::string> S3Client::PutObject(const S3BucketRef& bucket, const std::string& key, std::string body,
                                           const std::string& content_type) {
  AwsRequest request = BucketRequest("PutObject", "PUT", bucket, key);
  request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller_.Call(request));
  return Unquote(response.Header("ETag").value_or(""));
}

AwsStatus S3Client::CreateBucket(const S3BucketRef& bucket) {
  AwsRequest request = BucketRequest("CreateBucket", "PUT", bucket);
  const std::string& region = caller_.endpoint().signing_region;
  if (region != "us-east-1") {
    request.body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   "<LocationConstraint>" + region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  GOVD_AWS_TRY(caller_.Call(request));
  return {};
}

}  // namespace govd::accounts

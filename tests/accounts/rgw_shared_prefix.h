// tests/accounts/rgw_shared_prefix.h
// For end-to-end tests of central mode's pull on the RadosGW fixture: child la1 (tenant
// 222222222222) owns a bucket with objects under reports/ and one elsewhere, and grants the
// central user (tenant 111111111111) read on reports/ with a bucket policy it can delete again.
// Test-only; needs the env file of scripts/rgw-test-server (rgw_env.h).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "tests/accounts/rgw_env.h"

namespace govd::accounts::testing {

class RgwSharedPrefix {
 public:
  explicit RgwSharedPrefix(RgwEnv env)
      : env_(std::move(env)),
        la1_keys_(Keys("RGW_LA1")),
        central_keys_(Keys("RGW_CENTRAL")),
        bucket_("pull-" + UniqueSuffix()),
        owned_{bucket_, policy::AccountId::Parse(env_["RGW_LA1_ACCOUNT"]).value()},
        la1_(Client(la1_keys_)),
        central_(Client(central_keys_)) {}

  // The initial content: three reports (one nested) and a file outside the shared prefix.
  static std::map<std::string, std::string> InitialObjects() {
    return {{"reports/q1.csv", "region,total\nnorth,1\n"},
            {"reports/q2.csv", std::string(70'000, 'q')},
            {"reports/2026/q3.csv", "region,total\nnorth,42\n"},
            {"secret/staff.csv", "name\nalice\n"}};
  }

  // la1 creates the bucket, uploads InitialObjects() and grants central reports/*.
  // Returns an empty string on success, else what failed.
  std::string CreateAndGrant() {
    if (auto created = la1_.CreateBucket(owned_); !created) return created.error().ToString();
    for (const auto& [key, body] : InitialObjects()) {
      if (auto put = Put(key, body); !put.empty()) return put;
    }
    auto granted = la1_.PutBucketPolicy(owned_, GrantPolicy());
    return granted ? "" : granted.error().ToString();
  }

  std::string Put(const std::string& key, const std::string& body) {
    auto put = la1_.PutObject(owned_, key, body, "text/csv");
    return put ? "" : put.error().ToString();
  }

  // la1 revokes: deletes the bucket policy.
  std::string Revoke() {
    auto deleted = la1_.DeleteBucketPolicy(owned_);
    return deleted ? "" : deleted.error().ToString();
  }

  std::string GrantPolicy() const {
    std::string central = "arn:aws:iam::" + env_.at("RGW_CENTRAL_ACCOUNT") + ":user/" + env_.at("RGW_CENTRAL_USER");
    return R"({"Version":"2012-10-17","Statement":[)"
           R"({"Sid":"govd-get","Effect":"Allow","Principal":{"AWS":[")" + central + R"("]},)"
           R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket_ + R"(/reports/*"},)"
           R"({"Sid":"govd-list","Effect":"Allow","Principal":{"AWS":[")" + central + R"("]},)"
           R"("Action":"s3:ListBucket","Resource":"arn:aws:s3:::)" + bucket_ + R"(",)"
           R"("Condition":{"StringLike":{"s3:prefix":"reports/*"}}}]})";
  }

  // How the central tenant names la1's bucket on RadosGW (path-style only).
  std::string CrossTenantName() const { return env_.at("RGW_LA1_ACCOUNT") + ":" + bucket_; }
  S3BucketRef CrossTenantBucket() const { return {CrossTenantName(), std::nullopt}; }
  S3Client& central() { return central_; }
  S3Client& la1() { return la1_; }
  const std::string& bucket() const { return bucket_; }
  const RgwEnv& env() const { return env_; }

 private:
  static std::string UniqueSuffix() {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1'000'000'000);
  }

  StaticCredentialsProvider Keys(const std::string& who) {
    return StaticCredentialsProvider(
        AwsCredentials{signer::Credentials(env_[who + "_ACCESS_KEY"], env_[who + "_SECRET_KEY"]), std::nullopt});
  }

  S3Client Client(CredentialsProvider& keys) {
    return S3Client(ParseEndpointUrl(env_["RGW_ENDPOINT"], "s3", "us-east-1").value(),
                    AwsCallerDeps{transport_, retry_, time_, &keys}, S3ClientOptions{.path_style = true});
  }

  RgwEnv env_;
  CurlTransport transport_;
  SystemClock time_;
  SeededRandom random_{11};
  RetryStrategy retry_{RetryOptions{}, random_};
  StaticCredentialsProvider la1_keys_;
  StaticCredentialsProvider central_keys_;
  std::string bucket_;
  S3BucketRef owned_;
  S3Client la1_;
  S3Client central_;
};

}  // namespace govd::accounts::testing

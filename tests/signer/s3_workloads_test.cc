// The three S3/STS workloads of s3-workloads.json (A: S3 GET with a session token and
// UNSIGNED-PAYLOAD, B: STS AssumeRole form POST, C: presigned S3 GET): our outputs must equal
// the outputs four independent signers agree on, byte for byte.
#include <gtest/gtest.h>

#include <string>

#include "signer/canonical_request.h"
#include "signer/signature.h"
#include "tests/signer/conformance.h"

namespace govd::signer {
namespace {

using testing::ParseJson;
using testing::ReadFile;
using testing::SigV4Dir;

class S3WorkloadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto text = ReadFile(SigV4Dir() / "s3-workloads.json");
    if (!text) GTEST_SKIP() << "no s3-workloads.json in " << SigV4Dir();
    root_ = ParseJson(*text);
    ASSERT_TRUE(root_.isObject());
  }

  const Json::Value& Workload(const char* name) const { return root_["workloads"][name]; }

  SignableRequest Request(const Json::Value& w) {
    body_ = w["body"].asString();
    SignableRequest request;
    request.method = w["method"].asString();
    request.path = w["path"].asString();
    for (const auto& h : w["headers"]) request.headers.push_back({h[0].asString(), h[1].asString()});
    request.body = body_;
    return request;
  }

  // The workloads list the headers the caller sends: x-amz-content-sha256 is among them when
  // it is signed, so the signer is not asked to add it.
  SigningParams Params(const Json::Value& w) const {
    SigningParams params = ServiceSigningParams(w["service"].asString(), w["region"].asString(),
                                                root_["amz_date"].asString());
    params.double_uri_encode = w["double_uri_encode"].asBool();
    params.normalize_path = w["normalize_path"].asBool();
    params.payload = w["payload_hash"].asString() == kUnsignedPayload ? PayloadMode::kUnsignedPayload
                                                                      : PayloadMode::kHashBody;
    return params;
  }

  Credentials Creds(const Json::Value& w) const {
    return {root_["access_key_id"].asString(), root_["secret_access_key"].asString(),
            w["session_token"].isString() ? w["session_token"].asString() : ""};
  }

  void CheckHeaderWorkload(const char* name) {
    const Json::Value& w = Workload(name);
    ASSERT_EQ(w["mode"].asString(), "header");
    SigningKeyCache cache;
    SigningTrace trace;
    auto signed_headers = SignHeaders(Request(w), Params(w), Creds(w), &cache, &trace);
    ASSERT_TRUE(signed_headers) << signed_headers.error().ToString();
    EXPECT_EQ(signed_headers->signed_header_names, w["expected_signed_headers"].asString());
    EXPECT_EQ(signed_headers->authorization(), w["expected"]["authorization"].asString());
    EXPECT_TRUE(trace.canonical_request.ends_with("\n" + w["payload_hash"].asString()));
  }

  Json::Value root_;
  std::string body_;
};

TEST_F(S3WorkloadsTest, AS3GetWithSessionTokenUnsignedPayload) { CheckHeaderWorkload("A"); }

TEST_F(S3WorkloadsTest, BStsAssumeRoleFormPost) { CheckHeaderWorkload("B"); }

TEST_F(S3WorkloadsTest, CPresignedS3Get) {
  const Json::Value& w = Workload("C");
  ASSERT_EQ(w["mode"].asString(), "query");
  SigningKeyCache cache;
  auto presigned = Presign(Request(w), Params(w), Creds(w), w["expires"].asInt64(), &cache);
  ASSERT_TRUE(presigned) << presigned.error().ToString();
  EXPECT_EQ(presigned->signature, w["expected"]["x_amz_signature"].asString());
  EXPECT_EQ(presigned->params_to_add[3].value, w["expected_signed_headers"].asString());
  const std::string url = presigned->Url(w["scheme"].asString());
  EXPECT_TRUE(url.starts_with("https://" + w["host"].asString() + w["path"].asString() + "?"));
  EXPECT_TRUE(url.ends_with("&X-Amz-Signature=" + presigned->signature)) << url;
  EXPECT_NE(url.find("&X-Amz-Security-Token=" + UriEncode(w["session_token"].asString())),
            std::string::npos);
}

}  // namespace
}  // namespace govd::signer

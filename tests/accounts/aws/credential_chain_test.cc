// The credential chain, one source at a time: environment, web identity token file, shared
// profiles (static keys, AWS_PROFILE, role_arn + source_profile via STS), ECS container
// credentials and IMDSv2. A local HTTP server on a loopback port plays STS, ECS and IMDS; the
// shared files live in a temporary HOME.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "accounts/aws/caching_credentials_provider.h"
#include "accounts/aws/credential_chain.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/shared_config.h"
#include "tests/accounts/aws/local_http_server.h"
#include "tests/base/fake_clock.h"

namespace govd::accounts {
namespace {

using testing::CannedResponse;
using govd::testing::FakeClock;
using testing::LocalHttpServer;
using govd::testing::FixedRandom;
using testing::ReceivedRequest;

constexpr char kExpiration[] = "2030-01-01T00:00:00Z";

std::string StsCredentialsXml(const std::string& action, const std::string& key) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
         "Result><Credentials><AccessKeyId>" + key +
         "</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>" +
         kExpiration + "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/r/s"
         "</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></" + action + "Result></" + action +
         "Response>";
}

std::string CredentialsJson(const std::string& key) {
  return R"({"Code":"Success","AccessKeyId":")" + key +
         R"(","SecretAccessKey":"s3cr3t","Token":"tok","Expiration":")" + kExpiration + "\"}";
}

class CredentialChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::path(::testing::TempDir()) /
            ("govd-home-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void WriteFile(const std::string& relative, const std::string& text) {
    std::ofstream(home_ / relative) << text;
  }

  CredentialSourceDeps Deps(const std::string& sts_url = "http://127.0.0.1:1") {
    auto env = env_;
    return {[env](std::string_view name) -> std::optional<std::string> {
              auto it = env.find(std::string(name));
              return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
            },
            transport_, retry_, time_, ParseEndpointUrl(sts_url, "sts", "us-east-1").value()};
  }

  std::string KeyOf(CredentialsProvider& provider) {
    auto credentials = provider.Resolve();
    return credentials ? credentials->keys.access_key_id() : "error: " + credentials.error().ToString();
  }

  std::filesystem::path home_;
  std::map<std::string, std::string> env_;
  CurlTransport transport_;
  FakeClock time_{std::chrono::system_clock::now()};
  FixedRandom random_{1.0};  // every jittered delay is its ceiling
  RetryStrategy retry_{RetryOptions{.max_attempts = 1}, random_};
};

TEST_F(CredentialChainTest, EnvironmentVariables) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_SESSION_TOKEN"] = "env-token";
  WriteFile(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = x\n");
  auto chain = MakeDefaultCredentialChain(Deps());
  auto credentials = chain->Resolve();
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->keys.access_key_id(), "AKIAENV");  // the environment comes first
  EXPECT_EQ(credentials->keys.session_token(), "env-token");
}

TEST_F(CredentialChainTest, HalfSetEnvironmentIsAnErrorWithoutTheSecret) {
  env_["AWS_SECRET_ACCESS_KEY"] = "very-secret-value";
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(credentials.error().ToString().find("very-secret-value"), std::string::npos);
}

TEST_F(CredentialChainTest, WebIdentityTokenFileIsSentUnsignedToSts) {
  LocalHttpServer sts([](const ReceivedRequest&) {
    return CannedResponse{200, StsCredentialsXml("AssumeRoleWithWebIdentity", "ASIAWEB"), {}};
  });
  WriteFile("token", "eyJ.web.token\n");
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home_ / "token").string();
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::222222222222:role/web";
  env_["AWS_ROLE_SESSION_NAME"] = "pod 1";
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps(sts.url()))), "ASIAWEB");
  ASSERT_EQ(sts.requests().size(), 1U);
  const auto request = sts.requests()[0];
  EXPECT_NE(request.body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_TRUE(request.body.ends_with("&WebIdentityToken=eyJ.web.token")) << request.body;
  EXPECT_NE(request.body.find("RoleSessionName=pod%201"), std::string::npos);
  EXPECT_EQ(request.head.find("Authorization:"), std::string::npos);
}

TEST_F(CredentialChainTest, SharedFilesWithAwsProfile) {
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n"
            "# comment\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=o\naws_session_token=t\n");
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps())), "AKIADEFAULT");
  env_["AWS_PROFILE"] = "ops";
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps())), "AKIAOPS");
}

TEST_F(CredentialChainTest, RoleArnWithSourceProfileChainsThroughSts) {
  std::vector<std::string> callers;
  LocalHttpServer sts([&](const ReceivedRequest& request) {
    return CannedResponse{200, StsCredentialsXml("AssumeRole", request.body.find("role%2Fsecond") != std::string::npos
                                                                  ? "ASIASECOND" : "ASIAFIRST"), {}};
  });
  WriteFile(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n");
  WriteFile(".aws/config",
            "[profile first]\nrole_arn = arn:aws:iam::222222222222:role/first\nsource_profile = base\n"
            "external_id = ext-1\n"
            "[profile second]\nrole_arn = arn:aws:iam::333333333333:role/second\nsource_profile = first\n"
            "role_session_name = govd-test\n");
  env_["AWS_PROFILE"] = "second";
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps(sts.url()))), "ASIASECOND");
  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 2U);
  // base's keys assume "first"; first's session assumes "second".
  EXPECT_NE(requests[0].head.find("Credential=AKIABASE/"), std::string::npos);
  EXPECT_NE(requests[0].body.find("ExternalId=ext-1"), std::string::npos);
  EXPECT_NE(requests[1].head.find("Credential=ASIAFIRST/"), std::string::npos);
  EXPECT_NE(requests[1].head.find("X-Amz-Security-Token: tok"), std::string::npos);
  EXPECT_NE(requests[1].body.find("RoleSessionName=govd-test"), std::string::npos);
}

TEST_F(CredentialChainTest, SourceProfileLoopIsRejected) {
  WriteFile(".aws/config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                           "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n");
  env_["AWS_PROFILE"] = "a";
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CredentialChainTest, EcsContainerCredentialsWithAuthorizationTokenFile) {
  LocalHttpServer ecs([](const ReceivedRequest&) { return CannedResponse{200, CredentialsJson("ASIAECS"), {}}; });
  WriteFile("ecs-token", "Bearer abc\n");
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/v2/credentials/x";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (home_ / "ecs-token").string();
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->keys.access_key_id(), "ASIAECS");
  EXPECT_EQ(credentials->keys.session_token(), "tok");
  ASSERT_TRUE(credentials->expiration);
  ASSERT_EQ(ecs.requests().size(), 1U);
  EXPECT_EQ(ecs.requests()[0].target, "/v2/credentials/x");
  EXPECT_NE(ecs.requests()[0].head.find("Authorization: Bearer abc"), std::string::npos);
}

TEST_F(CredentialChainTest, EcsFullUriMustBeLoopbackOrHttps) {
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CredentialChainTest, ImdsV2FetchesASessionTokenFirst) {
  LocalHttpServer imds([](const ReceivedRequest& request) {
    if (request.method == "PUT" && request.target == "/latest/api/token") return CannedResponse{200, "imds-token", {}};
    if (request.head.find("X-aws-ec2-metadata-token: imds-token") == std::string::npos) return CannedResponse{401, "", {}};
    if (request.target == "/latest/meta-data/iam/security-credentials/") return CannedResponse{200, "govd-role", {}};
    if (request.target == "/latest/meta-data/iam/security-credentials/govd-role") {
      return CannedResponse{200, CredentialsJson("ASIAIMDS"), {}};
    }
    return CannedResponse{404, "", {}};
  });
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps())), "ASIAIMDS");
  auto requests = imds.requests();
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_NE(requests[0].head.find("X-aws-ec2-metadata-token-ttl-seconds: 21600"), std::string::npos);
}

TEST_F(CredentialChainTest, NothingConfiguredIsNotFound) {
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(credentials.error().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

// Counts calls; hands out credentials that expire an hour after "now".
class CountingProvider final : public CredentialsProvider {
 public:
  explicit CountingProvider(const Clock& time) : time_(time) {}
  Result<AwsCredentials> Resolve() override {
    int n = ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a slow AssumeRole
    return AwsCredentials{signer::Credentials("ASIA" + std::to_string(n), "s", "t"),
                          time_.Now() + std::chrono::hours(1)};
  }
  std::string Name() const override { return "counting"; }
  std::atomic<int> calls{0};

 private:
  const Clock& time_;
};

TEST(CachingCredentialsProviderTest, ConcurrentUsersShareOneRefresh) {
  FakeClock time{std::chrono::system_clock::now()};
  auto inner = std::make_unique<CountingProvider>(time);
  CountingProvider* counting = inner.get();
  CachingCredentialsProvider cache(std::move(inner), time);
  std::vector<std::thread> users;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    users.emplace_back([&] { ok += cache.Resolve() ? 1 : 0; });
  }
  for (auto& user : users) user.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(counting->calls, 1);

  time.Advance(std::chrono::minutes(50));  // 10 minutes left: still fresh
  EXPECT_EQ(cache.Resolve()->keys.access_key_id(), "ASIA1");
  time.Advance(std::chrono::minutes(6));  // 4 minutes left: refreshed ahead of expiry
  EXPECT_EQ(cache.Resolve()->keys.access_key_id(), "ASIA2");
  EXPECT_EQ(counting->calls, 2);
}

TEST(SharedConfigTest, ParsesProfilesAndRejectsGarbage) {
  auto profiles = ParseSharedFile("[default]\nregion = eu-west-2\n[profile x]\nrole_arn = a\n", SharedFileKind::kConfig,
                                  "config");
  ASSERT_TRUE(profiles);
  EXPECT_EQ(profiles->at("default").at("region"), "eu-west-2");
  EXPECT_EQ(profiles->at("x").at("role_arn"), "a");
  auto bad = ParseSharedFile("[default]\nthis line has no equals sign\n", SharedFileKind::kConfig, "config");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where(), "config line 2");
}

}  // namespace
}  // namespace govd::accounts

// The credential chain, one source at a time: environment, web identity token file, shared
// profiles (static keys, --profile and AWS_PROFILE, role_arn + source_profile via STS, IAM
// Identity Center, credential_process), ECS container credentials and IMDSv2; and the region's
// precedence. A local HTTP server on a loopback port plays STS, the SSO portal, ECS and IMDS; the
// shared files, the SSO token cache and credential_process scripts live in a temporary HOME.
#include "accounts/aws/credential_chain.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "accounts/aws/caching_credentials_provider.h"
#include "accounts/aws/credential_process.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/region_choice.h"
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
    std::filesystem::create_directories((home_ / relative).parent_path());
    std::ofstream(home_ / relative) << text;
  }

  // An executable shell script in HOME; returns its path.
  std::string WriteScript(const std::string& name, const std::string& body) {
    WriteFile(name, "#!/bin/sh\n" + body);
    std::filesystem::permissions(home_ / name, std::filesystem::perms::owner_all);
    return (home_ / name).string();
  }

  EnvLookup Env() const {
    auto env = env_;
    return [env](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }

  CredentialSourceDeps Deps(const std::string& sts_url = "http://127.0.0.1:1") {
    return {Env(), transport_, retry_, time_, ParseEndpointUrl(sts_url, "sts", "us-east-1").value()};
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

TEST_F(CredentialChainTest, ProfileFlagWinsOverTheEnvironmentAndAwsProfile) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_PROFILE"] = "ops";
  WriteFile(".aws/credentials",
            "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = o\n"
            "[audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = a\n");
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps())),
            "AKIAOPS");  // AWS_PROFILE: not the environment's keys
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps(), "audit")), "AKIAAUDIT");
}

TEST_F(CredentialChainTest, ChosenProfileThatIsMissingStopsTheSearchNamingItAndTheFiles) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";  // would answer if the search went on
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  WriteFile(".aws/config", "[profile other]\nregion = eu-west-2\n");
  env_["AWS_PROFILE"] = "prod";
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kFailedPrecondition);
  const std::string text = credentials.error().ToString();
  EXPECT_NE(text.find("profile 'prod'"), std::string::npos) << text;
  EXPECT_NE(text.find((home_ / ".aws/config").string()), std::string::npos) << text;
  EXPECT_NE(text.find("AWS_PROFILE"), std::string::npos) << text;
}

TEST_F(CredentialChainTest, ChosenProfileWithoutCredentialsSaysWhatItLacks) {
  WriteFile(".aws/config", "[profile bare]\nregion = eu-west-2\n");
  auto credentials = MakeDefaultCredentialChain(Deps(), "bare")->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kFailedPrecondition);
  const std::string text = credentials.error().ToString();
  EXPECT_NE(text.find("profile 'bare'"), std::string::npos) << text;
  EXPECT_NE(text.find("credential_process"), std::string::npos) << text;
  EXPECT_NE(text.find("--profile"), std::string::npos) << text;
}

TEST_F(CredentialChainTest, MissingSourceProfileOfTheDefaultProfileIsAnErrorNotTheNextSource) {
  WriteFile(".aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = gone\n");
  auto credentials = MakeDefaultCredentialChain(Deps())->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(credentials.error().ToString().find("profile 'gone'"), std::string::npos);
}

constexpr char kSsoConfig[] =
    "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = "
    "eu-west-2\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
    "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\n"
    "sso_account_id = 444455556666\nsso_role_name = Admin\n";
// sha1("corp") and sha1("https://legacy.awsapps.com/start"), as the AWS CLI names its cache files.
constexpr char kCorpCache[] = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
constexpr char kLegacyCache[] = ".aws/sso/cache/79e435d7a515078e81c9dffc35f38d5687ebd3a7.json";

std::string SsoToken(const std::string& expires_at) {
  return R"({"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"sso-bearer-token",)"
         R"("expiresAt":")" +
         expires_at + "\"}";
}

CannedResponse Portal(const ReceivedRequest& request) {
  if (request.head.find("x-amz-sso_bearer_token: sso-bearer-token") == std::string::npos)
    return {401, "{}", {}};
  const bool legacy = request.target.find("role_name=Admin") != std::string::npos;
  return {200,
          std::string(R"({"roleCredentials":{"accessKeyId":")") + (legacy ? "ASIALEGACY" : "ASIASSO") +
              R"(","secretAccessKey":"sso-secret","sessionToken":"sso-session","expiration":1893456000000}})",
          {}};
}

TEST_F(CredentialChainTest, SsoSessionProfileExchangesTheCachedTokenAtThePortal) {
  LocalHttpServer portal(Portal);
  WriteFile(".aws/config", kSsoConfig);
  WriteFile(kCorpCache, SsoToken("2099-01-01T00:00:00Z"));
  env_["AWS_ENDPOINT_URL_SSO"] = portal.url();
  auto credentials = MakeDefaultCredentialChain(Deps(), "dev")->Resolve();
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->keys.access_key_id(), "ASIASSO");
  EXPECT_EQ(credentials->keys.session_token(), "sso-session");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*credentials->expiration), 1893456000);  // 2030-01-01
  ASSERT_EQ(portal.requests().size(), 1U);
  EXPECT_EQ(portal.requests()[0].method, "GET");
  EXPECT_EQ(portal.requests()[0].target,
            "/federation/credentials?role_name=ReadOnly&account_id=111122223333");
}

TEST_F(CredentialChainTest, LegacySsoProfileFindsItsTokenByTheStartUrl) {
  LocalHttpServer portal(Portal);
  WriteFile(".aws/config", kSsoConfig);
  WriteFile(kLegacyCache, SsoToken("2099-01-01T00:00:00UTC"));  // the older CLI's form
  env_["AWS_ENDPOINT_URL_SSO"] = portal.url();
  env_["AWS_PROFILE"] = "legacy";
  EXPECT_EQ(KeyOf(*MakeDefaultCredentialChain(Deps())), "ASIALEGACY");
}

TEST_F(CredentialChainTest, ExpiredOrMissingSsoTokenSaysToLogInAndCallsNobody) {
  LocalHttpServer portal(Portal);
  WriteFile(".aws/config", kSsoConfig);
  env_["AWS_ENDPOINT_URL_SSO"] = portal.url();
  auto missing = MakeDefaultCredentialChain(Deps(), "dev")->Resolve();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().ToString().find("aws sso login --profile dev"), std::string::npos)
      << missing.error().ToString();
  WriteFile(kCorpCache, SsoToken("2020-01-01T00:00:00Z"));
  auto expired = MakeDefaultCredentialChain(Deps(), "dev")->Resolve();
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), ErrorCode::kFailedPrecondition);
  const std::string text = expired.error().ToString();
  EXPECT_NE(text.find("expired at 2020-01-01T00:00:00Z"), std::string::npos) << text;
  EXPECT_NE(text.find("aws sso login --profile dev"), std::string::npos) << text;
  EXPECT_EQ(text.find("sso-bearer-token"), std::string::npos) << text;
  EXPECT_TRUE(portal.requests().empty());
}

TEST_F(CredentialChainTest, SsoTokenRefusedByThePortalSaysToLogIn) {
  LocalHttpServer portal([](const ReceivedRequest&) { return CannedResponse{401, "{}", {}}; });
  WriteFile(".aws/config", kSsoConfig);
  WriteFile(kCorpCache, SsoToken("2099-01-01T00:00:00Z"));
  env_["AWS_ENDPOINT_URL_SSO"] = portal.url();
  auto credentials = MakeDefaultCredentialChain(Deps(), "dev")->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(credentials.error().ToString().find("aws sso login --profile dev"), std::string::npos);
  EXPECT_EQ(credentials.error().ToString().find("sso-bearer-token"), std::string::npos);
}

TEST_F(CredentialChainTest, IncompleteSsoProfilesNameTheMissingKey) {
  WriteFile(
      ".aws/config",
      "[profile a]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
      "[profile b]\nsso_session = nowhere\n"
      "[profile c]\nsso_start_url = https://c.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\n"
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n");
  const std::map<std::string, std::string> expected = {
      {"a", "[sso-session corp] in " + (home_ / ".aws/config").string() + " has no sso_region"},
      {"b", "no [sso-session nowhere] section"},
      {"c", "profile 'c' in " + (home_ / ".aws/config").string() + " has no sso_role_name"}};
  for (const auto& [profile, text] : expected) {
    auto credentials = MakeDefaultCredentialChain(Deps(), profile)->Resolve();
    ASSERT_FALSE(credentials) << profile;
    EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument) << profile;
    EXPECT_NE(credentials.error().ToString().find(text), std::string::npos)
        << credentials.error().ToString() << " lacks " << text;
  }
}

TEST_F(CredentialChainTest, SsoPortalOverrideMustBeHttpsOrLoopback) {
  WriteFile(".aws/config", kSsoConfig);
  WriteFile(kCorpCache, SsoToken("2099-01-01T00:00:00Z"));
  env_["AWS_ENDPOINT_URL_SSO"] = "http://portal.example.com";
  auto credentials = MakeDefaultCredentialChain(Deps(), "dev")->Resolve();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().where(), "AWS_ENDPOINT_URL_SSO");
}

TEST_F(CredentialChainTest, CredentialProcessVersion1) {
  std::string script =
      WriteScript("creds helper.sh",
                  "[ \"$1\" = 'two words' ] || exit 9\n"
                  "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": "
                  "\"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": "
                  "\"2030-01-01T00:00:00Z\"}'\n");
  WriteFile(".aws/config", "[profile proc]\ncredential_process = '" + script + "' \"two words\"\n");
  auto credentials = MakeDefaultCredentialChain(Deps(), "proc")->Resolve();
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(credentials->keys.access_key_id(), "ASIAPROC");
  EXPECT_EQ(credentials->keys.session_token(), "proc-token");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*credentials->expiration), 1893456000);
}

TEST_F(CredentialChainTest, CredentialProcessFailureShowsNeitherItsStderrNorItsOutput) {
  std::string script = WriteScript("fails.sh",
                                   "echo 'stderr-secret-value' >&2\necho '{\"SecretAccessKey\": "
                                   "\"stdout-secret-value\"}'\nexit 3\n");
  WriteFile(".aws/config", "[profile proc]\ncredential_process = " + script + " --token arg-secret-value\n");
  auto credentials = MakeDefaultCredentialChain(Deps(), "proc")->Resolve();
  ASSERT_FALSE(credentials);
  const std::string text = credentials.error().ToString();
  EXPECT_NE(text.find("exited with status 3"), std::string::npos) << text;
  EXPECT_NE(text.find("profile proc"), std::string::npos) << text;
  for (const char* secret : {"stderr-secret-value", "stdout-secret-value", "arg-secret-value"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
  }
}

TEST_F(CredentialChainTest, CredentialProcessIsKilledAfterItsTimeoutAndItsOutputIsBounded) {
  std::string sleeper = WriteScript("sleeps.sh", "exec sleep 60\n");
  auto slow = RunCredentialProcess(sleeper, "profile slow", {.timeout = std::chrono::milliseconds(300)});
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code(), ErrorCode::kDeadlineExceeded) << slow.error().ToString();
  std::string chatty = WriteScript("chatty.sh", "head -c 200000 /dev/zero\n");
  auto big = RunCredentialProcess(chatty, "profile chatty");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted) << big.error().ToString();
  EXPECT_NE(big.error().message().find("65536 bytes"), std::string::npos);
  auto absent = RunCredentialProcess((home_ / "no-such-program").string(), "profile absent");
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().message().find("cannot run"), std::string::npos) << absent.error().ToString();
}

TEST_F(CredentialChainTest, CredentialProcessInheritsNoDescriptorOfOurs) {
  const int ours = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(ours, 3);
  std::string script = WriteScript(
      "fds.sh", "[ -e /proc/self/fd/" + std::to_string(ours) +
                    " ] && exit 7\n"
                    "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n");
  auto credentials = RunCredentialProcess(script, "profile fds");
  ::close(ours);
  EXPECT_TRUE(credentials) << credentials.error().ToString();
}

TEST(CredentialProcessTest, OutputMustBeVersion1WithKeys) {
  EXPECT_TRUE(ParseCredentialProcessOutput(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})", "p"));
  for (const char* bad :
       {R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"})",
        R"({"AccessKeyId":"A","SecretAccessKey":"S"})", R"({"Version":1,"AccessKeyId":"A"})",
        R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"})", "[1]", "not json"}) {
    auto parsed = ParseCredentialProcessOutput(bad, "profile p");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(CredentialProcessTest, SplitsWordsLikeAPosixShellWithoutExpanding) {
  auto words = SplitCommandWords(R"(/bin/helper --a 'b c' "d \"e\" $HOME" f\ g)", "p");
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (std::vector<std::string>{"/bin/helper", "--a", "b c", "d \"e\" $HOME", "f g"}));
  EXPECT_FALSE(SplitCommandWords("helper 'open", "p"));
  EXPECT_FALSE(SplitCommandWords("helper \"open", "p"));
  EXPECT_FALSE(SplitCommandWords("   ", "p"));
}

TEST_F(CredentialChainTest, RegionFollowsTheAwsCliPrecedence) {
  WriteFile(".aws/config", "[default]\nregion = eu-west-2\n[profile ops]\nregion = eu-central-1\n");
  auto region = [&](std::string_view flag, std::string_view profile) {
    auto choice = ChooseRegion(Env(), flag, profile);
    EXPECT_TRUE(choice) << choice.error().ToString();
    return choice && *choice ? (*choice)->region + " from " + (*choice)->chosen_by : std::string("none");
  };
  EXPECT_EQ(region("", ""), "eu-west-2 from profile default");
  EXPECT_EQ(region("", "ops"), "eu-central-1 from profile ops");
  env_["AWS_PROFILE"] = "ops";
  EXPECT_EQ(region("", ""), "eu-central-1 from profile ops");
  env_["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(region("", "ops"), "us-west-1 from AWS_DEFAULT_REGION");
  env_["AWS_REGION"] = "ap-south-1";
  EXPECT_EQ(region("", "ops"), "ap-south-1 from AWS_REGION");
  EXPECT_EQ(region("sa-east-1", "ops"), "sa-east-1 from --region");
  env_.clear();
  env_["HOME"] = home_.string();
  EXPECT_EQ(region("", "nowhere"), "none");
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
  auto file = ParseSharedFile(
      "[default]\nregion = eu-west-2\n[profile x]\nrole_arn = a\n"
      "[sso-session corp]\nsso_region = eu-west-1\n",
      SharedFileKind::kConfig, "config");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->profiles.at("default").at("region"), "eu-west-2");
  EXPECT_EQ(file->profiles.at("x").at("role_arn"), "a");
  EXPECT_EQ(file->sso_sessions.at("corp").at("sso_region"), "eu-west-1");
  EXPECT_FALSE(file->profiles.contains("sso-session corp"));
  auto bad = ParseSharedFile("[default]\nthis line has no equals sign\n", SharedFileKind::kConfig, "config");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where(), "config line 2");
}

// A FIFO or a directory where an AWS file is expected is refused at once, naming the path; it
// never blocks the chain (a FIFO with no writer would hang an open for reading forever).
TEST(SharedConfigTest, AFifoOrADirectoryAsAnAwsFileIsRefusedAtOnce) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "aws-file-kinds";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string fifo = (dir / "config").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {fifo, dir.string()}) {
    auto text = ReadAwsFile(path, 1024);
    ASSERT_FALSE(text) << path;
    EXPECT_EQ(text.error().code(), ErrorCode::kInvalidArgument) << text.error().ToString();
    EXPECT_NE(text.error().ToString().find(path), std::string::npos) << text.error().ToString();
  }
  EXPECT_FALSE(ReadAwsFile((dir / "absent").string(), 1024)->has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace govd::accounts

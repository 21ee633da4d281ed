// Runs the govctl binary: `govctl sign` must print the suite's and the S3 workloads' expected
// signatures, refuse bad input with exit code 2 and a clear message, and never print the secret.
// It finds credentials as the AWS CLI does (--profile, AWS_PROFILE, static keys, SSO through a
// loopback portal, credential_process) in a temporary HOME; the instance metadata is disabled.
#include <gtest/gtest.h>
#include <json/json.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/accounts/aws/local_http_server.h"

namespace govd::daemon {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::filesystem::path SigV4Dir() {
  const char* env = std::getenv("GOVD_CONFORMANCE_DIR");
  return std::filesystem::path(env != nullptr && *env != '\0' ? env : GOVD_CONFORMANCE_DIR_DEFAULT) /
         "sigv4";
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct GovctlRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// An empty HOME of its own for each test (no ~/.aws of the person running the tests).
std::filesystem::path TestHome() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::filesystem::temp_directory_path() /
         ("govctl-sign-home-" + std::to_string(getpid()) + "-" + test->name());
}

// Runs govctl with the given environment assignments (VAR=value, unset otherwise), HOME set to
// TestHome() and no instance metadata service.
GovctlRun Govctl(const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::string command =
      "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE";
  for (const char* name :
       {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL_SSO"}) {
    command += std::string(" -u ") + name;
  }
  command += " AWS_EC2_METADATA_DISABLED=true HOME=" + Quote(TestHome().string());
  for (const auto& e : env) command += " " + Quote(e);
  command += " " + Quote(GOVCTL_PATH);
  for (const auto& a : args) command += " " + Quote(a);
  command += " 2>&1";
  GovctlRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  for (int c = std::fgetc(pipe); c != EOF; c = std::fgetc(pipe)) run.output.push_back(static_cast<char>(c));
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  EXPECT_EQ(run.output.find(kSecret), std::string::npos) << "the secret was printed";
  return run;
}

const std::vector<std::string> kExampleCreds = {"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
                                                std::string("AWS_SECRET_ACCESS_KEY=") + kSecret};

Json::Value Workloads() {
  std::ifstream in(SigV4Dir() / "s3-workloads.json");
  Json::Value root;
  if (in) Json::parseFromStream(Json::CharReaderBuilder(), in, &root, nullptr);
  return root;
}

TEST(GovctlSignTest, PrintsTheSuitesAuthorizationForGetVanilla) {
  std::ifstream in(SigV4Dir() / "v4" / "get-vanilla" / "header-signed-request.txt");
  if (!in) GTEST_SKIP() << "no SigV4 suite in " << SigV4Dir();
  std::string line;
  std::string expected;
  while (std::getline(in, line)) {
    if (line.starts_with("Authorization:")) expected = "Authorization: " + line.substr(14);
  }
  const GovctlRun run = Govctl(kExampleCreds, {"sign", "--method", "GET", "--url", "https://example.amazonaws.com/",
                                         "--service", "service", "--region", "us-east-1", "--date",
                                         "20150830T123600Z"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(expected + "\n"), std::string::npos) << run.output;
}

// The example credentials plus the workload's session token.
std::vector<std::string> EnvWithToken(const Json::Value& workload) {
  std::vector<std::string> env = kExampleCreds;
  env.push_back("AWS_SESSION_TOKEN=" + workload["session_token"].asString());
  return env;
}

TEST(GovctlSignTest, WorkloadAWithServiceAndRegionFromTheHost) {
  const Json::Value root = Workloads();
  if (!root.isObject()) GTEST_SKIP() << "no s3-workloads.json in " << SigV4Dir();
  const Json::Value& a = root["workloads"]["A"];
  const GovctlRun run = Govctl(EnvWithToken(a), {"sign", "--method", "GET", "--url",
                               "https://" + a["host"].asString() + a["path"].asString(),
                               "--unsigned-payload", "--date", root["amz_date"].asString()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("Authorization: " + a["expected"]["authorization"].asString() + "\n"),
            std::string::npos)
      << run.output;
}

TEST(GovctlSignTest, WorkloadBWithHeadersAndBodyFile) {
  const Json::Value root = Workloads();
  if (!root.isObject()) GTEST_SKIP() << "no s3-workloads.json in " << SigV4Dir();
  const Json::Value& b = root["workloads"]["B"];
  const auto body_file = std::filesystem::temp_directory_path() / ("govctl_sign_body_" + std::to_string(getpid()));
  std::ofstream(body_file, std::ios::binary) << b["body"].asString();
  std::vector<std::string> args = {"sign", "--method", "POST", "--url", "https://" + b["host"].asString() + "/",
                                   "--body-file", body_file.string(), "--date", root["amz_date"].asString()};
  for (const auto& h : b["headers"]) {
    if (h[0].asString() != "host") args.insert(args.end(), {"--header", h[0].asString() + ":" + h[1].asString()});
  }
  const GovctlRun run = Govctl(kExampleCreds, args);
  std::filesystem::remove(body_file);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("Authorization: " + b["expected"]["authorization"].asString() + "\n"),
            std::string::npos)
      << run.output;
}

// --output json: the same signature as the text, for scripts: the headers in order, Authorization
// last; a presigned URL as {"url"}.
TEST(GovctlSignTest, JsonOutputCarriesTheSameSignature) {
  const Json::Value root = Workloads();
  if (!root.isObject()) GTEST_SKIP() << "no s3-workloads.json in " << SigV4Dir();
  const Json::Value& a = root["workloads"]["A"];
  const std::string url = "https://" + a["host"].asString() + a["path"].asString();
  const std::vector<std::string> args = {"sign", "--method", "GET", "--url", url, "--date", root["amz_date"].asString()};
  const GovctlRun text = Govctl(kExampleCreds, args);
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--output", "json"});
  const GovctlRun as_json = Govctl(kExampleCreds, json_args);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  ASSERT_EQ(as_json.exit_code, 0) << as_json.output;
  Json::Value parsed;
  std::istringstream in(as_json.output);
  ASSERT_TRUE(Json::parseFromStream(Json::CharReaderBuilder(), in, &parsed, nullptr)) << as_json.output;
  ASSERT_TRUE(parsed["headers"].isArray() && !parsed["headers"].empty()) << as_json.output;
  std::string lines;
  for (const auto& header : parsed["headers"]) lines += header["name"].asString() + ": " + header["value"].asString() + "\n";
  EXPECT_EQ(lines, text.output);
  EXPECT_EQ(parsed["headers"][parsed["headers"].size() - 1]["name"].asString(), "Authorization");

  std::vector<std::string> presign_args = json_args;
  presign_args.insert(presign_args.end(), {"--presign", "60"});
  const GovctlRun presigned = Govctl(kExampleCreds, presign_args);
  ASSERT_EQ(presigned.exit_code, 0) << presigned.output;
  std::istringstream presigned_in(presigned.output);
  ASSERT_TRUE(Json::parseFromStream(Json::CharReaderBuilder(), presigned_in, &parsed, nullptr)) << presigned.output;
  EXPECT_TRUE(parsed["url"].asString().starts_with(url + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&")) << presigned.output;
}

TEST(GovctlSignTest, WorkloadCPresignedUrl) {
  const Json::Value root = Workloads();
  if (!root.isObject()) GTEST_SKIP() << "no s3-workloads.json in " << SigV4Dir();
  const Json::Value& c = root["workloads"]["C"];
  const std::string url = "https://" + c["host"].asString() + c["path"].asString();
  const GovctlRun run = Govctl(EnvWithToken(c), {"sign", "--method", "GET", "--url", url, "--presign",
                               std::to_string(c["expires"].asInt()), "--date", root["amz_date"].asString()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with(url + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&")) << run.output;
  EXPECT_TRUE(run.output.ends_with("&X-Amz-Signature=" + c["expected"]["x_amz_signature"].asString() + "\n"))
      << run.output;
}

TEST(GovctlSignTest, MissingCredentialsExitTwo) {
  const GovctlRun run = Govctl({}, {"sign", "--method", "GET", "--url", "https://sts.amazonaws.com/"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("AWS_ACCESS_KEY_ID"), std::string::npos) << run.output;
}

TEST(GovctlSignTest, BadInputExitsTwoNamingTheProblem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--method", "GET", "--url", "ftp://example.com/"}, "--url"},
      {{"--method", "GET", "--url", "https:///nohost"}, "--url"},
      {{"--method", "GET", "--url", "https://example.com/"}, "--service and --region"},
      {{"--method", "GET", "--url", "https://sts.amazonaws.com/", "--date", "2026-11-24"}, "amz_date"},
      {{"--method", "GET", "--url", "https://s3.amazonaws.com/b/k", "--presign", "604801"}, "X-Amz-Expires"},
      {{"--method", "GET", "--url", "https://sts.amazonaws.com/", "--header", "nocolon"}, "--header"},
      {{"--method", "GET", "--url", "https://sts.amazonaws.com/", "--body-file", "/nonexistent/x"}, "--body-file"},
      {{"--url", "https://sts.amazonaws.com/"}, "--method"},
  };
  for (const auto& [args, expected] : cases) {
    std::vector<std::string> full = {"sign"};
    full.insert(full.end(), args.begin(), args.end());
    const GovctlRun run = Govctl(kExampleCreds, full);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
  }
}

TEST(GovctlSignTest, WithoutDateUsesTheClockAndStillSigns) {
  const GovctlRun run = Govctl(kExampleCreds, {"sign", "--method", "GET", "--url", "https://iam.amazonaws.com/?Action=ListUsers"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("/us-east-1/iam/aws4_request"), std::string::npos) << run.output;
}

// Writes `text` to HOME/relative, creating folders.
void WriteHomeFile(const std::string& relative, const std::string& text) {
  const auto path = TestHome() / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// Signs a fixed request (fixed date) and returns the Authorization line, or the whole output.
std::string Authorization(const std::vector<std::string>& env, std::vector<std::string> extra,
                          int* exit_code = nullptr) {
  std::vector<std::string> args = {
      "sign",   "--method",        "GET", "--url", "https://sts.amazonaws.com/?Action=GetCallerIdentity",
      "--date", "20261124T120000Z"};
  args.insert(args.end(), extra.begin(), extra.end());
  const GovctlRun run = Govctl(env, args);
  if (exit_code != nullptr) *exit_code = run.exit_code;
  const auto at = run.output.find("Authorization: ");
  return at == std::string::npos ? run.output : run.output.substr(at, run.output.find('\n', at) - at);
}

class GovctlSignProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::remove_all(TestHome());
    expected_ = Authorization(kExampleCreds, {});
    ASSERT_TRUE(expected_.starts_with("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
        << expected_;
  }
  void TearDown() override { std::filesystem::remove_all(TestHome()); }
  std::string expected_;  // the signature with the example keys from the environment
};

TEST_F(GovctlSignProfileTest, ProfileFlagAndAwsProfileSignWithThatProfilesKeys) {
  WriteHomeFile(".aws/credentials",
                std::string("[ops]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = ") + kSecret +
                    "\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n");
  EXPECT_EQ(Authorization({}, {"--profile", "ops"}), expected_);
  EXPECT_EQ(Authorization({"AWS_PROFILE=ops"}, {}), expected_);
  // The flag wins over AWS_PROFILE, and a chosen profile wins over keys in the environment.
  EXPECT_EQ(Authorization({"AWS_PROFILE=other", "AWS_ACCESS_KEY_ID=AKIAENV", "AWS_SECRET_ACCESS_KEY=e"},
                          {"--profile", "ops"}),
            expected_);
}

TEST_F(GovctlSignProfileTest, MissingProfileExitsTwoNamingTheProfileAndTheFiles) {
  int exit_code = -1;
  const std::string output = Authorization(kExampleCreds, {"--profile", "nope"}, &exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  EXPECT_NE(output.find("profile 'nope'"), std::string::npos) << output;
  EXPECT_NE(output.find((TestHome() / ".aws/config").string()), std::string::npos) << output;
  EXPECT_NE(output.find("--profile"), std::string::npos) << output;
}

TEST_F(GovctlSignProfileTest, SsoProfileThroughALoopbackPortal) {
  accounts::testing::LocalHttpServer portal([](const accounts::testing::ReceivedRequest& request) {
    if (request.head.find("x-amz-sso_bearer_token: cached-token") == std::string::npos) {
      return accounts::testing::CannedResponse{401, "{}", {}};
    }
    return accounts::testing::CannedResponse{
        200,
        std::string(R"({"roleCredentials":{"accessKeyId":"AKIDEXAMPLE","secretAccessKey":")") + kSecret +
            R"(","expiration":4102444800000}})",
        {}};
  });
  WriteHomeFile(".aws/config",
                "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n"
                "sso_role_name = ReadOnly\n[sso-session corp]\n"
                "sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n");
  // sha1("corp")
  WriteHomeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
                R"({"accessToken":"cached-token","expiresAt":"2099-01-01T00:00:00Z"})");
  EXPECT_EQ(Authorization({"AWS_ENDPOINT_URL_SSO=" + portal.url()}, {"--profile", "dev"}), expected_);
  ASSERT_EQ(portal.requests().size(), 1U);
  EXPECT_EQ(portal.requests()[0].target,
            "/federation/credentials?role_name=ReadOnly&account_id=111122223333");

  WriteHomeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
                R"({"accessToken":"cached-token","expiresAt":"2020-01-01T00:00:00Z"})");
  int exit_code = -1;
  const std::string output =
      Authorization({"AWS_ENDPOINT_URL_SSO=" + portal.url()}, {"--profile", "dev"}, &exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  EXPECT_NE(output.find("run `aws sso login --profile dev`"), std::string::npos) << output;
  EXPECT_EQ(output.find("cached-token"), std::string::npos) << output;
}

TEST_F(GovctlSignProfileTest, CredentialProcessProfile) {
  WriteHomeFile("helper.sh",
                std::string("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDEXAMPLE\", "
                            "\"SecretAccessKey\": \"") +
                    kSecret + "\"}'\n");
  std::filesystem::permissions(TestHome() / "helper.sh", std::filesystem::perms::owner_all);
  WriteHomeFile(".aws/config",
                "[default]\ncredential_process = " + (TestHome() / "helper.sh").string() + "\n");
  EXPECT_EQ(Authorization({}, {}), expected_);  // the default profile, found without being named
}

TEST_F(GovctlSignProfileTest, RegionOfTheProfileOrTheEnvironmentWhenTheHostNamesNone) {
  WriteHomeFile(".aws/config", "[default]\nregion = eu-west-2\n");
  auto scope = [](const std::vector<std::string>& env) {
    std::vector<std::string> all = kExampleCreds;
    all.insert(all.end(), env.begin(), env.end());
    const GovctlRun run = Govctl(all, {"sign", "--method", "GET", "--url", "http://127.0.0.1:7480/bucket",
                                       "--service", "s3", "--date", "20261124T120000Z"});
    const auto at = run.output.find("/20261124/");
    return at == std::string::npos ? run.output
                                   : run.output.substr(at + 10, run.output.find("/s3/", at) - at - 10);
  };
  EXPECT_EQ(scope({}), "eu-west-2");
  EXPECT_EQ(scope({"AWS_DEFAULT_REGION=us-west-1"}), "us-west-1");
  EXPECT_EQ(scope({"AWS_DEFAULT_REGION=us-west-1", "AWS_REGION=ap-south-1"}), "ap-south-1");
}

}  // namespace
}  // namespace govd::daemon

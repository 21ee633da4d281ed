// Runs the govctl binary: `govctl sign` must print the suite's and the S3 workloads' expected
// signatures, refuse bad input with exit code 2 and a clear message, and never print the secret.
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

// Runs govctl with the given environment assignments (VAR=value, unset otherwise).
GovctlRun Govctl(const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::string command = "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN";
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

}  // namespace
}  // namespace govd::daemon

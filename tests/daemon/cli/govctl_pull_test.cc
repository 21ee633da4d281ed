// `govctl pull` as a process against the RadosGW of the "rgw" fixture: the central user pulls the
// prefix la1 granted, with credentials from the environment or from a chosen profile of the
// shared credentials file (which then wins over the environment); progress lines on a non-terminal;
// exit codes 0 (done), 2 (usage), 3 (access revoked, with the message naming bucket and grant).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "accounts/pull/pull_manifest.h"
#include "daemon/api/json_body.h"
#include "tests/accounts/rgw_shared_prefix.h"

namespace govd::daemon {
namespace {

using accounts::testing::RgwSharedPrefix;

struct GovctlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class GovctlPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    shared_.emplace(*env);
    ASSERT_EQ(shared_->CreateAndGrant(), "");
    dir_ = std::filesystem::path(::testing::TempDir()) / ("govctl-pull-" + shared_->CrossTenantName());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs govctl with the central user's keys in its environment (not on its command line), then
  // the `extra_env` assignments.
  GovctlRun Run(std::vector<std::string> args,
                const std::vector<std::pair<std::string, std::string>>& extra_env = {}) {
    args.insert(args.begin(), GOVCTL_BINARY);
    std::string out = (dir_ / "stdout").string();
    std::string err = (dir_ / "stderr").string();
    pid_t pid = fork();
    if (pid == 0) {
      RedirectAndExec(args, out, err, extra_env);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
  }

  void RedirectAndExec(std::vector<std::string>& args, const std::string& out, const std::string& err,
                       const std::vector<std::pair<std::string, std::string>>& extra_env) {
    dup2(open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
    dup2(open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
    setenv("AWS_ACCESS_KEY_ID", shared_->env().at("RGW_CENTRAL_ACCESS_KEY").c_str(), 1);
    setenv("AWS_SECRET_ACCESS_KEY", shared_->env().at("RGW_CENTRAL_SECRET_KEY").c_str(), 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_PROFILE");
    for (const auto& [name, value] : extra_env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }

  std::vector<std::string> PullArgs() {
    return {"pull",  "--bucket",   shared_->CrossTenantName(), "--prefix", "reports/", "--to", (dir_ / "out").string(),
            "--endpoint", shared_->env().at("RGW_ENDPOINT"), "--grant", "g-42"};
  }

  std::optional<RgwSharedPrefix> shared_;
  std::filesystem::path dir_;
};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(GovctlPullTest, PullsThenSkipsThenReportsRevocationWithExitCode4) {
  GovctlRun first = Run(PullArgs());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("3 downloaded"), std::string::npos) << first.out;
  EXPECT_NE(first.err.find("pulled 3/3 objects"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("pulled 0/3 objects, 0 B/"), std::string::npos) << first.err;
  EXPECT_EQ(first.err.find('\r'), std::string::npos) << "a progress bar on a file";
  EXPECT_EQ(ReadFile(dir_ / "out/reports/2026/q3.csv"), "region,total\nnorth,42\n");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / accounts::kPullManifestName));
  EXPECT_EQ(first.err.find(shared_->env().at("RGW_CENTRAL_SECRET_KEY")), std::string::npos);

  GovctlRun second = Run(PullArgs());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("0 downloaded (0 B), 3 already present, 0 failed"), std::string::npos) << second.out;
  // The same facts for scripts: one JSON object and nothing else on stdout.
  GovctlRun as_json = Run(With(PullArgs(), {"--output", "json"}));
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  auto report = ParseJsonBody(as_json.out);
  ASSERT_TRUE(report) << as_json.out;
  EXPECT_EQ((*report)["outcome"].asString(), "pulled");
  EXPECT_EQ((*report)["downloaded"].asUInt64(), 0U);
  EXPECT_EQ((*report)["already_present"].asUInt64(), 3U);
  EXPECT_EQ((*report)["grant"].asString(), "g-42");
  EXPECT_TRUE((*report)["failed"].isArray() && (*report)["failed"].empty()) << as_json.out;
  GovctlRun bad_format = Run(With(PullArgs(), {"--output", "yaml"}));
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_NE(bad_format.err.find("--output: unknown format \"yaml\"; choose text or json"), std::string::npos)
      << bad_format.err;

  ASSERT_EQ(shared_->Revoke(), "");
  GovctlRun denied_json = Run(With(PullArgs(), {"--json"}));
  EXPECT_EQ(denied_json.exit_code, 4) << denied_json.err;
  auto denied = ParseJsonBody(denied_json.out);
  ASSERT_TRUE(denied) << denied_json.out;
  EXPECT_EQ((*denied)["outcome"].asString(), "denied") << denied_json.out;
  GovctlRun revoked = Run(PullArgs());
  EXPECT_EQ(revoked.exit_code, 4) << revoked.err;
  EXPECT_NE(revoked.err.find("access to " + shared_->CrossTenantName() + "/reports/ was revoked or denied (grant g-42)"),
            std::string::npos)
      << revoked.err;
  EXPECT_EQ(revoked.err.find(shared_->env().at("RGW_CENTRAL_SECRET_KEY")), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "out/reports/q1.csv"), "region,total\nnorth,1\n");
}

TEST_F(GovctlPullTest, ChosenProfileIsTheOnlySourceOfCredentials) {
  const std::string credentials = (dir_ / "credentials").string();
  std::ofstream(credentials) << "[central]\naws_access_key_id = "
                             << shared_->env().at("RGW_CENTRAL_ACCESS_KEY")
                             << "\naws_secret_access_key = " << shared_->env().at("RGW_CENTRAL_SECRET_KEY")
                             << "\n";
  const std::vector<std::pair<std::string, std::string>> env = {
      {"AWS_SHARED_CREDENTIALS_FILE", credentials},
      {"AWS_CONFIG_FILE", (dir_ / "no-config").string()},
      {"AWS_ACCESS_KEY_ID", "AKIAWRONGKEYS"},  // would be refused by RadosGW if they were used
      {"AWS_SECRET_ACCESS_KEY", "wrong"}};
  std::vector<std::string> args = PullArgs();
  args.insert(args.end(), {"--profile", "central"});
  GovctlRun run = Run(args, env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("3 downloaded"), std::string::npos) << run.out;
  EXPECT_EQ(run.err.find(shared_->env().at("RGW_CENTRAL_SECRET_KEY")), std::string::npos);

  args.back() = "nope";
  GovctlRun missing = Run(args, env);
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("profile 'nope' is in neither"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find(credentials), std::string::npos) << missing.err;
}

TEST_F(GovctlPullTest, UsageErrorsExitWith2) {
  EXPECT_EQ(Run({"pull", "--bucket", "b", "--to", "x"}).exit_code, 2);
  EXPECT_EQ(Run({"pull", "--bucket", "notanaccount:b", "--prefix", "p/", "--to", "x"}).exit_code, 2);
  GovctlRun unknown = Run({"pull", "--bucket", "b", "--prefix", "p/", "--to", "x", "--frobnicate", "1"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown option --frobnicate"), std::string::npos) << unknown.err;
  GovctlRun help = Run({"pull", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage:"), std::string::npos);
}

}  // namespace
}  // namespace govd::daemon

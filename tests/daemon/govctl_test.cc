// govctl against a real govd: tables by default, --json for machines, and exit codes scripts
// can use (0 ok, 2 usage, 3 unreachable, 4 denied).
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <json/reader.h>

#include <string>
#include <vector>

#include "tests/daemon/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

struct GovctlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// govctl is built beside govd ($GOVD_BINARY).
std::string GovctlBinary() {
  std::string govd = getenv("GOVD_BINARY");
  return govd.substr(0, govd.rfind('/') + 1) + "govctl";
}

// Runs govctl with `args`, as `uid` when given (the test must then be root).
GovctlRun RunGovctl(const std::vector<std::string>& args, std::optional<uid_t> uid = std::nullopt) {
  std::string binary = GovctlBinary();
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (uid && (setgroups(0, nullptr) != 0 || setgid(*uid) != 0 || setuid(*uid) != 0)) _exit(99);
    std::vector<char*> argv{binary.data()};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    unsetenv("GOVD_SOCKET");
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  GovctlRun run;
  run.out = testing::ReadAll(out_pipe[0], milliseconds(10'000));
  run.err = testing::ReadAll(err_pipe[0], milliseconds(1000));
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class GovctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("govd.conf"),
                       testing::MinimalConfig(dir_, "role = uid:" + std::to_string(getuid()) + " admin\n"));
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
  }

  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST_F(GovctlTest, StatusTable) {
  GovctlRun run = RunGovctl({"--socket", socket_, "status"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("account_id"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("111122223333"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("caller.role"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("admin"), std::string::npos) << run.out;
}

TEST_F(GovctlTest, StatusJsonParses) {
  GovctlRun run = RunGovctl({"status", "--json", "--socket", socket_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json::Value body;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  ASSERT_TRUE(reader->parse(run.out.data(), run.out.data() + run.out.size(), &body, &errors)) << run.out;
  EXPECT_EQ(body["mode"].asString(), "child");
  EXPECT_TRUE(body["reconcile"]["passes_started"].isUInt64());
}

TEST_F(GovctlTest, ReconcileNowQueuesAPass) {
  GovctlRun run = RunGovctl({"--socket=" + socket_, "reconcile", "now"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("queued"), std::string::npos) << run.out;
}

TEST_F(GovctlTest, ExitCodes) {
  EXPECT_EQ(RunGovctl({"--socket", socket_, "reconcile"}).exit_code, 2);
  EXPECT_EQ(RunGovctl({"--socket", socket_, "status", "--bogus"}).exit_code, 2);
  GovctlRun unreachable = RunGovctl({"--socket", dir_.File("nothing.sock"), "status"});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.err.find("cannot connect"), std::string::npos) << unreachable.err;
  if (getuid() != 0) GTEST_SKIP() << "needs root for the permission-denied case";
  GovctlRun denied = RunGovctl({"--socket", socket_, "status"}, 4999);
  EXPECT_EQ(denied.exit_code, 4) << denied.out << denied.err;
  EXPECT_NE(denied.err.find("permission denied"), std::string::npos) << denied.err;
}

}  // namespace
}  // namespace govd::daemon

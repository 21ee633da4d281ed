// The review's worst messages (issue 19), as golden output: each is the whole of what govd or
// govctl prints, with the exit code, so a message cannot drift back to naming a route template,
// a config key or six usage lines instead of what is wrong and what to do.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using testing::GovctlRun;
using testing::RunGovctl;

constexpr uid_t kAuditorUid = 4998;
constexpr uid_t kStrangerUid = 4999;  // in no group but its own

testing::ProgramRun RunGovd(const std::vector<std::string>& args) {
  return testing::RunProgram(std::getenv("GOVD_BINARY"), args);
}

TEST(GoldenMessagesTest, NoConfigurationSaysWhichFileIsMissingAndHowToGiveOne) {
  testing::ProgramRun none = RunGovd({"--check-config"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err,
            "govd: configuration: not found: no configuration file: give --config FILE, or --account-id ID to read "
            "/etc/govd/ID.conf (/etc/govd/example.conf is an example; see govd.conf(5))\n");
  testing::ProgramRun absent = RunGovd({"--check-config", "--account-id", "999988887777"});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_EQ(absent.err,
            "govd: configuration: not found: /etc/govd/999988887777.conf does not exist: write it, or give --config "
            "FILE (/etc/govd/example.conf is an example; see govd.conf(5))\n");
}

TEST(GoldenMessagesTest, SimulateNamesTheResourceAccountFlag) {
  GovctlRun run = RunGovctl({"simulate", "--principal", "arn:aws:iam::111111111111:role/r", "--action",
                             "s3:GetObject", "--resource", "arn:aws:s3:::b/k"});
  EXPECT_EQ(run.exit_code, 2);
  const std::string first_line = run.err.substr(0, run.err.find('\n') + 1);
  EXPECT_EQ(first_line,
            "govctl simulate: the resource arn:aws:s3:::b/k names no account (S3 ARNs never do); give it with "
            "--resource-account ACCOUNT\n");
}

TEST(GoldenMessagesTest, AGrantUsageErrorShowsThatCommandsUsageOnly) {
  GovctlRun run = RunGovctl({"grant", "revoke", "12", "--socket", "/nonexistent.sock"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "govctl grant: `grant revoke` needs --reason\n"
            "usage: govctl grant revoke ID --reason TEXT [--tenant ACCOUNT]\n"
            "see govctl grant --help\n");
}

class GoldenMessagesDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("govd.conf"),
                       testing::MinimalConfig(dir_, "role = uid:" + std::to_string(kAuditorUid) + " auditor\n"));
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
  }

  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST_F(GoldenMessagesDaemonTest, ASocketOutsideTheUsersGroupsNamesTheGroupThatGrantsAccess) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to run govctl as another uid";
  GovctlRun run = RunGovctl({"--socket", socket_, "status"}, kStrangerUid);
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(run.err, "govctl: permission denied at " + socket_ +
                         ": the socket is open to group root (mode 0660), which this user is not in; an "
                         "administrator adds you with `usermod -aG root USER`, then log in again\n");
}

TEST_F(GoldenMessagesDaemonTest, AnAuditorApprovingIsToldWhichRoleItNeedsAndWhichItHas) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to run govctl as another uid";
  ASSERT_TRUE(testing::LetEveryUidConnect(socket_));  // the role decides, not the file mode
  GovctlRun run = RunGovctl({"--socket", socket_, "grant", "approve", "7", "--tenant", "111122223333"}, kAuditorUid);
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_EQ(run.err, "govctl: permission denied: only admin may approve a grant; uid " +
                         std::to_string(kAuditorUid) + " has role auditor\n");
}

}  // namespace
}  // namespace govd::daemon

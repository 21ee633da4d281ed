// govctl against a real govd: tables by default, --json for machines, and exit codes scripts
// can use (0 ok, 2 usage, 3 unreachable, 4 denied).
#include <unistd.h>

#include <gtest/gtest.h>
#include <json/reader.h>

#include <string>
#include <vector>

#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

using testing::GovctlRun;
using testing::RunGovctl;

class GovctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("govd.conf"),
                       testing::MinimalConfig(dir_, "role = uid:" + std::to_string(getuid()) + " admin\n"));
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
    ASSERT_TRUE(testing::LetEveryUidConnect(socket_));  // authorization decides, not the file mode
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

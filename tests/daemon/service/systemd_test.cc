// govd's systemd protocol, checked without systemd: the test binds the datagram socket systemd
// would, points NOTIFY_SOCKET (and WATCHDOG_USEC) of a real govd process at it, and reads what
// govd sends: READY after a valid config, STATUS lines, WATCHDOG at half the interval, RELOADING
// then READY on SIGHUP, STOPPING and a clean exit within 5 s on SIGTERM.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "daemon/cli/control_client.h"
#include <pqxx/pqxx>
#include <iostream>

#include "tests/daemon/support/govd_test_process.h"
#include "tests/daemon/support/notify_socket.h"
#include "tests/daemon/support/tcp_relay.h"

namespace govd::daemon {
namespace {

using testing::NotifySocket;

using std::chrono::milliseconds;
using std::chrono::steady_clock;

bool Contains(const std::vector<std::string>& messages, const std::string& field) {
  for (const auto& message : messages) {
    if (message.find(field) != std::string::npos) return true;
  }
  return false;
}

class SystemdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = dir_.File("govd.conf");
    testing::WriteFile(config_path_, testing::MinimalConfig(dir_, "role = uid:" + std::to_string(getuid()) + " admin\n"));
    ASSERT_TRUE(notify_.bound());
  }

  testing::TempDir dir_;
  std::string config_path_;
  NotifySocket notify_{dir_.File("notify.sock")};
  std::vector<std::string> seen_;
};

TEST_F(SystemdTest, ReadyWatchdogReloadStopInOrder) {
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env(), "WATCHDOG_USEC=200000"});
  std::string ready = notify_.WaitFor("READY=1", milliseconds(10'000), seen_);
  ASSERT_FALSE(ready.empty()) << "no READY=1";
  EXPECT_NE(ready.find("STATUS=ready"), std::string::npos) << ready;
  EXPECT_TRUE(testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(1000))) << "READY before the socket";

  // WATCHDOG_USEC=200 ms: a ping every 100 ms. Five come (the limit is generous, for a loaded
  // machine), and not in a burst: five pings 100 ms apart span at least 300 ms however slow the test.
  auto start = steady_clock::now();
  int pings = 0;
  while (pings < 5 && steady_clock::now() - start < milliseconds(30'000)) {
    std::string message = notify_.Next(milliseconds(300));
    if (message.find("WATCHDOG=1") != std::string::npos) ++pings;
  }
  EXPECT_EQ(pings, 5) << "fewer than 5 watchdog pings in 30 s";
  EXPECT_GE(steady_clock::now() - start, milliseconds(300)) << "pings far more often than every 100 ms";

  govd.Signal(SIGHUP);
  seen_.clear();
  std::string reloading = notify_.WaitFor("RELOADING=1", milliseconds(30'000), seen_);
  ASSERT_FALSE(reloading.empty());
  EXPECT_NE(reloading.find("MONOTONIC_USEC="), std::string::npos);
  EXPECT_FALSE(notify_.WaitFor("READY=1", milliseconds(30'000), seen_).empty()) << "no READY=1 after reload";

  auto status = ControlClient(dir_.File("govd.sock")).Call("GET", "/v1/status");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->body["reloads"].asInt(), 1);

  govd.Signal(SIGTERM);
  EXPECT_FALSE(notify_.WaitFor("STOPPING=1", milliseconds(30'000), seen_).empty());
  std::optional<int> exit = govd.WaitExit(milliseconds(30'000));
  ASSERT_TRUE(exit.has_value()) << "govd did not stop within 30 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
  EXPECT_NE(access(dir_.File("govd.sock").c_str(), F_OK), 0) << "socket file left behind";
}

// A pass that stops making progress (here: a table lock held by another session, which the pass's
// lease claim waits on) withholds the watchdog pings once it has been stuck longer than any bucket
// could take (4 calls x 1 try x aws.timeout 1 s + 10 s), so systemd would restart govd; the pings
// come back as soon as the pass moves again.
TEST_F(SystemdTest, HungPassWithholdsWatchdogPingsUntilItMovesAgain) {
  testing::WriteFile(config_path_,
                     testing::MinimalConfig(dir_, "role = uid:" + std::to_string(getuid()) +
                                                      " admin\n[aws]\ntimeout = 1s\nmax-attempts = 1\n"));
  pqxx::connection locker(testing::DatabaseConninfo());
  pqxx::work lock(locker);
  lock.exec("LOCK TABLE govd.buckets IN ACCESS EXCLUSIVE MODE");
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env(), "WATCHDOG_USEC=1000000"});
  ASSERT_FALSE(notify_.WaitFor("READY=1", milliseconds(10'000), seen_).empty()) << "no READY=1";
  // Pings every 0.5 s until the stall limit (14 s) passes, then none.
  auto started = steady_clock::now();
  auto last_ping = started;
  while (steady_clock::now() - last_ping < milliseconds(3000) && steady_clock::now() - started < milliseconds(40'000)) {
    if (notify_.Next(milliseconds(200)).find("WATCHDOG=1") != std::string::npos) last_ping = steady_clock::now();
  }
  auto pinged_for = std::chrono::duration_cast<milliseconds>(last_ping - started);
  EXPECT_GE(pinged_for.count(), 10'000) << "pings stopped before the stall limit";
  EXPECT_LT(steady_clock::now() - started, milliseconds(40'000)) << "the pings never stopped while the pass hung";
  lock.abort();
  seen_.clear();
  EXPECT_FALSE(notify_.WaitFor("WATCHDOG=1", milliseconds(10'000), seen_).empty()) << "no ping once the pass moved";
  std::cout << "[ watchdog ] pings withheld after " << pinged_for.count() << " ms of a hung pass\n";
  govd.Signal(SIGTERM);
  EXPECT_TRUE(govd.WaitExit(milliseconds(30'000)).has_value());
}

TEST_F(SystemdTest, StatusLinesSayWhatItDoes) {
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env()});
  ASSERT_FALSE(notify_.WaitFor("READY=1", milliseconds(10'000), seen_).empty());
  // The first reconcile pass (an empty database: nothing due) says what it found.
  std::string after_pass = notify_.WaitFor("STATUS=in sync: 0 buckets checked, 0 changed, 0 failed",
                                           milliseconds(30'000), seen_);
  EXPECT_FALSE(after_pass.empty());
  EXPECT_FALSE(Contains(seen_, "WATCHDOG=1")) << "watchdog pings without WATCHDOG_USEC";
}

TEST_F(SystemdTest, BadReloadKeepsRunningConfiguration) {
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env()});
  ASSERT_FALSE(notify_.WaitFor("READY=1", milliseconds(10'000), seen_).empty());
  testing::WriteFile(config_path_, testing::MinimalConfig(dir_, "[reconcile]\ninterval = often\n"));
  govd.Signal(SIGHUP);
  ASSERT_FALSE(notify_.WaitFor("RELOADING=1", milliseconds(30'000), seen_).empty());
  ASSERT_FALSE(notify_.WaitFor("READY=1", milliseconds(30'000), seen_).empty());
  auto status = ControlClient(dir_.File("govd.sock")).Call("GET", "/v1/status");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->status, 200) << "the role map of the running config must still apply";
  EXPECT_EQ(status->body["reloads"].asInt(), 0);
}

TEST_F(SystemdTest, InvalidConfigNeverReady) {
  testing::WriteFile(config_path_, testing::MinimalConfig(dir_, "[reconcile]\nconcurrency = 0\n"));
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env()});
  std::optional<int> exit = govd.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 1);
  EXPECT_TRUE(notify_.WaitFor("READY=1", milliseconds(200), seen_).empty());
}

TEST_F(SystemdTest, CheckConfigExitCodes) {
  testing::GovdProcess good({"--config", config_path_, "--check-config"}, {});
  std::optional<int> exit = good.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(WEXITSTATUS(*exit), 0);
  testing::GovdProcess bad({"--config", config_path_, "--check-config", "--mode", "parent"}, {});
  exit = bad.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(WEXITSTATUS(*exit), 1);
}

// The test database's conninfo with its port replaced by `port`; `upstream` gets the original port.
std::string ConninfoAtPort(int port, int& upstream) {
  std::string conninfo = testing::DatabaseConninfo();
  std::smatch found;
  if (!std::regex_search(conninfo, found, std::regex("port=([0-9]+)"))) return "";
  upstream = std::stoi(found[1].str());
  return found.prefix().str() + "port=" + std::to_string(port) + found.suffix().str();
}

// Started while PostgreSQL is down (its port refuses connections), govd does not exit: it says in
// STATUS= that it waits for the database, keeps the watchdog fed, and is READY=1 once the database
// answers (here: the port starts relaying to the test server).
TEST_F(SystemdTest, StartsWhileTheDatabaseIsDownAndIsReadyWhenItAnswers) {
  int upstream = 0;
  ASSERT_FALSE(ConninfoAtPort(0, upstream).empty()) << "the test database's conninfo names no port";
  testing::TcpRelay relay(upstream);
  std::string conninfo = ConninfoAtPort(relay.port(), upstream);
  testing::WriteFile(config_path_,
                     testing::ConfigWithDatabase(dir_, conninfo, "111122223333",
                                                 "role = uid:" + std::to_string(getuid()) + " admin\n"));
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env(), "WATCHDOG_USEC=1000000"});
  std::string waiting = notify_.WaitFor("waiting for the database", milliseconds(20'000), seen_);
  ASSERT_FALSE(waiting.empty()) << "no STATUS about the database; govd exited? "
                                << govd.WaitExit(milliseconds(0)).has_value();
  EXPECT_NE(waiting.find("EXTEND_TIMEOUT_USEC="), std::string::npos) << waiting;
  EXPECT_EQ(waiting.find("password"), std::string::npos) << "the conninfo leaked into STATUS: " << waiting;
  std::string status_line = waiting.substr(waiting.find("STATUS="));
  EXPECT_EQ(status_line.find('\t'), std::string::npos) << "STATUS= spans lines: " << waiting;
  // Still waiting a while later, and the watchdog is fed meanwhile.
  auto started = steady_clock::now();
  int pings = 0;
  int retries = 0;
  while ((pings < 3 || retries < 2) && steady_clock::now() - started < milliseconds(30'000)) {
    std::string message = notify_.Next(milliseconds(500));
    seen_.push_back(message);
    if (message.find("WATCHDOG=1") != std::string::npos) ++pings;
    if (message.find("waiting for the database") != std::string::npos) ++retries;
  }
  EXPECT_GE(pings, 3) << "the watchdog starved while waiting";
  EXPECT_GE(retries, 2) << "no retry within 30 s";
  ASSERT_FALSE(Contains(seen_, "READY=1")) << "READY=1 without a database";
  ASSERT_FALSE(govd.WaitExit(milliseconds(0)).has_value()) << "govd gave up";

  relay.Open();
  auto opened = steady_clock::now();
  std::string ready = notify_.WaitFor("READY=1", milliseconds(60'000), seen_);
  ASSERT_FALSE(ready.empty()) << "no READY=1 after the database came up";
  std::cout << "[ database ] READY=1 "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - opened).count()
            << " ms after the database answered\n";
  auto status = ControlClient(dir_.File("govd.sock")).Call("GET", "/v1/status");
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->status, 200);
  govd.Signal(SIGTERM);
  std::optional<int> exit = govd.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
}

// SIGTERM while waiting for the database stops govd cleanly (exit 0), without READY=1.
TEST_F(SystemdTest, StopsCleanlyWhileWaitingForTheDatabase) {
  int upstream = 0;
  testing::TcpRelay down(0);
  std::string conninfo = ConninfoAtPort(down.port(), upstream);
  ASSERT_FALSE(conninfo.empty());
  testing::WriteFile(config_path_, testing::ConfigWithDatabase(dir_, conninfo, "111122223333"));
  testing::GovdProcess govd({"--config", config_path_}, {notify_.env()});
  ASSERT_FALSE(notify_.WaitFor("waiting for the database", milliseconds(20'000), seen_).empty());
  govd.Signal(SIGTERM);
  std::optional<int> exit = govd.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value()) << "govd did not stop while waiting";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
  EXPECT_FALSE(Contains(seen_, "READY=1"));
  EXPECT_NE(access(dir_.File("govd.sock").c_str(), F_OK), 0) << "socket file left behind";
}

// Socket activation: the listening socket arrives as fd 3 with LISTEN_FDS=1 and LISTEN_PID.
TEST_F(SystemdTest, AdoptsActivatedSocket) {
  std::string path = dir_.File("activated.sock");
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(listener, 3);
    std::string pid_text = std::to_string(getpid());
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", pid_text.c_str(), 1);
    setenv("NOTIFY_SOCKET", (dir_.path() + "/notify.sock").c_str(), 1);
    const char* binary = getenv("GOVD_BINARY");
    execl(binary, binary, "--config", config_path_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(listener);
  EXPECT_FALSE(notify_.WaitFor("READY=1", milliseconds(10'000), seen_).empty());
  auto status = ControlClient(path).Call("GET", "/v1/status");
  EXPECT_TRUE(status && status->status == 200);
  EXPECT_NE(access(dir_.File("govd.sock").c_str(), F_OK), 0) << "bound its own socket despite activation";
  kill(pid, SIGTERM);
  int exit_status = 0;
  waitpid(pid, &exit_status, 0);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0);
}

}  // namespace
}  // namespace govd::daemon

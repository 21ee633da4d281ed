// Bad requests against a real govd: malformed JSON and HTTP, oversized bodies and headers, a
// slow client trickling bytes (slowloris), a silent keep-alive connection. Each gets a clear
// error status, and the daemon keeps answering other clients throughout. And the socket itself:
// its mode and group, a second daemon started on a live socket, a local user's connection flood.
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/cli/control_client.h"
#include "daemon/server/connection_caps.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kTenantPath = "/v1/tenants/111122223333";

class ControlApiLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string limits = "read-timeout = 3s\nmax-body-bytes = 1024\nmax-header-bytes = 1024\nrole = uid:" +
                         std::to_string(getuid()) + " admin\n";
    testing::WriteFile(dir_.File("govd.conf"), testing::MinimalConfig(dir_, limits));
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
  }

  void TearDown() override {
    if (!govd_) return;
    auto status = ControlClient(socket_).Call("GET", "/v1/status");
    ASSERT_TRUE(status) << "daemon stopped answering: " << status.error().ToString();
    EXPECT_EQ(status->status, 200);
  }

  std::string Post(const std::string& target, const std::string& body, const std::string& extra_headers = "") {
    return testing::RawExchange(socket_, "POST " + target + " HTTP/1.1\r\nHost: govd\r\nConnection: close\r\n" +
                                             extra_headers + "Content-Length: " + std::to_string(body.size()) +
                                             "\r\n\r\n" + body);
  }

  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST_F(ControlApiLimitsTest, MalformedJsonIsNamed) {
  std::string answer = Post(std::string(kTenantPath) + "/simulate", R"({"action": "s3:GetObject",)");
  EXPECT_EQ(testing::StatusOf(answer), 400) << answer;
  EXPECT_NE(answer.find("not valid JSON"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("where":"body")"), std::string::npos) << answer;
  std::string duplicate = Post(std::string(kTenantPath) + "/simulate", R"({"a":1,"a":2})");
  EXPECT_EQ(testing::StatusOf(duplicate), 400) << duplicate;
}

TEST_F(ControlApiLimitsTest, OversizedBodyIs413) {
  std::string answer = Post(std::string(kTenantPath) + "/simulate", "[" + std::string(4000, ' ') + "]");
  EXPECT_EQ(testing::StatusOf(answer), 413) << answer;
  EXPECT_NE(answer.find("body too large"), std::string::npos) << answer;
  std::string fits = Post(std::string(kTenantPath) + "/simulate", "[" + std::string(900, ' ') + "]");
  EXPECT_NE(testing::StatusOf(fits), 413) << fits;
}

TEST_F(ControlApiLimitsTest, OversizedHeaderIs431) {
  std::string answer = Post("/v1/reconcile", "", "X-Padding: " + std::string(2000, 'x') + "\r\n");
  EXPECT_EQ(testing::StatusOf(answer), 431) << answer;
  EXPECT_NE(answer.find("header block too large"), std::string::npos) << answer;
}

TEST_F(ControlApiLimitsTest, MalformedHttpIs400) {
  std::string answer = testing::RawExchange(socket_, "HELLO THERE\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(answer), 400) << answer;
  EXPECT_NE(answer.find("malformed HTTP request"), std::string::npos) << answer;
  std::string bad_length = testing::RawExchange(socket_, "POST /v1/reconcile HTTP/1.1\r\nContent-Length: x\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(bad_length), 400) << bad_length;
}

TEST_F(ControlApiLimitsTest, WrongMethodAndUnknownPath) {
  std::string wrong = testing::RawExchange(socket_, "DELETE /v1/status HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(wrong), 405) << wrong;
  EXPECT_NE(wrong.find("Allow: GET"), std::string::npos) << wrong;
  std::string unknown = testing::RawExchange(socket_, "GET /v2/everything HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(unknown), 404) << unknown;
}

// A client that sends one byte every 50 ms never completes a request: the 3 s deadline ends it with
// 408, and another client is served while it is still connected. No wall-clock bound but the
// deadline itself: a test that times the daemon flakes on a loaded machine (CI under TSan did).
TEST_F(ControlApiLimitsTest, SlowClientTimesOutOthersAreServed) {
  int slow = testing::ConnectUnix(socket_);
  ASSERT_GE(slow, 0);
  auto start = steady_clock::now();
  // 230 bytes at one per 50 ms: at least 11 s, far past the deadline.
  std::string request = "GET /v1/status HTTP/1.1\r\nX-Slow: " + std::string(200, 'a');
  std::thread trickle([slow, request] {
    for (char c : request) {
      if (send(slow, &c, 1, MSG_NOSIGNAL) != 1) return;  // the daemon hung up, as it should
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  auto other = ControlClient(socket_).Call("GET", "/v1/status");
  // Served while the slow client waits: the daemon has not answered (or closed) the slow one yet.
  pollfd pending{.fd = slow, .events = POLLIN, .revents = 0};
  const int slow_answered = poll(&pending, 1, 0);
  std::string answer = testing::ReadAll(slow, milliseconds(60'000));  // ends when the daemon closes
  auto took = steady_clock::now() - start;
  shutdown(slow, SHUT_RDWR);
  trickle.join();
  close(slow);
  ASSERT_TRUE(other) << other.error().ToString();
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(slow_answered, 0) << "the other client was served only after the slow one's deadline";
  EXPECT_EQ(testing::StatusOf(answer), 408) << answer;
  EXPECT_NE(answer.find("not received in time"), std::string::npos) << answer;
  EXPECT_GE(took, milliseconds(3000)) << "cut off before the deadline";
}

TEST_F(ControlApiLimitsTest, IdleKeepAliveConnectionIsClosed) {
  int fd = testing::ConnectUnix(socket_);
  ASSERT_GE(fd, 0);
  std::string first = "GET /v1/status HTTP/1.1\r\nHost: govd\r\n\r\n";
  ASSERT_EQ(send(fd, first.data(), first.size(), MSG_NOSIGNAL), static_cast<ssize_t>(first.size()));
  // Ends when the daemon closes; a daemon that never closes leaves no 408 in it.
  std::string answers = testing::ReadAll(fd, milliseconds(60'000));
  close(fd);
  EXPECT_EQ(testing::StatusOf(answers), 200) << answers;
  EXPECT_NE(answers.find("408"), std::string::npos) << "idle connection not closed with a 408: " << answers;
}

class ControlSocketTest : public ::testing::Test {
 protected:
  // Starts govd on a config with `control` lines added; its log goes to log_.
  void Start(const std::string& control) {
    std::string lines = "role = uid:" + std::to_string(getuid()) + " admin\n" + control;
    testing::WriteFile(dir_.File("govd.conf"), testing::MinimalConfig(dir_, lines));
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{},
                  log_);
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
  }

  // Connects to the control socket from a child process running as uid/gid (no supplementary
  // groups): 0 when it connects, else the errno. REQUIRES: root.
  int ConnectAs(uid_t uid, gid_t gid) const {
    pid_t pid = fork();
    if (pid == 0) {
      if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(99);
      int fd = testing::ConnectUnix(socket_);
      _exit(fd >= 0 ? 0 : errno);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::size_t LogLines() const {
    std::ifstream in(log_);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::string log_ = dir_.File("govd.log");
  std::optional<testing::GovdProcess> govd_;
};

// Bound by govd itself (no socket activation) the socket is 0660 and belongs to
// control.socket-group, like govd@.socket's root:govctl 0660: other uids cannot even connect.
TEST_F(ControlSocketTest, SelfBoundSocketIsOwnerAndGroupOnly) {
  gid_t group = geteuid() == 0 ? 65534 : getegid();
  Start("socket-group = " + std::to_string(group) + "\n");
  struct stat info {};
  ASSERT_EQ(lstat(socket_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0660U) << std::oct << (info.st_mode & 07777);
  EXPECT_EQ(info.st_gid, group);
  if (geteuid() != 0) GTEST_SKIP() << "connecting as other uids needs root";
  EXPECT_EQ(ConnectAs(4242, 4242), EACCES) << "a uid outside the group connected";
  EXPECT_EQ(ConnectAs(4243, group), 0) << "a member of the group could not connect";
}

TEST_F(ControlSocketTest, UnknownSocketGroupIsAConfigError) {
  testing::WriteFile(dir_.File("govd.conf"),
                     testing::MinimalConfig(dir_, "socket-group = no-such-group-x\n"));
  auto run =
      testing::RunProgram(std::getenv("GOVD_BINARY"), {"--config", dir_.File("govd.conf"), "--check-config"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("control.socket-group"), std::string::npos) << run.err;
}

// A second govd given the socket of a running one refuses to start and names the other daemon;
// the first keeps its socket and answers.
TEST_F(ControlSocketTest, SecondDaemonRefusesALiveSocket) {
  Start("");
  std::string second_log = dir_.File("second.log");
  testing::GovdProcess second({"--config", dir_.File("govd.conf")}, {}, second_log);
  std::optional<int> exit = second.WaitExit(milliseconds(10'000));
  ASSERT_TRUE(exit.has_value()) << "the second govd took over the socket";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 1) << *exit;
  std::string err = testing::ReadFile(second_log);
  EXPECT_NE(err.find("another daemon (pid " + std::to_string(govd_->pid()) + ")"), std::string::npos) << err;
  EXPECT_NE(err.find(socket_), std::string::npos) << err;
  auto status = ControlClient(socket_).Call("GET", "/v1/status");
  ASSERT_TRUE(status) << "the first daemon lost its socket: " << status.error().ToString();
  EXPECT_EQ(status->status, 200);
  // A socket file nobody answers on (a crashed daemon's) is still replaced.
  govd_->Signal(SIGKILL);
  ASSERT_TRUE(govd_->WaitExit(milliseconds(5000)).has_value());
  govd_.reset();
  ASSERT_EQ(access(socket_.c_str(), F_OK), 0) << "SIGKILL left no stale socket to test with";
  testing::GovdProcess third({"--config", dir_.File("govd.conf")}, {}, dir_.File("third.log"));
  EXPECT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)))
      << testing::ReadFile(dir_.File("third.log"));
}

// Opens `count` connections to `socket` (non-blocking connects, retried while the backlog is full),
// waits for the daemon to accept or refuse them, and returns how many it keeps open.
// Runs in a forked child: uses only what `fds` already holds.
int Flood(const std::string& socket, int count, std::vector<int>& fds) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket.c_str(), socket.size() + 1);
  for (int i = 0; i < count; ++i) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    int tries = 0;
    while (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno == EAGAIN &&
           ++tries < 200) {
      usleep(1000);
    }
    fds[static_cast<std::size_t>(i)] = fd;
  }
  sleep(2);  // the daemon accepts or refuses (and closes) each
  int kept = 0;
  for (int fd : fds) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    if (fd >= 0 && poll(&entry, 1, 0) == 0) ++kept;  // no answer, no hang-up: an open, idle session
  }
  return kept;
}

// A local user (uid 65534, in the socket's group) opens 400 idle connections to a govd that may
// open 256 files. govd keeps at most its per-uid cap of them, refuses the rest with one log line,
// and meanwhile answers root's status call and runs a reconcile pass (its database connections
// still find descriptors). The old daemon ran out of descriptors and spun in accept, logging
// each failure.
TEST_F(ControlSocketTest, ConnectionFloodIsCappedLoggedOnceAndOthersAreServed) {
  const bool root = geteuid() == 0;
  const uid_t flooder = root ? 65534 : geteuid();
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low{256, saved.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  Start("read-timeout = 30s\nsocket-group = " + std::to_string(root ? 65534 : getegid()) + "\n");
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  const ConnectionCaps caps = ConnectionCapsFor(256);

  constexpr int kFlood = 400;
  std::vector<int> fds(kFlood, -1);
  int report[2];
  int release[2];
  ASSERT_EQ(pipe(report), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  if (child == 0) {
    close(report[0]);
    close(release[1]);  // so that the read below ends when the test process does, whatever happens to it
    if (root && (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(flooder) != 0)) _exit(99);
    rlimit mine{saved.rlim_max, saved.rlim_max};
    setrlimit(RLIMIT_NOFILE, &mine);
    int kept = Flood(socket_, kFlood, fds);
    if (write(report[1], &kept, sizeof kept) != sizeof kept) _exit(98);
    char done = 0;
    if (read(release[0], &done, 1) < 0) _exit(97);
    _exit(0);
  }
  close(report[1]);
  close(release[0]);
  int kept = -1;
  ASSERT_EQ(read(report[0], &kept, sizeof kept), static_cast<ssize_t>(sizeof kept));
  std::cout << "[ flood ] " << kFlood << " connections from uid " << flooder << ": " << kept
            << " kept open (cap " << caps.per_uid << " per uid, " << caps.total << " in all)\n";
  EXPECT_GE(kept, 1);
  EXPECT_LE(kept, static_cast<int>(caps.per_uid));

  auto asked = steady_clock::now();
  auto status = ControlClient(socket_, std::chrono::seconds(60)).Call("GET", "/v1/status");
  auto took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - asked);
  std::cout << "[ flood ] status during the flood answered in " << took.count() << " ms\n";
  if (root) {
    ASSERT_TRUE(status) << "root's status call failed during the flood: " << status.error().ToString();
    EXPECT_EQ(status->status, 200);
    // A reconcile pass during the flood runs and finishes without error.
    std::uint64_t before = status->body["reconcile"]["passes_finished"].asUInt64();
    auto now = ControlClient(socket_).Call("POST", "/v1/reconcile");
    ASSERT_TRUE(now && now->status == 202) << (now ? now->body.toStyledString() : now.error().ToString());
    Json::Value after;
    auto deadline = steady_clock::now() + milliseconds(30'000);
    while (steady_clock::now() < deadline) {
      after = testing::StatusJson(socket_);
      if (after["reconcile"]["passes_finished"].asUInt64() > before) break;
      std::this_thread::sleep_for(milliseconds(100));
    }
    EXPECT_GT(after["reconcile"]["passes_finished"].asUInt64(), before) << after.toStyledString();
    EXPECT_TRUE(after["errors"]["pass"].isNull()) << after["errors"].toStyledString();
  } else {
    // The same uid as the flood: refused too, but at once and with a clear answer.
    EXPECT_TRUE(!status || status->status == 503) << "the per-uid cap did not apply";
    EXPECT_LT(took, milliseconds(30'000)) << "refused only by the client's own 60 s timeout";
  }

  char done = 1;
  ASSERT_EQ(write(release[1], &done, 1), 1);
  int exit_status = 0;
  waitpid(child, &exit_status, 0);
  close(report[0]);
  close(release[1]);
  std::string log = testing::ReadFile(log_);
  EXPECT_NE(log.find("control connections refused"), std::string::npos) << log.substr(0, 2000);
  std::size_t lines = LogLines();
  std::cout << "[ flood ] " << lines << " log lines\n";
  EXPECT_LT(lines, 50U) << log.substr(0, 4000);
  auto after_flood = ControlClient(socket_).Call("GET", "/v1/status");
  ASSERT_TRUE(after_flood) << after_flood.error().ToString();
  EXPECT_EQ(after_flood->status, 200);
}

}  // namespace
}  // namespace govd::daemon

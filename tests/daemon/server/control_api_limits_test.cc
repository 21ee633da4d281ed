// Bad requests against a real govd: malformed JSON and HTTP, oversized bodies and headers, a
// slow client trickling bytes (slowloris), a silent keep-alive connection. Each gets a clear
// error status, and the daemon keeps answering other clients throughout.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "daemon/cli/control_client.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kTenantPath = "/v1/tenants/111122223333";

class ControlApiLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string limits = "read-timeout = 1s\nmax-body-bytes = 1024\nmax-header-bytes = 1024\nrole = uid:" +
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

// A client that sends one byte every 50 ms never completes a request; the 1 s deadline ends it
// with 408 while another client is served well before it (1 s leaves room for sanitizer builds).
TEST_F(ControlApiLimitsTest, SlowClientTimesOutOthersAreServed) {
  int slow = testing::ConnectUnix(socket_);
  ASSERT_GE(slow, 0);
  auto start = steady_clock::now();
  std::string request = "GET /v1/status HTTP/1.1\r\nX-Slow: " + std::string(100, 'a');
  std::thread trickle([slow, request] {
    for (char c : request) {
      if (send(slow, &c, 1, MSG_NOSIGNAL) != 1) return;  // the daemon hung up, as it should
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  auto other_start = steady_clock::now();
  auto other = ControlClient(socket_).Call("GET", "/v1/status");
  auto other_took = steady_clock::now() - other_start;
  std::string answer = testing::ReadAll(slow, milliseconds(5000));
  auto took = steady_clock::now() - start;
  shutdown(slow, SHUT_RDWR);
  trickle.join();
  close(slow);
  ASSERT_TRUE(other) << other.error().ToString();
  EXPECT_EQ(other->status, 200);
  EXPECT_LT(other_took, milliseconds(750)) << "the slow client blocked the daemon";
  EXPECT_EQ(testing::StatusOf(answer), 408) << answer;
  EXPECT_NE(answer.find("not received in time"), std::string::npos) << answer;
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, milliseconds(3000));
}

TEST_F(ControlApiLimitsTest, IdleKeepAliveConnectionIsClosed) {
  int fd = testing::ConnectUnix(socket_);
  ASSERT_GE(fd, 0);
  std::string first = "GET /v1/status HTTP/1.1\r\nHost: govd\r\n\r\n";
  ASSERT_EQ(send(fd, first.data(), first.size(), MSG_NOSIGNAL), static_cast<ssize_t>(first.size()));
  auto start = steady_clock::now();
  std::string answers = testing::ReadAll(fd, milliseconds(5000));  // ends when the daemon closes
  close(fd);
  EXPECT_EQ(testing::StatusOf(answers), 200) << answers;
  EXPECT_NE(answers.find("408"), std::string::npos) << "idle connection not closed with a 408: " << answers;
  EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
}

}  // namespace
}  // namespace govd::daemon

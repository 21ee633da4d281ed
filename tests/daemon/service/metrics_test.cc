// The Prometheus metrics: the exposition text of the counters, the listen-address syntax, and a
// real govd serving /metrics on a TCP port the kernel chose.
#include "daemon/service/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "daemon/service/listen_address.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using testing::TcpExchange;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetricsTest, CountsAwsAttemptsByServiceOperationAndOutcome) {
  Metrics metrics;
  metrics.OnAwsCall({"s3", "GetBucketPolicy", "ok", milliseconds(3)});
  metrics.OnAwsCall({"s3", "GetBucketPolicy", "ok", milliseconds(30)});
  metrics.OnAwsCall({"s3", "PutBucketPolicy", "SlowDown", milliseconds(700)});
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "govd_aws_calls_total{service=\"s3\",operation=\"GetBucketPolicy\",outcome=\"ok\"} 2\n"))
      << text;
  EXPECT_TRUE(Contains(text, "govd_aws_calls_total{service=\"s3\",operation=\"PutBucketPolicy\",outcome=\"SlowDown\"} 1\n"));
  // Cumulative buckets: 3 ms is under 5 ms; both GetBucketPolicy attempts are under 50 ms.
  EXPECT_TRUE(Contains(text, "govd_aws_call_duration_seconds_bucket{service=\"s3\",operation=\"GetBucketPolicy\",le=\"0.005\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_aws_call_duration_seconds_bucket{service=\"s3\",operation=\"GetBucketPolicy\",le=\"0.05\"} 2\n"));
  EXPECT_TRUE(Contains(text, "govd_aws_call_duration_seconds_bucket{service=\"s3\",operation=\"PutBucketPolicy\",le=\"0.5\"} 0\n"));
  EXPECT_TRUE(Contains(text, "govd_aws_call_duration_seconds_bucket{service=\"s3\",operation=\"PutBucketPolicy\",le=\"+Inf\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_aws_call_duration_seconds_count{service=\"s3\",operation=\"PutBucketPolicy\"} 1\n"));
  EXPECT_TRUE(Contains(text, "# TYPE govd_aws_call_duration_seconds histogram\n"));
}

TEST(MetricsTest, AddsPassesBucketsDriftAndKeepsTheLatestGrantCounts) {
  Metrics metrics;
  metrics.RecordPass({.ok = true, .took = std::chrono::duration<double>(0.2), .in_sync = 3, .applied = 2, .failed = 1,
                      .drift_repaired = 1, .grants_by_state = {{"active", 4}, {"revoked", 1}}});
  metrics.RecordPass({.ok = true, .took = std::chrono::duration<double>(0.02), .in_sync = 6, .applied = 0,
                      .failed = 0, .drift_repaired = 0, .grants_by_state = {{"active", 5}}});
  metrics.RecordPass({.ok = false, .took = std::chrono::duration<double>(0.001), .in_sync = 0, .applied = 0,
                      .failed = 0, .drift_repaired = 0, .grants_by_state = {}});
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "govd_reconcile_passes_total{outcome=\"ok\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "govd_reconcile_passes_total{outcome=\"failed\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_buckets_total{outcome=\"in_sync\"} 9\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_buckets_total{outcome=\"applied\"} 2\n"));
  EXPECT_TRUE(Contains(text, "govd_drift_repaired_total 1\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_pass_duration_seconds_bucket{le=\"0.25\"} 3\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_pass_duration_seconds_count 3\n"));
  // A failed pass knows no counts: the last known ones stay; states no longer present go away.
  EXPECT_TRUE(Contains(text, "govd_grants{state=\"active\"} 5\n"));
  EXPECT_FALSE(Contains(text, "state=\"revoked\""));
}

TEST(MetricsTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Metrics metrics;
  metrics.OnAwsCall({"s3", "Get\"Odd", "ok", milliseconds(1)});
  EXPECT_TRUE(Contains(metrics.Render(), "operation=\"Get\\\"Odd\""));
}

TEST(ListenAddressTest, AcceptsIpLiteralsAndPortZero) {
  auto v4 = ParseListenAddress("127.0.0.1:9464", "metrics.address");
  ASSERT_TRUE(v4) << v4.error().ToString();
  EXPECT_EQ(v4->ip, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  auto v6 = ParseListenAddress("[::1]:0", "metrics.address");
  ASSERT_TRUE(v6) << v6.error().ToString();
  EXPECT_EQ(v6->ip, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ListenAddressTest, RefusesNamesBadPortsAndUnbracketedIpv6) {
  for (const char* bad : {"localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:9x", "::1:9464",
                          ":9464", "[127.0.0.1]:80"}) {
    auto parsed = ParseListenAddress(bad, "metrics.address");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().where(), "metrics.address") << bad;
  }
}

TEST(MetricsServerTest, GovdServesMetricsOnTheAddressItReports) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("govd.conf"),
                     testing::MinimalConfig(dir, "role = uid:" + std::to_string(getuid()) +
                                                     " admin\n[metrics]\naddress = 127.0.0.1:0\n"));
  testing::GovdProcess govd({"--config", dir.File("govd.conf")}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir.File("govd.sock"), milliseconds(10'000)));
  std::string address;
  for (int i = 0; i < 100; ++i) {  // the first pass runs at start
    Json::Value status = testing::StatusJson(dir.File("govd.sock"));
    address = status["metrics_address"].asString();
    if (status["reconcile"]["passes_finished"].asUInt64() >= 1) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(address.rfind("127.0.0.1:", 0), 0U) << address;
  int port = std::stoi(address.substr(address.find(':') + 1));
  ASSERT_GT(port, 0);

  std::string metrics = TcpExchange("127.0.0.1", port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(metrics), 200) << metrics;
  EXPECT_TRUE(Contains(metrics, "Content-Type: text/plain; version=0.0.4")) << metrics;
  EXPECT_TRUE(Contains(metrics, "govd_reconcile_passes_total{outcome=\"ok\"} ")) << metrics;
  EXPECT_EQ(testing::StatusOf(TcpExchange("127.0.0.1", port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n")), 405);
  EXPECT_EQ(testing::StatusOf(TcpExchange("127.0.0.1", port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  EXPECT_EQ(TcpExchange("127.0.0.1", port, "NOT HTTP\r\n\r\n"), "");  // malformed: closed, no answer
}

}  // namespace
}  // namespace govd::daemon

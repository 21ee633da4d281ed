// The Prometheus metrics: the exposition text of the counters, the listen-address syntax, and a
// real govd serving /metrics on a TCP port the kernel chose.
#include "daemon/service/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <thread>
#include <vector>

#include "base/version.h"
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

TEST(MetricsTest, AddsPassesAndEachTenantsBucketsDriftAndKeepsItsLatestGrantCounts) {
  Metrics metrics;
  TenantPassSummary leeds{.in_sync = 3,
                          .applied = 2,
                          .failed = 1,
                          .drift_repaired = 1,
                          .grants_by_state = {{"active", 4}, {"revoked", 1}}};
  TenantPassSummary york{
      .in_sync = 1, .applied = 0, .failed = 0, .drift_repaired = 0, .grants_by_state = {{"requested", 2}}};
  metrics.RecordPass({.ok = true,
                      .took = std::chrono::duration<double>(0.2),
                      .tenants = {{"222222222222", leeds}, {"333333333333", york}}});
  TenantPassSummary leeds_again{
      .in_sync = 6, .applied = 0, .failed = 0, .drift_repaired = 0, .grants_by_state = {{"active", 5}}};
  metrics.RecordPass(
      {.ok = true, .took = std::chrono::duration<double>(0.02), .tenants = {{"222222222222", leeds_again}}});
  metrics.RecordPass({.ok = false, .took = std::chrono::duration<double>(0.001), .tenants = {}});
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "govd_reconcile_passes_total{outcome=\"ok\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "govd_reconcile_passes_total{outcome=\"failed\"} 1\n"));
  EXPECT_TRUE(
      Contains(text, "govd_reconcile_buckets_total{tenant=\"222222222222\",outcome=\"in_sync\"} 9\n"));
  EXPECT_TRUE(
      Contains(text, "govd_reconcile_buckets_total{tenant=\"222222222222\",outcome=\"applied\"} 2\n"));
  EXPECT_TRUE(
      Contains(text, "govd_reconcile_buckets_total{tenant=\"333333333333\",outcome=\"in_sync\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_buckets_total{tenant=\"333333333333\",outcome=\"failed\"} 0\n"));
  EXPECT_TRUE(Contains(text, "govd_drift_repaired_total{tenant=\"222222222222\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_drift_repaired_total{tenant=\"333333333333\"} 0\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_pass_duration_seconds_bucket{le=\"0.25\"} 3\n"));
  EXPECT_TRUE(Contains(text, "govd_reconcile_pass_duration_seconds_count 3\n"));
  // A tenant's last known counts stay until it reports again; states no longer present go away.
  EXPECT_TRUE(Contains(text, "govd_grants{tenant=\"222222222222\",state=\"active\"} 5\n"));
  EXPECT_FALSE(Contains(text, "state=\"revoked\""));
  EXPECT_TRUE(Contains(text, "govd_grants{tenant=\"333333333333\",state=\"requested\"} 2\n"));
}

TEST(MetricsTest, CountsCentralPullsBySourceAccountAndOutcome) {
  Metrics metrics;
  metrics.RecordPull({"la1", "222222222222", "pulled", 3, 3000});
  metrics.RecordPull({"la1", "222222222222", "pulled", 1, 10});
  metrics.RecordPull({"la2", "333333333333", "denied", 0, 0});
  std::string text = metrics.Render();
  EXPECT_TRUE(
      Contains(text, "govd_pulls_total{source=\"la1\",account=\"222222222222\",outcome=\"pulled\"} 2\n"))
      << text;
  EXPECT_TRUE(
      Contains(text, "govd_pulls_total{source=\"la2\",account=\"333333333333\",outcome=\"denied\"} 1\n"));
  EXPECT_TRUE(Contains(text, "govd_pulled_objects_total{source=\"la1\",account=\"222222222222\"} 4\n"));
  EXPECT_TRUE(Contains(text, "govd_pulled_bytes_total{source=\"la1\",account=\"222222222222\"} 3010\n"));
  EXPECT_TRUE(Contains(text, "govd_pulled_bytes_total{source=\"la2\",account=\"333333333333\"} 0\n"));
}

TEST(MetricsTest, SaysWhichBuildServesThemAndRendersTheProcessWhenGiven) {
  Metrics metrics;
  std::string without = metrics.Render();
  EXPECT_TRUE(Contains(without, "# TYPE govd_build_info gauge\n")) << without;
  EXPECT_TRUE(Contains(without, "govd_build_info{version=\"" + std::string(kVersion) + "\"} 1\n")) << without;
  EXPECT_FALSE(Contains(without, "process_"));
  ProcessSample process{.cpu_seconds = 1.5,
                        .resident_bytes = 4096,
                        .open_fds = 12,
                        .max_fds = 1024,
                        .start_time_seconds = 1765000000.25};
  std::string with = metrics.Render(&process);
  EXPECT_TRUE(Contains(with, "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n"))
      << with;
  EXPECT_TRUE(
      Contains(with, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 4096\n"));
  EXPECT_TRUE(Contains(with, "process_open_fds 12\n"));
  EXPECT_TRUE(Contains(with, "process_max_fds 1024\n"));
  EXPECT_TRUE(Contains(with, "process_start_time_seconds 1765000000.25\n"));
}

// Every label value of an exposition: what sits between `="` and the closing quote.
std::vector<std::string> LabelValues(const std::string& text) {
  std::vector<std::string> values;
  std::regex label(R"re(="((?:[^"\\]|\\.)*)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), label); it != std::sregex_iterator(); ++it) {
    values.push_back((*it)[1].str());
  }
  return values;
}

TEST(MetricsTest, NoLabelValueHoldsASpace) {
  Metrics metrics;
  metrics.OnAwsCall({"s3", "GetBucketPolicy", "transport_error", milliseconds(3)});
  metrics.RecordPass({.ok = true,
                      .took = std::chrono::duration<double>(0.2),
                      .tenants = {{"222222222222",
                                   {.in_sync = 1,
                                    .applied = 0,
                                    .failed = 0,
                                    .drift_repaired = 0,
                                    .grants_by_state = {{"active", 1}}}}}});
  metrics.RecordPull({"la1", "222222222222", "failed", 0, 0});
  std::vector<std::string> values = LabelValues(metrics.Render());
  ASSERT_GT(values.size(), 20U);
  for (const std::string& value : values) EXPECT_EQ(value.find(' '), std::string::npos) << value;
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
  EXPECT_TRUE(Contains(metrics, "govd_build_info{version=\"" + std::string(kVersion) + "\"} 1\n")) << metrics;
  for (const char* process : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                              "process_open_fds ", "process_max_fds ", "process_start_time_seconds "}) {
    EXPECT_TRUE(Contains(metrics, std::string("\n") + process)) << process << " missing:\n" << metrics;
  }
  for (const std::string& value : LabelValues(metrics))
    EXPECT_EQ(value.find(' '), std::string::npos) << value;

  // HEAD: GET's status and headers, the length of the body GET would send, and no body.
  std::string head = TcpExchange("127.0.0.1", port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(head), 200) << head;
  EXPECT_TRUE(Contains(head, "Content-Type: text/plain; version=0.0.4")) << head;
  std::smatch length;
  ASSERT_TRUE(std::regex_search(head, length, std::regex("Content-Length: ([0-9]+)\r\n"))) << head;
  EXPECT_GT(std::stoul(length[1].str()), 100U);
  ASSERT_NE(head.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "") << "HEAD answered with a body";

  std::string post = TcpExchange("127.0.0.1", port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(post), 405);
  EXPECT_TRUE(Contains(post, "Allow: GET, HEAD\r\n")) << post;
  EXPECT_EQ(testing::StatusOf(TcpExchange("127.0.0.1", port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  EXPECT_EQ(TcpExchange("127.0.0.1", port, "NOT HTTP\r\n\r\n"), "");  // malformed: closed, no answer
}

}  // namespace
}  // namespace govd::daemon

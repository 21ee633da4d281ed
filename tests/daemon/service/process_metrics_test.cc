// The process metrics: the /proc parsers on fixed texts (a command name with spaces and
// parentheses, texts cut short), the sample's arithmetic, and a live read of this test process.
#include "daemon/service/process_metrics.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace govd::daemon {
namespace {

// proc(5)'s layout: pid (comm) state, then fields 4..52; utime 14 = 250, stime 15 = 50,
// starttime 22 = 12345, rss 24 = 1000.
constexpr char kStat[] =
    "4242 (govd (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 3 0 12345 "
    "123456789 1000 18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

TEST(ProcessMetricsTest, ParsesStatAfterTheLastParenthesis) {
  auto stat = ParseProcStat(kStat);
  ASSERT_TRUE(stat) << stat.error().ToString();
  EXPECT_EQ(stat->utime_ticks, 250U);
  EXPECT_EQ(stat->stime_ticks, 50U);
  EXPECT_EQ(stat->start_ticks, 12345U);
  EXPECT_EQ(stat->rss_pages, 1000U);
}

TEST(ProcessMetricsTest, RefusesStatCutShortOrNotNumericNamingTheField) {
  auto cut = ParseProcStat("4242 (govd) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cut.error().where(), "/proc/self/stat stime");
  std::string odd = kStat;
  odd.replace(odd.find(" 250 "), 5, " x50 ");
  auto bad = ParseProcStat(odd);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where(), "/proc/self/stat utime");
  EXPECT_FALSE(ParseProcStat("no parentheses at all"));
}

TEST(ProcessMetricsTest, ReadsBootTimeFromItsLine) {
  auto boot = ParseBootTime("cpu  1 2 3\nintr 1 2\nbtime 1765000000\nprocesses 9\n");
  ASSERT_TRUE(boot) << boot.error().ToString();
  EXPECT_EQ(*boot, 1765000000U);
  EXPECT_FALSE(ParseBootTime("cpu  1 2 3\n"));
  EXPECT_FALSE(ParseBootTime("btime soon\n"));
}

TEST(ProcessMetricsTest, SampleIsInSecondsAndBytes) {
  ProcStat stat{.utime_ticks = 250, .stime_ticks = 50, .start_ticks = 12345, .rss_pages = 1000};
  ProcessSample sample = SampleOf(stat, 1765000000, 100, 4096, 7, 1024);
  EXPECT_DOUBLE_EQ(sample.cpu_seconds, 3.0);
  EXPECT_EQ(sample.resident_bytes, 4096U * 1000U);
  EXPECT_DOUBLE_EQ(sample.start_time_seconds, 1765000123.45);
  EXPECT_EQ(sample.open_fds, 7U);
  EXPECT_EQ(sample.max_fds, 1024U);
}

TEST(ProcessMetricsTest, LiveSampleOfThisProcess) {
  auto before = ReadProcessSample();
  ASSERT_TRUE(before) << before.error().ToString();
  std::vector<int> opened;
  for (int i = 0; i < 10; ++i) opened.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  auto after = ReadProcessSample();
  for (int fd : opened) ::close(fd);
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->open_fds, before->open_fds + 10);
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(after->max_fds, static_cast<std::uint64_t>(limit.rlim_cur));
  EXPECT_GT(after->resident_bytes, 1U << 20U);  // a running test binary holds more than 1 MiB
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(after->start_time_seconds, now + 1);  // started before now (ticks round)
  EXPECT_GT(after->start_time_seconds, now - 24 * 3600);
  EXPECT_GE(after->cpu_seconds, before->cpu_seconds);
}

}  // namespace
}  // namespace govd::daemon

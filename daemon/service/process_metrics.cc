// daemon/service/process_metrics.cc: the process collector's metrics from /proc.
#include "daemon/service/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bounded_file.h"

namespace govd::daemon {
namespace {

// The read buffer is this size, per scrape. /proc/PID/stat is one line of a few hundred bytes;
// /proc/stat grows with CPUs and interrupt lines (tens of KiB on large hosts).
constexpr std::size_t kMaxProcessStatBytes = 4U << 10U;
constexpr std::size_t kMaxKernelStatBytes = 256U << 10U;

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find_first_of(" \n", at);
    if (end == std::string_view::npos) end = text.size();
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

Result<std::uint64_t> Number(std::string_view word, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size()) {
    return InvalidArgument("not a number: \"" + std::string(word) + "\"", std::string(what));
  }
  return value;
}

std::uint64_t OpenFds() {
  std::error_code error;
  std::uint64_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return count;
}

std::uint64_t MaxFds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  std::size_t close = text.rfind(')');
  if (close == std::string_view::npos)
    return InvalidArgument("no command name in parentheses", "/proc/self/stat");
  // Fields from 3 (state) on; utime is field 14, stime 15, starttime 22, rss 24 (proc(5)).
  std::vector<std::string_view> fields = Words(text.substr(close + 1));
  constexpr std::size_t kFirst = 3;
  auto field = [&](std::size_t number, std::string_view name) -> Result<std::uint64_t> {
    if (fields.size() <= number - kFirst) {
      return InvalidArgument("cut short before field " + std::to_string(number),
                             "/proc/self/stat " + std::string(name));
    }
    return Number(fields[number - kFirst], "/proc/self/stat " + std::string(name));
  };
  ProcStat stat;
  GOVD_ASSIGN_OR_RETURN(stat.utime_ticks, field(14, "utime"));
  GOVD_ASSIGN_OR_RETURN(stat.stime_ticks, field(15, "stime"));
  GOVD_ASSIGN_OR_RETURN(stat.start_ticks, field(22, "starttime"));
  GOVD_ASSIGN_OR_RETURN(stat.rss_pages, field(24, "rss"));
  return stat;
}

Result<std::uint64_t> ParseBootTime(std::string_view proc_stat) {
  constexpr std::string_view kKey = "btime ";
  std::size_t at = proc_stat.starts_with(kKey) ? 0 : proc_stat.find("\nbtime ");
  if (at == std::string_view::npos) return InvalidArgument("no btime line", "/proc/stat");
  at = proc_stat.find(' ', at) + 1;
  std::size_t end = proc_stat.find('\n', at);
  return Number(proc_stat.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at),
                "/proc/stat btime");
}

ProcessSample SampleOf(const ProcStat& stat, std::uint64_t boot_time, long ticks_per_second, long page_size,
                       std::uint64_t open_fds, std::uint64_t max_fds) {
  const auto ticks = static_cast<double>(ticks_per_second);
  ProcessSample sample;
  sample.cpu_seconds = static_cast<double>(stat.utime_ticks + stat.stime_ticks) / ticks;
  sample.resident_bytes = stat.rss_pages * static_cast<std::uint64_t>(page_size);
  sample.open_fds = open_fds;
  sample.max_fds = max_fds;
  sample.start_time_seconds = static_cast<double>(boot_time) + static_cast<double>(stat.start_ticks) / ticks;
  return sample;
}

Result<ProcessSample> ReadProcessSample() {
  GOVD_ASSIGN_OR_RETURN(BoundedFile self,
                        ReadBoundedRegularFile("/proc/self/stat", kMaxProcessStatBytes, "process status"));
  GOVD_ASSIGN_OR_RETURN(BoundedFile system,
                        ReadBoundedRegularFile("/proc/stat", kMaxKernelStatBytes, "kernel statistics"));
  GOVD_ASSIGN_OR_RETURN(ProcStat stat, ParseProcStat(self.text));
  GOVD_ASSIGN_OR_RETURN(std::uint64_t boot_time, ParseBootTime(system.text));
  return SampleOf(stat, boot_time, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE), OpenFds(), MaxFds());
}

}  // namespace govd::daemon

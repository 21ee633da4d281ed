// daemon/service/process_metrics.h
// govd's own process as the Prometheus process collector names it (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds):
// a pure parser of the /proc texts, and one function at the edge that reads them for this process.
// Thread safety: stateless. Reads only this process's own /proc entries and /proc/stat; never
// reads memory contents or the environment.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace govd::daemon {

struct ProcessSample {
  double cpu_seconds = 0;  // user + system time
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;      // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // since the Unix epoch
};

// The fields of /proc/PID/stat that the sample needs, in the kernel's units.
struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // after boot
  std::uint64_t rss_pages = 0;
};

// Parses /proc/PID/stat (the command name may hold spaces and parentheses: fields are counted
// after its last ')'). kInvalidArgument naming the field when the text is cut short or not numeric.
Result<ProcStat> ParseProcStat(std::string_view text);

// The "btime" line of /proc/stat: boot time in seconds since the Unix epoch.
Result<std::uint64_t> ParseBootTime(std::string_view proc_stat);

// The sample from a parsed stat, boot time, clock ticks per second, page size and fd counts.
ProcessSample SampleOf(const ProcStat& stat, std::uint64_t boot_time, long ticks_per_second, long page_size,
                       std::uint64_t open_fds, std::uint64_t max_fds);

// Reads /proc/self/stat, /proc/stat, /proc/self/fd and RLIMIT_NOFILE.
Result<ProcessSample> ReadProcessSample();

}  // namespace govd::daemon

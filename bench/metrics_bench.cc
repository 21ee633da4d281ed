// What one Prometheus scrape of govd costs: reading the process sample from /proc/self, and
// rendering the exposition of a daemon with many tenants and AWS operations (the mutex is held
// only for the render). Run: build/bench/metrics_bench.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "daemon/service/metrics.h"
#include "daemon/service/process_metrics.h"

namespace govd::daemon {
namespace {

// `tenants` tenants with every grant state, and 8 S3/IAM/STS operations with 3 outcomes each.
void Populate(Metrics& metrics, int tenants) {
  PassSummary pass{.ok = true, .took = std::chrono::duration<double>(0.3), .tenants = {}};
  for (int i = 0; i < tenants; ++i) {
    pass.tenants[std::to_string(100000000000 + i)] = {
        .in_sync = 40,
        .applied = 1,
        .failed = 0,
        .drift_repaired = 0,
        .grants_by_state = {{"requested", 1}, {"active", 20}, {"revoked", 5}, {"failed", 0}}};
  }
  metrics.RecordPass(pass);
  for (const char* operation : {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "ListBuckets",
                                "GetRole", "UpdateAssumeRolePolicy", "AssumeRole", "GetCallerIdentity"}) {
    for (const char* outcome : {"ok", "SlowDown", "transport_error"}) {
      metrics.OnAwsCall({"s3", operation, outcome, std::chrono::milliseconds(12)});
    }
  }
}

void BM_ReadProcessSample(benchmark::State& state) {
  for (auto _ : state) {
    auto sample = ReadProcessSample();
    if (!sample) state.SkipWithError(sample.error().ToString().c_str());
    benchmark::DoNotOptimize(sample);
  }
}
BENCHMARK(BM_ReadProcessSample);

void BM_Render(benchmark::State& state) {
  Metrics metrics;
  Populate(metrics, static_cast<int>(state.range(0)));
  ProcessSample process{
      .cpu_seconds = 1, .resident_bytes = 1, .open_fds = 1, .max_fds = 1, .start_time_seconds = 1};
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = metrics.Render(&process);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["exposition_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Render)->Arg(1)->Arg(50)->Arg(500);

}  // namespace
}  // namespace govd::daemon

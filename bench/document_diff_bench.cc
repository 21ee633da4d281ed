// The plan's document diff (daemon/api/document_diff.h) on bucket policies up to the AWS limit of
// 20 KB, one statement changed: what `govctl plan` and `govd --dry-run` add per changing bucket.
#include <benchmark/benchmark.h>

#include <string>

#include "base/json_text.h"
#include "daemon/api/document_diff.h"

namespace {

// A policy of `count` statements, each about 200 bytes compact; `changed` names statement 0's
// principal differently.
Json::Value Policy(int count, bool changed) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < count; ++i) {
    std::string user = i == 0 && changed ? "other" : "reader" + std::to_string(i);
    text += std::string(i ? "," : "") + R"({"Sid":"GovdManagedRead)" + std::to_string(1000 + i) +
            R"(","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/)" + user +
            R"("},"Action":"s3:GetObject","Resource":"arn:aws:s3:::la-data/prefix)" + std::to_string(i) +
            R"(/*"})";
  }
  return *govd::ParseJsonText(text + "]}", "bench policy");
}

void BM_DocumentDiff(benchmark::State& state) {
  Json::Value from = Policy(static_cast<int>(state.range(0)), false);
  Json::Value to = Policy(static_cast<int>(state.range(0)), true);
  std::size_t lines = 0;
  for (auto _ : state) {
    auto diff = govd::daemon::DocumentDiff(from, to, "actual", "desired");
    lines = diff.size();
    benchmark::DoNotOptimize(diff);
  }
  state.counters["lines"] = static_cast<double>(govd::daemon::CanonicalDocumentLines(from).size());
  state.counters["diff_lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_DocumentDiff)->Arg(10)->Arg(50)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

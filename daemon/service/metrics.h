// daemon/service/metrics.h
// govd's counters, rendered in the Prometheus text exposition format (0.0.4): reconcile passes
// and their duration, buckets by outcome, drift repaired, AWS call attempts by service,
// operation and outcome with latency histograms, and grants by state. What each one means:
// docs/operations.md.
// Thread safety: every method may be called from any thread (one mutex around a few map
// updates; AWS calls report from the reconcile worker, passes from the event loop).
// Labels never carry request data or credentials; bucket names are not labels (unbounded).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "accounts/aws/aws_call_observer.h"

namespace govd::daemon {

// What one reconcile pass did, as far as metrics care.
struct PassSummary {
  bool ok = true;  // false: the pass could not run at all (database unreachable...)
  std::chrono::duration<double> took{0};
  int in_sync = 0;
  int applied = 0;
  int failed = 0;
  int drift_repaired = 0;  // applied without any grant changing state: someone edited by hand
  std::map<std::string, std::int64_t> grants_by_state;  // empty: unknown this pass
};

// A cumulative histogram with fixed upper bounds, in seconds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size(), 0) {}
  void Observe(double seconds);
  // The _bucket, _sum and _count lines of `name` with `labels` ("" or `a="b",`).
  void Render(const std::string& name, const std::string& labels, std::string& out) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics final : public accounts::AwsCallObserver {
 public:
  Metrics();

  void OnAwsCall(const accounts::AwsCallAttempt& attempt) override;
  void RecordPass(const PassSummary& pass);

  // The whole exposition, one scrape's worth.
  std::string Render() const;

 private:
  using AwsCallKey = std::tuple<std::string, std::string, std::string>;  // service, operation, outcome
  using AwsOperation = std::pair<std::string, std::string>;              // service, operation

  void RenderPasses(std::string& out) const;
  void RenderAwsCalls(std::string& out) const;
  void RenderGrants(std::string& out) const;

  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> passes_;   // by outcome: ok, failed
  Histogram pass_seconds_;
  std::map<std::string, std::uint64_t> buckets_;  // by outcome: in_sync, applied, failed
  std::uint64_t drift_repaired_ = 0;
  std::map<AwsCallKey, std::uint64_t> aws_calls_;
  std::map<AwsOperation, Histogram> aws_seconds_;
  std::map<std::string, std::int64_t> grants_;    // by state, as of the last pass
};

// `text` as a Prometheus label value: backslash, double quote and newline escaped.
std::string EscapeLabelValue(std::string_view text);

}  // namespace govd::daemon

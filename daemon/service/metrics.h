// daemon/service/metrics.h
// govd's metrics, rendered in the Prometheus text exposition format (0.0.4): what build runs
// (govd_build_info), the process (process_* from process_metrics.h), reconcile passes and their
// duration, buckets by tenant and outcome, drift repaired by tenant, AWS call attempts by service,
// operation and outcome with latency histograms, grants by tenant and state, and a central
// daemon's pulls by source. What each one means: docs/operations.md.
// Thread safety: every method may be called from any thread (one mutex around a few map
// updates; AWS calls report from the reconcile worker, passes from the event loop).
// Labels never carry request data or credentials; bucket names and object keys are not labels
// (unbounded); tenants are the configured accounts, sources the configured [source.NAME] sections.
// Label values hold no spaces (outcome="transport_error"), as Prometheus conventions ask.
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
#include "daemon/service/process_metrics.h"

namespace govd::daemon {

// What one tenant's part of a reconcile pass did.
struct TenantPassSummary {
  int in_sync = 0;
  int applied = 0;
  int failed = 0;
  int drift_repaired = 0;  // applied without any grant changing state: someone edited by hand
  std::map<std::string, std::int64_t> grants_by_state;  // empty: unknown this pass
};

// What one reconcile pass did, as far as metrics care.
struct PassSummary {
  bool ok = true;  // false: the pass could not run at all (database unreachable...)
  std::chrono::duration<double> took{0};
  std::map<std::string, TenantPassSummary> tenants;  // by account id; a tenant whose pass failed is absent
};

// One granted prefix pulled (or not) by a central daemon's pass.
struct PullSummary {
  std::string source;         // the [source.NAME] section
  std::string account;        // the child account that owns the bucket
  std::string outcome;        // "pulled", "denied", "failed"
  std::uint64_t objects = 0;  // downloaded this pass
  std::uint64_t bytes = 0;
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
  void RecordPull(const PullSummary& pull);

  // The whole exposition, one scrape's worth; `process` null: no process_* metrics (/proc could
  // not be read).
  std::string Render(const ProcessSample* process = nullptr) const;

 private:
  using AwsCallKey = std::tuple<std::string, std::string, std::string>;  // service, operation, outcome
  using AwsOperation = std::pair<std::string, std::string>;              // service, operation
  using PullKey = std::tuple<std::string, std::string, std::string>;     // source, account, outcome
  using SourceKey = std::pair<std::string, std::string>;                 // source, account
  struct TenantTotals {
    std::uint64_t in_sync = 0;
    std::uint64_t applied = 0;
    std::uint64_t failed = 0;
    std::uint64_t drift_repaired = 0;
    std::map<std::string, std::int64_t> grants_by_state;  // as of the tenant's last pass that knew them
  };

  void RenderPasses(std::string& out) const;
  void RenderAwsCalls(std::string& out) const;
  void RenderGrants(std::string& out) const;
  void RenderPulls(std::string& out) const;

  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> passes_;   // by outcome: ok, failed
  Histogram pass_seconds_;
  std::map<std::string, TenantTotals> tenants_;  // by account id
  std::map<AwsCallKey, std::uint64_t> aws_calls_;
  std::map<AwsOperation, Histogram> aws_seconds_;
  std::map<PullKey, std::uint64_t> pulls_;
  std::map<SourceKey, std::uint64_t> pulled_objects_;
  std::map<SourceKey, std::uint64_t> pulled_bytes_;
};

// `text` as a Prometheus label value: backslash, double quote and newline escaped.
std::string EscapeLabelValue(std::string_view text);

}  // namespace govd::daemon

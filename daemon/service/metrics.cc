#include "daemon/service/metrics.h"

#include <cstdio>

#include "base/version.h"

namespace govd::daemon {
namespace {

// Reconcile passes take from milliseconds (nothing due) to minutes (a large account, throttled).
std::vector<double> PassBounds() { return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}; }
// One AWS attempt: loopback in milliseconds, AWS in tens to hundreds, a stall up to the timeout.
std::vector<double> AwsBounds() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}; }

std::string Number(double value) {
  char text[32];
  // 15 significant digits: a start time in seconds has 10 before the point.
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Sample(std::string& out, const std::string& name, const std::string& labels, const std::string& value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ' + value + '\n';
}

std::string Label(const char* name, std::string_view value) {
  return std::string(name) + "=\"" + EscapeLabelValue(value) + "\"";
}

// The process collector's names and help texts (client_golang's), so dashboards made for any
// Prometheus-instrumented process work unchanged.
void RenderProcess(const ProcessSample& process, std::string& out) {
  Header(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  Sample(out, "process_cpu_seconds_total", "", Number(process.cpu_seconds));
  Header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  Sample(out, "process_resident_memory_bytes", "", std::to_string(process.resident_bytes));
  Header(out, "process_open_fds", "gauge", "Number of open file descriptors.");
  Sample(out, "process_open_fds", "", std::to_string(process.open_fds));
  Header(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
  Sample(out, "process_max_fds", "", std::to_string(process.max_fds));
  Header(out, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.");
  Sample(out, "process_start_time_seconds", "", Number(process.start_time_seconds));
}

}  // namespace

std::string EscapeLabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (seconds <= bounds_[i]) {
      ++counts_[i];
      break;
    }
  }
  sum_ += seconds;
  ++count_;
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string& out) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    Sample(out, name + "_bucket", labels + Label("le", Number(bounds_[i])), std::to_string(cumulative));
  }
  Sample(out, name + "_bucket", labels + Label("le", "+Inf"), std::to_string(count_));
  std::string plain = labels.empty() ? labels : labels.substr(0, labels.size() - 1);  // drop the trailing ','
  Sample(out, name + "_sum", plain, Number(sum_));
  Sample(out, name + "_count", plain, std::to_string(count_));
}

Metrics::Metrics() : pass_seconds_(PassBounds()) {}

void Metrics::OnAwsCall(const accounts::AwsCallAttempt& attempt) {
  std::lock_guard lock(mutex_);
  ++aws_calls_[{std::string(attempt.service), std::string(attempt.operation), std::string(attempt.outcome)}];
  AwsOperation operation{std::string(attempt.service), std::string(attempt.operation)};
  auto [it, inserted] = aws_seconds_.try_emplace(std::move(operation), AwsBounds());
  it->second.Observe(std::chrono::duration<double>(attempt.latency).count());
}

void Metrics::RecordPass(const PassSummary& pass) {
  std::lock_guard lock(mutex_);
  ++passes_[pass.ok ? "ok" : "failed"];
  pass_seconds_.Observe(pass.took.count());
  for (const auto& [tenant, summary] : pass.tenants) {
    TenantTotals& totals = tenants_[tenant];
    totals.in_sync += static_cast<std::uint64_t>(summary.in_sync);
    totals.applied += static_cast<std::uint64_t>(summary.applied);
    totals.failed += static_cast<std::uint64_t>(summary.failed);
    totals.drift_repaired += static_cast<std::uint64_t>(summary.drift_repaired);
    if (!summary.grants_by_state.empty()) totals.grants_by_state = summary.grants_by_state;
  }
}

void Metrics::RecordPull(const PullSummary& pull) {
  std::lock_guard lock(mutex_);
  ++pulls_[{pull.source, pull.account, pull.outcome}];
  SourceKey source{pull.source, pull.account};
  pulled_objects_[source] += pull.objects;
  pulled_bytes_[source] += pull.bytes;
}

std::string Metrics::Render(const ProcessSample* process) const {
  std::string out;
  Header(out, "govd_build_info", "gauge",
         "Always 1; the version of the govd binary that serves these metrics.");
  Sample(out, "govd_build_info", Label("version", kVersion), "1");
  if (process != nullptr) RenderProcess(*process, out);
  std::lock_guard lock(mutex_);
  RenderPasses(out);
  RenderAwsCalls(out);
  RenderGrants(out);
  RenderPulls(out);
  return out;
}

void Metrics::RenderPasses(std::string& out) const {
  Header(out, "govd_reconcile_passes_total", "counter", "Reconcile passes, by whether the pass could run.");
  for (const char* outcome : {"ok", "failed"}) {
    auto it = passes_.find(outcome);
    Sample(out, "govd_reconcile_passes_total", Label("outcome", outcome), std::to_string(it == passes_.end() ? 0 : it->second));
  }
  Header(out, "govd_reconcile_pass_duration_seconds", "histogram", "How long reconcile passes took.");
  pass_seconds_.Render("govd_reconcile_pass_duration_seconds", "", out);
  Header(out, "govd_reconcile_buckets_total", "counter", "Buckets reconciled, by tenant and outcome.");
  for (const auto& [tenant, totals] : tenants_) {
    const std::string of = Label("tenant", tenant) + ",";
    Sample(out, "govd_reconcile_buckets_total", of + Label("outcome", "in_sync"),
           std::to_string(totals.in_sync));
    Sample(out, "govd_reconcile_buckets_total", of + Label("outcome", "applied"),
           std::to_string(totals.applied));
    Sample(out, "govd_reconcile_buckets_total", of + Label("outcome", "failed"),
           std::to_string(totals.failed));
  }
  Header(
      out, "govd_drift_repaired_total", "counter",
      "Bucket policies rewritten although no grant changed: edits made outside govd, repaired; by tenant.");
  for (const auto& [tenant, totals] : tenants_) {
    Sample(out, "govd_drift_repaired_total", Label("tenant", tenant), std::to_string(totals.drift_repaired));
  }
}

void Metrics::RenderAwsCalls(std::string& out) const {
  Header(out, "govd_aws_calls_total", "counter", "AWS call attempts (retries included), by service, operation and outcome.");
  for (const auto& [key, count] : aws_calls_) {
    const auto& [service, operation, outcome] = key;
    Sample(out, "govd_aws_calls_total",
           Label("service", service) + "," + Label("operation", operation) + "," + Label("outcome", outcome),
           std::to_string(count));
  }
  Header(out, "govd_aws_call_duration_seconds", "histogram", "Latency of AWS call attempts.");
  for (const auto& [operation, histogram] : aws_seconds_) {
    histogram.Render("govd_aws_call_duration_seconds",
                     Label("service", operation.first) + "," + Label("operation", operation.second) + ",", out);
  }
}

void Metrics::RenderGrants(std::string& out) const {
  Header(out, "govd_grants", "gauge", "Grants by tenant and state, as of the tenant's last reconcile pass.");
  for (const auto& [tenant, totals] : tenants_) {
    for (const auto& [state, count] : totals.grants_by_state) {
      Sample(out, "govd_grants", Label("tenant", tenant) + "," + Label("state", state),
             std::to_string(count));
    }
  }
}

void Metrics::RenderPulls(std::string& out) const {
  Header(out, "govd_pulls_total", "counter",
         "Central mode: pulls of a granted prefix, by source, account and outcome.");
  for (const auto& [key, count] : pulls_) {
    const auto& [source, account, outcome] = key;
    Sample(out, "govd_pulls_total",
           Label("source", source) + "," + Label("account", account) + "," + Label("outcome", outcome),
           std::to_string(count));
  }
  Header(out, "govd_pulled_objects_total", "counter",
         "Central mode: objects downloaded, by source and account.");
  for (const auto& [key, count] : pulled_objects_) {
    Sample(out, "govd_pulled_objects_total", Label("source", key.first) + "," + Label("account", key.second),
           std::to_string(count));
  }
  Header(out, "govd_pulled_bytes_total", "counter", "Central mode: bytes downloaded, by source and account.");
  for (const auto& [key, count] : pulled_bytes_) {
    Sample(out, "govd_pulled_bytes_total", Label("source", key.first) + "," + Label("account", key.second),
           std::to_string(count));
  }
}

}  // namespace govd::daemon

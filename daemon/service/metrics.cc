#include "daemon/service/metrics.h"

#include <cstdio>

namespace govd::daemon {
namespace {

// Reconcile passes take from milliseconds (nothing due) to minutes (a large account, throttled).
std::vector<double> PassBounds() { return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}; }
// One AWS attempt: loopback in milliseconds, AWS in tens to hundreds, a stall up to the timeout.
std::vector<double> AwsBounds() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}; }

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
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
  buckets_["in_sync"] += static_cast<std::uint64_t>(pass.in_sync);
  buckets_["applied"] += static_cast<std::uint64_t>(pass.applied);
  buckets_["failed"] += static_cast<std::uint64_t>(pass.failed);
  drift_repaired_ += static_cast<std::uint64_t>(pass.drift_repaired);
  if (!pass.grants_by_state.empty()) grants_ = pass.grants_by_state;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  RenderPasses(out);
  RenderAwsCalls(out);
  RenderGrants(out);
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
  Header(out, "govd_reconcile_buckets_total", "counter", "Buckets reconciled, by outcome.");
  for (const char* outcome : {"in_sync", "applied", "failed"}) {
    auto it = buckets_.find(outcome);
    Sample(out, "govd_reconcile_buckets_total", Label("outcome", outcome), std::to_string(it == buckets_.end() ? 0 : it->second));
  }
  Header(out, "govd_drift_repaired_total", "counter",
         "Bucket policies rewritten although no grant changed: edits made outside govd, repaired.");
  Sample(out, "govd_drift_repaired_total", "", std::to_string(drift_repaired_));
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
  Header(out, "govd_grants", "gauge", "Grants of this daemon's tenants by state, as of the last reconcile pass.");
  for (const auto& [state, count] : grants_) {
    Sample(out, "govd_grants", Label("state", state), std::to_string(count));
  }
}

}  // namespace govd::daemon

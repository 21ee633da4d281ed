// policy/analysis/audit_report.h
// The audit report for security teams as one self-contained HTML page (no scripts, no external
// resources; inline CSS and an inline SVG chart): the findings, the grants (counted by state, then
// listed), the drift govd repaired in the report's period, who can access each shared bucket with
// the role chains and deciding statements, and a chart of active grants over time. Each finding
// shows its status: active, or archived with the reason a person (or an archive rule) gave. The
// page fits a 1280 px wide window: long ARNs and messages wrap inside their cells. Every text
// from the inputs is HTML-escaped.
// Pure, thread safe: times are inputs (Unix seconds), rendered in UTC. Never writes files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "policy/analysis/access_analysis.h"
#include "policy/analysis/findings.h"

namespace govd::policy {

// When one grant was in force: [start, end), end 0 while still in force.
struct GrantSpan {
  std::string grant_id;
  std::int64_t start = 0;
  std::int64_t end = 0;
};

// One reconcile write that repaired govd's statements in a bucket policy after a change made
// outside govd (the Sids no grant transition explains; see daemon/server/audit_handlers.cc).
struct DriftRepair {
  std::int64_t at = 0;               // Unix seconds
  std::string bucket;
  std::vector<std::string> restored;  // managed statements put back (absent or altered)
  std::vector<std::string> removed;   // managed statements no grant asked for, deleted
};

struct AccessAnswer {
  AccessQuery query;
  std::vector<AccessPath> paths;
};

struct AuditReportInput {
  std::string title;
  std::int64_t generated_at = 0;
  std::vector<Finding> findings;
  // The archived ones among them, by finding id, with why (may be "" for findings archived
  // before reasons were recorded); the others are active.
  std::map<std::string, std::string> archived;
  std::vector<DesiredGrant> grants;
  std::vector<GrantSpan> history;  // for the chart
  std::int64_t period_start = 0;   // first audit-log entry the drift repairs were looked for in
  std::vector<DriftRepair> drift;  // in time order
  std::vector<AccessAnswer> access;
};

std::string RenderAuditReport(const AuditReportInput& input);

// "2026-11-25 00:36 UTC" for Unix seconds (proleptic Gregorian calendar).
std::string FormatUtc(std::int64_t unix_seconds);

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace govd::policy

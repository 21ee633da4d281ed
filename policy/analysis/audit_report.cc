// policy/analysis/audit_report.cc
#include "policy/analysis/audit_report.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace govd::policy {
namespace {

constexpr int kChartWidth = 640;
constexpr int kChartHeight = 200;
constexpr int kMargin = 40;

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;max-width:100%}"
    "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top;font-size:90%;"
    "overflow-wrap:anywhere}svg{max-width:100%;height:auto}.archived{color:#666}"
    "th{background:#eee}.critical{color:#a00;font-weight:bold}.high{color:#c50}.medium{color:#850}"
    "code{font-size:90%}";

std::string Cell(std::string_view text) { return "<td>" + HtmlEscape(text) + "</td>"; }

std::string Row(const std::vector<std::string>& cells) {
  std::string row = "<tr>";
  for (const auto& cell : cells) row += Cell(cell);
  return row + "</tr>\n";
}

std::string Header(const std::vector<std::string_view>& names) {
  std::string row = "<tr>";
  for (auto name : names) row += "<th>" + HtmlEscape(name) + "</th>";
  return row + "</tr>\n";
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
  return out;
}

// "active", or "archived: REASON" ("archived (no reason recorded)" for findings archived before
// reasons were).
std::string StatusCell(const std::map<std::string, std::string>& archived, const std::string& id) {
  auto it = archived.find(id);
  if (it == archived.end()) return "<td>active</td>";
  std::string text = it->second.empty() ? "archived (no reason recorded)" : "archived: " + it->second;
  return "<td class=\"archived\">" + HtmlEscape(text) + "</td>";
}

std::string FindingsTable(const std::vector<Finding>& findings, const std::map<std::string, std::string>& archived) {
  std::string html = "<h2>Findings</h2>\n<table id=\"findings\">\n" +
                     Header({"severity", "status", "type", "resource", "principal", "statement", "message", "id"});
  for (const auto& f : findings) {
    std::string severity(FindingSeverityName(f.severity));
    html += "<tr><td class=\"";
    html += severity;
    html += "\">";
    html += severity;
    html += "</td>";
    html += StatusCell(archived, f.id);
    for (std::string_view text : {FindingTypeName(f.type), std::string_view(f.resource), std::string_view(f.principal),
                                  std::string_view(f.statement), std::string_view(f.message), std::string_view(f.id)}) {
      html += Cell(text);
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

std::string GrantsTable(const std::vector<DesiredGrant>& grants) {
  std::string html = "<h2>Grants</h2>\n<table id=\"grants\">\n" +
                     Header({"grant", "bucket", "prefix", "grantee", "state", "expires", "embargoed"});
  for (const auto& g : grants) {
    html += Row({g.id, g.bucket, g.prefix.empty() ? "(whole bucket)" : g.prefix, g.grantee,
                 std::string(GrantStateName(g.state)), g.expires_at == 0 ? "never" : FormatUtc(g.expires_at),
                 g.embargoed ? "yes" : "no"});
  }
  return html + "</table>\n";
}

// Every state in lifecycle order, with how many grants are in it (zero rows included, so the
// table always has the same shape).
std::string GrantsByStateTable(const std::vector<DesiredGrant>& grants) {
  std::map<GrantState, int> counts;
  for (const auto& g : grants) ++counts[g.state];
  std::string html = "<h2>Grants by state</h2>\n<table id=\"grants-by-state\">\n" + Header({"state", "grants"});
  for (GrantState state : {GrantState::kRequested, GrantState::kApproved, GrantState::kApplying, GrantState::kActive,
                           GrantState::kRevoking, GrantState::kRevoked, GrantState::kExpired, GrantState::kRejected,
                           GrantState::kFailed}) {
    html += Row({std::string(GrantStateName(state)), std::to_string(counts[state])});
  }
  return html + "</table>\n";
}

std::string DriftTable(const AuditReportInput& input) {
  std::string html = "<h2>Drift repaired in the period</h2>\n<p id=\"drift-period\">From " +
                     HtmlEscape(FormatUtc(input.period_start)) + " to " + HtmlEscape(FormatUtc(input.generated_at)) +
                     ": " + std::to_string(input.drift.size()) + " repair(s).</p>\n<table id=\"drift\">\n" +
                     Header({"time", "bucket", "statements restored", "statements removed"});
  for (const auto& d : input.drift) {
    html += Row({FormatUtc(d.at), d.bucket, Join(d.restored, ", "), Join(d.removed, ", ")});
  }
  return html + "</table>\n";
}

std::string_view OriginName(PrincipalOrigin origin) {
  switch (origin) {
    case PrincipalOrigin::kOrgRole: return "organisation role";
    case PrincipalOrigin::kOutside: return "outside (identity side assumed)";
    case PrincipalOrigin::kMemberUnknownIdentity: return "member, roles unknown (identity side assumed)";
    case PrincipalOrigin::kAnonymous: return "anyone";
  }
  return "unknown";
}

std::string Explanation(const AccessPath& path) {
  std::vector<std::string> steps;
  for (const auto& step : path.steps) steps.push_back(step.action + ": " + Join(step.statements, ", "));
  return Join(steps, "; ");
}

std::string AccessTable(const std::vector<AccessAnswer>& answers) {
  std::string html = "<h2>Who can access</h2>\n<table id=\"access\">\n" +
                     Header({"resource", "action", "principal", "origin", "chain", "deciding statements"});
  for (const auto& answer : answers) {
    std::string resource = answer.query.bucket + "/" + answer.query.prefix;
    for (const auto& path : answer.paths) {
      html += Row({resource, answer.query.action, path.principal, std::string(OriginName(path.origin)),
                   Join(path.chain, " \u2192 "), Explanation(path)});
    }
  }
  return html + "</table>\n";
}

// (time, grants in force from then on), one point per change.
std::vector<std::pair<std::int64_t, int>> ActiveOverTime(const std::vector<GrantSpan>& history) {
  std::map<std::int64_t, int> delta;
  for (const auto& span : history) {
    ++delta[span.start];
    if (span.end != 0) --delta[span.end];
  }
  std::vector<std::pair<std::int64_t, int>> points;
  points.reserve(delta.size());
  int active = 0;
  for (const auto& [time, change] : delta) points.emplace_back(time, active += change);
  return points;
}

struct Scale {
  std::int64_t t0;
  std::int64_t t1;
  int max_count;
  int X(std::int64_t t) const {
    double span = static_cast<double>(std::max<std::int64_t>(1, t1 - t0));
    return kMargin + static_cast<int>(static_cast<double>(t - t0) / span * (kChartWidth - 2 * kMargin));
  }
  int Y(int count) const {
    return kChartHeight - kMargin - count * (kChartHeight - 2 * kMargin) / std::max(1, max_count);
  }
};

std::string StepLine(const std::vector<std::pair<std::int64_t, int>>& points, const Scale& scale) {
  std::string line;
  int previous = 0;
  for (const auto& [time, count] : points) {
    line += std::to_string(scale.X(time)) + "," + std::to_string(scale.Y(previous)) + " ";
    line += std::to_string(scale.X(time)) + "," + std::to_string(scale.Y(count)) + " ";
    previous = count;
  }
  return line + std::to_string(scale.X(scale.t1)) + "," + std::to_string(scale.Y(previous));
}

std::string Label(int x, int y, std::string_view anchor, std::string_view text) {
  return "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" text-anchor=\"" +
         std::string(anchor) + "\" font-size=\"11\">" + HtmlEscape(text) + "</text>";
}

std::string Chart(const std::vector<GrantSpan>& history, std::int64_t now) {
  auto points = ActiveOverTime(history);
  std::string svg = "<h2>Active grants over time</h2>\n<svg id=\"grants-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                    "width=\"" + std::to_string(kChartWidth) + "\" height=\"" + std::to_string(kChartHeight) +
                    "\" role=\"img\"><title>Active grants over time</title>";
  if (points.empty()) return svg + Label(kChartWidth / 2, kChartHeight / 2, "middle", "no grants yet") + "</svg>\n";
  int max_count = 0;
  for (const auto& point : points) max_count = std::max(max_count, point.second);
  Scale scale{points.front().first, std::max(now, points.back().first), max_count};
  int bottom = kChartHeight - kMargin;
  svg += "<line x1=\"" + std::to_string(kMargin) + "\" y1=\"" + std::to_string(bottom) + "\" x2=\"" +
         std::to_string(kChartWidth - kMargin) + "\" y2=\"" + std::to_string(bottom) + "\" stroke=\"#888\"/>";
  svg += "<polyline fill=\"none\" stroke=\"#06c\" stroke-width=\"2\" points=\"" + StepLine(points, scale) + "\"/>";
  svg += Label(kMargin, bottom + 15, "start", FormatUtc(scale.t0));
  svg += Label(kChartWidth - kMargin, bottom + 15, "end", FormatUtc(scale.t1));
  svg += Label(kMargin - 5, scale.Y(max_count) + 4, "end", std::to_string(max_count));
  return svg + "</svg>\n";
}

std::string Summary(const AuditReportInput& input) {
  std::array<int, 4> by_severity{};
  for (const auto& f : input.findings) ++by_severity[static_cast<std::size_t>(f.severity)];
  return "<p id=\"summary\">Generated " + HtmlEscape(FormatUtc(input.generated_at)) + ". Findings: " +
         std::to_string(by_severity[0]) + " critical, " + std::to_string(by_severity[1]) + " high, " +
         std::to_string(by_severity[2]) + " medium, " + std::to_string(by_severity[3]) + " low. Grants: " +
         std::to_string(input.grants.size()) + ".</p>\n";
}

// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
std::array<std::int64_t, 3> CivilFromDays(std::int64_t days) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t day_of_era = days - era * 146097;
  std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t mp = (5 * day_of_year + 2) / 153;
  std::int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::string TwoDigits(std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::string FormatUtc(std::int64_t unix_seconds) {
  std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  std::int64_t seconds = unix_seconds - days * 86400;
  auto [year, month, day] = CivilFromDays(days);
  return std::to_string(year) + "-" + TwoDigits(month) + "-" + TwoDigits(day) + " " + TwoDigits(seconds / 3600) + ":" +
         TwoDigits(seconds / 60 % 60) + " UTC";
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderAuditReport(const AuditReportInput& input) {
  std::string title = HtmlEscape(input.title);
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title><style>" +
         std::string(kStyle) + "</style></head>\n<body>\n<h1>" + title + "</h1>\n" + Summary(input) +
         FindingsTable(input.findings, input.archived) + Chart(input.history, input.generated_at) +
         GrantsByStateTable(input.grants) + GrantsTable(input.grants) + DriftTable(input) + AccessTable(input.access) + "</body></html>\n";
}

}  // namespace govd::policy

// The HTML audit report as a pure function: structure, escaping, dates, chart.
#include "policy/analysis/audit_report.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/policy/analysis/audit_report_scenario.h"

namespace govd::policy {
namespace {

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(AuditReportTest, FormatsUtcDates) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(FormatUtc(1800000000), "2027-01-15 08:00 UTC");
  EXPECT_EQ(FormatUtc(951782400 + 13 * 3600 + 7 * 60), "2000-02-29 13:07 UTC");
  EXPECT_EQ(FormatUtc(-86400), "1969-12-31 00:00 UTC");
}

TEST(AuditReportTest, EscapesEveryInputText) {
  AuditReportInput input;
  input.title = "<script>alert('x')</script> & co";
  input.grants.push_back({"g\"1", "b", "<p>", "arn", 0, GrantState::kActive, false});
  std::string html = RenderAuditReport(input);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("g&quot;1"), std::string::npos);
  EXPECT_NE(html.find("no grants yet"), std::string::npos);
}

TEST(AuditReportTest, ScenarioReportHasTablesRowsAndChart) {
  std::string html = RenderAuditReport(testing::ScenarioReportInput());
  EXPECT_EQ(Count(html, "<table"), 5);
  for (const char* id : {"findings", "grants-by-state", "grants", "drift", "access"}) {
    EXPECT_EQ(Count(html, std::string("<table id=\"") + id + "\">"), 1) << id;
  }
  // One header row per table, one row per finding, grant state (all nine), grant, drift repair
  // and access path.
  auto input = testing::ScenarioReportInput();
  std::size_t paths = 0;
  for (const auto& answer : input.access) paths += answer.paths.size();
  EXPECT_EQ(static_cast<std::size_t>(Count(html, "<tr>")),
            5 + input.findings.size() + 9 + input.grants.size() + input.drift.size() + paths);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("trust-without-external-id"), std::string::npos);
  EXPECT_NE(html.find("arn:aws:iam::111111111111:role/analyst \u2192 arn:aws:iam::111111111111:role/govd-central-reader"),
            std::string::npos);
}

// The findings table of a rendered report.
std::string FindingsTableOf(const std::string& html) {
  std::size_t start = html.find("<table id=\"findings\">");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</table>", start) - start);
}

TEST(AuditReportTest, ShowsEachFindingsStatusAndArchiveReason) {
  AuditReportInput input = testing::ScenarioReportInput();
  ASSERT_GE(input.findings.size(), 2U);
  std::string html = FindingsTableOf(RenderAuditReport(input));
  EXPECT_NE(html.find("<th>status</th>"), std::string::npos);
  EXPECT_EQ(static_cast<std::size_t>(Count(html, "<td>active</td>")), input.findings.size() - 1);
  EXPECT_NE(html.find("<td class=\"archived\">archived: accepted risk, ticket SEC-4711: "), std::string::npos);

  AuditReportInput old_archive;
  old_archive.findings = {input.findings.front()};
  old_archive.archived[input.findings.front().id] = "";
  old_archive.archived["0123456789abcdef"] = "<b>not one of the findings</b>";
  std::string shown = FindingsTableOf(RenderAuditReport(old_archive));
  EXPECT_NE(shown.find("<td class=\"archived\">archived (no reason recorded)</td>"), std::string::npos);
  EXPECT_EQ(shown.find("not one of the findings"), std::string::npos) << "only the findings listed are shown";
  EXPECT_EQ(Count(shown, "<td>active</td>"), 0);
}

TEST(AuditReportTest, ArchiveReasonsAreEscaped) {
  AuditReportInput input = testing::ScenarioReportInput();
  input.archived[input.findings.front().id] = "<img src=x onerror=alert(1)>";
  std::string html = RenderAuditReport(input);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("archived: &lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(AuditReportTest, CountsGrantsByStateIncludingEmptyStates) {
  std::string html = RenderAuditReport(testing::ScenarioReportInput());
  for (const char* row : {"<tr><td>requested</td><td>0</td></tr>", "<tr><td>approved</td><td>1</td></tr>",
                          "<tr><td>active</td><td>1</td></tr>", "<tr><td>expired</td><td>1</td></tr>",
                          "<tr><td>failed</td><td>0</td></tr>"}) {
    EXPECT_NE(html.find(row), std::string::npos) << row;
  }
  EXPECT_LT(html.find("id=\"grants-by-state\""), html.find("id=\"grants\""));
}

TEST(AuditReportTest, ListsDriftRepairsOfThePeriod) {
  std::string html = RenderAuditReport(testing::ScenarioReportInput());
  EXPECT_NE(html.find("<p id=\"drift-period\">From 2026-12-16 08:00 UTC to 2027-01-15 08:00 UTC: 2 repair(s).</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>2027-01-08 08:00 UTC</td><td>la-north-shared</td><td>GovdManagedReadAbc</td><td></td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>la-south-shared</td><td></td><td>GovdManagedReadByHand, GovdManagedListByHand</td>"),
            std::string::npos);
  AuditReportInput quiet;
  quiet.generated_at = 1'800'000'000;
  quiet.period_start = quiet.generated_at;
  std::string empty = RenderAuditReport(quiet);
  EXPECT_NE(empty.find(": 0 repair(s).</p>"), std::string::npos);
  EXPECT_NE(empty.find("<table id=\"drift\">\n<tr><th>time</th>"), std::string::npos);
}

}  // namespace
}  // namespace govd::policy

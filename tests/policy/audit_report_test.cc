// The HTML audit report as a pure function: structure, escaping, dates, chart.
#include "policy/audit_report.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/policy/audit_report_scenario.h"

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
  EXPECT_EQ(Count(html, "<table"), 3);
  EXPECT_NE(html.find("<table id=\"findings\">"), std::string::npos);
  // One header row plus one row per finding, grant and access path.
  auto input = testing::ScenarioReportInput();
  std::size_t paths = 0;
  for (const auto& answer : input.access) paths += answer.paths.size();
  EXPECT_EQ(static_cast<std::size_t>(Count(html, "<tr>")), 3 + input.findings.size() + input.grants.size() + paths);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("trust-without-external-id"), std::string::npos);
  EXPECT_NE(html.find("arn:aws:iam::111111111111:role/analyst \u2192 arn:aws:iam::111111111111:role/govd-central-reader"),
            std::string::npos);
}

}  // namespace
}  // namespace govd::policy

// Writes the scenario organisation's audit report (tests/policy/analysis/audit_report_scenario.h) to
// stdout, for the headless-browser test (tests/policy/analysis/render_report.cmake).
#include <iostream>

#include "tests/policy/analysis/audit_report_scenario.h"

int main() {
  std::cout << govd::policy::RenderAuditReport(govd::policy::testing::ScenarioReportInput());
  return 0;
}

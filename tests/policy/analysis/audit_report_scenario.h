// tests/policy/analysis/audit_report_scenario.h
// Test helper: the audit report input for the scenario organisation (tests/policy/org_scenario.h):
// its findings (the last one archived), three grants with a history, two drift repairs, and who can read two shared prefixes.
#pragma once

#include <cstdint>

#include "policy/analysis/access_analysis.h"
#include "policy/analysis/audit_report.h"
#include "policy/analysis/findings.h"
#include "tests/policy/org_scenario.h"

namespace govd::policy::testing {

inline AuditReportInput ScenarioReportInput() {
  constexpr std::int64_t kNow = 1'800'000'000;
  constexpr std::int64_t kDay = 86'400;
  const std::string reader = "arn:aws:iam::111111111111:role/govd-central-reader";
  AuditReportInput input;
  input.title = "govd audit report: scenario organisation";
  input.generated_at = kNow;
  input.grants = {{"g1", "la-north-shared", "reports/", reader, 0, GrantState::kActive, false},
                  {"g2", "la-north-shared", "exports/", reader, 0, GrantState::kApproved, true},
                  {"g3", "la-south-shared", "", reader, kNow - 100, GrantState::kExpired, false}};
  input.history = {{"g1", kNow - 30 * kDay, 0}, {"g3", kNow - 20 * kDay, kNow - 100}, {"g4", kNow - 10 * kDay, kNow - 5 * kDay}};
  input.period_start = kNow - 30 * kDay;
  input.drift = {{kNow - 7 * kDay, "la-north-shared", {"GovdManagedReadAbc"}, {}},
                 {kNow - 2 * kDay, "la-south-shared", {}, {"GovdManagedReadByHand", "GovdManagedListByHand"}}};
  OrgSnapshot org = ScenarioOrg();
  input.findings = ComputeFindings({&org, input.grants, kNow});
  // The last finding archived by a person, with a reason long enough to need wrapping.
  if (!input.findings.empty()) {
    input.archived[input.findings.back().id] =
        "accepted risk, ticket SEC-4711: the partner's analytics role reads exports under contract "
        "https://contracts.example.org/data-sharing/2026/partner-analytics-agreement-v3-signed-final.pdf";
  }
  auto analyzer = AccessAnalyzer::Build(std::move(org));
  if (!analyzer) return input;
  for (AccessQuery query : {AccessQuery{"la-north-shared", "reports/", "s3:GetObject"},
                            AccessQuery{"la-north-shared", "exports/", "s3:GetObject"}}) {
    auto paths = analyzer->WhoCanAccess(query);
    if (paths) input.access.push_back({query, std::move(*paths)});
  }
  return input;
}

}  // namespace govd::policy::testing

// Every case of $GOVD_CONFORMANCE_DIR/iam/public-cases.jsonl, and of govd's own case files in
// tests/policy/data/iam/*.jsonl (same format), is one test: the compiled evaluator and the
// reference evaluator must both give the case's expected decision.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "policy/engine/case_reader.h"
#include "policy/engine/evaluator.h"

namespace govd::policy {
namespace {

struct CaseLine {
  std::string id;
  std::string text;
};

// The environment wins; the configured default lets ctest list the cases (discovery runs without
// the test's ENVIRONMENT).
std::string CasesPath() {
  const char* dir = std::getenv("GOVD_CONFORMANCE_DIR");
  return std::string(dir != nullptr ? dir : GOVD_CONFORMANCE_DIR_DEFAULT) + "/iam/public-cases.jsonl";
}

void AppendCases(const std::string& path, std::vector<CaseLine>& cases) {
  std::ifstream in(path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (IsBlankLine(line)) continue;
    std::string id = CaseIdOf(line);
    cases.push_back({id.empty() ? "line" + std::to_string(number) : id, line});
  }
}

std::vector<CaseLine> LoadCases() {
  std::vector<CaseLine> cases;
  AppendCases(CasesPath(), cases);
  if (cases.empty()) cases.push_back({"absent", ""});  // one test that skips
  return cases;
}

// govd's own cases: every .jsonl file of GOVD_POLICY_CASES_DIR, in name order.
std::vector<CaseLine> LoadOwnCases() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(GOVD_POLICY_CASES_DIR)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<CaseLine> cases;
  for (const auto& file : files) AppendCases(file, cases);
  return cases;
}

void ExpectBothEvaluatorsGiveExpected(const std::string& text) {
  auto parsed = ParseCaseLine(text);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_FALSE(parsed->expected.empty()) << "case has no expected decision";
  CompiledPolicySet compiled(std::move(parsed->policies));
  auto evaluation = compiled.Evaluate(parsed->request);
  ASSERT_TRUE(evaluation) << evaluation.error().ToString();
  EXPECT_EQ(DecisionName(evaluation->decision), parsed->expected) << evaluation->reason;
  auto reference = EvaluateReference(compiled.policies(), parsed->request);
  ASSERT_TRUE(reference) << reference.error().ToString();
  EXPECT_EQ(DecisionName(*reference), parsed->expected);
}

// Names a case by its id in test output (the default prints the bytes of the struct).
void PrintTo(const CaseLine& line, std::ostream* out) { *out << line.id; }

class PublicCases : public testing::TestWithParam<CaseLine> {};

TEST_P(PublicCases, DecisionMatchesExpected) {
  if (GetParam().text.empty()) GTEST_SKIP() << "no IAM cases at \"" << CasesPath() << "\"";
  ExpectBothEvaluatorsGiveExpected(GetParam().text);
}

class PolicyCases : public testing::TestWithParam<CaseLine> {};

TEST_P(PolicyCases, DecisionMatchesExpected) { ExpectBothEvaluatorsGiveExpected(GetParam().text); }

// The explanation says why a listed principal is not exempt ("AWS JSON policy elements:
// NotPrincipal": a Deny's NotPrincipal always denies a principal with a permissions boundary).
TEST(PolicyExplanation, NamesTheBoundaryWhenNotPrincipalDoesNotExempt) {
  const std::string line = R"({"id":"x","request":{"principal":"arn:aws:iam::111111111111:role/c",
    "action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"222222222222"},
    "identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}],
    "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"OnlyC","Effect":"Deny",
      "NotPrincipal":{"AWS":["arn:aws:iam::111111111111:role/c","111111111111"]},"Action":"s3:*","Resource":"*"}]},
    "permissionBoundaries":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]})";
  auto parsed = ParseCaseLine(line);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  CompiledPolicySet compiled(std::move(parsed->policies));
  auto evaluation = compiled.Evaluate(parsed->request);
  ASSERT_TRUE(evaluation) << evaluation.error().ToString();
  EXPECT_EQ(evaluation->decision, Decision::kExplicitDeny);
  EXPECT_EQ(evaluation->reason,
            "explicitly denied by resourcePolicy statement OnlyC: its NotPrincipal lists the principal, but "
            "exempts no principal with a permissions boundary");
}

std::string CaseName(const testing::TestParamInfo<CaseLine>& info) {
  std::string name;
  for (char c : info.param.id) name.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Iam, PublicCases, testing::ValuesIn(LoadCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Govd, PolicyCases, testing::ValuesIn(LoadOwnCases()), CaseName);

}  // namespace
}  // namespace govd::policy

// Every case of $GOVD_CONFORMANCE_DIR/iam/public-cases.jsonl is one test: the compiled evaluator
// and the reference evaluator must both give the case's expected decision.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
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

std::vector<CaseLine> LoadCases() {
  std::vector<CaseLine> cases;
  std::ifstream in(CasesPath());
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (IsBlankLine(line)) continue;
    std::string id = CaseIdOf(line);
    cases.push_back({id.empty() ? "line" + std::to_string(number) : id, line});
  }
  if (cases.empty()) cases.push_back({"absent", ""});  // one test that skips
  return cases;
}

class PublicCases : public testing::TestWithParam<CaseLine> {};

TEST_P(PublicCases, DecisionMatchesExpected) {
  if (GetParam().text.empty()) GTEST_SKIP() << "no IAM cases at \"" << CasesPath() << "\"";
  auto parsed = ParseCaseLine(GetParam().text);
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

std::string CaseName(const testing::TestParamInfo<CaseLine>& info) {
  std::string name;
  for (char c : info.param.id) name.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Iam, PublicCases, testing::ValuesIn(LoadCases()), CaseName);

}  // namespace
}  // namespace govd::policy

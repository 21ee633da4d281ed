// The policy linter as a library: positions, pointers, the rule catalogue and the reports.
#include "policy/lint/lint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "policy/lint/json_position.h"
#include "policy/lint/lint_report.h"

namespace govd::policy {
namespace {

std::vector<std::string> Rules(const std::vector<LintDiagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.rule_id);
  return out;
}

TEST(LintTest, CatalogueIdsAreUniqueSortedAndFindable) {
  std::set<std::string_view> ids;
  const LintRule* previous = nullptr;
  for (const LintRule& rule : LintRules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    if (previous != nullptr) {
      EXPECT_TRUE(previous->severity < rule.severity ||
                  (previous->severity == rule.severity && previous->id < rule.id))
          << previous->id << " before " << rule.id;
    }
    previous = &rule;
    EXPECT_EQ(FindLintRule(rule.id), &rule);
    EXPECT_FALSE(rule.fix.empty()) << rule.id;
  }
  EXPECT_EQ(FindLintRule("GOVD-X999"), nullptr);
}

TEST(LintTest, PublicStatementPointsAtItsPrincipal) {
  const std::string text =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Sid\": \"P\", \"Effect\": \"Allow\",\n"
      "    \"Principal\": {\"AWS\": [\"111111111111\", \"*\"]}, \"Action\": \"s3:GetObject\",\n"
      "    \"Resource\": \"arn:aws:s3:::b/*\"}\n}\n";
  auto diagnostics = LintPolicy(text, {});
  ASSERT_EQ(Rules(diagnostics), std::vector<std::string>{"GOVD-W005"});
  EXPECT_EQ(diagnostics[0].pointer, "/Statement/Principal/AWS/1");
  EXPECT_EQ(diagnostics[0].line, 4);
  EXPECT_EQ(diagnostics[0].column, 43);
}

// "AWS JSON policy elements: NotPrincipal": AWS recommends aws:PrincipalArn conditions instead, and a
// Deny with NotPrincipal denies any IAM principal with a permissions boundary, listed or not.
TEST(LintTest, DenyWithNotPrincipalWarnsOfBoundaries) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyCentral","Effect":"Deny",
    "NotPrincipal":{"AWS":["arn:aws:iam::111111111111:role/central-reader","111111111111"]},
    "Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})";
  auto diagnostics = LintPolicy(text, {});
  ASSERT_EQ(Rules(diagnostics), std::vector<std::string>{"GOVD-W012"});
  EXPECT_EQ(diagnostics[0].pointer, "/Statement/0/NotPrincipal");
  EXPECT_NE(diagnostics[0].message.find("permissions boundary"), std::string::npos) << diagnostics[0].message;
  EXPECT_NE(diagnostics[0].message.find("aws:PrincipalArn"), std::string::npos) << diagnostics[0].message;
}

TEST(LintTest, AllowWithNotPrincipalRecommendsPrincipalArn) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Sid":"AllButOne","Effect":"Allow",
    "NotPrincipal":{"AWS":"arn:aws:iam::222222222222:role/intern"},"Action":"s3:GetObject",
    "Resource":"arn:aws:s3:::b/*"}]})";
  auto diagnostics = LintPolicy(text, {});
  ASSERT_EQ(Rules(diagnostics), (std::vector<std::string>{"GOVD-W001", "GOVD-W005"}));
  EXPECT_NE(diagnostics[0].message.find("aws:PrincipalArn"), std::string::npos) << diagnostics[0].message;
}

TEST(LintTest, DenyWithPrincipalArnConditionIsQuiet) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyCentral","Effect":"Deny",
    "Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
    "Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/central-reader"}}}]})";
  EXPECT_TRUE(LintPolicy(text, {}).empty());
}

TEST(LintTest, OrganisationRestrictionSilencesOutsideWarning) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow",
    "Principal":{"AWS":"999999999999"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
    "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ours"}}}]})";
  LintOptions options;
  options.org_id = "o-ours";
  options.org_accounts = {"111111111111"};
  EXPECT_TRUE(LintPolicy(text, options).empty());
  options.org_id = "o-theirs";
  EXPECT_EQ(Rules(LintPolicy(text, options)), std::vector<std::string>{"GOVD-W006"});
}

TEST(LintTest, ParserErrorKeepsParserWordsAndPointer) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})";
  LintOptions options;
  options.kind = PolicyKind::kIdentity;
  auto diagnostics = LintPolicy(text, options);
  ASSERT_EQ(Rules(diagnostics), std::vector<std::string>{"GOVD-E002"});
  EXPECT_EQ(diagnostics[0].pointer, "/Statement/0");
  EXPECT_EQ(diagnostics[0].line, 1);
  EXPECT_EQ(diagnostics[0].column, 38);
}

TEST(LintTest, MissingElementLocatesItsParent) {
  auto positions = JsonPositions::Parse("{\n  \"a\": {\"b\": 1}\n}");
  ASSERT_TRUE(positions.has_value());
  TextPosition position = positions->Locate("/a/missing/deeper");
  EXPECT_EQ(position.line, 2);
  EXPECT_EQ(position.column, 8);
}

TEST(LintTest, TextReportFoldsMultiLineMessages) {
  std::vector<LintedFile> files = {{"p.json", PolicyKind::kResource, {{"GOVD-E001", LintSeverity::kError,
                                                                        "not JSON: * Line 1\n  Syntax error", "", 1, 2}}}};
  EXPECT_EQ(FormatLintText(files),
            "p.json:1:2: error: not JSON: * Line 1 Syntax error [GOVD-E001]\n"
            "1 error(s), 0 warning(s), 0 suggestion(s)\n");
}

TEST(LintTest, SarifUrisArePercentEncoded) {
  EXPECT_EQ(PathToUriReference("dir/my policy#1.json"), "dir/my%20policy%231.json");
  std::vector<LintedFile> files = {{"a b.json", PolicyKind::kResource, {}}};
  Json::Value log = LintSarif(files, "0.1.0");
  EXPECT_EQ(log["version"].asString(), "2.1.0");
  EXPECT_EQ(log["runs"][0]["artifacts"][0]["location"]["uri"].asString(), "a%20b.json");
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"].size(), LintRules().size());
}

}  // namespace
}  // namespace govd::policy

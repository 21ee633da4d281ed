// Archive rules as a pure filter (policy/analysis/archive_rule.h): which findings a rule covers,
// the first matching rule, and the rules refused before they reach the store.
#include "policy/analysis/archive_rule.h"

#include <gtest/gtest.h>

#include <vector>

namespace govd::policy {
namespace {

Finding MakeFinding(FindingType type, const std::string& resource, const std::string& principal) {
  return {FindingId(type, resource, principal, "s"), type, FindingSeverity::kHigh, resource, principal, "s", "m"};
}

TEST(ArchiveRuleTest, MatchesEveryCriterionItSets) {
  ArchiveRule rule{"partner", FindingType::kOutsideOrganisation, "la-data", "999999999999", "contract C-12"};
  EXPECT_TRUE(ArchiveRuleMatches(rule, MakeFinding(FindingType::kOutsideOrganisation, "arn:aws:s3:::la-data/reports/",
                                                   "999999999999")));
  EXPECT_TRUE(ArchiveRuleMatches(rule, MakeFinding(FindingType::kOutsideOrganisation, "arn:aws:s3:::la-data",
                                                   "999999999999")));
  EXPECT_FALSE(ArchiveRuleMatches(rule, MakeFinding(FindingType::kPublicAccess, "arn:aws:s3:::la-data",
                                                    "999999999999")))
      << "another type";
  EXPECT_FALSE(ArchiveRuleMatches(rule, MakeFinding(FindingType::kOutsideOrganisation, "arn:aws:s3:::la-data-2",
                                                    "999999999999")))
      << "a bucket whose name only starts with la-data";
  EXPECT_FALSE(ArchiveRuleMatches(rule, MakeFinding(FindingType::kOutsideOrganisation, "arn:aws:s3:::la-data",
                                                    "888888888888")))
      << "another principal";
  ArchiveRule any_public{"public", FindingType::kPublicAccess, "", "", "websites"};
  EXPECT_TRUE(ArchiveRuleMatches(any_public, MakeFinding(FindingType::kPublicAccess, "arn:aws:s3:::www", "*")));
}

TEST(ArchiveRuleTest, FirstMatchingRuleInOrder) {
  std::vector<ArchiveRule> rules{{"a-bucket", std::nullopt, "la-data", "", "first"},
                                 {"b-principal", std::nullopt, "", "*", "second"}};
  Finding f = MakeFinding(FindingType::kPublicAccess, "arn:aws:s3:::la-data", "*");
  ASSERT_NE(FirstMatchingRule(rules, f), nullptr);
  EXPECT_EQ(FirstMatchingRule(rules, f)->name, "a-bucket");
  EXPECT_EQ(FirstMatchingRule(rules, MakeFinding(FindingType::kPublicAccess, "arn:aws:s3:::other", "1")), nullptr);
}

TEST(ArchiveRuleTest, RefusesRulesNamingTheField) {
  struct Case {
    ArchiveRule rule;
    const char* where;
  };
  for (const Case& c : std::vector<Case>{
           {{"", FindingType::kPublicAccess, "", "", "r"}, "name"},
           {{"-x", FindingType::kPublicAccess, "", "", "r"}, "name"},
           {{std::string(64, 'a'), FindingType::kPublicAccess, "", "", "r"}, "name"},
           {{"all", std::nullopt, "", "", "r"}, "criteria"},
           {{"b", std::nullopt, "UPPER", "", "r"}, "bucket"},
           {{"b", std::nullopt, "ab", "", "r"}, "bucket"},
           {{"p", std::nullopt, "", "x\x1b[2J", "r"}, "principal"},
           {{"r", std::nullopt, "la-data", "", ""}, "reason"},
           {{"r", std::nullopt, "la-data", "", "\t "}, "reason"},
           {{"r", std::nullopt, "la-data", "", std::string(1001, 'x')}, "reason"}}) {
    Status checked = ValidateArchiveRule(c.rule);
    ASSERT_FALSE(checked) << c.rule.name << " / " << c.where;
    EXPECT_EQ(checked.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(checked.error().where(), c.where) << checked.error().message();
  }
  EXPECT_TRUE(ValidateArchiveRule({"partner-1", std::nullopt, "la-data.eu", "999999999999", "contract"}));
}

TEST(ArchiveRuleTest, ParsesFindingTypesAndListsThemOnError) {
  EXPECT_EQ(ParseFindingType("public-access").value(), FindingType::kPublicAccess);
  EXPECT_EQ(ParseFindingType("trust-without-external-id").value(), FindingType::kTrustWithoutExternalId);
  auto unknown = ParseFindingType("publicaccess");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("outside-organisation, public-access"), std::string::npos)
      << unknown.error().message();
}

}  // namespace
}  // namespace govd::policy

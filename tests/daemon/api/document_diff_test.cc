// The plan's document diff (daemon/api/document_diff.h): order does not count, what was added,
// removed or changed shows as unified-diff lines, and hunks carry diff -u's line ranges.
#include "daemon/api/document_diff.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/json_text.h"

namespace govd::daemon {
namespace {

Json::Value Doc(const std::string& text) {
  auto parsed = ParseJsonText(text, "test document");
  EXPECT_TRUE(parsed) << parsed.error().ToString();
  return parsed ? *parsed : Json::Value();
}

std::string Statement(const std::string& sid, const std::string& principal) {
  return R"({"Sid":")" + sid + R"(","Effect":"Allow","Principal":{"AWS":")" + principal +
         R"("},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/)" + sid + R"(/*"})";
}

std::string Policy(const std::vector<std::string>& statements) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (std::size_t i = 0; i < statements.size(); ++i) text += (i ? "," : "") + statements[i];
  return text + "]}";
}

std::vector<std::string> Starting(const std::vector<std::string>& lines, char prefix) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    if (!line.empty() && line[0] == prefix && !line.starts_with("---") && !line.starts_with("+++"))
      out.push_back(line);
  }
  return out;
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

const std::string kA = "arn:aws:iam::111122223333:user/a";
const std::string kB = "arn:aws:iam::111122223333:user/b";

TEST(DocumentDiffTest, TheSameStatementsInAnotherOrderAreNoChange) {
  Json::Value one = Doc(Policy({Statement("S1", kA), Statement("S2", kB)}));
  Json::Value two = Doc(Policy({Statement("S2", kB), Statement("S1", kA)}));
  EXPECT_TRUE(DocumentDiff(one, two, "actual", "desired").empty());
}

TEST(DocumentDiffTest, AnAddedStatementShowsOnlyAsAddedLines) {
  auto diff = DocumentDiff(Doc(Policy({Statement("S1", kA)})),
                           Doc(Policy({Statement("S1", kA), Statement("S2", kB)})), "actual", "desired");
  ASSERT_GE(diff.size(), 3U);
  EXPECT_EQ(diff[0], "--- actual");
  EXPECT_EQ(diff[1], "+++ desired");
  EXPECT_TRUE(diff[2].starts_with("@@ -")) << diff[2];
  EXPECT_TRUE(Starting(diff, '-').empty());
  EXPECT_TRUE(AnyContains(Starting(diff, '+'), "\"Sid\" : \"S2\""));
  EXPECT_TRUE(AnyContains(Starting(diff, '+'), kB));
  EXPECT_FALSE(AnyContains(Starting(diff, '+'), kA)) << "the unchanged statement is context only";
}

TEST(DocumentDiffTest, AChangedPrincipalIsOneLineRemovedAndOneAdded) {
  auto diff = DocumentDiff(Doc(Policy({Statement("S1", kA)})), Doc(Policy({Statement("S1", kB)})), "a", "b");
  std::vector<std::string> removed = Starting(diff, '-');
  std::vector<std::string> added = Starting(diff, '+');
  ASSERT_EQ(removed.size(), 1U);
  ASSERT_EQ(added.size(), 1U);
  EXPECT_NE(removed[0].find(kA), std::string::npos) << removed[0];
  EXPECT_NE(added[0].find(kB), std::string::npos) << added[0];
  EXPECT_FALSE(Starting(diff, ' ').empty()) << "context lines around the change";
}

TEST(DocumentDiffTest, NoPolicyOnEitherSideIsAWholeDocumentAddedOrRemoved) {
  Json::Value policy = Doc(Policy({Statement("S1", kA)}));
  std::size_t lines = CanonicalDocumentLines(policy).size();
  auto created = DocumentDiff(Json::Value(), policy, "a", "b");
  ASSERT_GE(created.size(), 3U);
  EXPECT_EQ(created[2], "@@ -0,0 +1," + std::to_string(lines) + " @@");
  EXPECT_EQ(Starting(created, '+').size(), lines);
  auto deleted = DocumentDiff(policy, Json::Value(), "a", "b");
  ASSERT_GE(deleted.size(), 3U);
  EXPECT_EQ(deleted[2], "@@ -1," + std::to_string(lines) + " +0,0 @@");
  EXPECT_EQ(Starting(deleted, '-').size(), lines);
}

TEST(DocumentDiffTest, ChangesFarApartAreSeparateHunks) {
  std::vector<std::string> before;
  std::vector<std::string> after;
  for (char c = 'A'; c <= 'J'; ++c) {
    std::string sid = std::string("S") + c;
    before.push_back(Statement(sid, kA));
    after.push_back(Statement(sid, c == 'A' || c == 'J' ? kB : kA));
  }
  auto diff = DocumentDiff(Doc(Policy(before)), Doc(Policy(after)), "a", "b");
  EXPECT_EQ(
      std::count_if(diff.begin(), diff.end(), [](const std::string& l) { return l.starts_with("@@ "); }), 2)
      << ::testing::PrintToString(diff);
  EXPECT_EQ(Starting(diff, '-').size(), 2U);
  EXPECT_EQ(Starting(diff, '+').size(), 2U);
}

}  // namespace
}  // namespace govd::daemon

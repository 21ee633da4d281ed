// The pure parts of the pull: which object keys may become local files, the manifest's JSON, and
// the check of a local file against its manifest entry. No server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "accounts/pull/prefix_pull.h"
#include "accounts/pull/pull_manifest.h"

namespace govd::accounts {
namespace {

const std::filesystem::path kDest = "/data/pull";

TEST(LocalPathForKey, NestedKeysStayUnderTheDestination) {
  auto path = LocalPathForKey(kDest, "reports/2026/q3.csv");
  ASSERT_TRUE(path) << path.error().ToString();
  EXPECT_EQ(*path, std::filesystem::path("/data/pull/reports/2026/q3.csv"));
  EXPECT_EQ(*LocalPathForKey(kDest, "a..b/c."), std::filesystem::path("/data/pull/a..b/c."));
}

TEST(LocalPathForKey, KeysThatWouldEscapeOrAreNoFileNamesAreRefusedByName) {
  const std::string keys[] = {"",       "../etc/passwd", "reports/../../x", "/etc/passwd", "a//b",
                              "dir/",   "./x",           "a\\..\\b",        "..",          ".govd-pull.json",
                              "reports/.."};
  for (const auto& key : keys) {
    auto path = LocalPathForKey(kDest, key);
    ASSERT_FALSE(path) << "accepted \"" << key << "\" as " << path->string();
    EXPECT_EQ(path.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(path.error().message().find("\"" + key + "\""), std::string::npos) << path.error().message();
  }
  std::string with_nul("reports/a\0b", 11);
  auto path = LocalPathForKey(kDest, with_nul);
  ASSERT_FALSE(path);
  EXPECT_NE(path.error().message().find("NUL"), std::string::npos);
}

TEST(PullManifest, RoundTripsThroughJson) {
  PullManifest manifest{{"reports/q3.csv", {"9b2cf535f27731c974343645a3985328", 22, std::string(64, 'a'), ""}},
                        {"reports/\"odd\" name", {"e1-2", 18'000'000'000ULL, std::string(64, 'b'), ""}},
                        {"reports/copied.csv", {"e3", 7, std::string(64, 'c'), "copy-etag-3"}}};
  auto parsed = ParsePullManifest(SerializePullManifest(manifest));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, manifest);
}

TEST(PullManifest, MalformedManifestsNameTheField) {
  struct Case {
    const char* text;
    const char* where;
  };
  const Case cases[] = {
      {R"({"version":2,"objects":{}})", "/version"},
      {R"({"version":1})", "/objects"},
      {R"({"version":1,"objects":{"k":{"etag":"e","size":-1,"sha256":"x"}}})", "/objects/k/size"},
      {R"({"version":1,"objects":{"k":{"size":1,"sha256":"x"}}})", "/objects/k/etag"},
      {R"({"version":1,"objects":{"k":[]}})", "/objects/k"},
      {R"({"version":1,"objects":{"k":{"etag":"e","size":1,"sha256":"x","copy_etag":7}}})", "/objects/k/copy_etag"},
  };
  for (const auto& c : cases) {
    auto parsed = ParsePullManifest(c.text);
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().where(), c.where) << c.text;
  }
  EXPECT_FALSE(ParsePullManifest("{not json"));
}

class ManifestFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("pull-manifest-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::filesystem::path dir_;
};

TEST_F(ManifestFileTest, MissingManifestIsEmptyAndSavedOneLoadsBack) {
  auto empty = LoadPullManifest(dir_);
  ASSERT_TRUE(empty) << empty.error().ToString();
  EXPECT_TRUE(empty->empty());
  PullManifest manifest{{"k", {"etag", 3, std::string(64, 'c'), ""}}};
  ASSERT_TRUE(SavePullManifest(dir_, manifest));
  EXPECT_FALSE(std::filesystem::exists(dir_ / ".govd-pull.json.tmp"));
  auto loaded = LoadPullManifest(dir_);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(*loaded, manifest);
}

TEST_F(ManifestFileTest, CorruptManifestIsAnErrorNamingTheFile) {
  Write(".govd-pull.json", "{\"version\":1,\"objects\":");
  auto loaded = LoadPullManifest(dir_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message().find(".govd-pull.json"), std::string::npos) << loaded.error().message();
}

TEST_F(ManifestFileTest, Sha256OfFileMatchesTheKnownDigest) {
  Write("abc", "abc");
  auto digest = Sha256OfFile(dir_ / "abc");
  ASSERT_TRUE(digest) << digest.error().ToString();
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Larger than one read block, so the incremental update is exercised.
  Write("big", std::string(200'000, 'x'));
  std::string one_shot = *Sha256OfFile(dir_ / "big");
  Write("big2", std::string(199'999, 'x') + "y");
  EXPECT_NE(*Sha256OfFile(dir_ / "big2"), one_shot);
  EXPECT_FALSE(Sha256OfFile(dir_ / "absent"));
}

TEST_F(ManifestFileTest, LocalFileMatchesOnlyTheRecordedContent) {
  Write("f", "hello");
  PullManifestEntry entry{"e", 5, *Sha256OfFile(dir_ / "f"), ""};
  EXPECT_TRUE(*LocalFileMatches(dir_ / "f", entry));
  Write("f", "jello");  // same size, other content
  EXPECT_FALSE(*LocalFileMatches(dir_ / "f", entry));
  Write("f", "hello!");
  EXPECT_FALSE(*LocalFileMatches(dir_ / "f", entry));
  EXPECT_FALSE(*LocalFileMatches(dir_ / "absent", entry));
}

}  // namespace
}  // namespace govd::accounts

// End-to-end: central mode's pull (accounts/pull/prefix_pull.h) of the prefix la1 granted to the
// central account, against the real RadosGW of the "rgw" fixture: files and manifest, resuming,
// re-fetching what changed on S3 or locally, and revocation before and during a pull.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "accounts/pull/prefix_pull.h"
#include "accounts/pull/pull_manifest.h"
#include "tests/accounts/rgw_shared_prefix.h"

namespace govd::accounts {
namespace {

using testing::RgwSharedPrefix;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Records every progress call; optionally acts when a given key is about to be fetched.
struct RecordingSink final : public ProgressSink {
  void OnProgress(const PullProgress& progress) override {
    calls.push_back(progress);
    if (on_key && progress.current_key == trigger_key) on_key();
  }
  std::vector<PullProgress> calls;
  std::string trigger_key;
  std::function<void()> on_key;
};

class PrefixPullRgwTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    ASSERT_TRUE(env->contains("RGW_ENDPOINT")) << "no env file from scripts/rgw-test-server";
    shared_.emplace(*env);
    ASSERT_EQ(shared_->CreateAndGrant(), "");
    dest_ = std::filesystem::path(::testing::TempDir()) / ("pull-" + shared_->CrossTenantName());
    std::filesystem::remove_all(dest_);
  }
  void TearDown() override { std::filesystem::remove_all(dest_); }

  Result<PullReport> Pull() {
    return PullPrefix(shared_->central(), shared_->CrossTenantBucket(), "reports/", dest_.string(), {}, sink_);
  }

  std::optional<RgwSharedPrefix> shared_;
  std::filesystem::path dest_;
  RecordingSink sink_;
};

TEST_F(PrefixPullRgwTest, PullsTheGrantedPrefixWithManifestAndProgress) {
  auto report = Pull();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->downloaded, 3U);
  EXPECT_EQ(report->skipped, 0U);
  EXPECT_TRUE(report->failures.empty());
  auto manifest = LoadPullManifest(dest_);
  ASSERT_TRUE(manifest) << manifest.error().ToString();
  std::uint64_t total = 0;
  for (const auto& [key, body] : RgwSharedPrefix::InitialObjects()) {
    if (!key.starts_with("reports/")) {
      EXPECT_FALSE(std::filesystem::exists(dest_ / key)) << key;
      EXPECT_FALSE(manifest->contains(key)) << key;
      continue;
    }
    total += body.size();
    EXPECT_EQ(ReadFile(dest_ / key), body) << key;
    ASSERT_TRUE(manifest->contains(key)) << key;
    EXPECT_EQ(manifest->at(key).size, body.size());
    EXPECT_EQ(manifest->at(key).sha256, *Sha256OfFile(dest_ / key));
    EXPECT_FALSE(manifest->at(key).etag.empty());
    EXPECT_FALSE(std::filesystem::exists(dest_ / (key + ".part"))) << key;
  }
  EXPECT_EQ(report->bytes, total);
  ASSERT_FALSE(sink_.calls.empty());
  const PullProgress& last = sink_.calls.back();
  EXPECT_EQ(last.objects_done, 3U);
  EXPECT_EQ(last.objects_total, 3U);
  EXPECT_EQ(last.bytes_done, total);
  EXPECT_EQ(last.bytes_total, total);
  EXPECT_EQ(last.current_key, "");
  EXPECT_EQ(sink_.calls.front().current_key, "reports/2026/q3.csv");  // listing order
}

TEST_F(PrefixPullRgwTest, SecondPullSkipsEverythingAndOnlyChangedObjectsAreFetchedAgain) {
  ASSERT_TRUE(Pull());
  auto again = Pull();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->downloaded, 0U);
  EXPECT_EQ(again->skipped, 3U);
  EXPECT_EQ(again->bytes, 0U);

  ASSERT_EQ(shared_->Put("reports/q1.csv", "region,total\nnorth,2\nsouth,5\n"), "");
  auto changed = Pull();
  ASSERT_TRUE(changed) << changed.error().ToString();
  EXPECT_EQ(changed->downloaded, 1U);
  EXPECT_EQ(changed->skipped, 2U);
  EXPECT_EQ(ReadFile(dest_ / "reports/q1.csv"), "region,total\nnorth,2\nsouth,5\n");
  EXPECT_EQ(LoadPullManifest(dest_)->at("reports/q1.csv").sha256, *Sha256OfFile(dest_ / "reports/q1.csv"));
}

TEST_F(PrefixPullRgwTest, CorruptedOrDeletedLocalFilesAreFetchedAgain) {
  ASSERT_TRUE(Pull());
  std::string original = ReadFile(dest_ / "reports/q2.csv");
  std::ofstream(dest_ / "reports/q2.csv", std::ios::binary) << std::string(original.size(), 'X');  // same size
  std::filesystem::remove(dest_ / "reports/2026/q3.csv");
  auto repaired = Pull();
  ASSERT_TRUE(repaired) << repaired.error().ToString();
  EXPECT_EQ(repaired->downloaded, 2U);
  EXPECT_EQ(repaired->skipped, 1U);
  EXPECT_EQ(ReadFile(dest_ / "reports/q2.csv"), original);
  EXPECT_EQ(ReadFile(dest_ / "reports/2026/q3.csv"), "region,total\nnorth,42\n");
}

TEST_F(PrefixPullRgwTest, PullAfterRevocationIsPermissionDeniedAndKeepsFiles) {
  ASSERT_TRUE(Pull());
  ASSERT_EQ(shared_->Revoke(), "");
  auto revoked = Pull();
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(revoked.error().message().find("revoked"), std::string::npos) << revoked.error().message();
  EXPECT_NE(revoked.error().message().find(shared_->CrossTenantName() + "/reports/"), std::string::npos);
  EXPECT_EQ(ReadFile(dest_ / "reports/q1.csv"), "region,total\nnorth,1\n");
  EXPECT_EQ(LoadPullManifest(dest_)->size(), 3U);
}

TEST_F(PrefixPullRgwTest, RevocationDuringAPullStopsItWithAConsistentManifest) {
  // The listing order is q3 (2026/), q1, q2: la1 revokes once the first object is in.
  sink_.trigger_key = "reports/q1.csv";
  sink_.on_key = [this] { ASSERT_EQ(shared_->Revoke(), ""); };
  auto revoked = Pull();
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(revoked.error().message().find("revoked or denied (downloading reports/q1.csv"), std::string::npos)
      << revoked.error().message();
  auto manifest = LoadPullManifest(dest_);
  ASSERT_TRUE(manifest) << manifest.error().ToString();
  ASSERT_EQ(manifest->size(), 1U);
  EXPECT_TRUE(*LocalFileMatches(dest_ / "reports/2026/q3.csv", manifest->at("reports/2026/q3.csv")));
  EXPECT_FALSE(std::filesystem::exists(dest_ / "reports/q1.csv"));
  EXPECT_FALSE(std::filesystem::exists(dest_ / "reports/q1.csv.part"));
  EXPECT_FALSE(std::filesystem::exists(dest_ / "reports/q2.csv"));
}

TEST_F(PrefixPullRgwTest, PrefixOutsideTheGrantIsDenied) {
  auto denied = PullPrefix(shared_->central(), shared_->CrossTenantBucket(), "secret/", dest_.string(), {}, sink_);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(dest_ / "secret"));
}

}  // namespace
}  // namespace govd::accounts

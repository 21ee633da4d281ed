// The audit key file and the anchor files, without a database: a key file that others may read
// is refused without quoting it, a key must be 32+ bytes of hex, anchors only move forward and
// one altered by hand (or written under another key) is refused.
#include "accounts/store/audit_seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

namespace govd::accounts {
namespace {

class AuditSealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("govd-seal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string KeyFile(const std::string& text, unsigned mode) {
    std::string path = (dir_ / "audit.key").string();
    std::filesystem::remove(path);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  std::filesystem::path dir_;
};

const std::string kKeyHex = std::string(64, 'a');

TEST_F(AuditSealTest, KeyFileReadableByOthersIsRefusedWithoutQuotingIt) {
  for (unsigned mode : {0644U, 0640U, 0604U, 0660U}) {
    auto seal = AuditSeal::Open(KeyFile(kKeyHex, mode), (dir_ / "anchors").string());
    ASSERT_FALSE(seal) << mode;
    EXPECT_EQ(seal.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(seal.error().message().find("chmod 400"), std::string::npos) << seal.error().message();
    EXPECT_EQ(seal.error().ToString().find(kKeyHex), std::string::npos);
  }
  EXPECT_TRUE(AuditSeal::Open(KeyFile(kKeyHex + "\n", 0400), (dir_ / "anchors").string()));
  EXPECT_TRUE(ReadAuditKeyFile(KeyFile(kKeyHex, 0400)));
  EXPECT_FALSE(ReadAuditKeyFile(KeyFile(kKeyHex, 0644)));
  EXPECT_FALSE(ReadAuditKeyFile((dir_ / "missing.key").string()));
  EXPECT_TRUE(AuditSeal::Open(KeyFile(kKeyHex, 0600), (dir_ / "anchors").string()));
}

TEST_F(AuditSealTest, KeyFileOfAnotherUserIsRefused) {
  EXPECT_TRUE(CheckAuditKeyFileMode(0400, 0, 1000, "k"));
  EXPECT_TRUE(CheckAuditKeyFileMode(0400, 1000, 1000, "k"));
  EXPECT_FALSE(CheckAuditKeyFileMode(0400, 1001, 1000, "k"));
}

TEST_F(AuditSealTest, KeyMustBeAtLeast32BytesOfHex) {
  EXPECT_FALSE(ParseAuditKey(std::string(62, 'a'), "k"));
  EXPECT_FALSE(ParseAuditKey(std::string(63, 'a') + "g", "k"));
  auto bad = ParseAuditKey("zz" + std::string(62, 'a'), "k");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().find("zz"), std::string::npos);
  EXPECT_TRUE(ParseAuditKey("  " + std::string(64, 'A') + "\n", "k"));
}

TEST_F(AuditSealTest, AnchorsOnlyMoveForwardAndRefuseAlteration) {
  std::array<std::uint8_t, 32> key{};
  auto seal = AuditSeal::ForTest(key, (dir_ / "anchors").string());
  ASSERT_TRUE(seal);
  EXPECT_FALSE(*(*seal)->Anchor("la-leeds"));
  ASSERT_TRUE((*seal)->Advance({"la-leeds", 10, std::string(64, '1')}));
  ASSERT_TRUE((*seal)->Advance({"la-leeds", 7, std::string(64, '2')}));  // older: ignored
  auto anchor = (*seal)->Anchor("la-leeds");
  ASSERT_TRUE(anchor && *anchor);
  EXPECT_EQ((*anchor)->seq, 10);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "anchors").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700U);

  key[0] = 1;  // another key cannot read (or have written) this anchor
  auto other = AuditSeal::ForTest(key, (dir_ / "anchors").string());
  EXPECT_FALSE((*other)->Anchor("la-leeds"));
  EXPECT_FALSE((*other)->Advance({"la-leeds", 11, std::string(64, '3')}));
}

}  // namespace
}  // namespace govd::accounts

// Static keys do not outlive their use in freed memory: loading a config file with an account's
// and a tenant's secret, signing with both and dropping them gives back no heap block that still
// holds a secret (tests/freed_memory_watch.h records every block freed meanwhile).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/service/config.h"
#include "daemon/service/config_loader.h"
#include "signer/signature.h"
#include "tests/daemon/support/govd_test_process.h"
#include "tests/freed_memory_watch.h"

namespace {

// Long enough that finding one by accident is impossible; distinct from each other.
constexpr std::string_view kAwsSecret = "GovdWatchedSecret/aws/0123456789abcdefghijKLMN";
constexpr std::string_view kTenantSecret = "GovdWatchedSecret/tenant/0123456789abcdefghiJ";

// Keeps the compiler from dropping an allocation the test makes on purpose.
void Escape(const void* pointer) { asm volatile("" : : "g"(pointer) : "memory"); }

}  // namespace

namespace govd::daemon {
namespace {

using govd::testing::FreedMemoryWatch;

TEST(SecretMemoryTest, TheWatchSeesASecretLeftInAFreedBlock) {
  FreedMemoryWatch watch;
  auto* copy = new std::string(kAwsSecret);
  Escape(copy->data());
  delete copy;
  watch.Stop();
  EXPECT_EQ(watch.BlocksHolding(kAwsSecret), 1);
  EXPECT_EQ(watch.BlocksHolding(kTenantSecret), 0);
}

TEST(SecretMemoryTest, LoadingSigningWithAndDroppingStaticKeysLeavesNoCopyInFreedMemory) {
  testing::TempDir dir;
  const std::string path = dir.File("govd.conf");
  testing::WriteFile(path,
                     testing::MinimalConfig(dir,
                                            "# static keys\n[aws]\naccess-key-id = AKIAWATCHEDKEY000001\n"
                                            "secret-access-key = " +
                                                std::string(kAwsSecret) +
                                                "  # a comment\n[tenant.222222222222]\n"
                                                "access-key-id = AKIAWATCHEDKEY000002\n"
                                                "secret-access-key=" +
                                                std::string(kTenantSecret) + "\n"));
  std::vector<const char*> argv{"govd", "--config", path.c_str()};
  auto command_line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(command_line);

  FreedMemoryWatch watch;
  {
    Result<Config> config = LoadConfig(*command_line);
    ASSERT_TRUE(config) << config.error().ToString();
    ASSERT_TRUE(config->static_keys);
    EXPECT_TRUE(config->static_keys->secret_access_key() == kAwsSecret);
    ASSERT_EQ(config->tenants.size(), 1U);
    ASSERT_TRUE(config->tenants[0].static_keys);
    EXPECT_TRUE(config->tenants[0].static_keys->secret_access_key() == kTenantSecret);

    signer::SignableRequest request;
    request.method = "GET";
    request.path = "/shared/reports/q3.csv";
    request.headers = {{"host", "la1-shared.s3.eu-west-2.amazonaws.com"}};
    signer::SigningKeyCache cache;
    for (const signer::Credentials* keys : {&*config->static_keys, &*config->tenants[0].static_keys}) {
      auto signed_headers = signer::SignHeaders(
          request, signer::S3SigningParams("eu-west-2", "20261203T120000Z"), *keys, &cache);
      ASSERT_TRUE(signed_headers) << signed_headers.error().ToString();
    }
    signer::Credentials copied = *config->static_keys;
    signer::Credentials moved = std::move(copied);
    Escape(&moved);
  }
  watch.Stop();
  ASSERT_FALSE(watch.Overflowed());
  EXPECT_GT(watch.blocks(), 100U) << "the watch saw the config being loaded";
  EXPECT_EQ(watch.BlocksHolding(kAwsSecret), 0);
  EXPECT_EQ(watch.BlocksHolding(kTenantSecret), 0);
}

}  // namespace
}  // namespace govd::daemon

// Whether a secret outlives its use in freed heap memory. This test binary replaces the global
// operator new and delete: while a test watches, every block given back is searched for the
// secrets before it is freed (and every block is zeroed when freed, so that an old block reused
// by the code under test cannot bring back a copy the test itself made). Loading a config with
// static keys, signing with them and dropping them must give back no block that still holds a
// secret. Memory that C libraries take with malloc, and the stack, are not watched.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/config.h"
#include "daemon/config_loader.h"
#include "signer/signature.h"
#include "tests/daemon/govd_test_process.h"

namespace {

// Long enough that finding one by accident is impossible; distinct from each other.
constexpr std::string_view kAwsSecret = "GovdWatchedSecret/aws/0123456789abcdefghijKLMN";
constexpr std::string_view kTenantSecret = "GovdWatchedSecret/tenant/0123456789abcdefghiJ";

std::atomic<bool> watching{false};
std::atomic<int> freed_blocks_holding_a_secret{0};

bool Holds(const void* block, std::size_t size, std::string_view needle) {
  return memmem(block, size, needle.data(), needle.size()) != nullptr;
}

void* Allocate(std::size_t size) noexcept { return std::malloc(size == 0 ? 1 : size); }

void Release(void* block) noexcept {
  if (block == nullptr) return;
  const std::size_t size = malloc_usable_size(block);
  if (watching.load() && (Holds(block, size, kAwsSecret) || Holds(block, size, kTenantSecret))) {
    freed_blocks_holding_a_secret.fetch_add(1);
  }
  explicit_bzero(block, size);  // a memset before free() may be left out by the compiler
  std::free(block);
}

// Counts, from its construction to its end, the freed blocks that held a secret.
class FreedMemoryWatch {
 public:
  FreedMemoryWatch() {
    freed_blocks_holding_a_secret.store(0);
    watching.store(true);
  }
  FreedMemoryWatch(const FreedMemoryWatch&) = delete;
  FreedMemoryWatch& operator=(const FreedMemoryWatch&) = delete;
  ~FreedMemoryWatch() { watching.store(false); }
  static int BlocksHoldingASecret() { return freed_blocks_holding_a_secret.load(); }
};

// Keeps the compiler from dropping an allocation the test makes on purpose.
void Escape(const void* pointer) { asm volatile("" : : "g"(pointer) : "memory"); }

}  // namespace

// Every non-aligned form, so that the sanitizers' own forms never see a block from std::malloc.
void* operator new(std::size_t size) {
  void* block = Allocate(size);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept { return Allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept { return Allocate(size); }
void operator delete(void* block) noexcept { Release(block); }
void operator delete[](void* block) noexcept { Release(block); }
void operator delete(void* block, std::size_t /*size*/) noexcept { Release(block); }
void operator delete[](void* block, std::size_t /*size*/) noexcept { Release(block); }
void operator delete(void* block, const std::nothrow_t& /*tag*/) noexcept { Release(block); }
void operator delete[](void* block, const std::nothrow_t& /*tag*/) noexcept { Release(block); }

namespace govd::daemon {
namespace {

TEST(SecretMemoryTest, TheWatchSeesASecretLeftInAFreedBlock) {
  FreedMemoryWatch watch;
  auto* copy = new std::string(kAwsSecret);
  Escape(copy->data());
  delete copy;
  EXPECT_EQ(FreedMemoryWatch::BlocksHoldingASecret(), 1);
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
  EXPECT_EQ(FreedMemoryWatch::BlocksHoldingASecret(), 0);
}

}  // namespace
}  // namespace govd::daemon

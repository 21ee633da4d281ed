#include "signer/crypto.h"

// The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but EVP fetches
// the implementation on every init and cannot copy a precomputed HMAC state cheaply; the
// low-level calls run the same assembly (SHA-NI where present) without that overhead.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace govd::signer {
namespace {

constexpr std::size_t kBlockBytes = 64;
constexpr std::size_t kStateBytes = 112;  // HmacSha256Key::kStateBytes

SHA256_CTX* AsContext(std::array<std::uint8_t, kStateBytes>& bytes) {
  static_assert(sizeof(SHA256_CTX) == 112, "HmacSha256Key::kStateBytes must match OpenSSL");
  return reinterpret_cast<SHA256_CTX*>(bytes.data());
}

SHA256_CTX CopyContext(const std::array<std::uint8_t, kStateBytes>& bytes) {
  SHA256_CTX ctx;
  std::memcpy(&ctx, bytes.data(), sizeof ctx);
  return ctx;
}

// The HMAC key block: the key itself when it fits in a block, else its hash; zero padded.
std::array<std::uint8_t, kBlockBytes> KeyBlock(std::span<const std::uint8_t> key) {
  std::array<std::uint8_t, kBlockBytes> block{};
  if (key.size() > kBlockBytes) {
    SHA256(key.data(), key.size(), block.data());
  } else if (!key.empty()) {
    std::memcpy(block.data(), key.data(), key.size());
  }
  return block;
}

void InitPadState(SHA256_CTX* ctx, const std::array<std::uint8_t, kBlockBytes>& key_block,
                  std::uint8_t pad) {
  std::array<std::uint8_t, kBlockBytes> padded{};
  for (std::size_t i = 0; i < kBlockBytes; ++i) padded[i] = key_block[i] ^ pad;
  SHA256_Init(ctx);
  SHA256_Update(ctx, padded.data(), padded.size());
  OPENSSL_cleanse(padded.data(), padded.size());
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view data) {
  return HmacSha256Key(key).Mac(data);
}

HmacSha256Key::HmacSha256Key(std::span<const std::uint8_t> key) {
  auto block = KeyBlock(key);
  InitPadState(AsContext(inner_), block, 0x36);
  InitPadState(AsContext(outer_), block, 0x5c);
  OPENSSL_cleanse(block.data(), block.size());
}

HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(inner_.data(), inner_.size());
  OPENSSL_cleanse(outer_.data(), outer_.size());
}

Sha256Digest HmacSha256Key::Mac(std::string_view data) const {
  Sha256Digest inner_hash{};
  SHA256_CTX ctx = CopyContext(inner_);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(inner_hash.data(), &ctx);
  ctx = CopyContext(outer_);
  SHA256_Update(&ctx, inner_hash.data(), inner_hash.size());
  Sha256Digest out{};
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  return out;
}

Sha256Stream::Sha256Stream() { SHA256_Init(AsContext(state_)); }

Sha256Stream::~Sha256Stream() { OPENSSL_cleanse(state_.data(), state_.size()); }

void Sha256Stream::Update(std::string_view data) {
  SHA256_Update(AsContext(state_), data.data(), data.size());
}

Sha256Digest Sha256Stream::Finish() {
  Sha256Digest out{};
  SHA256_Final(out.data(), AsContext(state_));
  return out;
}

// Two hex digits per byte value, so each byte costs one table read and one 2-byte copy.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (std::size_t b = 0; b < 256; ++b) {
    pairs[2 * b] = kDigits[b >> 4];
    pairs[2 * b + 1] = kDigits[b & 0x0f];
  }
  return pairs;
}();

void AppendHex(std::string& out, std::span<const std::uint8_t> bytes) {
  const std::size_t start = out.size();
  out.resize(start + 2 * bytes.size());
  char* dest = out.data() + start;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::memcpy(dest + 2 * i, kHexPairs.data() + 2 * std::size_t{bytes[i]}, 2);
  }
}

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

}  // namespace govd::signer

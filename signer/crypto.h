// signer/crypto.h
// The hashing primitives SigV4 and the audit hash chain are built from: SHA-256, HMAC-SHA256,
// lower-case hex. Thin, allocation-free wrappers over OpenSSL's one-shot functions.
// Pure and thread safe. Never logs or keeps what it hashes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace govd::signer {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view data);
inline Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256({reinterpret_cast<const std::uint8_t*>(key.data()), key.size()}, data);
}

// An HMAC-SHA256 key with its inner and outer pad states precomputed: each Mac() then costs
// the hashing of the message plus one block, not the four blocks of a fresh HMAC.
// An immutable value; wipes its states on destruction.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::span<const std::uint8_t> key);
  HmacSha256Key(const HmacSha256Key&) = default;
  HmacSha256Key& operator=(const HmacSha256Key&) = default;
  ~HmacSha256Key();

  Sha256Digest Mac(std::string_view data) const;

 private:
  // Two OpenSSL SHA256_CTX, kept opaque here (checked against sizeof in crypto.cc).
  static constexpr std::size_t kStateBytes = 112;
  alignas(8) std::array<std::uint8_t, kStateBytes> inner_{};
  alignas(8) std::array<std::uint8_t, kStateBytes> outer_{};
};

// SHA-256 over data given in pieces. Wipes its state on destruction; not copyable.
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();

  void Update(std::string_view data);
  // REQUIRES: called once, after the last Update.
  Sha256Digest Finish();

 private:
  static constexpr std::size_t kStateBytes = 112;  // an OpenSSL SHA256_CTX, as above
  alignas(8) std::array<std::uint8_t, kStateBytes> state_{};
};

// Lower-case hex of bytes, as SigV4 and the audit log print digests.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// Hex of SHA-256 of data: the SigV4 payload hash.
std::string Sha256Hex(std::string_view data);

// Appends the lower-case hex of bytes to out (no temporary string).
void AppendHex(std::string& out, std::span<const std::uint8_t> bytes);

}  // namespace govd::signer

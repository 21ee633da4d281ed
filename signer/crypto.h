// signer/crypto.h
// The hashing primitives SigV4 and the audit hash chain are built from: SHA-256, HMAC-SHA256,
// lower-case hex. Thin, allocation-free wrappers over OpenSSL's one-shot functions.
// Pure and thread safe. Never logs or keeps what it hashes.
#pragma once

#include <array>
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

// Lower-case hex of bytes, as SigV4 and the audit log print digests.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// Hex of SHA-256 of data: the SigV4 payload hash.
std::string Sha256Hex(std::string_view data);

}  // namespace govd::signer

// signer/signing_key.h
// Step 3 of SigV4: the signing key, HMAC chained from the secret over date, region, service and
// "aws4_request", with its HMAC pads precomputed so each signature costs two SHA-256 passes.
// SigningKeyCache keeps recently derived keys so that a busy client derives one per day.
// Thread safety: SigningKey is an immutable value; SigningKeyCache is safe to use from any
// number of threads (one mutex, a small fixed table). The cache hands out shared references to
// its keys, so a hit copies (and later wipes) no key material.
// Never stores the secret (the cache is keyed by Credentials::secret_id(), a hash of it) and wipes keys when dropped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "signer/credentials.h"
#include "signer/crypto.h"

namespace govd::signer {

class SigningKey {
 public:
  // date8 is "YYYYMMDD". Inputs are not validated here (SignHeaders/Presign do that).
  static SigningKey Derive(std::string_view secret_access_key, std::string_view date8,
                           std::string_view region, std::string_view service);

  // HMAC-SHA256(signing key, string_to_sign): the signature's bytes.
  Sha256Digest Sign(std::string_view string_to_sign) const { return hmac_.Mac(string_to_sign); }
  const Sha256Digest& bytes() const { return key_; }

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

 private:
  explicit SigningKey(const Sha256Digest& key) : key_(key), hmac_(key) {}

  Sha256Digest key_;
  HmacSha256Key hmac_;
};

using SigningKeyConstSharedPtr = std::shared_ptr<const SigningKey>;

class SigningKeyCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 16;
  explicit SigningKeyCache(std::size_t capacity = kDefaultCapacity);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;
  ~SigningKeyCache();

  // The key for these inputs: from the cache, or derived and stored (evicting the least
  // recently used entry when full; its key is wiped once the last holder drops it).
  SigningKeyConstSharedPtr Get(const Credentials& credentials, std::string_view date8, std::string_view region,
                 std::string_view service);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const;

 private:
  struct Entry;
  Entry* Find(const Sha256Digest& secret_id, std::string_view date8, std::string_view region,
              std::string_view service);
  Entry& Victim();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  // guarded by mutex_
  std::uint64_t clock_ = 0;     // guarded by mutex_; logical time for LRU
};

}  // namespace govd::signer

#include "signer/signing_key.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <string>

namespace govd::signer {
namespace {

// kSecret = "AWS4" + secret; kDate = HMAC(kSecret, date8); then region, service, "aws4_request".
Sha256Digest DeriveKeyBytes(std::string_view secret, std::string_view date8,
                            std::string_view region, std::string_view service) {
  std::string k_secret;
  k_secret.reserve(4 + secret.size());
  k_secret.append("AWS4").append(secret);
  Sha256Digest key = HmacSha256(k_secret, date8);
  OPENSSL_cleanse(k_secret.data(), k_secret.size());
  for (std::string_view part : {region, service, std::string_view("aws4_request")}) {
    const Sha256Digest next = HmacSha256(key, part);
    key = next;
  }
  return key;
}

}  // namespace

SigningKey SigningKey::Derive(std::string_view secret_access_key, std::string_view date8,
                              std::string_view region, std::string_view service) {
  Sha256Digest bytes = DeriveKeyBytes(secret_access_key, date8, region, service);
  SigningKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

SigningKey::~SigningKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

struct SigningKeyCache::Entry {
  Sha256Digest secret_id;
  std::string date8;
  std::string region;
  std::string service;
  SigningKeyConstSharedPtr key;
  std::uint64_t last_used;
};

SigningKeyCache::SigningKeyCache(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {
  entries_.reserve(capacity_);
}

SigningKeyCache::~SigningKeyCache() = default;

std::size_t SigningKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

SigningKeyConstSharedPtr SigningKeyCache::Get(const Credentials& credentials, std::string_view date8,
                                std::string_view region, std::string_view service) {
  {
    std::lock_guard lock(mutex_);
    if (Entry* hit = Find(credentials.secret_id(), date8, region, service)) {
      hit->last_used = ++clock_;
      return hit->key;
    }
  }
  // Derive outside the lock: four HMACs should not stall other signers.
  auto key = std::make_shared<const SigningKey>(
      SigningKey::Derive(credentials.secret_access_key(), date8, region, service));
  std::lock_guard lock(mutex_);
  Entry entry{credentials.secret_id(), std::string(date8), std::string(region),
              std::string(service), key, ++clock_};
  if (Find(entry.secret_id, date8, region, service) == nullptr) {
    if (entries_.size() < capacity_) {
      entries_.push_back(std::move(entry));
    } else {
      Victim() = std::move(entry);  // overwrites (and so wipes) the least recently used key
    }
  }
  return key;
}

SigningKeyCache::Entry* SigningKeyCache::Find(const Sha256Digest& secret_id,
                                              std::string_view date8, std::string_view region,
                                              std::string_view service) {
  for (auto& entry : entries_) {
    if (entry.secret_id == secret_id && entry.date8 == date8 && entry.region == region &&
        entry.service == service) {
      return &entry;
    }
  }
  return nullptr;
}

SigningKeyCache::Entry& SigningKeyCache::Victim() {
  return *std::min_element(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.last_used < b.last_used;
  });
}

}  // namespace govd::signer

#include "signer/credentials.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

namespace govd::signer {

void WipeString(std::string& s) noexcept {
  s.resize(s.capacity());
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

void AppendWiping(std::string& s, std::string_view more) {
  if (more.size() > s.capacity() - s.size()) {
    std::string grown;
    grown.reserve(std::max(s.size() + more.size(), 2 * s.capacity()));
    grown.append(s);
    WipeString(s);
    s = std::move(grown);
  }
  s.append(more);
}

Credentials::Credentials(std::string access_key_id, std::string secret_access_key,
                         std::string session_token)
    : access_key_id_(std::move(access_key_id)),
      secret_access_key_(std::move(secret_access_key)),
      session_token_(std::move(session_token)),
      secret_id_(Sha256(secret_access_key_)) {}

Credentials::Credentials(const Credentials& other) = default;

// A move copies and then wipes the source: moving a short string copies its bytes and would
// leave them behind in the source's inline buffer.
// NOLINTBEGIN(performance-move-constructor-init): copying, then wiping, is the point.
Credentials::Credentials(Credentials&& other) noexcept
    : access_key_id_(std::move(other.access_key_id_)),
      secret_access_key_(other.secret_access_key_),
      session_token_(other.session_token_),
      secret_id_(other.secret_id_) {
  other.Wipe();
}
// NOLINTEND(performance-move-constructor-init)

Credentials& Credentials::operator=(const Credentials& other) {
  if (this == &other) return *this;
  Wipe();
  access_key_id_ = other.access_key_id_;
  secret_access_key_ = other.secret_access_key_;
  session_token_ = other.session_token_;
  secret_id_ = other.secret_id_;
  return *this;
}

Credentials& Credentials::operator=(Credentials&& other) noexcept {
  if (this == &other) return *this;
  *this = static_cast<const Credentials&>(other);
  other.Wipe();
  return *this;
}

Credentials::~Credentials() { Wipe(); }

void Credentials::Wipe() noexcept {
  WipeString(secret_access_key_);
  WipeString(session_token_);
  OPENSSL_cleanse(secret_id_.data(), secret_id_.size());
}

}  // namespace govd::signer

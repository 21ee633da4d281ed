// signer/credentials.h
// AWS credentials as the signer consumes them: an access key id, a secret access key and an
// optional session token. The secret and the token are wiped (OPENSSL_cleanse) when the object
// is destroyed or overwritten, so they do not linger in freed memory.
// Thread safety: a value; const access from many threads is safe.
// Never print, log or put the secret or the token into an Error.
#pragma once

#include <string>
#include <string_view>

#include "signer/crypto.h"

namespace govd::signer {

// Overwrites the string's whole buffer (OPENSSL_cleanse), then empties it: for the other places a
// secret passes through (e.g. the config file's text).
void WipeString(std::string& s) noexcept;

// Appends `more` to `s`. When `s` must grow, its old buffer is wiped before it is freed: for the
// buffers that collect a secret piece by piece (an HTTP answer's body, an XML element's text).
void AppendWiping(std::string& s, std::string_view more);

class Credentials {
 public:
  Credentials(std::string access_key_id, std::string secret_access_key,
              std::string session_token = {});
  Credentials(const Credentials& other);
  Credentials(Credentials&& other) noexcept;
  Credentials& operator=(const Credentials& other);
  Credentials& operator=(Credentials&& other) noexcept;
  ~Credentials();

  const std::string& access_key_id() const { return access_key_id_; }
  std::string_view secret_access_key() const { return secret_access_key_; }
  // Empty when the credentials are long-term (no STS session).
  std::string_view session_token() const { return session_token_; }
  bool has_session_token() const { return !session_token_.empty(); }
  // SHA-256 of the secret, computed once: identifies the secret (e.g. as a cache key) without
  // keeping it.
  const Sha256Digest& secret_id() const { return secret_id_; }

 private:
  void Wipe() noexcept;

  std::string access_key_id_;
  std::string secret_access_key_;
  std::string session_token_;
  Sha256Digest secret_id_;
};

}  // namespace govd::signer

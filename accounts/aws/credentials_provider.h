// accounts/aws/credentials_provider.h
// Where the AWS clients get the keys they sign with. A provider resolves credentials (long-term
// keys, or temporary ones with a session token and an expiry); credential_chain.h builds the
// AWS CLI's search order out of providers, caching_credentials_provider.h adds caching.
// Thread safety: Resolve() may be called from many threads at once.
// Never log or put into an Error the secret key or the session token.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "signer/credentials.h"

namespace govd::accounts {

struct AwsCredentials {
  signer::Credentials keys;
  // When temporary credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // kNotFound when this source is not configured (the chain then tries the next one); other
  // codes when it is configured but failed.
  virtual Result<AwsCredentials> Resolve() = 0;
  // A short name for messages: "environment", "profile default", "imds".
  virtual std::string Name() const = 0;
};

using CredentialsProviderPtr = std::unique_ptr<CredentialsProvider>;

// Fixed credentials (tests, and keys handed over by the daemon's configuration).
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(AwsCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> Resolve() override { return credentials_; }
  std::string Name() const override { return "static"; }

 private:
  AwsCredentials credentials_;
};

}  // namespace govd::accounts

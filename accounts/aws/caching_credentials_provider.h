// accounts/aws/caching_credentials_provider.h
// Caches another provider's credentials and refreshes them `refresh_before` ahead of their
// expiry (long-term keys are kept until Invalidate()). One refresh at a time: while a refresh
// runs, callers get the still-valid old credentials, or wait for the refresh if there are none
// (no stampede of AssumeRole calls when many workers need credentials at once).
// Thread safety: Resolve() and Invalidate() may be called concurrently.
// Never logs the credentials it holds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "accounts/aws/credentials_provider.h"
#include "base/clock.h"

namespace govd::accounts {

class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  CachingCredentialsProvider(CredentialsProviderPtr inner, const Clock& time,
                             std::chrono::seconds refresh_before = std::chrono::minutes(5))
      : inner_(std::move(inner)), time_(time), refresh_before_(refresh_before) {}

  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return inner_->Name(); }
  // Forget the cached credentials (e.g. after AWS answered ExpiredToken).
  void Invalidate();

 private:
  bool Fresh(std::chrono::system_clock::time_point now) const;  // REQUIRES: mutex_ held
  bool Usable(std::chrono::system_clock::time_point now) const;  // REQUIRES: mutex_ held

  CredentialsProviderPtr inner_;
  const Clock& time_;
  std::chrono::seconds refresh_before_;
  std::mutex mutex_;
  std::condition_variable refreshed_;
  std::optional<AwsCredentials> cached_;  // guarded by mutex_
  bool refreshing_ = false;               // guarded by mutex_
};

}  // namespace govd::accounts

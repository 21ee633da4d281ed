#include "accounts/aws/caching_credentials_provider.h"

namespace govd::accounts {

bool CachingCredentialsProvider::Fresh(std::chrono::system_clock::time_point now) const {
  return cached_ && (!cached_->expiration || now + refresh_before_ < *cached_->expiration);
}

bool CachingCredentialsProvider::Usable(std::chrono::system_clock::time_point now) const {
  return cached_ && (!cached_->expiration || now < *cached_->expiration);
}

Result<AwsCredentials> CachingCredentialsProvider::Resolve() {
  std::unique_lock lock(mutex_);
  while (true) {
    auto now = time_.Now();
    if (Fresh(now)) return *cached_;
    if (!refreshing_) break;
    if (Usable(now)) return *cached_;  // someone else is refreshing; the old ones still work
    refreshed_.wait(lock);
  }
  refreshing_ = true;
  lock.unlock();
  auto result = inner_->Resolve();
  lock.lock();
  refreshing_ = false;
  if (result) cached_ = *result;
  refreshed_.notify_all();
  if (!result && Usable(time_.Now())) return *cached_;  // keep working until they expire
  return result;
}

void CachingCredentialsProvider::Invalidate() {
  std::lock_guard lock(mutex_);
  cached_.reset();
}

}  // namespace govd::accounts

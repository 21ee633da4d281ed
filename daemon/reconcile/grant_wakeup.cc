#include "daemon/reconcile/grant_wakeup.h"

namespace govd::daemon {
namespace {

constexpr const char* kBackoffKey = "listen";

bool NeedsReconcile(accounts::GrantState state) {
  return state == accounts::GrantState::kApproved || state == accounts::GrantState::kRevoking ||
         state == accounts::GrantState::kExpired;
}

}  // namespace

GrantWakeup::GrantWakeup(std::string conninfo, std::set<std::string> tenants, Wake wake, Lost lost,
                         const Clock& clock, Random& random, GrantWakeupOptions options)
    : conninfo_(std::move(conninfo)),
      tenants_(std::move(tenants)),
      wake_(std::move(wake)),
      lost_(std::move(lost)),
      options_(options),
      backoff_(options.backoff, clock, random) {}

GrantWakeup::~GrantWakeup() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void GrantWakeup::Start() {
  thread_ = std::jthread([this](const std::stop_token& stop) { Run(stop); });
}

void GrantWakeup::RequestStop() {
  thread_.request_stop();
  stopped_.notify_all();
}

void GrantWakeup::Run(const std::stop_token& stop) {
  bool reconnecting = false;
  while (!stop.stop_requested()) {
    auto listener = accounts::GrantListener::Open(conninfo_);
    Status listened = listener ? Ok() : Status(listener.error());
    if (listener) {
      backoff_.Forget(kBackoffKey);
      if (reconnecting) wake_();  // changes committed while nobody listened
      listened = Listen(**listener, stop);
    }
    if (listened || stop.stop_requested()) return;
    std::chrono::milliseconds delay = backoff_.When(kBackoffKey);
    lost_(listened.error(), delay);
    reconnecting = true;
    Sleep(stop, delay);
  }
}

// Until Stop() (Ok) or the connection breaks (its error).
Status GrantWakeup::Listen(accounts::GrantListener& listener, const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    GOVD_ASSIGN_OR_RETURN(std::optional<accounts::GrantChange> change, listener.Wait(options_.poll));
    if (change && tenants_.contains(change->tenant) && NeedsReconcile(change->state)) wake_();
  }
  return Ok();
}

void GrantWakeup::Sleep(const std::stop_token& stop, std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  stopped_.wait_for(lock, stop, delay, [] { return false; });
}

}  // namespace govd::daemon

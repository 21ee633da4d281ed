#include "daemon/service/watchdog_pinger.h"

namespace govd::daemon {

WatchdogPinger::WatchdogPinger(boost::asio::io_context& io, const SystemdNotifier& notifier,
                               std::optional<std::chrono::microseconds> interval, std::function<bool()> alive)
    : timer_(io), notifier_(notifier), interval_(interval), alive_(std::move(alive)) {}

void WatchdogPinger::Start() {
  if (!interval_) return;
  notifier_.WatchdogPing();
  Schedule();
}

void WatchdogPinger::Stop() { timer_.cancel(); }

void WatchdogPinger::Schedule() {
  timer_.expires_after(*interval_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    if (alive_()) notifier_.WatchdogPing();
    Schedule();
  });
}

}  // namespace govd::daemon

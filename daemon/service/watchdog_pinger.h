// daemon/service/watchdog_pinger.h
// Sends WATCHDOG=1 from the event loop itself, every half of WATCHDOG_USEC: if the loop hangs,
// the pings stop and systemd restarts govd. Work off the loop (a reconcile pass on its own
// thread) is vouched for by `alive`: while it answers false, no ping is sent either. Does nothing
// when the watchdog is off.
// Thread safety: not thread safe; use on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "daemon/service/systemd_notifier.h"

namespace govd::daemon {

class WatchdogPinger {
 public:
  // `alive` runs on the loop's thread before each ping.
  WatchdogPinger(boost::asio::io_context& io, const SystemdNotifier& notifier,
                 std::optional<std::chrono::microseconds> interval, std::function<bool()> alive);

  void Start();
  void Stop();

 private:
  void Schedule();

  boost::asio::steady_timer timer_;
  const SystemdNotifier& notifier_;
  std::optional<std::chrono::microseconds> interval_;
  std::function<bool()> alive_;
};

}  // namespace govd::daemon

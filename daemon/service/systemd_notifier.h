// daemon/service/systemd_notifier.h
// govd's side of the systemd service protocol (Type=notify): READY=1, RELOADING=1, STOPPING=1,
// STATUS= lines and WATCHDOG=1 keep-alives, sent with sd_notify to $NOTIFY_SOCKET. Without
// systemd (no NOTIFY_SOCKET) every call does nothing and reports nothing: govd runs the same.
// Thread safety: calls may come from any thread; the loop is the only caller in govd.
// Never put credentials into a STATUS line.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace govd::daemon {

class SystemdNotifier {
 public:
  void Ready(std::string_view status) const;
  // RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload expects; Ready() ends the reload.
  void Reloading(std::string_view status) const;
  void Stopping(std::string_view status) const;
  void Status(std::string_view status) const;
  // STATUS= and EXTEND_TIMEOUT_USEC=: still starting (not ready yet), and systemd should wait at
  // least `extend` more before it times the start out (TimeoutStartSec=).
  void StillStarting(std::string_view status, std::chrono::microseconds extend) const;
  void WatchdogPing() const;

  // How often to send WATCHDOG=1: half of WATCHDOG_USEC, or nothing when the watchdog is off.
  static std::optional<std::chrono::microseconds> WatchdogPingInterval();

 private:
  void Send(const std::string& message) const;
};

}  // namespace govd::daemon

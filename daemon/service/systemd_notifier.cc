#include "daemon/service/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace govd::daemon {
namespace {

std::string StatusLine(std::string_view status) { return "STATUS=" + std::string(status); }

std::uint64_t MonotonicMicros() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000U + static_cast<std::uint64_t>(now.tv_nsec) / 1000U;
}

}  // namespace

void SystemdNotifier::Send(const std::string& message) const {
  // A failure to notify is not govd's to handle: systemd will time the unit out if it matters.
  static_cast<void>(sd_notify(0, message.c_str()));
}

void SystemdNotifier::Ready(std::string_view status) const { Send("READY=1\n" + StatusLine(status)); }

void SystemdNotifier::Reloading(std::string_view status) const {
  Send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(MonotonicMicros()) + "\n" + StatusLine(status));
}

void SystemdNotifier::Stopping(std::string_view status) const { Send("STOPPING=1\n" + StatusLine(status)); }

void SystemdNotifier::Status(std::string_view status) const { Send(StatusLine(status)); }

void SystemdNotifier::StillStarting(std::string_view status, std::chrono::microseconds extend) const {
  Send(StatusLine(status) + "\nEXTEND_TIMEOUT_USEC=" + std::to_string(extend.count()));
}

void SystemdNotifier::WatchdogPing() const { Send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::WatchdogPingInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace govd::daemon

#include "daemon/service/service_signals.h"

#include <csignal>

namespace govd::daemon {

ServiceSignals::ServiceSignals(boost::asio::io_context& io, std::function<void()> on_reload,
                               std::function<void()> on_stop)
    : signals_(io, SIGHUP, SIGTERM, SIGINT), on_reload_(std::move(on_reload)), on_stop_(std::move(on_stop)) {}

void ServiceSignals::Start() { Wait(); }

void ServiceSignals::Stop() {
  boost::system::error_code ignored;  // cancelling a set that is already empty is fine
  signals_.cancel(ignored);
  signals_.clear(ignored);
}

void ServiceSignals::Wait() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      on_reload_();
      Wait();
      return;
    }
    on_stop_();
  });
}

}  // namespace govd::daemon

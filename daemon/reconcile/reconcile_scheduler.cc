#include "daemon/reconcile/reconcile_scheduler.h"

#include <boost/asio/post.hpp>

namespace govd::daemon {

ReconcileScheduler::ReconcileScheduler(boost::asio::io_context& io, PassFn pass, Random& random)
    : timer_(io), pass_(std::move(pass)), random_(random) {}

void ReconcileScheduler::set_interval(std::chrono::milliseconds interval, double jitter) {
  interval_ = interval;
  jitter_ = jitter;
  if (!stopped_ && !stats_.running) ArmPeriodic();
}

void ReconcileScheduler::Start() {
  stopped_ = false;
  PostPass();
}

void ReconcileScheduler::Stop() {
  stopped_ = true;
  timer_.cancel();
}

std::uint64_t ReconcileScheduler::RequestNow() {
  if (stats_.running) {
    stats_.follow_up_pending = true;
    return stats_.passes_started + 1;
  }
  timer_.cancel();
  PostPass();
  return stats_.passes_started + 1;
}

// Several requests before the loop gets round to the pass still make one pass.
void ReconcileScheduler::PostPass() {
  if (pass_posted_) return;
  pass_posted_ = true;
  boost::asio::post(timer_.get_executor(), [this] {
    pass_posted_ = false;
    if (!stopped_ && !stats_.running) BeginPass();
  });
}

std::chrono::milliseconds ReconcileScheduler::NextDelay() {
  double factor = 1.0 + jitter_ * (2.0 * random_.Uniform() - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(interval_.count()) * factor));
}

void ReconcileScheduler::ArmPeriodic() {
  std::chrono::milliseconds delay = NextDelay();
  stats_.next_periodic = std::chrono::steady_clock::now() + delay;
  timer_.expires_after(delay);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && !stopped_ && !stats_.running) BeginPass();
  });
}

void ReconcileScheduler::BeginPass() {
  timer_.cancel();
  stats_.running = true;
  stats_.follow_up_pending = false;
  ++stats_.passes_started;
  pass_([this] { FinishPass(); });
}

void ReconcileScheduler::FinishPass() {
  stats_.running = false;
  ++stats_.passes_finished;
  stats_.last_finished = std::chrono::system_clock::now();
  if (stopped_) return;
  if (stats_.follow_up_pending) {
    PostPass();
    return;
  }
  ArmPeriodic();
}

}  // namespace govd::daemon

// daemon/reconcile/reconcile_scheduler.h
// Decides WHEN reconcile passes run, not what they do: a periodic resync every interval (spread
// by +-jitter so replicas do not run in lockstep) and "now" requests from the control API. A pass
// is an asynchronous function given a completion callback. At most one pass runs at a time;
// requests that arrive while one runs are merged into a single follow-up pass, as a dirty key in
// a work queue is (level-triggered: the follow-up re-reads everything anyway).
// Thread safety: not thread safe; use from the io_context's thread only. The pass function must
// call `done` on that thread (post to the executor when it finishes elsewhere).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>

#include "base/random.h"

namespace govd::daemon {

class ReconcileScheduler {
 public:
  using PassDone = std::function<void()>;
  using PassFn = std::function<void(PassDone done)>;

  struct Stats {
    std::uint64_t passes_started = 0;
    std::uint64_t passes_finished = 0;
    bool running = false;
    bool follow_up_pending = false;
    std::chrono::system_clock::time_point last_finished{};  // epoch when none finished yet
    std::chrono::steady_clock::time_point next_periodic{};
  };

  // REQUIRES: random outlives the scheduler.
  ReconcileScheduler(boost::asio::io_context& io, PassFn pass, Random& random);

  // REQUIRES: 0 <= jitter < 1. Re-arms the periodic timer when running (used on SIGHUP).
  void set_interval(std::chrono::milliseconds interval, double jitter);
  void Start();  // first pass at once, then periodic
  void Stop();   // no new passes; a running pass finishes on its own
  // Returns the number the pass that will serve this request gets.
  std::uint64_t RequestNow();

  const Stats& stats() const { return stats_; }

 private:
  void ArmPeriodic();
  void PostPass();
  void BeginPass();
  void FinishPass();
  std::chrono::milliseconds NextDelay();

  boost::asio::steady_timer timer_;
  PassFn pass_;
  Random& random_;
  std::chrono::milliseconds interval_{std::chrono::minutes(5)};
  double jitter_ = 0.1;
  bool stopped_ = true;
  bool pass_posted_ = false;
  Stats stats_;
};

}  // namespace govd::daemon

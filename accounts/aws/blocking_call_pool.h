// accounts/aws/blocking_call_pool.h
// A bounded pool of worker threads for the blocking AWS calls, so that they never run on the
// daemon's Boost.Asio event-loop thread: the loop submits a job (which does the call and posts
// its result back, e.g. with boost::asio::post) and returns at once. The queue is bounded: when
// it is full Submit() refuses the job (kResourceExhausted) instead of growing without limit, and
// the caller backs off.
// Thread safety: Submit() may be called from any thread. The destructor finishes the queued jobs
// and joins the workers. Jobs must not throw (they run on a worker; an exception terminates).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/result.h"

namespace govd::accounts {

class BlockingCallPool {
 public:
  // REQUIRES: threads >= 1, queue_capacity >= 1.
  BlockingCallPool(std::size_t threads, std::size_t queue_capacity);
  ~BlockingCallPool();
  BlockingCallPool(const BlockingCallPool&) = delete;
  BlockingCallPool& operator=(const BlockingCallPool&) = delete;

  // Queues `job`; kResourceExhausted when queue_capacity jobs are already waiting.
  Status Submit(std::function<void()> job);

 private:
  void Work();

  const std::size_t queue_capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> workers_;
};

}  // namespace govd::accounts

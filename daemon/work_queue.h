// daemon/work_queue.h
// The reconcile queue: a set of keys waiting to be reconciled, each handed to one worker at a
// time. Adding a key that is already waiting does nothing; adding a key while a worker holds it
// makes it run again after that worker calls Done (so no change is lost, and no two workers
// reconcile one object at once). Keys can be added after a delay (retries, periodic resync).
// The same shape as client-go's workqueue.
// Thread safe. Get() blocks; ShutDown() wakes every waiter and makes Get() return nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/clock.h"

namespace govd::daemon {

class WorkQueue {
 public:
  // REQUIRES: clock outlives the queue.
  explicit WorkQueue(const Clock& clock) : clock_(clock) {}

  void Add(const std::string& key);
  void AddAfter(const std::string& key, std::chrono::milliseconds delay);

  // Waits until a key is ready or the queue shuts down (then returns nothing). Every key returned
  // must be passed to Done.
  std::optional<std::string> Get();
  // The same without waiting: a ready key, or nothing.
  std::optional<std::string> TryGet();
  void Done(const std::string& key);

  void ShutDown();
  std::size_t Waiting() const;  // keys ready or delayed, not counting those being processed

 private:
  using Delayed = std::pair<SteadyTime, std::string>;

  void AddLocked(const std::string& key);
  void PromoteDueLocked();
  std::optional<std::string> PopLocked();

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> ready_;       // GUARDED_BY(mutex_)
  std::set<std::string> dirty_;         // GUARDED_BY(mutex_): waiting to be processed
  std::set<std::string> processing_;    // GUARDED_BY(mutex_)
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;  // GUARDED_BY(mutex_)
  bool shutting_down_ = false;          // GUARDED_BY(mutex_)
};

}  // namespace govd::daemon

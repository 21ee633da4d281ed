#include "daemon/work_queue.h"

#include <algorithm>

namespace govd::daemon {

void WorkQueue::Add(const std::string& key) {
  std::lock_guard lock(mutex_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return Add(key);
  std::lock_guard lock(mutex_);
  if (shutting_down_) return;
  delayed_.emplace(clock_.Now() + delay, key);
  changed_.notify_one();
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    PromoteDueLocked();
    if (auto key = PopLocked()) return key;
    if (delayed_.empty()) {
      changed_.wait(lock);
    } else {
      // The injected clock says when; real time bounds the wait, so a fake clock is polled.
      auto until_due = delayed_.top().first - clock_.Now();
      changed_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(until_due, std::chrono::milliseconds(50)));
    }
  }
}

std::optional<std::string> WorkQueue::TryGet() {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return std::nullopt;
  PromoteDueLocked();
  return PopLocked();
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (dirty_.count(key) != 0) {  // re-added while a worker held it: run it again
    ready_.push_back(key);
    changed_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  changed_.notify_all();
}

std::size_t WorkQueue::Waiting() const {
  std::lock_guard lock(mutex_);
  return dirty_.size() + delayed_.size();
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || !dirty_.insert(key).second) return;
  if (processing_.count(key) != 0) return;  // Done() will queue it
  ready_.push_back(key);
  changed_.notify_one();
}

void WorkQueue::PromoteDueLocked() {
  SteadyTime now = clock_.Now();
  while (!delayed_.empty() && delayed_.top().first <= now) {
    std::string key = delayed_.top().second;
    delayed_.pop();
    AddLocked(key);
  }
}

std::optional<std::string> WorkQueue::PopLocked() {
  if (ready_.empty()) return std::nullopt;
  std::string key = std::move(ready_.front());
  ready_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

}  // namespace govd::daemon

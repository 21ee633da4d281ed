#include "accounts/aws/blocking_call_pool.h"

#include <string>

namespace govd::accounts {

BlockingCallPool::BlockingCallPool(std::size_t threads, std::size_t queue_capacity)
    : queue_capacity_(queue_capacity) {
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

BlockingCallPool::~BlockingCallPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

Status BlockingCallPool::Submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= queue_capacity_) {
      return Error(ErrorCode::kResourceExhausted,
                   "AWS call queue is full (" + std::to_string(queue_capacity_) + " jobs waiting)");
    }
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return Ok();
}

void BlockingCallPool::Work() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace govd::accounts

#include "daemon/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "tests/daemon/fake_clock.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

TEST(WorkQueueTest, AddingAWaitingKeyAgainDoesNothing) {
  FakeClock clock;
  WorkQueue queue(clock);
  queue.Add("la1/bucket");
  queue.Add("la1/bucket");
  queue.Add("la2/bucket");
  EXPECT_EQ(queue.Waiting(), 2U);
  EXPECT_EQ(queue.TryGet(), "la1/bucket");
  EXPECT_EQ(queue.TryGet(), "la2/bucket");
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueueTest, KeyAddedWhileHeldRunsAgainAfterDoneAndNeverTwiceAtOnce) {
  FakeClock clock;
  WorkQueue queue(clock);
  queue.Add("k");
  ASSERT_EQ(queue.TryGet(), "k");
  queue.Add("k");                         // a change arrives while a worker holds k
  EXPECT_EQ(queue.TryGet(), std::nullopt);  // not handed to a second worker
  queue.Done("k");
  EXPECT_EQ(queue.TryGet(), "k");
  queue.Done("k");
  EXPECT_EQ(queue.TryGet(), std::nullopt);
}

TEST(WorkQueueTest, DelayedKeysBecomeReadyWhenTheClockSaysSo) {
  FakeClock clock;
  WorkQueue queue(clock);
  queue.AddAfter("late", milliseconds(1000));
  queue.AddAfter("soon", milliseconds(10));
  EXPECT_EQ(queue.TryGet(), std::nullopt);
  clock.Advance(milliseconds(10));
  EXPECT_EQ(queue.TryGet(), "soon");
  clock.Advance(milliseconds(990));
  EXPECT_EQ(queue.TryGet(), "late");
}

TEST(WorkQueueTest, ShutDownWakesWaiters) {
  FakeClock clock;
  WorkQueue queue(clock);
  std::thread waiter([&] { EXPECT_EQ(queue.Get(), std::nullopt); });
  queue.ShutDown();
  waiter.join();
}

TEST(WorkQueueTest, ConcurrentWorkersNeverHoldTheSameKey) {
  FakeClock clock;
  WorkQueue queue(clock);
  std::mutex mutex;
  std::map<std::string, int> holders;
  std::atomic<int> violations{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        {
          std::lock_guard lock(mutex);
          if (++holders[*key] > 1) ++violations;
        }
        std::this_thread::yield();
        {
          std::lock_guard lock(mutex);
          --holders[*key];
        }
        ++processed;
        queue.Done(*key);
      }
    });
  }
  for (int round = 0; round < 2000; ++round) queue.Add("key" + std::to_string(round % 7));
  while (queue.Waiting() > 0) std::this_thread::yield();
  queue.ShutDown();
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GE(processed.load(), 7);
}

}  // namespace
}  // namespace govd::daemon

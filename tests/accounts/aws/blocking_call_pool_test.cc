#include "accounts/aws/blocking_call_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace govd::accounts {
namespace {

TEST(BlockingCallPoolTest, RunsJobsOffTheCallingThread) {
  BlockingCallPool pool(2, 8);
  std::promise<std::thread::id> ran_on;
  ASSERT_TRUE(pool.Submit([&] { ran_on.set_value(std::this_thread::get_id()); }));
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
}

TEST(BlockingCallPoolTest, FullQueueRefusesInsteadOfGrowing) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> done{0};
  {
    BlockingCallPool pool(1, 2);
    std::promise<void> started;
    ASSERT_TRUE(pool.Submit([&] { started.set_value(); gate.wait(); ++done; }));
    started.get_future().wait();  // the only worker is busy now
    ASSERT_TRUE(pool.Submit([&] { ++done; }));
    ASSERT_TRUE(pool.Submit([&] { ++done; }));
    Status refused = pool.Submit([&] { ++done; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kResourceExhausted);
    release.set_value();
  }  // the destructor runs what was queued
  EXPECT_EQ(done, 3);
}

}  // namespace
}  // namespace govd::accounts

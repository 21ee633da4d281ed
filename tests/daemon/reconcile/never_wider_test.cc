// The never-wider watcher in a normal run (docs/faults.md): a child govd, as a process talking to
// the real RadosGW directly (no proxy, no faults, no kills) and to PostgreSQL, works through three
// rounds of grants being requested, approved and revoked on three buckets that also hold foreign
// statements, while the watcher samples every bucket's policy. No sample may allow what neither
// the previous sample nor the desired state allows, and the foreign statements stay untouched.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/accounts/rgw_env.h"
#include "tests/daemon/support/child_world.h"

namespace govd::daemon {
namespace {

using accounts::GrantState;
using std::chrono::milliseconds;

constexpr int kBuckets = 3;

// Polls `settled` until it holds or `timeout` passes; how long it took when it held.
std::optional<milliseconds> WaitUntil(const std::function<bool()>& settled, milliseconds timeout) {
  auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < timeout) {
    if (settled())
      return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    std::this_thread::sleep_for(milliseconds(100));
  }
  return std::nullopt;
}

class NeverWiderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    env_ = *env;
  }

  std::string server_;
  std::map<std::string, std::string> env_;
  testing::TempDir dir_;
};

TEST_F(NeverWiderTest, RequestsApprovalsAndRevokesWithoutFaultsNeverWidenAPolicy) {
  testing::ChildWorld world(server_, env_, kBuckets);
  std::vector<std::string> prefixes;
  std::map<std::int64_t, GrantState> expected;
  auto grant = [&](int bucket, const std::string& prefix, const char* grantee, bool approve) {
    prefixes.push_back(prefix);
    std::int64_t id = world.Grant(bucket, prefix, grantee, approve);
    expected[id] = approve ? GrantState::kActive : GrantState::kRequested;
    return id;
  };
  auto revoke = [&](std::int64_t id) {
    ASSERT_TRUE(world.store().RevokeGrant(id, "project over"));
    expected[id] = GrantState::kRevoked;
  };
  auto settled = [&] {
    for (const auto& [id, state] : expected) {
      auto current = world.store().GetGrant(id);
      if (!current || current->state != state) return false;
    }
    return !world.FirstDifference(kBuckets);
  };

  // Round one: two approved grants per bucket, and one request nobody approves yet.
  std::vector<std::int64_t> first;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    first.push_back(grant(bucket, "a" + std::to_string(bucket) + "/", testing::kCentralUser, true));
    first.push_back(grant(bucket, "b" + std::to_string(bucket) + "/", testing::kCentralRoot, true));
  }
  std::int64_t pending = grant(1, "pending/", testing::kCentralUser, false);
  std::vector<std::string> probed = prefixes;
  probed.insert(probed.end(), {"c0/", "c1/", "c2/"});  // round two's, watched from the start
  auto watcher = world.StartWatcher(probed);
  std::string config =
      world.WriteConfig(dir_, env_.at("RGW_ENDPOINT"), "", "interval = 1s\njitter = 0\nlease = 5s\n");
  testing::GovdProcess govd({"--config", config}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(20'000)));
  auto round_one = WaitUntil(settled, milliseconds(60'000));
  ASSERT_TRUE(round_one) << "round one: " << world.FirstDifference(kBuckets).value_or("grants not settled");

  // Round two: revoke one grant per bucket, approve the waiting request, grant new prefixes.
  for (int bucket = 0; bucket < kBuckets; ++bucket) revoke(first[static_cast<std::size_t>(bucket) * 2]);
  ASSERT_TRUE(world.store().ApproveGrant(pending));
  expected[pending] = GrantState::kActive;
  for (int bucket = 0; bucket < kBuckets; ++bucket)
    grant(bucket, "c" + std::to_string(bucket) + "/", testing::kCentralUser, true);
  auto round_two = WaitUntil(settled, milliseconds(60'000));
  ASSERT_TRUE(round_two) << "round two: " << world.FirstDifference(kBuckets).value_or("grants not settled");

  // Round three: everything on bucket 0 revoked, so only its foreign statements remain.
  for (const auto& [id, state] : std::map(expected)) {
    auto current = world.store().GetGrant(id);
    ASSERT_TRUE(current);
    if (current->bucket == world.buckets()[0].name && state == GrantState::kActive) revoke(id);
  }
  auto round_three = WaitUntil(settled, milliseconds(60'000));
  ASSERT_TRUE(round_three) << "round three: "
                           << world.FirstDifference(kBuckets).value_or("grants not settled");
  watcher->Stop();
  govd.Signal(SIGTERM);
  EXPECT_TRUE(govd.WaitExit(milliseconds(10'000)).has_value());

  std::vector<std::string> violations = watcher->violations();
  EXPECT_TRUE(violations.empty()) << violations.front();
  EXPECT_GT(watcher->samples(), 0);
  std::cout << "[ figures  ] normal run: " << expected.size() << " grants over 3 rounds, settled in "
            << round_one->count() << " / " << round_two->count() << " / " << round_three->count() << " ms; "
            << watcher->samples() << " policy samples, " << watcher->probes() << " probes, "
            << violations.size() << " never-wider violations\n";
  ::testing::Test::RecordProperty("samples", static_cast<int>(watcher->samples()));
}

}  // namespace
}  // namespace govd::daemon

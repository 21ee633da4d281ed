// Crash storm (docs/faults.md): a child govd, as a process against the real RadosGW and
// PostgreSQL, is killed with SIGKILL 50 times while 50 grants are requested, approved and revoked
// through accounts::Store, and restarted each time. The moments are drawn from a seeded generator
// and spread over: a policy PUT on its way to the server, a PUT the server applied but whose answer
// govd never saw (between PUT and verify), the verifying read, and random times in a pass (sweep,
// lease claims, reads). A pass-through proxy (no faults) shows the test where the writes are.
// Afterwards every accepted request is in the store in the state its history asks for, every
// bucket policy equals the desired state exactly (its foreign statements untouched), and the
// audit chain verifies; the never-wider watcher sampled the policies throughout.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sys/wait.h>
#include <thread>

#include "tests/accounts/rgw_env.h"
#include "tests/daemon/child_world.h"
#include "tests/daemon/fault_proxy.h"

namespace govd::daemon {
namespace {

using accounts::GrantState;
using std::chrono::milliseconds;
using testing::ForwardPhase;
using testing::ProxiedRequest;

constexpr std::uint64_t kSeed = 4242;
constexpr int kKills = 50;
constexpr int kGrants = 50;
constexpr int kBuckets = 5;

enum class Moment { kDuringPut, kAfterPutBeforeVerify, kDuringVerify, kTimed };

const char* MomentName(Moment moment) {
  switch (moment) {
    case Moment::kDuringPut: return "during a PUT";
    case Moment::kAfterPutBeforeVerify: return "between PUT and verify";
    case Moment::kDuringVerify: return "during the verifying read";
    case Moment::kTimed: return "at a random time in a pass";
  }
  return "?";
}

// Kills the daemon from the proxy's thread when the armed moment comes.
class Killer {
 public:
  void Arm(pid_t pid, Moment moment) {
    std::lock_guard lock(mutex_);
    pid_ = pid;
    moment_ = moment;
    fired_ = false;
    wrote_ = false;
  }
  // Disarms; true when the kill already happened.
  bool Disarm() {
    std::lock_guard lock(mutex_);
    pid_ = -1;
    return fired_;
  }
  // True when it killed the daemon: the proxy then drops the connection (the write never reaches
  // the server, or its answer never reaches the dead daemon).
  bool Observe(const ProxiedRequest& request, ForwardPhase phase) {
    std::lock_guard lock(mutex_);
    if (pid_ < 0 || fired_) return false;
    bool write = request.method == "PUT" || request.method == "DELETE";
    bool hit = (moment_ == Moment::kDuringPut && write && phase == ForwardPhase::kBeforeServer) ||
               (moment_ == Moment::kAfterPutBeforeVerify && write && phase == ForwardPhase::kAfterServer) ||
               (moment_ == Moment::kDuringVerify && wrote_ && request.method == "GET" &&
                phase == ForwardPhase::kBeforeServer);
    if (write && phase == ForwardPhase::kAfterServer) wrote_ = true;
    if (!hit) return false;
    ::kill(pid_, SIGKILL);
    fired_ = true;
    return true;
  }

 private:
  std::mutex mutex_;
  pid_t pid_ = -1;
  Moment moment_ = Moment::kTimed;
  bool fired_ = false;
  bool wrote_ = false;
};

// Requests, approves and revokes grants through the store while the storm goes on, and remembers
// what each accepted request must end as.
class Workload {
 public:
  explicit Workload(testing::ChildWorld& world) : world_(world) {}
  void Run() {
    std::mt19937_64 random(kSeed + 1);
    for (int i = 0; i < kGrants; ++i) {
      std::string prefix = "g" + std::to_string(i) + "/";
      bool approve = std::bernoulli_distribution(0.9)(random);
      std::int64_t id = world_.Grant(i % kBuckets, prefix, i % 2 == 0 ? testing::kCentralUser : testing::kCentralRoot,
                                     approve);
      Expect(id, approve ? GrantState::kActive : GrantState::kRequested);
      if (approve) approved_.push_back(id);
      if (!approved_.empty() && std::bernoulli_distribution(0.45)(random)) Revoke(random);
      std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(800, 2000)(random)));
    }
  }
  std::map<std::int64_t, GrantState> expected() const {
    std::lock_guard lock(mutex_);
    return expected_;
  }
  std::vector<std::string> prefixes() const {
    std::vector<std::string> all;
    for (int i = 0; i < kGrants; ++i) all.push_back("g" + std::to_string(i) + "/");
    return all;
  }

 private:
  void Revoke(std::mt19937_64& random) {
    std::size_t pick = std::uniform_int_distribution<std::size_t>(0, approved_.size() - 1)(random);
    std::int64_t id = approved_[pick];
    approved_.erase(approved_.begin() + static_cast<std::ptrdiff_t>(pick));
    auto revoked = world_.store().RevokeGrant(id, "storm: project over");
    if (revoked) Expect(id, GrantState::kRevoked);
  }
  void Expect(std::int64_t id, GrantState state) {
    std::lock_guard lock(mutex_);
    expected_[id] = state;
  }

  testing::ChildWorld& world_;
  std::vector<std::int64_t> approved_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, GrantState> expected_;  // guarded by mutex_
};

class CrashStormTest : public ::testing::Test {
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

TEST_F(CrashStormTest, FiftyKillsLoseNothingNeverWidenAndKeepForeignStatements) {
  auto started = std::chrono::steady_clock::now();
  testing::ChildWorld world(server_, env_, kBuckets);
  Killer killer;
  testing::FaultProxyOptions pass_through;  // no faults: it only shows where the writes are
  pass_through.upstream_port = world.rgw_port();
  pass_through.rate = 0.0;
  pass_through.observer = [&](const ProxiedRequest& r, ForwardPhase p) { return killer.Observe(r, p); };
  testing::FaultProxy proxy(pass_through);
  Workload workload(world);
  auto watcher = world.StartWatcher(workload.prefixes());
  std::string config = world.WriteConfig(dir_, proxy.url(), "timeout = 5s\n", "interval = 1s\njitter = 0\nlease = 1s\n");
  std::thread workload_thread([&] { workload.Run(); });

  std::mt19937_64 random(kSeed);
  std::map<std::string, int> kills_by_moment;
  int kills = 0;
  int restarts_ready = 0;
  for (int round = 0; round < kKills; ++round) {
    testing::GovdProcess govd({"--config", config}, {});
    bool ready = testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(20'000));
    EXPECT_TRUE(ready) << "restart " << round << " did not come up";
    restarts_ready += ready ? 1 : 0;
    auto moment = static_cast<Moment>(std::uniform_int_distribution<int>(0, 3)(random));
    int delay_ms = std::uniform_int_distribution<int>(0, 1500)(random);
    killer.Arm(govd.pid(), moment);
    auto deadline = std::chrono::steady_clock::now() + milliseconds(moment == Moment::kTimed ? delay_ms : 2500);
    std::optional<int> status;
    while (!status && std::chrono::steady_clock::now() < deadline) status = govd.WaitExit(milliseconds(5));
    if (!killer.Disarm()) {
      ASSERT_FALSE(status.has_value()) << "govd exited by itself";
      govd.Signal(SIGKILL);  // no write came in time (or a timed kill): the moment is "timed"
      moment = Moment::kTimed;
    }
    if (!status) status = govd.WaitExit(milliseconds(10'000));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
    ++kills;
    ++kills_by_moment[MomentName(moment)];
  }
  workload_thread.join();  // every request is made, even if the kills came faster

  // The last restart: it must bring everything to the desired state.
  testing::GovdProcess govd({"--config", config}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(20'000)));
  std::map<std::int64_t, GrantState> expected = workload.expected();
  auto settled = [&] {
    for (const auto& [id, state] : expected) {
      auto grant = world.store().GetGrant(id);
      if (!grant || grant->state != state) return false;
    }
    return !world.FirstDifference(kBuckets);
  };
  auto converge_started = std::chrono::steady_clock::now();
  bool converged = false;
  while (!converged && std::chrono::steady_clock::now() - converge_started < std::chrono::seconds(60)) {
    converged = settled();
    if (!converged) std::this_thread::sleep_for(milliseconds(200));
  }
  auto converge_ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - converge_started);
  watcher->Stop();
  for (const auto& [id, state] : expected) {
    auto grant = world.store().GetGrant(id);
    ASSERT_TRUE(grant) << "accepted request " << id << " is gone: " << grant.error().ToString();
    EXPECT_EQ(accounts::GrantStateName(grant->state), accounts::GrantStateName(state)) << "grant " << id;
  }
  EXPECT_EQ(world.FirstDifference(kBuckets), std::nullopt);
  auto verified = world.store().VerifyAudit();
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;
  EXPECT_TRUE(watcher->violations().empty()) << watcher->violations().front();
  EXPECT_GT(watcher->samples(), 0);
  EXPECT_EQ(kills, kKills);
  EXPECT_EQ(expected.size(), static_cast<std::size_t>(kGrants));
  int survived = converged ? restarts_ready : 0;
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  std::cout << "[ figures  ] " << kills << " SIGKILLs, " << survived << " survived (restart came up, final state "
            << (converged ? "reached" : "NOT reached") << " " << converge_ms.count() << " ms after the last restart); "
            << expected.size() << " accepted requests; " << watcher->samples() << " policy samples, "
            << watcher->probes() << " probes, " << watcher->violations().size() << " never-wider violations; "
            << proxy.Requests().size() << " S3 requests; storm took " << took.count() << " s\n";
  for (const auto& [moment, count] : kills_by_moment) std::cout << "[ figures  ]   killed " << moment << ": " << count << "\n";
  ::testing::Test::RecordProperty("kills_survived", survived);
  ::testing::Test::RecordProperty("samples", static_cast<int>(watcher->samples()));
}

}  // namespace
}  // namespace govd::daemon

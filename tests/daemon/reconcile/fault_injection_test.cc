// govd under faults, as a process against the real RadosGW and PostgreSQL (docs/faults.md).
// 1. Through the fault proxy with 30% of S3 calls failing (500, 503 SlowDown, throttling, resets,
//    stalls past the timeout, truncated answers) and one bucket whose calls always fail: govd
//    converges on the other buckets, every retry is counted on the wire and stays within the
//    configured attempts and budget, `govctl status` names the failing bucket and why, and the
//    never-wider watcher finds no sampled policy wider than the previous one or the desired state.
// 2. PostgreSQL (a private server) stopped in the middle of a run and started again: govd says
//    "not ready" in STATUS= meanwhile, reconnects, and nothing is lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "policy/engine/policy_canonical.h"
#include "tests/accounts/rgw_env.h"
#include "tests/daemon/support/child_world.h"
#include "tests/daemon/support/fault_proxy.h"
#include "tests/daemon/support/notify_socket.h"
#include "tests/policy/json_text.h"

namespace govd::daemon {
namespace {

using accounts::GrantState;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ChildWorld;
using testing::Fault;
using testing::FaultProxy;
using testing::ProxiedRequest;

constexpr std::uint64_t kSeed = 20261125;
constexpr int kMaxAttempts = 3;
constexpr int kRetryBudget = 300;
constexpr int kRetryCost = 5;  // accounts::RetryOptions::retry_cost: the cheapest retry

// Polls `done` every 200 ms until it holds or `timeout` passes; returns how long it took.
template <typename Predicate>
std::optional<milliseconds> WaitUntil(Predicate done, milliseconds timeout) {
  auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < timeout) {
    if (done()) return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    std::this_thread::sleep_for(milliseconds(200));
  }
  return std::nullopt;
}

bool InState(accounts::Store& store, const std::vector<std::int64_t>& ids, GrantState state,
             std::optional<GrantState> or_state = std::nullopt) {
  for (std::int64_t id : ids) {
    auto grant = store.GetGrant(id);
    if (!grant || (grant->state != state && grant->state != or_state)) return false;
  }
  return true;
}

constexpr milliseconds kAwsTimeout{1000};  // aws.timeout below

// Failed as the daemon saw it: a fault, no answer from the server, a server error, or an answer
// slower than (about: the proxy measures) the daemon's timeout; the loaded server itself can be that slow.
bool Failed(const ProxiedRequest& request) {
  return request.fault != Fault::kNone || request.status == 0 || request.status >= 500 || request.took >= kAwsTimeout - milliseconds(100);
}

// What the proxy saw: retries must follow a failed try of the same request, directly (the
// daemon's reconcile worker makes one call at a time), and stay within the configured attempts.
struct WireFigures {
  long requests = 0, faults = 0, retries = 0, successes = 0, stray_retries = 0, over_attempts = 0;
  long healthy_requests = 0, healthy_faults = 0;  // on the buckets whose faults are random
  long resends = 0;  // libcurl's own resend of a try whose reused connection was reset before any answer
  std::map<std::string, long> by_fault;
  std::string first_stray;
};

WireFigures Analyse(const std::vector<ProxiedRequest>& log, const std::string& broken) {
  WireFigures figures;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const ProxiedRequest& request = log[i];
    ++figures.requests;
    if (!request.path.starts_with("/" + broken)) {
      ++figures.healthy_requests;
      figures.healthy_faults += request.fault != Fault::kNone ? 1 : 0;
    }
    if (request.fault != Fault::kNone) {
      ++figures.faults;
      ++figures.by_fault[std::string(testing::FaultName(request.fault))];
    }
    if (request.fault == Fault::kNone && request.status >= 200 && request.status < 300) ++figures.successes;
    if (request.attempt < 1 || request.attempt > kMaxAttempts || request.max_attempts != kMaxAttempts) {
      ++figures.over_attempts;
    }
    bool resend = i > 0 && log[i - 1].method == request.method && log[i - 1].path == request.path &&
                  log[i - 1].attempt == request.attempt && log[i - 1].fault == Fault::kReset;
    if (resend) {
      ++figures.resends;
    } else if (request.attempt > 1) {
      ++figures.retries;
      bool follows = i > 0 && log[i - 1].method == request.method && log[i - 1].path == request.path &&
                     log[i - 1].attempt == request.attempt - 1 && Failed(log[i - 1]);
      if (!follows && figures.stray_retries++ == 0) {
        const ProxiedRequest& before = log[i - (i > 0 ? 1 : 0)];
        figures.first_stray = request.method + " " + request.path + " attempt " + std::to_string(request.attempt) +
                              " after " + before.method + " " + before.path + " attempt " + std::to_string(before.attempt) +
                              " status " + std::to_string(before.status) + " in " + std::to_string(before.took.count()) + " ms";
      }
    }
  }
  return figures;
}

class FaultInjectionTest : public ::testing::Test {
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

TEST_F(FaultInjectionTest, ConvergesThroughThirtyPercentFaultsWithinTheRetryBudget) {
  constexpr int kHealthy = 4;  // buckets 0-3; bucket 4's calls always fail
  ChildWorld world(server_, env_, kHealthy + 1);
  const std::string broken = world.buckets().back().name;
  testing::FaultProxyOptions faults;
  faults.upstream_port = world.rgw_port();
  faults.rate = 0.3;
  faults.seed = kSeed;
  faults.always_fail = {broken};
  faults.stall = milliseconds(3000);
  FaultProxy proxy(faults);
  std::vector<std::int64_t> healthy, stuck;
  std::vector<std::string> prefixes;
  for (int bucket = 0; bucket < kHealthy; ++bucket) {
    for (int i = 0; i < 3; ++i) {
      prefixes.push_back("p" + std::to_string(bucket) + std::to_string(i) + "/");
      healthy.push_back(world.Grant(bucket, prefixes.back(), i % 2 == 0 ? testing::kCentralUser : testing::kCentralRoot));
    }
  }
  stuck.push_back(world.Grant(kHealthy, "p40/", testing::kCentralUser));
  stuck.push_back(world.Grant(kHealthy, "p41/", testing::kCentralRoot));
  prefixes.insert(prefixes.end(), {"p40/", "p41/"});
  auto watcher = world.StartWatcher(prefixes);

  std::string config = world.WriteConfig(
      dir_, proxy.url(),
      "timeout = " + std::to_string(kAwsTimeout.count()) + "ms\nmax-attempts = " + std::to_string(kMaxAttempts) + "\nretry-budget = " + std::to_string(kRetryBudget) + "\n",
      "interval = 1s\njitter = 0\nlease = 5s\n");
  testing::GovdProcess govd({"--config", config}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(20'000)));
  auto converged = WaitUntil(
      [&] { return InState(world.store(), healthy, GrantState::kActive) && !world.FirstDifference(kHealthy); },
      milliseconds(120'000));
  ASSERT_TRUE(converged) << "not converged: " << world.FirstDifference(kHealthy).value_or("grants not active");
  // Then a second round of changes under the same faults: revoke one grant per bucket, add another.
  std::vector<std::int64_t> revoked;
  for (int bucket = 0; bucket < kHealthy; ++bucket) {
    revoked.push_back(healthy[static_cast<std::size_t>(bucket) * 3]);
    ASSERT_TRUE(world.store().RevokeGrant(revoked.back(), "round two"));
    prefixes.push_back("q" + std::to_string(bucket) + "/");
    healthy.push_back(world.Grant(bucket, prefixes.back(), testing::kCentralRoot));
  }
  std::erase_if(healthy, [&](std::int64_t id) { return std::find(revoked.begin(), revoked.end(), id) != revoked.end(); });
  auto second = WaitUntil(
      [&] {
        return InState(world.store(), healthy, GrantState::kActive) &&
               InState(world.store(), revoked, GrantState::kRevoked) && !world.FirstDifference(kHealthy);
      },
      milliseconds(120'000));
  ASSERT_TRUE(second) << "round two not converged: " << world.FirstDifference(kHealthy).value_or("grants not settled");

  // The broken bucket held up nobody, lost nothing (its grants wait in applying), wrote nothing,
  // and status says why it fails.
  EXPECT_TRUE(InState(world.store(), stuck, GrantState::kApproved, GrantState::kApplying)) << "still in flight";
  auto broken_policy = world.ReadPolicy(broken);
  ASSERT_TRUE(broken_policy && *broken_policy);
  EXPECT_EQ(policy::CanonicalPolicy(policy::testing::JsonOf(**broken_policy)),
            policy::CanonicalPolicy(testing::DesiredPolicy(world.buckets().back(), {})))
      << "the always-failing bucket's policy changed";
  testing::GovctlRun status;
  bool named = WaitUntil(
      [&] {
        status = testing::RunGovctl({"--socket", dir_.File("govd.sock"), "status"});
        return status.out.find("errors.buckets." + broken) != std::string::npos;
      },
      milliseconds(20'000)).has_value();
  EXPECT_TRUE(named) << status.out << status.err;
  std::string line = status.out.substr(status.out.find("errors.buckets." + broken));
  line = line.substr(0, line.find('\n'));
  EXPECT_TRUE(line.find("SlowDown") != std::string::npos || line.find("InternalError") != std::string::npos ||
              line.find("Throttling") != std::string::npos || line.find("ServiceUnavailable") != std::string::npos ||
              line.find("curl") != std::string::npos)
      << "no reason in: " << line;

  watcher->Stop();
  govd.Signal(SIGTERM);
  EXPECT_TRUE(govd.WaitExit(milliseconds(10'000)).has_value());
  WireFigures wire = Analyse(proxy.Requests(), broken);
  EXPECT_EQ(wire.over_attempts, 0) << "a try numbered beyond aws.max-attempts";
  EXPECT_EQ(wire.stray_retries, 0) << "a retry that did not follow a failed try of the same request: " << wire.first_stray;
  EXPECT_LE(wire.retries * kRetryCost, kRetryBudget + wire.successes) << "retries beyond the budget";
  EXPECT_LE(wire.resends, wire.by_fault[std::string(testing::FaultName(Fault::kReset))]);
  EXPECT_GT(wire.retries, 0);
  EXPECT_GE(wire.by_fault.size(), 6U) << "at least six of the seven kinds of fault were injected";
  EXPECT_TRUE(watcher->violations().empty()) << watcher->violations().front();
  EXPECT_GT(watcher->samples(), 0);
  std::cout << "[ figures  ] converged in " << converged->count() << " ms, round two in " << second->count() << " ms; " << wire.requests << " S3 requests, "
            << wire.faults << " faults injected (" << (100 * wire.healthy_faults / std::max(1L, wire.healthy_requests))
            << "% of the " << wire.healthy_requests << " on the other buckets), "
            << wire.retries << " retries (budget: " << wire.retries * kRetryCost << " <= " << kRetryBudget << " + "
            << wire.successes << " successes), " << wire.resends << " resends by libcurl after a reset, " << watcher->samples() << " policy samples, " << watcher->probes()
            << " probes, " << watcher->violations().size() << " never-wider violations\n";
  for (const auto& [fault, count] : wire.by_fault) std::cout << "[ figures  ]   " << fault << ": " << count << "\n";
  ::testing::Test::RecordProperty("convergence_ms", static_cast<int>(converged->count()));
  ::testing::Test::RecordProperty("retries", static_cast<int>(wire.retries));
  ::testing::Test::RecordProperty("samples", static_cast<int>(watcher->samples()));
}

// A private PostgreSQL of this test (scripts/pg-test-server), stopped and started again mid-run.
class PrivatePostgres {
 public:
  explicit PrivatePostgres(std::string dir) : dir_(std::move(dir)) { started_ = Run("start"); }
  ~PrivatePostgres() { Run("stop"); }
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;
  bool started() const { return started_; }
  bool Run(const std::string& command) {
    std::string line = std::string(GOVD_SOURCE_DIR) + "/scripts/pg-test-server " + command + " " + dir_ + " >/dev/null";
    return std::system(line.c_str()) == 0;
  }
  std::string conninfo() const {
    std::ifstream in(dir_ + "/conninfo");
    std::string line;
    std::getline(in, line);
    return line;
  }

 private:
  std::string dir_;
  bool started_ = false;
};

TEST_F(FaultInjectionTest, PostgresRestartMidRunReportsNotReadyThenReconnectsAndLosesNothing) {
  PrivatePostgres pg(dir_.File("pg"));
  ASSERT_TRUE(pg.started());
  ChildWorld world(pg.conninfo(), env_, 2);
  testing::NotifySocket notify(dir_.File("notify.sock"));
  ASSERT_TRUE(notify.bound());
  std::vector<std::int64_t> before{world.Grant(0, "r0/", testing::kCentralUser),
                                   world.Grant(1, "r1/", testing::kCentralRoot)};
  // A pass cut off by the pause cannot release its bucket's lease. The default reconcile.lease
  // (2 min) is longer than the deadlines below: the next pass must free its own leftover lease
  // rather than wait for it to expire.
  std::string config =
      world.WriteConfig(dir_, env_["RGW_ENDPOINT"], "timeout = 2s\n", "interval = 1s\njitter = 0\n");
  testing::GovdProcess govd({"--config", config}, {notify.env()});
  std::vector<std::string> seen;
  ASSERT_FALSE(notify.WaitFor("READY=1", milliseconds(20'000), seen).empty());
  ASSERT_TRUE(WaitUntil([&] { return InState(world.store(), before, GrantState::kActive); }, milliseconds(30'000)));

  // Approved just before the database goes away: govd must finish it afterwards.
  std::int64_t in_flight = world.Grant(0, "r2/", testing::kCentralRoot);
  ASSERT_TRUE(pg.Run("pause"));
  std::string not_ready = notify.WaitFor("STATUS=not ready", milliseconds(30'000), seen);
  EXPECT_FALSE(not_ready.empty()) << "no 'not ready' STATUS= while the database is down";
  testing::GovctlRun status = testing::RunGovctl({"--socket", dir_.File("govd.sock"), "status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("errors.pass"), std::string::npos) << status.out;
  EXPECT_FALSE(govd.WaitExit(milliseconds(10)).has_value()) << "govd died with its database";

  ASSERT_TRUE(pg.Run("resume"));
  world.ReopenStore();
  std::int64_t after = world.Grant(1, "r3/", testing::kCentralUser);
  std::string in_sync = notify.WaitFor("STATUS=in sync", milliseconds(30'000), seen);
  EXPECT_FALSE(in_sync.empty()) << "govd did not reconnect";
  std::vector<std::int64_t> all = before;
  all.insert(all.end(), {in_flight, after});
  auto converged = WaitUntil([&] { return InState(world.store(), all, GrantState::kActive) && !world.FirstDifference(2); },
                             milliseconds(30'000));
  EXPECT_TRUE(converged) << world.FirstDifference(2).value_or("grants not active");
  auto grants = testing::AllGrants(world.store());
  ASSERT_TRUE(grants);
  EXPECT_EQ(grants->size(), all.size());
  auto verified = world.store().VerifyAudit();
  ASSERT_TRUE(verified);
  EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;
  std::cout << "[ figures  ] STATUS while the database was down: " << not_ready << "\n";
}

}  // namespace
}  // namespace govd::daemon

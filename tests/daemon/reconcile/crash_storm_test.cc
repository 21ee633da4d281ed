// Crash storm (docs/faults.md): a child govd, as a process against the real RadosGW and
// PostgreSQL, is killed with SIGKILL 50 times while 50 grants are requested, approved and revoked
// through accounts::Store, and restarted each time. The moments (ten of each, in a seeded order)
// are: a policy PUT on its way to the server, a PUT the server applied but whose answer govd never
// saw (between PUT and verify), the verifying read, a lease claim (a new lease of this daemon seen
// in the buckets' lease columns, before it reconciles that bucket), and random times in a pass. A
// pass-through proxy (no faults) shows the test where the writes are. Afterwards every accepted
// request is in the store in the state its history asks for, every bucket policy equals the
// desired state exactly (its foreign statements untouched), and the audit chain verifies; the
// never-wider watcher sampled the policies throughout.
// A second storm kills `govd migrate` at random moments on fresh databases: each kill leaves the
// schema all or nothing, and the rerun that completes leaves it exactly current and usable.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>

#include "accounts/store/migrations.h"
#include "tests/accounts/rgw_env.h"
#include "tests/daemon/support/child_world.h"
#include "tests/daemon/support/fault_proxy.h"

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

enum class Moment { kDuringPut, kAfterPutBeforeVerify, kDuringVerify, kLeaseClaim, kTimed };
constexpr int kMoments = 5;

const char* MomentName(Moment moment) {
  switch (moment) {
    case Moment::kDuringPut: return "during a PUT";
    case Moment::kAfterPutBeforeVerify: return "between PUT and verify";
    case Moment::kDuringVerify: return "during the verifying read";
    case Moment::kLeaseClaim:
      return "right after a lease claim";
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
    requests_ = 0;
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
    if (phase == ForwardPhase::kBeforeServer) ++requests_;
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
  // The requests that reached the proxy since Arm().
  long requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Kills the armed daemon now; the requests that reached the proxy before it died.
  long KillNow() {
    std::lock_guard lock(mutex_);
    if (pid_ >= 0 && !fired_) ::kill(pid_, SIGKILL);
    fired_ = true;
    return requests_;
  }

 private:
  std::mutex mutex_;
  pid_t pid_ = -1;
  Moment moment_ = Moment::kTimed;
  bool fired_ = false;
  bool wrote_ = false;
  long requests_ = 0;
};

// Reads the lease columns of the world's buckets (with a connection of its own, as the owner).
class LeaseSpy {
 public:
  explicit LeaseSpy(const std::string& conninfo) : connection_(conninfo) {}
  // The leases `worker` holds now, each as "bucket until lease_until": a new claim is a new entry.
  std::set<std::string> Held(const std::string& worker) {
    pqxx::nontransaction tx(connection_);
    std::set<std::string> held;
    for (const auto& row : tx.exec_params(
             "SELECT bucket || ' until ' || lease_until::text FROM govd.buckets WHERE lease_owner = $1",
             worker)) {
      held.insert(row[0].as<std::string>());
    }
    return held;
  }

 private:
  pqxx::connection connection_;
};

// Kills govd as soon as a lease it did not hold at the previous look appears, polling the lease
// columns as fast as the database answers, until `deadline`. True when it killed; `quiet` is then
// whether no S3 request reached the proxy since the look before the claim, i.e. govd died holding
// the lease before touching the bucket.
// `status` is set when govd exited instead.
bool KillAtLeaseClaim(Killer& killer, LeaseSpy& spy, testing::GovdProcess& govd,
                      std::chrono::steady_clock::time_point deadline, bool& quiet,
                      std::optional<int>& status) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';  // as govd names itself in leases
  std::string worker = "govd@" + std::string(testing::kWorldAccount) + ":" + host.data() + ":" +
                       std::to_string(govd.pid());
  long requests_before = killer.requests();
  std::set<std::string> before = spy.Held(worker);
  for (int polls = 1; std::chrono::steady_clock::now() < deadline; ++polls) {
    long requests_now = killer.requests();
    std::set<std::string> held = spy.Held(worker);
    bool claimed = std::any_of(held.begin(), held.end(),
                               [&](const std::string& lease) { return !before.contains(lease); });
    if (claimed) {
      quiet = killer.KillNow() == requests_before;
      return true;
    }
    before = std::move(held);
    requests_before = requests_now;
    if (polls % 50 == 0 && (status = govd.WaitExit(milliseconds(1)))) return false;
  }
  return false;
}

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
    all.reserve(kGrants);
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
  std::vector<Moment> schedule;  // kKills / kMoments of each moment, in a seeded order
  schedule.reserve(kKills);
  for (int i = 0; i < kKills; ++i) schedule.push_back(static_cast<Moment>(i % kMoments));
  std::shuffle(schedule.begin(), schedule.end(), random);
  LeaseSpy spy(world.db().conninfo());
  std::map<std::string, int> kills_by_moment;
  int kills = 0;
  int lease_kills_quiet = 0;
  int restarts_ready = 0;
  for (int round = 0; round < kKills; ++round) {
    testing::GovdProcess govd({"--config", config}, {});
    bool ready = testing::WaitForSocket(dir_.File("govd.sock"), milliseconds(20'000));
    EXPECT_TRUE(ready) << "restart " << round << " did not come up";
    restarts_ready += ready ? 1 : 0;
    Moment moment = schedule[static_cast<std::size_t>(round)];
    int delay_ms = std::uniform_int_distribution<int>(0, 1500)(random);
    killer.Arm(govd.pid(), moment);
    auto deadline = std::chrono::steady_clock::now() + milliseconds(moment == Moment::kTimed        ? delay_ms
                                                                    : moment == Moment::kLeaseClaim ? 4000
                                                                                                    : 2500);
    std::optional<int> status;
    bool quiet = false;
    if (moment == Moment::kLeaseClaim && KillAtLeaseClaim(killer, spy, govd, deadline, quiet, status)) {
      lease_kills_quiet += quiet ? 1 : 0;
    }
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
  EXPECT_GT(kills_by_moment[MomentName(Moment::kLeaseClaim)], 0) << "no kill met a lease claim";
  EXPECT_EQ(expected.size(), static_cast<std::size_t>(kGrants));
  int survived = converged ? restarts_ready : 0;
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  std::cout << "[ figures  ] " << kills << " SIGKILLs, " << survived
            << " survived (restart came up, final state " << (converged ? "reached" : "NOT reached") << " "
            << converge_ms.count() << " ms after the last restart); "
            << kills_by_moment[MomentName(Moment::kLeaseClaim)] << " at lease claims (" << lease_kills_quiet
            << " before any S3 request after the claim); " << expected.size() << " accepted requests; "
            << watcher->samples() << " policy samples, " << watcher->probes() << " probes, "
            << watcher->violations().size() << " never-wider violations; " << proxy.Requests().size()
            << " S3 requests; storm took " << took.count() << " s\n";
  for (const auto& [moment, count] : kills_by_moment) std::cout << "[ figures  ]   killed " << moment << ": " << count << "\n";
  ::testing::Test::RecordProperty("kills_survived", survived);
  ::testing::Test::RecordProperty("samples", static_cast<int>(watcher->samples()));
}

// The migration storm: `govd migrate` on fresh databases, killed 1-3 times each at a random moment
// (a random delay within one uninterrupted run, or while its transaction holds the migration
// lock), then rerun to completion.
constexpr int kMigrationKills = 30;

// Everything the migrations create in schema govd, one sorted line per object, plus the applied
// versions: two databases with the same fingerprint have the same schema.
std::string SchemaFingerprint(const std::string& conninfo) {
  pqxx::connection connection(conninfo);
  pqxx::nontransaction tx(connection);
  return tx
      .exec1(
          "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') FROM ("
          "  SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable "
          "|| ' ' ||"
          "         coalesce(column_default, '') AS line FROM information_schema.columns WHERE table_schema "
          "= 'govd'"
          "  UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'govd'"
          "  UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || "
          "pg_get_constraintdef(oid)"
          "    FROM pg_constraint WHERE connamespace = 'govd'::regnamespace"
          "  UNION ALL SELECT 'policy ' || tablename || ' ' || policyname || ' ' || coalesce(qual, '') || ' "
          "' ||"
          "         coalesce(with_check, '') FROM pg_policies WHERE schemaname = 'govd'"
          "  UNION ALL SELECT 'function ' || proname || '(' || pg_get_function_identity_arguments(oid) || ')'"
          "    FROM pg_proc WHERE pronamespace = 'govd'::regnamespace"
          "  UNION ALL SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname FROM pg_trigger"
          "    WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = "
          "'govd'::regnamespace)"
          "  UNION ALL SELECT 'migration ' || version || ' ' || name FROM govd.schema_migrations) lines")[0]
      .as<std::string>();
}

// Whether database `conninfo` has a schema govd at all.
bool HasGovdSchema(const std::string& conninfo) {
  pqxx::connection connection(conninfo);
  pqxx::nontransaction tx(connection);
  return tx.exec1("SELECT count(*) FROM pg_namespace WHERE nspname = 'govd'")[0].as<int>() > 0;
}

// True once no session holds an advisory lock in database `name` (a killed migrator's backend
// ends its transaction when it finds the client gone).
bool WaitForNoMigrationLock(pqxx::connection& server, const std::string& name,
                            std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pqxx::nontransaction tx(server);
    if (tx.exec_params1("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                        "WHERE l.locktype = 'advisory' AND d.datname = $1",
                        name)[0]
            .as<int>() == 0) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return false;
}

// Polls until some session holds an advisory lock in database `name`, or `deadline`.
bool WaitForMigrationLock(pqxx::connection& server, const std::string& name,
                          std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    pqxx::nontransaction tx(server);
    if (tx.exec_params1("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                        "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1",
                        name)[0]
            .as<int>() > 0) {
      return true;
    }
  }
  return false;
}

std::string CreateDatabase(pqxx::connection& server, const std::string& name) {
  pqxx::nontransaction tx(server);
  tx.exec("CREATE DATABASE " + name);
  return accounts::testing::ServerConninfo() + " dbname=" + name;
}

TEST(MigrationStormTest, KillsDuringGovdMigrateLeaveTheSchemaAllOrNothingThenExactlyCurrent) {
  std::string server = accounts::testing::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  const char* govd = std::getenv("GOVD_BINARY");
  ASSERT_NE(govd, nullptr);
  pqxx::connection admin(server);
  std::string stem = "govd_ms_" + std::to_string(getpid()) + "_";
  const std::string migrated =
      "schema version " + std::to_string(accounts::CodeSchemaVersion()) + " (applied ";

  // One uninterrupted run: its time bounds the random delays, its schema is the reference.
  std::string reference = CreateDatabase(admin, stem + "ref");
  auto calibration_started = std::chrono::steady_clock::now();
  testing::ProgramRun clean = testing::RunProgram(govd, {"migrate", "--db", reference});
  auto full_run =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - calibration_started);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const std::string fingerprint = SchemaFingerprint(reference);
  ASSERT_NE(fingerprint.find("migration " + std::to_string(accounts::CodeSchemaVersion())),
            std::string::npos);

  std::mt19937_64 random(kSeed + 2);
  int kills = 0, aimed_at_lock = 0, rolled_back = 0, committed = 0, finished_first = 0, databases = 0;
  while (kills < kMigrationKills) {
    std::string name = stem + std::to_string(databases++);
    std::string conninfo = CreateDatabase(admin, name);
    int kills_here = std::uniform_int_distribution<int>(1, 3)(random);
    for (int attempt = 0; attempt < kills_here && kills < kMigrationKills; ++attempt) {
      bool at_lock = std::bernoulli_distribution(0.5)(random);
      milliseconds delay(std::uniform_int_distribution<long>(0, full_run.count())(random));
      testing::GovdProcess migrate({"migrate", "--db", conninfo}, {}, "/dev/null");
      bool held =
          at_lock && WaitForMigrationLock(admin, name, std::chrono::steady_clock::now() + full_run * 4);
      if (at_lock) delay /= 4;  // a little way into the transaction
      std::this_thread::sleep_for(delay);
      migrate.Signal(SIGKILL);
      std::optional<int> status = migrate.WaitExit(milliseconds(10'000));
      ASSERT_TRUE(status.has_value());
      if (!WIFSIGNALED(*status)) {  // it finished before the kill: no kill to count
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
        ++finished_first;
        break;
      }
      ++kills;
      aimed_at_lock += held ? 1 : 0;
      // Once its backend has ended the transaction, all or nothing: no schema at all, or the
      // current one.
      ASSERT_TRUE(WaitForNoMigrationLock(admin, name, milliseconds(10'000)))
          << "a killed migrator's lock stayed";
      auto after = accounts::ReadSchemaStatus(conninfo);
      ASSERT_TRUE(after) << after.error().ToString();
      if (after->database_version == 0) {
        ++rolled_back;
        EXPECT_FALSE(HasGovdSchema(conninfo)) << "a killed migration left part of its schema";
      } else {
        ++committed;
        EXPECT_EQ(after->database_version, accounts::CodeSchemaVersion());
      }
    }
    // Rerun until it completes; then it is exactly current and a store works on it.
    testing::ProgramRun rerun = testing::RunProgram(govd, {"migrate", "--db", conninfo});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(rerun.out.rfind(migrated, 0), 0U) << rerun.out;
    testing::ProgramRun check = testing::RunProgram(govd, {"migrate", "--check", "--db", conninfo});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(SchemaFingerprint(conninfo), fingerprint)
        << "database " << name << " differs from an uninterrupted one";
    accounts::testing::FakeClock clock;
    auto store = accounts::testing::OpenStore(conninfo, "la-leeds", clock);
    accounts::testing::SeedOrganisation(*store);
    auto grant = store->RequestGrant(accounts::testing::ReadRequest());
    ASSERT_TRUE(grant) << grant.error().ToString();
    EXPECT_TRUE(store->ApproveGrant(grant->id));
    auto verified = store->VerifyAudit();
    ASSERT_TRUE(verified) << verified.error().ToString();
    EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;
  }
  EXPECT_EQ(kills, kMigrationKills);
  EXPECT_GT(rolled_back, 0) << "no kill landed inside a migration transaction";
  std::cout << "[ figures  ] migrate: " << kills << " SIGKILLs on " << databases << " fresh databases ("
            << aimed_at_lock << " inside the transaction, once it held the migration lock; "
            << kills - aimed_at_lock << " at a random delay within one uninterrupted run of "
            << full_run.count() << " ms); " << rolled_back << " left no schema, " << committed
            << " left it current, none partial; " << finished_first
            << " runs finished before their kill; every rerun completed, `govd migrate --check` passed and "
               "the schema "
               "matched an uninterrupted one\n";
  ::testing::Test::RecordProperty("migrate_kills", kills);
}

}  // namespace
}  // namespace govd::daemon

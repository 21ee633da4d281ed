// A child-mode govd as a process on the real PostgreSQL and RadosGW (fixture "servers"):
// `govctl plan` shows what the next pass would change and writes nothing; simulate answers with
// the organisation's real policies (stored guardrails, the bucket's actual policy); and a grant
// approved directly in the store wakes the reconciler (LISTEN/NOTIFY), also after the listening
// connection was killed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

#include "daemon/cli/control_client.h"
#include "daemon/server/api_dispatcher.h"
#include "tests/accounts/rgw_shared_prefix.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using accounts::testing::FakeClock;
using accounts::testing::TestDb;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kChild = "222222222222";

class ChildApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string server = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    env_ = *env;
    rgw_ = std::make_unique<accounts::testing::RgwSharedPrefix>(env_);
    clock_.Set(std::chrono::system_clock::now());
    db_ = std::make_unique<TestDb>(server);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kChild, clock_, "uid:0/test");
    bucket_ = rgw_->bucket();
    ASSERT_NO_FATAL_FAILURE(accounts::testing::SeedOrganisation(*store_, kChild, bucket_));
    ASSERT_EQ(rgw_->CreateAndGrant(), "");
    ASSERT_EQ(rgw_->Revoke(), "") << "start without a bucket policy";
  }

  void WriteConfig() {
    std::string extra = "role = uid:" + std::to_string(getuid()) + " admin\n[aws]\ns3-endpoint = " +
                        env_["RGW_ENDPOINT"] + "\naccess-key-id = " + env_["RGW_LA1_ACCESS_KEY"] +
                        "\nsecret-access-key = " + env_["RGW_LA1_SECRET_KEY"] + "\n[reconcile]\ninterval = 1h\n";
    testing::WriteFile(dir_.File("govd.conf"), testing::ConfigWithDatabase(dir_, db_->conninfo(), kChild, extra));
  }

  void StartGovd() {
    WriteConfig();
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
    ASSERT_TRUE(WaitFor([this] { return Passes("passes_finished") >= 1; }, milliseconds(10'000)))
        << "the first pass did not finish";
  }

  std::string Central() const {
    return "arn:aws:iam::" + env_.at("RGW_CENTRAL_ACCOUNT") + ":user/" + env_.at("RGW_CENTRAL_USER");
  }

  // Requests and approves a read grant of the central user on `prefix`, directly in the store.
  std::int64_t Grant(const std::string& prefix) {
    accounts::GrantRequest request = accounts::testing::ReadRequest(prefix, bucket_);
    request.grantee = Central();
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    if (!grant) return 0;
    EXPECT_TRUE(store_->ApproveGrant(grant->id));
    return grant->id;
  }

  Json::Value Call(const std::string& method, const std::string& target, const std::string& body = {}) {
    auto response = ControlClient(socket_).Call(method, target, body);
    EXPECT_TRUE(response) << response.error().ToString();
    return response ? response->body : Json::Value();
  }

  std::uint64_t Passes(const char* counter) { return Call("GET", "/v1/status")["reconcile"][counter].asUInt64(); }

  static bool WaitFor(const std::function<bool()>& condition, milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return condition();
  }

  // Waits until no pass runs or is due, so that the next pass counted is caused by the test.
  void WaitIdle() {
    ASSERT_TRUE(WaitFor([this] {
      Json::Value reconcile = Call("GET", "/v1/status")["reconcile"];
      return !reconcile["running"].asBool() && !reconcile["follow_up_pending"].asBool() &&
             reconcile["passes_started"] == reconcile["passes_finished"];
    }, milliseconds(10'000)));
  }

  std::optional<std::string> ActualPolicy() {
    auto text = la1().GetBucketPolicy({bucket_, policy::AccountId::Parse(kChild).value()});
    return text ? std::optional<std::string>(*text) : std::nullopt;
  }

  accounts::S3Client& la1() { return rgw_->la1(); }

  std::map<std::string, std::string> env_;
  std::unique_ptr<accounts::testing::RgwSharedPrefix> rgw_;
  FakeClock clock_;
  std::unique_ptr<TestDb> db_;
  std::unique_ptr<accounts::Store> store_;
  std::string bucket_;
  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST_F(ChildApiTest, PlanShowsTheRepairOfAHandEditAndWritesNothing) {
  Grant("reports/");
  ASSERT_NO_FATAL_FAILURE(StartGovd());
  ASSERT_TRUE(ActualPolicy().has_value()) << "the first pass applies the grant";
  ASSERT_TRUE(la1().DeleteBucketPolicy({bucket_, policy::AccountId::Parse(kChild).value()}));  // by hand
  WaitIdle();
  std::uint64_t passes = Passes("passes_started");
  std::int64_t audit_rows = db_->Count("SELECT count(*) FROM govd.audit_log");

  auto run = testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "--json", kChild});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto parsed = ParseJsonBody(run.out);
  ASSERT_TRUE(parsed) << run.out;
  const Json::Value& plan = *parsed;
  EXPECT_EQ(plan["changes"].asInt(), 1) << run.out;
  ASSERT_EQ(plan["buckets"].size(), 1U) << run.out;
  const Json::Value& bucket = plan["buckets"][0];
  EXPECT_EQ(bucket["bucket"].asString(), bucket_);
  EXPECT_EQ(bucket["outcome"].asString(), "planned");
  EXPECT_EQ(bucket["action"].asString(), "put");
  EXPECT_FALSE(bucket["missing"].empty()) << "the statement removed by hand is missing";
  EXPECT_NE(WriteJson(bucket["document"]).find(Central()), std::string::npos) << run.out;

  EXPECT_FALSE(ActualPolicy().has_value()) << "plan wrote the bucket policy";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log"), audit_rows) << "plan wrote to the store";
  EXPECT_EQ(Passes("passes_started"), passes) << "plan ran a pass";

  EXPECT_TRUE(bucket["actual"].isNull()) << "the bucket has no policy: " << run.out;

  auto table = testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(bucket_), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("put"), std::string::npos) << table.out;
  // The document diff: the whole desired policy is added, the grantee on a '+' line.
  EXPECT_NE(table.out.find("--- s3://" + bucket_ + " policy (actual)\n+++ s3://" + bucket_ +
                           " policy (desired)\n@@ -0,0 +1,"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("\n+        \"AWS\" : \"" + Central() + "\""), std::string::npos) << table.out;
  auto detailed =
      testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "--detailed-exitcode"});
  EXPECT_EQ(detailed.exit_code, 2) << "changes are pending: " << detailed.err;
  EXPECT_EQ(detailed.out, table.out);
  auto other = testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "333333333333"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("this govd does not manage tenant 333333333333"), std::string::npos) << other.err;
}

// `govctl plan --detailed-exitcode` as terraform: 0 with nothing to do; a failing bucket is exit 1
// with the flag or without it, and the diff shows only the statement that goes.
TEST_F(ChildApiTest, PlanExitsOneForAFailingBucketAndDetailedExitcodeTellsNothingToDoFromChanges) {
  Grant("reports/");
  ASSERT_NO_FATAL_FAILURE(StartGovd());
  ASSERT_TRUE(ActualPolicy().has_value()) << "the first pass applies the grant";
  WaitIdle();
  auto in_sync =
      testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "--detailed-exitcode"});
  EXPECT_EQ(in_sync.exit_code, 0) << in_sync.out << in_sync.err;
  EXPECT_EQ(in_sync.out.find("+++ "), std::string::npos) << "nothing to change, no diff: " << in_sync.out;

  // A managed statement no grant asks for, added by hand: the plan removes it and nothing else.
  auto applied = ParseJsonBody(*ActualPolicy());
  ASSERT_TRUE(applied);
  Json::Value edited = *applied;
  Json::Value stale = edited["Statement"][0];
  stale["Sid"] = "GovdManagedRead0123456789abcdef";
  stale["Resource"] = "arn:aws:s3:::" + bucket_ + "/stale/*";
  edited["Statement"].append(stale);
  ASSERT_TRUE(la1().PutBucketPolicy({bucket_, policy::AccountId::Parse(kChild).value()}, WriteJson(edited)));
  auto json = testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "--json", kChild});
  auto parsed = ParseJsonBody(json.out);
  ASSERT_TRUE(parsed) << json.out;
  EXPECT_NE(WriteJson((*parsed)["buckets"][0]["actual"]).find("/stale/*"), std::string::npos) << json.out;
  auto pending =
      testing::RunProgram(testing::GovctlBinary(), {"--socket", socket_, "plan", "--detailed-exitcode"});
  EXPECT_EQ(pending.exit_code, 2) << pending.out << pending.err;
  std::string added;
  std::string removed;
  std::istringstream lines(pending.out.substr(pending.out.find("+++ ")));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("+") && !line.starts_with("+++")) added += line + "\n";
    if (line.starts_with("-") && !line.starts_with("---")) removed += line + "\n";
  }
  EXPECT_NE(removed.find("GovdManagedRead0123456789abcdef"), std::string::npos) << pending.out;
  EXPECT_NE(removed.find("/stale/*"), std::string::npos) << pending.out;
  EXPECT_EQ(removed.find("/reports/*"), std::string::npos)
      << "the applied statement is unchanged: " << pending.out;
  EXPECT_EQ(added, "") << pending.out;

  // A bucket of the tenant that S3 does not have: its plan fails.
  ASSERT_TRUE(store_->RegisterBucket(bucket_ + "-gone", policy::AccountId::Parse(kChild).value()));
  for (bool with_flag : {false, true}) {
    std::vector<std::string> args{"--socket", socket_, "plan"};
    if (with_flag) args.emplace_back("--detailed-exitcode");
    auto failing = testing::RunProgram(testing::GovctlBinary(), args);
    EXPECT_EQ(failing.exit_code, 1) << "with_flag=" << with_flag << "\n" << failing.out << failing.err;
    EXPECT_NE(failing.out.find(bucket_ + "-gone"), std::string::npos) << failing.out;
    EXPECT_NE(failing.err.find("govctl plan: 1 bucket(s) failed"), std::string::npos) << failing.err;
  }
}

// `govd --dry-run`: the same plan without a daemon, printed as govctl plan prints it.
TEST_F(ChildApiTest, DryRunPrintsThePlanOfEveryTenantAndWritesNothing) {
  std::int64_t id = Grant("reports/");
  WriteConfig();
  std::int64_t audit_rows = db_->Count("SELECT count(*) FROM govd.audit_log");
  auto run = testing::RunProgram(std::getenv("GOVD_BINARY"), {"--config", dir_.File("govd.conf"), "--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("tenant " + std::string(kChild) + ":"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(bucket_ + ": would add "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 of 1 bucket(s) would change, 0 would fail; nothing was written"), std::string::npos)
      << run.out;
  EXPECT_FALSE(ActualPolicy().has_value()) << "--dry-run wrote the bucket policy";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log"), audit_rows) << "--dry-run wrote to the store";
  EXPECT_EQ(store_->GetGrant(id)->state, accounts::GrantState::kApproved);
  EXPECT_FALSE(testing::WaitForSocket(socket_, milliseconds(0))) << "--dry-run opened no control socket";

  testing::WriteFile(dir_.File("central.conf"), "mode = central\naccount-id = 111122223333\nregion = eu-west-2\n"
                                                "[database]\nconninfo = " + db_->conninfo() + "\n");
  auto central = testing::RunProgram(std::getenv("GOVD_BINARY"), {"--config", dir_.File("central.conf"), "--dry-run"});
  EXPECT_EQ(central.exit_code, 1) << central.err;
  EXPECT_NE(central.err.find("needs mode = child and a database"), std::string::npos) << central.err;
}

TEST_F(ChildApiTest, SimulateUsesTheStoredGuardrailsAndTheActualBucketPolicy) {
  Grant("reports/");
  ASSERT_NO_FATAL_FAILURE(StartGovd());
  std::string identity = dir_.File("central-identity.json");
  testing::WriteFile(identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})");
  auto simulate = [&](const std::string& key) {
    return testing::RunProgram(testing::GovctlBinary(),
                               {"--socket", socket_, "simulate", "--daemon", "--tenant", kChild, "--principal", Central(),
                                "--action", "s3:GetObject", "--resource", "arn:aws:s3:::" + bucket_ + "/" + key,
                                "--identity-policy", identity});
  };
  auto granted = simulate("reports/2026/q3.csv");
  EXPECT_EQ(granted.exit_code, 0) << granted.out << granted.err;
  EXPECT_NE(granted.out.find("decision: Allow"), std::string::npos) << granted.out;
  EXPECT_NE(granted.out.find("bucket policy of " + bucket_ + " (actual)"), std::string::npos) << granted.out;
  auto outside = simulate("secret/staff.csv");
  EXPECT_EQ(outside.exit_code, 1) << outside.out << outside.err;
  EXPECT_NE(outside.out.find("decision: ImplicitDeny"), std::string::npos) << outside.out;

  // A guardrail on the root now denies reads of the shared bucket to every account.
  ASSERT_TRUE(store_->AttachGuardrail({accounts::GuardrailTarget::kRoot, "r-root", "no-shared-reads",
                                       R"({"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny",)"
                                       R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket_ + R"(/*"}]})"}));
  auto denied = simulate("reports/2026/q3.csv");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.out.find("decision: ExplicitDeny"), std::string::npos) << denied.out;
  EXPECT_NE(denied.out.find("guardrail no-shared-reads"), std::string::npos) << denied.out;

  Json::Value refused = Call("POST", std::string("/v1/tenants/") + kChild + "/simulate",
                             R"({"request":{"principal":"arn:aws:iam::111111111111:user/x","action":"s3:GetObject",)"
                             R"("resource":"arn:aws:s3:::b/k"},"scps":[[]]})");
  EXPECT_EQ(refused["error"]["where"].asString(), "/scps") << WriteJson(refused);
}

TEST_F(ChildApiTest, AGrantApprovedInTheStoreWakesTheReconcilerAlsoAfterReconnecting) {
  ASSERT_NO_FATAL_FAILURE(StartGovd());
  WaitIdle();
  std::uint64_t before = Passes("passes_started");
  auto approved_at = Clock::now();
  std::int64_t id = Grant("reports/");
  ASSERT_TRUE(WaitFor([&] { return Passes("passes_started") > before; }, milliseconds(60'000)))
      << "no pass after the approval (the periodic one is an hour away)";
  auto woke_after = std::chrono::duration_cast<milliseconds>(Clock::now() - approved_at);
  ASSERT_TRUE(WaitFor([&] { return store_->GetGrant(id)->state == accounts::GrantState::kActive; }, milliseconds(60'000)));
  std::cout << "[ figure ] approval -> pass started: " << woke_after.count() << " ms\n";

  // PostgreSQL drops the listening connection: govd listens again (and passes once to catch up).
  WaitIdle();
  before = Passes("passes_started");
  db_->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query ILIKE 'listen%'");
  ASSERT_TRUE(WaitFor([&] { return Passes("passes_started") > before; }, milliseconds(60'000)))
      << "no catch-up pass after the listener reconnected";
  WaitIdle();
  before = Passes("passes_started");
  Grant("other/");
  EXPECT_TRUE(WaitFor([&] { return Passes("passes_started") > before; }, milliseconds(60'000)))
      << "no pass after an approval after the reconnect";
}

}  // namespace
}  // namespace govd::daemon

// The full story of issue 6, end to end with real processes: a child-mode govd for account
// 222222222222 (la1) and a central-mode govd for 111111111111, both on the PostgreSQL and RadosGW
// of the "servers" fixture. The child's operator requests and approves a grant on shared/reports/;
// the child's daemon writes it into the bucket policy and the central daemon pulls the files;
// hand edits of the policy (a foreign statement added, govd's statement removed) are kept and
// repaired; the child revokes and the central's reads are refused by RadosGW itself; the audit
// chain verifies. Every "within 2 s" is measured from the moment the change was committed.
#include <unistd.h>

#include <gtest/gtest.h>
#include <json/value.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"
#include "tests/accounts/rgw_env.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"
#include "tests/policy/json_text.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kChild = "222222222222";
constexpr const char* kCentral = "111111111111";
constexpr const char* kCentralUser = "arn:aws:iam::111111111111:user/central";
constexpr milliseconds kStoryDeadline{2000};

// The files la1 shares under shared/reports/, and one it does not share.
const std::map<std::string, std::string> kReports = {
    {"shared/reports/2026/q3.csv", "region,total\nnorth,42\nsouth,17\n"},
    {"shared/reports/2026/q4.csv", "region,total\nnorth,44\nsouth,19\n"},
    {"shared/reports/readme.txt", "Quarterly totals per region.\n"},
};
constexpr const char* kPrivateKey = "shared/staff/salaries.csv";

// Polls `done` every 25 ms until it holds or `timeout` passes; returns the time it took, or
// nullopt when it never held.
std::optional<milliseconds> TimeUntil(const std::function<bool()>& done, milliseconds timeout) {
  auto start = Clock::now();
  while (Clock::now() - start < timeout) {
    if (done()) return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    std::this_thread::sleep_for(milliseconds(25));
  }
  return std::nullopt;
}

std::string UniqueBucket() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return "story-" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1'000'000'000);
}

class StoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string server = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the servers fixture";
    env_ = *env;
    db_ = std::make_unique<accounts::testing::TestDb>(server);
    // The operator's store runs on the real clock, as the daemons' do: grant deadlines and the
    // audit log's times are compared across them.
    accounts::StoreOptions options;
    options.clock = &SystemTime();
    auto store = accounts::Store::Open(db_->conninfo(), {kChild, "uid:" + std::to_string(getuid()) + "/operator"}, options);
    ASSERT_TRUE(store) << store.error().ToString();
    operator_ = std::move(store).value();
    bucket_ = UniqueBucket();
    ProvisionOrganisation();
    ASSERT_NO_FATAL_FAILURE(CreateSharedBucket());
    StartDaemons();
  }

  // The org as `govd org import` (branch orgplan) will provision it: root, OU, accounts, la1's bucket.
  void ProvisionOrganisation() { accounts::testing::SeedOrganisation(*operator_, kChild, bucket_); }

  void CreateSharedBucket() {
    la1_keys_ = Keys("RGW_LA1_ACCESS_KEY", "RGW_LA1_SECRET_KEY");
    central_keys_ = Keys("RGW_CENTRAL_ACCESS_KEY", "RGW_CENTRAL_SECRET_KEY");
    la1_ = S3(*la1_keys_);
    central_ = S3(*central_keys_);
    ASSERT_TRUE(la1_->CreateBucket(Own()));
    for (const auto& [key, body] : kReports) ASSERT_TRUE(la1_->PutObject(Own(), key, body));
    ASSERT_TRUE(la1_->PutObject(Own(), kPrivateKey, "name,salary\nalice,1\n"));
  }

  std::string CommonConfig(const std::string& mode, const std::string& account, const std::string& key_var,
                           const std::string& secret_var, const std::string& socket) {
    return "mode = " + mode + "\naccount-id = " + account + "\nregion = us-east-1\n" +
           "[database]\nconninfo = " + db_->conninfo() + "\n" +
           "[aws]\ns3-endpoint = " + env_["RGW_ENDPOINT"] + "\nsts-endpoint = " + env_["RGW_ENDPOINT"] +
           "\naccess-key-id = " + env_[key_var] + "\nsecret-access-key = " + env_[secret_var] + "\n" +
           "[reconcile]\ninterval = 1s\njitter = 0\n" +
           "[control]\nsocket = " + socket + "\nrole = uid:" + std::to_string(getuid()) + " admin\n";
  }

  void StartDaemons() {
    testing::WriteFile(dir_.File("child.conf"),
                       CommonConfig("child", kChild, "RGW_LA1_ACCESS_KEY", "RGW_LA1_SECRET_KEY", child_socket_));
    testing::WriteFile(dir_.File("central.conf"),
                       CommonConfig("central", kCentral, "RGW_CENTRAL_ACCESS_KEY", "RGW_CENTRAL_SECRET_KEY",
                                    central_socket_) +
                           "[source.la1]\naccount = " + kChild + "\nbucket = " + CentralName() +
                           "\nprefix = shared/reports/\ndestination = " + pulled_.string() + "\n");
    child_.emplace(std::vector<std::string>{"--config", dir_.File("child.conf")}, std::vector<std::string>{},
                   dir_.File("child.log"));
    central_daemon_.emplace(std::vector<std::string>{"--config", dir_.File("central.conf")},
                            std::vector<std::string>{}, dir_.File("central.log"));
    ASSERT_TRUE(testing::WaitForSocket(child_socket_, milliseconds(20'000))) << testing::ReadFile(dir_.File("child.log"));
    ASSERT_TRUE(testing::WaitForSocket(central_socket_, milliseconds(20'000))) << testing::ReadFile(dir_.File("central.log"));
  }

  std::unique_ptr<accounts::StaticCredentialsProvider> Keys(const std::string& key, const std::string& secret) {
    return std::make_unique<accounts::StaticCredentialsProvider>(
        accounts::AwsCredentials{signer::Credentials(env_[key], env_[secret], ""), std::nullopt});
  }
  std::unique_ptr<accounts::S3Client> S3(accounts::CredentialsProvider& credentials) {
    auto endpoint = accounts::ParseEndpointUrl(env_["RGW_ENDPOINT"], "s3", "us-east-1").value();
    return std::make_unique<accounts::S3Client>(endpoint, accounts::AwsCallerDeps{transport_, retry_, time_, &credentials},
                                                accounts::S3ClientOptions{.path_style = true});
  }
  accounts::S3BucketRef Own() const { return {bucket_, policy::AccountId::Parse(kChild).value()}; }
  // RadosGW's name for another tenant's bucket (AWS has one global namespace instead).
  std::string CentralName() const { return std::string(kChild) + ":" + bucket_; }

  Json::Value Policy() {
    auto text = la1_->GetBucketPolicy(Own());
    return text ? policy::testing::JsonOf(*text) : Json::Value();
  }
  void PutPolicy(const Json::Value& document) { ASSERT_TRUE(la1_->PutBucketPolicy(Own(), policy::CompactJson(document))); }

  // govd's statement granting the central user shared/reports/ is in the bucket policy.
  bool PolicyCarriesGrant() {
    Json::Value document = Policy();
    for (const auto& statement : document["Statement"]) {
      std::string text = policy::CompactJson(statement);
      if (statement["Sid"].asString().starts_with(policy::kManagedSidPrefix) &&
          text.find(kCentralUser) != std::string::npos &&
          text.find("arn:aws:s3:::" + bucket_ + "/shared/reports/*") != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  bool HasStatement(const Json::Value& wanted) {
    Json::Value document = Policy();
    for (const auto& statement : document["Statement"]) {
      if (policy::CanonicalStatementText(statement) == policy::CanonicalStatementText(wanted)) return true;
    }
    return false;
  }

  bool CentralPulledEverything() {
    for (const auto& [key, body] : kReports) {
      if (testing::ReadFile(pulled_ / key) != body) return false;
    }
    return true;
  }

  // What the central daemon reports about its source la1 (GET /v1/status through govctl).
  Json::Value CentralPullStatus() {
    auto run = Govctl({"--socket", central_socket_, "--json", "status"});
    if (run.exit_code != 0) return Json::Value();
    Json::Value status = policy::testing::JsonOf(run.out);
    return status["pulls"].isArray() && !status["pulls"].empty() ? status["pulls"][0] : Json::Value();
  }

  static testing::GovctlRun Govctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    return testing::RunGovctl(args, std::nullopt, env);
  }

  accounts::GrantState GrantState(std::int64_t id) {
    auto grant = operator_->GetGrant(id);
    return grant ? grant->state : accounts::GrantState::kFailed;
  }

  // The bucket policy's audit records after `after_seq` that repaired govd's statements.
  int DriftRepairsSince(std::int64_t after_seq) {
    auto log = operator_->AuditLog(after_seq, 1000);
    EXPECT_TRUE(log) << log.error().ToString();
    int repairs = 0;
    for (const auto& record : *log) {
      bool drift = record.action == "reconcile.apply" &&
                   !policy::testing::JsonOf(record.before_json)["drift_missing"].empty();
      repairs += drift ? 1 : 0;
    }
    return repairs;
  }
  std::int64_t LastAuditSeq() {
    auto log = operator_->AuditLog(0, 100'000);
    return log && !log->empty() ? log->back().seq : 0;
  }

  std::map<std::string, std::string> env_;
  std::unique_ptr<accounts::testing::TestDb> db_;
  std::unique_ptr<accounts::Store> operator_;
  std::string bucket_;
  testing::TempDir dir_;
  std::string child_socket_ = dir_.File("child.sock");
  std::string central_socket_ = dir_.File("central.sock");
  std::filesystem::path pulled_ = std::filesystem::path(dir_.path()) / "pulled" / "la1";
  accounts::CurlTransport transport_;
  SeededRandom random_{11};
  accounts::RetryStrategy retry_{accounts::RetryOptions{}, random_};
  SystemClock time_;
  std::unique_ptr<accounts::StaticCredentialsProvider> la1_keys_, central_keys_;
  std::unique_ptr<accounts::S3Client> la1_, central_;
  std::optional<testing::GovdProcess> child_, central_daemon_;
};

TEST_F(StoryTest, GrantPullHandEditsRevokeAndVerifiedAudit) {
  // Before any grant the central daemon is refused, and says so per source.
  auto refused_first = TimeUntil([&] { return CentralPullStatus()["state"] == "denied"; }, milliseconds(10'000));
  ASSERT_TRUE(refused_first) << testing::ReadFile(dir_.File("central.log"));

  // 1. The child's operator requests read access for the central user and an admin approves it,
  // with govctl over the child daemon's control socket (the test's uid is bound as admin).
  auto requested = Govctl({"--socket", child_socket_, "--json", "grant", "request", "--bucket", bucket_, "--prefix",
                           "shared/reports/", "--grantee", kCentralUser, "--actions", "read+list", "--reason",
                           "quarterly statistics"});
  ASSERT_EQ(requested.exit_code, 0) << requested.out << requested.err;
  std::int64_t grant_id = policy::testing::JsonOf(requested.out)["id"].asInt64();
  ASSERT_GT(grant_id, 0) << requested.out;
  std::string grant = std::to_string(grant_id);
  auto approved = Govctl({"--socket", child_socket_, "grant", "approve", grant, "--reason", "ticket 4711"});
  ASSERT_EQ(approved.exit_code, 0) << approved.out << approved.err;
  auto approved_at = Clock::now();
  auto carried = TimeUntil([&] { return PolicyCarriesGrant(); }, kStoryDeadline);
  ASSERT_TRUE(carried) << "bucket policy: " << policy::CompactJson(Policy()) << "\n" << testing::ReadFile(dir_.File("child.log"));
  auto pulled = TimeUntil([&] { return CentralPulledEverything(); },
                          kStoryDeadline - std::chrono::duration_cast<milliseconds>(Clock::now() - approved_at));
  ASSERT_TRUE(pulled) << testing::ReadFile(dir_.File("central.log"));
  std::cout << "[ story    ] grant in the bucket policy " << carried->count() << " ms after approval; files pulled "
            << std::chrono::duration_cast<milliseconds>(Clock::now() - approved_at).count() << " ms after approval\n";
  EXPECT_TRUE(TimeUntil([&] { return GrantState(grant_id) == accounts::GrantState::kActive; }, kStoryDeadline));
  EXPECT_FALSE(std::filesystem::exists(pulled_ / kPrivateKey)) << "only the granted prefix is pulled";
  EXPECT_TRUE(std::filesystem::exists(pulled_ / ".govd-pull.json")) << "the pull records ETags and checksums";
  EXPECT_TRUE(TimeUntil([&] { return CentralPullStatus()["state"] == "pulled"; }, kStoryDeadline));

  // 2. A hand edit adds a foreign statement: it survives the next passes, and govd's stays.
  Json::Value foreign = policy::testing::JsonOf(
      R"({"Sid":"AuditorsReadPublic","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},)"
      R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket_ + R"(/public/*"})");
  Json::Value edited = Policy();
  edited["Statement"].append(foreign);
  ASSERT_NO_FATAL_FAILURE(PutPolicy(edited));
  std::int64_t seq_before_edits = LastAuditSeq();
  std::this_thread::sleep_for(milliseconds(2500));  // two periodic passes of the child
  EXPECT_TRUE(HasStatement(foreign)) << policy::CompactJson(Policy());
  EXPECT_TRUE(PolicyCarriesGrant());
  EXPECT_EQ(DriftRepairsSince(seq_before_edits), 0) << "a foreign statement is not drift";

  // 3. A hand edit removes govd's statement: the next pass repairs it and records the drift.
  Json::Value only_foreign = Policy();
  Json::Value kept(Json::arrayValue);
  for (const auto& statement : only_foreign["Statement"]) {
    if (!statement["Sid"].asString().starts_with(policy::kManagedSidPrefix)) kept.append(statement);
  }
  only_foreign["Statement"] = kept;
  ASSERT_NO_FATAL_FAILURE(PutPolicy(only_foreign));
  EXPECT_FALSE(PolicyCarriesGrant());
  auto repaired = TimeUntil([&] { return PolicyCarriesGrant(); }, milliseconds(60'000));
  ASSERT_TRUE(repaired) << testing::ReadFile(dir_.File("child.log"));
  std::cout << "[ story    ] removed statement repaired by the periodic pass after " << repaired->count() << " ms\n";
  EXPECT_TRUE(HasStatement(foreign)) << "the repair kept the foreign statement: " << policy::CompactJson(Policy());
  EXPECT_TRUE(TimeUntil([&] { return DriftRepairsSince(seq_before_edits) == 1; }, milliseconds(60'000)))
      << "the repair is in the audit log as drift";

  // 4. The child revokes: RadosGW itself refuses the central's reads, the central daemon reports
  // the source as revoked or denied, and `govctl pull` says so with its own exit status.
  auto revoke = Govctl({"--socket", child_socket_, "grant", "revoke", grant, "--reason", "project over"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.out << revoke.err;
  auto revoked_at = Clock::now();
  std::string probe = (std::filesystem::path(dir_.path()) / "probe.csv").string();
  auto denied = TimeUntil(
      [&] {
        auto got = central_->GetObject({CentralName(), std::nullopt}, "shared/reports/2026/q3.csv", probe);
        return !got && got.aws_code() == "AccessDenied";
      },
      kStoryDeadline);
  ASSERT_TRUE(denied) << policy::CompactJson(Policy()) << "\n" << testing::ReadFile(dir_.File("child.log"));
  std::cout << "[ story    ] central's reads refused " << denied->count() << " ms after the revoke\n";
  auto reported = TimeUntil([&] { return CentralPullStatus()["state"] == "denied"; },
                            kStoryDeadline - std::chrono::duration_cast<milliseconds>(Clock::now() - revoked_at));
  ASSERT_TRUE(reported) << testing::ReadFile(dir_.File("central.log"));
  std::string message = CentralPullStatus()["message"].asString();
  EXPECT_NE(message.find("revoked or denied"), std::string::npos) << message;
  EXPECT_NE(message.find("source la1"), std::string::npos) << message;
  std::string central_log = testing::ReadFile(dir_.File("central.log"));
  EXPECT_NE(central_log.find("revoked or denied"), std::string::npos) << central_log;
  EXPECT_NE(central_log.find("TENANT=222222222222"), std::string::npos) << central_log;
  EXPECT_NE(central_log.find("BUCKET=" + CentralName()), std::string::npos) << central_log;

  auto pull = Govctl(
      {"pull", "--bucket", CentralName(), "--prefix", "shared/reports/", "--to",
       (std::filesystem::path(dir_.path()) / "by-hand").string(), "--endpoint", env_["RGW_ENDPOINT"], "--grant",
       grant},
      {"AWS_ACCESS_KEY_ID=" + env_["RGW_CENTRAL_ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY=" + env_["RGW_CENTRAL_SECRET_KEY"]});
  EXPECT_EQ(pull.exit_code, 4) << pull.out << pull.err;
  EXPECT_NE(pull.err.find("was revoked or denied (grant " + grant + ")"), std::string::npos)
      << pull.err;
  EXPECT_EQ(pull.err.find(env_["RGW_CENTRAL_SECRET_KEY"]), std::string::npos) << "the secret is never printed";
  EXPECT_TRUE(TimeUntil([&] { return GrantState(grant_id) == accounts::GrantState::kRevoked; }, kStoryDeadline));
  std::string child_log = testing::ReadFile(dir_.File("child.log"));
  for (const char* state : {"active", "revoked"}) {
    EXPECT_NE(child_log.find("grant " + grant + " " + state + " on bucket"), std::string::npos) << child_log;
  }
  EXPECT_NE(child_log.find("GRANT_ID=" + grant), std::string::npos) << child_log;
  EXPECT_TRUE(HasStatement(foreign)) << "the revoke kept the foreign statement";

  // 5. The audit chain of the child's tenant verifies, through govctl and read directly.
  auto audit = Govctl({"--socket", child_socket_, "audit", "verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  auto verified = operator_->VerifyAudit();
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;
  EXPECT_GE(verified->rows_checked, 5);
}

}  // namespace
}  // namespace govd::daemon

// Secrets never leave govd: a child govd runs against the real PostgreSQL and RadosGW fixtures
// through reconcile passes with a grant that works and one on a bucket that does not exist, and
// every place that could leak is then searched for the secret key and the session token: every
// stderr log line (the stderr format carries the same message and fields as the journald one),
// every control API answer (status, errors), every /metrics scrape, every audit row and every
// grant's state reason. Also: the config file with static keys is refused when others can read
// it, and govd turns core dumps off.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/service/process_hardening.h"
#include "tests/accounts/rgw_shared_prefix.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using accounts::GrantState;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kChild = "222222222222";  // the RadosGW fixture's la1 tenant
constexpr const char* kCentralUser = "arn:aws:iam::111111111111:user/central";
// Recognisable, so that a leak would be found wherever it went (also inside longer text).
constexpr const char* kSessionToken = "GOVDFAKESESSIONTOKENdf73a1e9bc0442d8a65f0e1c9b27d4e3NEVERLOGGED";
constexpr const char* kFakeSecret = "GOVDFAKESECRETKEY0a8c6e4f2d1b3957NEVERLOGGED";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Request(const std::string& method, const std::string& target, const std::string& body = "") {
  return method + " " + target +
         " HTTP/1.1\r\nHost: govd\r\nConnection: close\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// How many times `needle` occurs in `haystack`.
int Occurrences(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++count;
  return count;
}

class GovdSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string server = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    env_ = *env;
    clock_.Set(std::chrono::system_clock::now());
    db_ = std::make_unique<accounts::testing::TestDb>(server);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kChild, clock_);
    rgw_ = std::make_unique<accounts::testing::RgwSharedPrefix>(env_);
    ASSERT_EQ(rgw_->CreateAndGrant(), "");  // the bucket, with a foreign policy govd must keep
    accounts::testing::SeedOrganisation(*store_, kChild, rgw_->bucket());
    ASSERT_TRUE(store_->RegisterBucket(missing_bucket_, accounts::testing::Account(kChild)));
    good_grant_ = Grant(rgw_->bucket());
    bad_grant_ = Grant(missing_bucket_);
  }

  std::int64_t Grant(const std::string& bucket) {
    accounts::GrantRequest request = accounts::testing::ReadRequest("reports/", bucket);
    request.grantee = kCentralUser;
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    EXPECT_TRUE(store_->ApproveGrant(grant ? grant->id : 0));
    return grant ? grant->id : 0;
  }

  // A child config against the fixtures; `keys` adds static keys (the file is written 0600).
  std::string Config(bool keys) const {
    std::string text =
        "mode = child\naccount-id = " + std::string(kChild) + "\nregion = us-east-1\n" +
        "log.level = debug\nreconcile.interval = 1s\n" + "database.conninfo = " + db_->conninfo() + "\n" +
        "aws.s3-endpoint = " + env_.at("RGW_ENDPOINT") + "\n" + "control.socket = " + socket_ + "\n" +
        "control.role = uid:" + std::to_string(getuid()) + " admin\n" + "metrics.address = 127.0.0.1:0\n";
    if (keys) {
      text += "aws.access-key-id = " + env_.at("RGW_LA1_ACCESS_KEY") + "\n" +
              "aws.secret-access-key = " + env_.at("RGW_LA1_SECRET_KEY") + "\n";
    }
    return text;
  }

  // Asks for passes until the good grant has left "approved"/"applying" (the same pass tries the
  // missing bucket, whose grant waits), or 60 s have passed.
  void ReconcileUntilSettled() {
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (std::chrono::steady_clock::now() < deadline && !Settled(good_grant_)) {
      answers_ += testing::RawExchange(socket_, Request("POST", "/v1/reconcile"));
      std::this_thread::sleep_for(milliseconds(500));
    }
  }

  bool Settled(std::int64_t id) {
    auto grant = store_->GetGrant(id);
    return grant && grant->state != GrantState::kApproved && grant->state != GrantState::kApplying;
  }

  // Every control API answer a client can provoke, errors included, appended to answers_.
  void AskEverything() {
    const std::string tenant = "/v1/tenants/" + std::string(kChild);
    for (const auto& [method, target] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/status"},
                                                          {"GET", "/v1/org"},
                                                          {"GET", "/v1/audit"},
                                                          {"POST", "/v1/audit/verify"},
                                                          {"GET", tenant + "/grants"},
                                                          {"GET", tenant + "/plan"},
                                                          {"GET", tenant + "/audit"},
                                                          {"GET", "/v1/no-such-endpoint"},
                                                          {"DELETE", "/v1/status"},
                                                          {"GET", "/v1/tenants/not-a-tenant/grants"}}) {
      answers_ += testing::RawExchange(socket_, Request(method, target));
    }
    // A malformed body that carries the secret: the error must not echo it.
    answers_ += testing::RawExchange(
        socket_, Request("POST", tenant + "/simulate", "{\"k\": \"" + secret_ + "\" oops"));
  }

  // The /metrics text govd serves on the port the kernel chose, kept in metrics_.
  void ScrapeMetrics() {
    const std::string address = testing::StatusJson(socket_)["metrics_address"].asString();
    ASSERT_EQ(address.rfind("127.0.0.1:", 0), 0U) << address;
    metrics_ = testing::TcpExchange("127.0.0.1", std::stoi(address.substr(address.find(':') + 1)),
                                    "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(testing::StatusOf(metrics_), 200) << metrics_;
    ASSERT_NE(metrics_.find("govd_reconcile_passes_total"), std::string::npos) << metrics_;
  }

  // Everything the database holds about this run that people read: audit rows and grant reasons.
  std::string StoredText() {
    std::string text;
    auto audit = store_->AuditLog(0, 10000);
    EXPECT_TRUE(audit);
    for (const auto& row : audit.value_or(std::vector<accounts::AuditRecord>{})) {
      text += row.actor + "\n" + row.action + "\n" + row.object + "\n" + row.before_json + "\n" +
              row.after_json + "\n";
    }
    auto grants = store_->ListGrants({});
    EXPECT_TRUE(grants);
    for (const auto& grant : grants.value_or(std::vector<accounts::Grant>{}))
      text += grant.state_reason + "\n";
    return text;
  }

  void StopGovd(testing::GovdProcess& govd) {
    govd.Signal(SIGTERM);
    auto status = govd.WaitExit(seconds(20));
    ASSERT_TRUE(status.has_value()) << "govd did not stop on SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status;
  }

  // A non-dumpable process's /proc entries belong to root. That shows only when the test (and so
  // govd) runs as another user; as root, ProcessHardeningTest covers the call govd makes.
  static void ExpectNotDumpable(pid_t pid) {
    if (getuid() == 0) return;
    struct stat info {};
    ASSERT_EQ(stat(("/proc/" + std::to_string(pid) + "/environ").c_str(), &info), 0);
    EXPECT_EQ(info.st_uid, 0U) << "govd is still dumpable";
  }

  void ExpectNowhere(const std::string& needle, const std::string& log) {
    EXPECT_EQ(Occurrences(log, needle), 0) << "in govd's log:\n" << log;
    EXPECT_EQ(Occurrences(answers_, needle), 0) << "in control API answers:\n" << answers_;
    EXPECT_EQ(Occurrences(metrics_, needle), 0) << "in /metrics:\n" << metrics_;
    const std::string stored = StoredText();
    EXPECT_EQ(Occurrences(stored, needle), 0) << "in the audit log or grant reasons:\n" << stored;
  }

  accounts::testing::FakeClock clock_;
  accounts::testing::RgwEnv env_;
  std::unique_ptr<accounts::testing::TestDb> db_;
  std::unique_ptr<accounts::Store> store_;
  std::unique_ptr<accounts::testing::RgwSharedPrefix> rgw_;
  std::string missing_bucket_ = "no-such-bucket-" + std::to_string(getpid());
  std::int64_t good_grant_ = 0;
  std::int64_t bad_grant_ = 0;
  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::string secret_;
  std::string answers_;
  std::string metrics_;
};

TEST_F(GovdSecretsTest, StaticKeysFromTheConfigFileAppearInNoLogAnswerOrAuditRow) {
  secret_ = env_.at("RGW_LA1_SECRET_KEY");
  ASSERT_GE(secret_.size(), 20U);
  testing::WriteFile(dir_.File("govd.conf"), Config(/*keys=*/true), 0600);
  const std::string log_path = dir_.File("govd.log");
  {
    testing::GovdProcess govd({"--config", dir_.File("govd.conf")}, {}, log_path);
    ASSERT_TRUE(testing::WaitForSocket(socket_, seconds(30))) << ReadText(log_path);
    ExpectNotDumpable(govd.pid());
    ReconcileUntilSettled();
    AskEverything();
    ScrapeMetrics();
    StopGovd(govd);
  }
  // The run did what it should, errors included, so there was something to leak.
  auto good = store_->GetGrant(good_grant_);
  auto bad = store_->GetGrant(bad_grant_);
  ASSERT_TRUE(good && bad);
  EXPECT_EQ(good->state, GrantState::kActive) << good->state_reason;
  EXPECT_NE(bad->state, GrantState::kActive) << "a bucket that does not exist fails its pass; the grant waits";
  const std::string log = ReadText(log_path);
  EXPECT_NE(log.find("NoSuchBucket"), std::string::npos) << "the S3 error is logged:\n" << log;
  EXPECT_NE(log.find(missing_bucket_), std::string::npos) << "the failing bucket is logged:\n" << log;
  EXPECT_NE(answers_.find("HTTP/1.1 400"), std::string::npos) << answers_;
  EXPECT_NE(answers_.find("HTTP/1.1 404"), std::string::npos) << answers_;
  ExpectNowhere(secret_, log);
}

TEST_F(GovdSecretsTest, SessionTokenAndSecretFromTheEnvironmentAppearNowhereEvenWhenRefused) {
  // The credential chain's environment step with a session token RadosGW does not know: every
  // call is refused, so the passes fail and log why.
  secret_ = kFakeSecret;
  testing::WriteFile(dir_.File("govd.conf"), Config(/*keys=*/false), 0600);
  const std::string log_path = dir_.File("govd.log");
  {
    testing::GovdProcess govd(
        {"--config", dir_.File("govd.conf")},
        {"AWS_ACCESS_KEY_ID=" + env_.at("RGW_LA1_ACCESS_KEY"), "AWS_SECRET_ACCESS_KEY=" + secret_,
         std::string("AWS_SESSION_TOKEN=") + kSessionToken, "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
         "AWS_CONFIG_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true"},
        log_path);
    ASSERT_TRUE(testing::WaitForSocket(socket_, seconds(30))) << ReadText(log_path);
    ReconcileUntilSettled();
    AskEverything();
    ScrapeMetrics();
    StopGovd(govd);
  }
  const std::string log = ReadText(log_path);
  auto good = store_->GetGrant(good_grant_);
  ASSERT_TRUE(good);
  EXPECT_NE(good->state, GrantState::kActive) << "RadosGW must refuse the unknown session token";
  const bool refusal_logged = log.find("warning bucket ") != std::string::npos ||
                              log.find("error reconcile pass failed") != std::string::npos;
  EXPECT_TRUE(refusal_logged) << "the refusals are logged:\n" << log;
  ExpectNowhere(kSessionToken, log);
  ExpectNowhere(secret_, log);
}

TEST_F(GovdSecretsTest, ConfigWithStaticKeysReadableByOthersIsRefusedWithoutNamingTheKey) {
  secret_ = env_.at("RGW_LA1_SECRET_KEY");
  for (unsigned mode : {0644U, 0640U, 0604U}) {
    testing::WriteFile(dir_.File("govd.conf"), Config(/*keys=*/true), mode);
    const std::string log_path = dir_.File("check.log");
    testing::GovdProcess govd({"--config", dir_.File("govd.conf"), "--check-config"}, {}, log_path);
    auto status = govd.WaitExit(seconds(20));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << "mode " << std::oct << mode;
    const std::string log = ReadText(log_path);
    EXPECT_NE(log.find("readable by others"), std::string::npos) << log;
    EXPECT_EQ(Occurrences(log, secret_), 0) << log;
  }
  testing::WriteFile(dir_.File("govd.conf"), Config(/*keys=*/true), 0600);
  testing::GovdProcess accepted({"--config", dir_.File("govd.conf"), "--check-config"}, {},
                                dir_.File("ok.log"));
  auto status = accepted.WaitExit(seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << ReadText(dir_.File("ok.log"));
}

TEST(ProcessHardeningTest, DisableCoreDumpsMakesTheProcessNonDumpable) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // in a child, so that the test runner itself stays dumpable
    const bool was_dumpable = prctl(PR_GET_DUMPABLE) == 1;
    const bool disabled = DisableCoreDumps().has_value();
    _exit(was_dumpable && disabled && prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace govd::daemon

// End-to-end: the bucket reconciler against a real PostgreSQL (desired state) and a real Ceph
// RadosGW (actual bucket policies, enforced), both started by CTest fixtures. Tenant
// 222222222222 is the child account (la1) that owns the bucket; 111111111111 is the central one.
#include "daemon/reconcile/bucket_reconciler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/iam_client.h"
#include "accounts/aws/s3_client.h"
#include "daemon/reconcile/tenant_pass.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"
#include "policy/managed/reader_trust.h"
#include "tests/accounts/rgw_env.h"
#include "tests/accounts/store/test_db.h"
#include "tests/base/fake_clock.h"
#include "tests/policy/json_text.h"

namespace govd::daemon {
namespace {

using accounts::GrantActions;
using accounts::GrantState;
using Kind = ReconcileOutcome::Kind;

constexpr const char* kChildAccount = "222222222222";
constexpr const char* kCentralUser = "arn:aws:iam::111111111111:user/central";

// The real S3 access, counting writes and, when told to, refusing them as AWS refuses a document.
class CountingAccess final : public BucketPolicyAccess {
 public:
  explicit CountingAccess(BucketPolicyAccess& real) : real_(real) {}
  Result<std::optional<std::string>> Get(const accounts::S3BucketRef& bucket) override {
    if (served_once) return std::exchange(served_once, std::nullopt);
    if (served_policy) return served_policy;
    return real_.Get(bucket);
  }
  Status Put(const accounts::S3BucketRef& bucket, const std::string& json) override {
    ++writes;
    if (refuse_writes) return InvalidArgument("MalformedPolicy: Invalid principal in policy");
    if (bucket.name == unavailable_bucket) return Unavailable("503 SlowDown");
    return real_.Put(bucket, json);
  }
  Status Delete(const accounts::S3BucketRef& bucket) override {
    ++writes;
    return real_.Delete(bucket);
  }
  int writes = 0;
  bool refuse_writes = false;
  std::string unavailable_bucket;  // writes to it fail as a transient error
  std::optional<std::string> served_policy;  // read instead of the server's policy when set
  std::optional<std::string> served_once;    // read instead of the server's policy by the next Get only

 private:
  BucketPolicyAccess& real_;
};

std::string UniqueBucket() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return "shared-" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1'000'000'000);
}

class BucketReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string server = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    env_ = *env;
    db_ = std::make_unique<accounts::testing::TestDb>(server);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kChildAccount, clock_);
    bucket_ = UniqueBucket();
    accounts::testing::SeedOrganisation(*store_, kChildAccount, bucket_);
    la1_credentials_ = Provider("RGW_LA1_ACCESS_KEY", "RGW_LA1_SECRET_KEY");
    central_credentials_ = Provider("RGW_CENTRAL_ACCESS_KEY", "RGW_CENTRAL_SECRET_KEY");
    la1_ = S3(*la1_credentials_);
    central_ = S3(*central_credentials_);
    ASSERT_TRUE(la1_->CreateBucket(OwnBucket()));
    ASSERT_TRUE(la1_->PutObject(OwnBucket(), "reports/2026/q3.csv", "region,total\nnorth,42\n"));
    ASSERT_TRUE(la1_->PutObject(OwnBucket(), "secret/staff.csv", "name\nalice\n"));
    real_access_ = std::make_unique<S3BucketPolicyAccess>(*la1_);
    access_ = std::make_unique<CountingAccess>(*real_access_);
  }

  std::unique_ptr<accounts::StaticCredentialsProvider> Provider(const std::string& key, const std::string& secret) {
    return std::make_unique<accounts::StaticCredentialsProvider>(
        accounts::AwsCredentials{signer::Credentials(env_[key], env_[secret], ""), std::nullopt});
  }
  std::unique_ptr<accounts::S3Client> S3(accounts::CredentialsProvider& credentials) {
    auto endpoint = accounts::ParseEndpointUrl(env_["RGW_ENDPOINT"], "s3", "us-east-1").value();
    return std::make_unique<accounts::S3Client>(endpoint, accounts::AwsCallerDeps{transport_, retry_, time_, &credentials},
                                                accounts::S3ClientOptions{.path_style = true});
  }
  accounts::S3BucketRef OwnBucket() const { return {bucket_, policy::AccountId::Parse(kChildAccount).value()}; }
  // How the central tenant names la1's bucket on RadosGW (AWS has one global namespace instead).
  accounts::S3BucketRef CentralView() const { return {std::string(kChildAccount) + ":" + bucket_, std::nullopt}; }

  Result<ReconcileOutcome> Reconcile(bool dry_run = false) {
    BucketReconciler reconciler(*store_, *access_, {.dry_run = dry_run});
    return reconciler.Reconcile(bucket_, policy::AccountId::Parse(kChildAccount).value());
  }
  std::int64_t GrantReports() { return GrantReportsOf(bucket_); }
  std::int64_t GrantReportsOf(const std::string& bucket) {
    accounts::GrantRequest request = accounts::testing::ReadRequest("reports/", bucket);
    request.grantee = kCentralUser;
    request.actions = GrantActions::kReadList;
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    EXPECT_TRUE(store_->ApproveGrant(grant->id));
    return grant->id;
  }
  bool CentralCanRead(const std::string& key) {
    return central_->HeadObject(CentralView(), key).has_value();
  }
  // A pass over the tenant's buckets: a failed bucket backs off for at most 1 s, resync after 300 s.
  TenantPass Pass() {
    TenantPassOptions options{.worker = "test-worker",
                              .batch = 16,
                              .lease = std::chrono::seconds(60),
                              .resync = std::chrono::seconds(300),
                              .owner = policy::AccountId::Parse(kChildAccount).value(),
                              .stop_requested = {}};
    return {*store_, *access_, limiter_, clock_, options};
  }
  Json::Value ActualPolicy() {
    auto text = la1_->GetBucketPolicy(OwnBucket());
    return text ? policy::testing::JsonOf(*text) : Json::Value();
  }

  accounts::testing::FakeClock clock_;
  testing::FakeClock steady_;
  testing::FixedRandom half_{0.5};
  RetryRateLimiter limiter_{
      {std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 100.0, 100}, steady_, half_};
  std::map<std::string, std::string> env_;
  std::unique_ptr<accounts::testing::TestDb> db_;
  std::unique_ptr<accounts::Store> store_;
  std::string bucket_;
  accounts::CurlTransport transport_;
  SeededRandom random_{7};
  accounts::RetryStrategy retry_{accounts::RetryOptions{}, random_};
  SystemClock time_;
  std::unique_ptr<accounts::StaticCredentialsProvider> la1_credentials_, central_credentials_;
  std::unique_ptr<accounts::S3Client> la1_, central_;
  std::unique_ptr<S3BucketPolicyAccess> real_access_;
  std::unique_ptr<CountingAccess> access_;
};

TEST_F(BucketReconcilerTest, GrantThenInSyncThenRevokeAgainstTheRealServer) {
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
  std::int64_t id = GrantReports();
  auto applied = Reconcile();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(applied->kind, Kind::kApplied);
  EXPECT_EQ(applied->activated, std::vector<std::int64_t>{id});
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kActive);
  EXPECT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  EXPECT_FALSE(CentralCanRead("secret/staff.csv"));

  int writes = access_->writes;
  auto again = Reconcile();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->kind, Kind::kInSync);
  EXPECT_EQ(access_->writes, writes) << "a pass with nothing to change wrote";

  ASSERT_TRUE(store_->RevokeGrant(id, "project over"));
  auto revoked = Reconcile();
  ASSERT_TRUE(revoked) << revoked.error().ToString();
  EXPECT_EQ(revoked->revoked, std::vector<std::int64_t>{id});
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kRevoked);
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
  EXPECT_TRUE(ActualPolicy().isNull()) << "a policy of only govd's statements is deleted on the last revoke";
  auto verified = store_->VerifyAudit();
  ASSERT_TRUE(verified);
  EXPECT_FALSE(verified->first_broken_seq.has_value()) << verified->problem;
}

TEST_F(BucketReconcilerTest, ForeignStatementSurvivesAndRemovedManagedStatementIsRepairedAsDrift) {
  GrantReports();
  ASSERT_TRUE(Reconcile());
  // Someone adds their own statement by hand: not govd's, so not drift, and nothing is written.
  Json::Value policy = ActualPolicy();
  Json::Value foreign = policy::testing::JsonOf(R"({"Sid":"AuditorsRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},)"
                                  R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket_ + R"(/public/*"})");
  policy["Statement"].append(foreign);
  ASSERT_TRUE(la1_->PutBucketPolicy(OwnBucket(), policy::CompactJson(policy)));
  int writes = access_->writes;
  auto with_foreign = Reconcile();
  ASSERT_TRUE(with_foreign);
  EXPECT_EQ(with_foreign->kind, Kind::kInSync);
  EXPECT_EQ(access_->writes, writes);

  // Someone removes govd's read statement by hand: drift, repaired, the foreign one kept.
  Json::Value edited = ActualPolicy();
  Json::Value kept(Json::arrayValue);
  for (const auto& statement : edited["Statement"]) {
    if (statement["Action"] != "s3:GetObject" || statement["Sid"] == "AuditorsRead") kept.append(statement);
  }
  edited["Statement"] = kept;
  ASSERT_TRUE(la1_->PutBucketPolicy(OwnBucket(), policy::CompactJson(edited)));
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
  auto repaired = Reconcile();
  ASSERT_TRUE(repaired) << repaired.error().ToString();
  EXPECT_EQ(repaired->kind, Kind::kApplied);
  EXPECT_EQ(repaired->missing.size(), 1U);
  EXPECT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  bool foreign_kept = false;
  Json::Value after_repair = ActualPolicy();
  for (const auto& statement : after_repair["Statement"]) {
    foreign_kept = foreign_kept || policy::CanonicalStatementText(statement) == policy::CanonicalStatementText(foreign);
  }
  EXPECT_TRUE(foreign_kept) << policy::CompactJson(after_repair);
  auto log = store_->AuditLog(0, 1000);
  ASSERT_TRUE(log);
  int applies = 0;
  for (const auto& record : *log) applies += record.action == "reconcile.apply" ? 1 : 0;
  EXPECT_EQ(applies, 2) << "the first apply and the drift repair are both recorded";
}

TEST_F(BucketReconcilerTest, DryRunPlansWithoutWritingOrMovingGrants) {
  std::int64_t id = GrantReports();
  auto planned = Reconcile(/*dry_run=*/true);
  ASSERT_TRUE(planned) << planned.error().ToString();
  EXPECT_EQ(planned->kind, Kind::kPlanned);
  EXPECT_NE(planned->document.find("GovdManagedRead"), std::string::npos);
  EXPECT_EQ(access_->writes, 0);
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kApproved);
  EXPECT_TRUE(ActualPolicy().isNull());
}

TEST_F(BucketReconcilerTest, RefusedDocumentFailsTheNewGrantWithItsReason) {
  std::int64_t id = GrantReports();
  access_->refuse_writes = true;
  auto outcome = Reconcile();
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_EQ(outcome->kind, Kind::kFailed);
  EXPECT_EQ(outcome->failed, std::vector<std::int64_t>{id});
  auto grant = store_->GetGrant(id);
  EXPECT_EQ(grant->state, GrantState::kFailed);
  EXPECT_NE(grant->state_reason.find("MalformedPolicy"), std::string::npos);
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
}

TEST_F(BucketReconcilerTest, OneFailingBucketDoesNotHoldUpTheOthersAndIsRetriedAfterBackoff) {
  std::string broken = bucket_ + "-b";
  ASSERT_TRUE(store_->RegisterBucket(broken, policy::AccountId::Parse(kChildAccount).value()));
  ASSERT_TRUE(la1_->CreateBucket({broken, policy::AccountId::Parse(kChildAccount).value()}));
  std::int64_t healthy_grant = GrantReports();
  std::int64_t broken_grant = GrantReportsOf(broken);
  access_->unavailable_bucket = broken;

  TenantPass pass = Pass();
  auto first = pass.Run();
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->applied, 1);
  EXPECT_EQ(first->failed, 1);
  EXPECT_EQ(store_->GetGrant(healthy_grant)->state, GrantState::kActive);
  EXPECT_EQ(store_->GetGrant(broken_grant)->state, GrantState::kApplying);  // still in flight, not lost
  EXPECT_TRUE(CentralCanRead("reports/2026/q3.csv"));

  auto too_soon = pass.Run();  // the broken bucket waits out its backoff; the healthy one is in sync
  ASSERT_TRUE(too_soon);
  EXPECT_TRUE(too_soon->buckets.empty());

  access_->unavailable_bucket.clear();
  clock_.Advance(std::chrono::seconds(2));  // past the first backoff (at most 1 s)
  auto retried = pass.Run();
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(retried->applied, 1);
  EXPECT_EQ(store_->GetGrant(broken_grant)->state, GrantState::kActive);

  clock_.Advance(std::chrono::seconds(301));  // the resync interval: both checked again, nothing written
  int writes = access_->writes;
  auto resync = pass.Run();
  ASSERT_TRUE(resync);
  EXPECT_EQ(resync->in_sync, 2);
  EXPECT_EQ(access_->writes, writes);
}

TEST_F(BucketReconcilerTest, APassFreesTheLeaseItsOwnFailedPassLeftAndAppliesAtOnce) {
  std::int64_t grant = GrantReports();
  // An earlier pass of this worker claimed the bucket, then lost its database connection before
  // it could release it: the lease (60 s) is still held.
  auto stale = store_->ClaimDueBuckets("test-worker", 16, std::chrono::seconds(60));
  ASSERT_TRUE(stale) << stale.error().ToString();
  ASSERT_EQ(stale->size(), 1U);
  auto replica = store_->ClaimDueBuckets("replica", 16, std::chrono::seconds(60));
  ASSERT_TRUE(replica);
  EXPECT_TRUE(replica->empty()) << "another worker must still respect the lease";

  TenantPass pass = Pass();
  auto report = pass.Run();  // no time has passed: the lease has not expired
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->leases_recovered, 1);
  EXPECT_EQ(report->applied, 1);
  EXPECT_EQ(store_->GetGrant(grant)->state, GrantState::kActive);
  EXPECT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  auto next = pass.Run();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leases_recovered, 0) << "a pass that ended normally leaves no lease behind";
}

TEST_F(BucketReconcilerTest, AGrantTheGuardrailsRefuseFailsWithTheReasonAndGetsNoStatement) {
  // The central account may not read anyone's reports/ (an SCP-like guardrail on the account).
  ASSERT_TRUE(store_->AttachGuardrail(
      {accounts::GuardrailTarget::kAccount, "111111111111", "NoReports",
       R"({"Version":"2012-10-17","Statement":[{"Sid":"NoReports","Effect":"Deny","Action":"s3:GetObject",)"
       R"("Resource":"arn:aws:s3:::*/reports/*"}]})"}));
  std::int64_t refused = GrantReports();
  accounts::GrantRequest maps = accounts::testing::ReadRequest("maps/", bucket_);
  maps.grantee = kCentralUser;
  auto allowed = store_->RequestGrant(maps);
  ASSERT_TRUE(allowed) << allowed.error().ToString();
  ASSERT_TRUE(store_->ApproveGrant(allowed->id));

  TenantPass pass = Pass();
  auto report = pass.Run();
  ASSERT_TRUE(report) << report.error().ToString();
  auto failed = store_->GetGrant(refused);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, GrantState::kFailed);
  EXPECT_NE(failed->state_reason.find("guardrails refuse s3:GetObject"), std::string::npos) << failed->state_reason;
  EXPECT_NE(failed->state_reason.find("NoReports"), std::string::npos) << failed->state_reason;
  EXPECT_EQ(store_->GetGrant(allowed->id)->state, GrantState::kActive) << "the bucket's other grant goes on";
  std::string written = policy::CompactJson(ActualPolicy());
  EXPECT_NE(written.find("/maps/*"), std::string::npos) << written;
  EXPECT_EQ(written.find("/reports/*"), std::string::npos) << "no statement for the refused grant: " << written;
}

// The reader role (reader_trust_reconciler.h) on RadosGW's IAM: la1's role, with a foreign
// statement of its own, is granted read on reports/; its trust lets the central user in only
// while the grant is live, and the grant is active or revoked only once the trust agrees.
class ReaderTrustReconcileTest : public BucketReconcilerTest {
 protected:
  void SetUp() override {
    BucketReconcilerTest::SetUp();
    if (IsSkipped()) return;
    iam_ = std::make_unique<accounts::IamClient>(
        accounts::ParseEndpointUrl(env_["RGW_ENDPOINT"], "iam", "us-east-1").value(),
        accounts::AwsCallerDeps{transport_, retry_, time_, la1_credentials_.get()});
    role_name_ = "reader-" + bucket_;
  }
  Result<accounts::IamRole> CreateRole() {
    accounts::CreateRoleRequest create;
    create.name = role_name_;
    create.assume_role_policy = R"({"Version":"2012-10-17","Statement":[{"Sid":"BreakGlass","Effect":"Allow",)"
                                R"("Principal":{"AWS":["arn:aws:iam::222222222222:user/admin"]},)"
                                R"("Action":["sts:AssumeRole"]}]})";
    return iam_->CreateRole(create);
  }
  Json::Value Trust() {
    auto role = iam_->GetRole(role_name_);
    return role ? policy::testing::JsonOf(role->assume_role_policy) : Json::Value();
  }
  std::int64_t GrantToRole(const std::string& role_arn) {
    accounts::GrantRequest request = accounts::testing::ReadRequest("reports/", bucket_);
    request.grantee = role_arn;
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    EXPECT_TRUE(store_->ApproveGrant(grant->id));
    return grant->id;
  }
  TenantPassReport RunPass(ReaderTrustReconciler& trust) {
    TenantPassOptions options{.worker = "test-worker",
                              .batch = 16,
                              .lease = std::chrono::seconds(60),
                              .resync = std::chrono::seconds(300),
                              .owner = policy::AccountId::Parse(kChildAccount).value(),
                              .stop_requested = {},
                              .reader_trust = &trust};
    TenantPass with_trust(*store_, *access_, limiter_, clock_, options);
    auto report = with_trust.Run();
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : TenantPassReport{};
  }
  ReaderRole Role() const { return {role_name_, kCentralUser, ""}; }

  std::unique_ptr<accounts::IamClient> iam_;
  std::string role_name_;
};

TEST_F(ReaderTrustReconcileTest, TheTrustFollowsTheGrantAndTheGrantWaitsForTheTrust) {
  auto role = CreateRole();
  ASSERT_TRUE(role) << role.error().ToString();
  ReaderTrustReconciler trust(*store_, *iam_, Role(), policy::AccountId::Parse(kChildAccount).value());
  std::int64_t id = GrantToRole(role->arn);

  TenantPassReport granted = RunPass(trust);
  ASSERT_TRUE(granted.reader_trust.has_value());
  EXPECT_TRUE(granted.reader_trust->in_sync) << granted.reader_trust->problem;
  EXPECT_TRUE(granted.reader_trust->applied);
  EXPECT_EQ(granted.reader_trust->role_arn, role->arn);
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kActive);
  Json::Value live = Trust();
  EXPECT_TRUE(policy::HasReaderTrustAllow(live, kCentralUser, "")) << policy::CompactJson(live);
  EXPECT_NE(policy::CompactJson(live).find("BreakGlass"), std::string::npos) << "the foreign statement stays";

  TenantPassReport steady = RunPass(trust);
  ASSERT_TRUE(steady.reader_trust.has_value());
  EXPECT_FALSE(steady.reader_trust->applied) << "in sync: nothing written";

  ASSERT_TRUE(store_->RevokeGrant(id, "project over"));
  TenantPassReport revoked = RunPass(trust);
  ASSERT_TRUE(revoked.reader_trust.has_value());
  EXPECT_TRUE(revoked.reader_trust->applied);
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kRevoked);
  live = Trust();
  EXPECT_FALSE(policy::HasReaderTrustAllow(live, kCentralUser, "")) << policy::CompactJson(live);
  EXPECT_NE(policy::CompactJson(live).find("BreakGlass"), std::string::npos) << "the foreign statement stays";

  auto audit = store_->AuditLog(0, 10'000);
  ASSERT_TRUE(audit);
  int trust_changes = 0;
  for (const auto& record : *audit) {
    if (record.action == "reconcile.trust" && record.object == "role/" + role_name_) ++trust_changes;
  }
  EXPECT_EQ(trust_changes, 2) << "the grant's entry, then its removal";
}

TEST_F(ReaderTrustReconcileTest, AGrantToTheRoleStaysApplyingWhileTheTrustCannotBeWritten) {
  ReaderTrustReconciler trust(*store_, *iam_, Role(), policy::AccountId::Parse(kChildAccount).value());
  // The role does not exist yet: IAM answers NoSuchEntity.
  std::int64_t id = GrantToRole("arn:aws:iam::" + std::string(kChildAccount) + ":role/" + role_name_);
  TenantPassReport first = RunPass(trust);
  ASSERT_TRUE(first.reader_trust.has_value());
  EXPECT_FALSE(first.reader_trust->in_sync);
  EXPECT_NE(first.reader_trust->problem.find(role_name_), std::string::npos) << first.reader_trust->problem;
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kApplying) << "not active without the trust";
  ASSERT_EQ(first.buckets.size(), 1U);
  ASSERT_FALSE(first.buckets[0].outcome);
  EXPECT_NE(first.buckets[0].outcome.error().message().find("wait for the trust policy"), std::string::npos)
      << first.buckets[0].outcome.error().ToString();
  EXPECT_TRUE(ActualPolicy().isObject()) << "the bucket policy is written all the same";

  auto role = CreateRole();
  ASSERT_TRUE(role) << role.error().ToString();
  clock_.Advance(std::chrono::seconds(2));  // past the bucket's backoff
  TenantPassReport second = RunPass(trust);
  ASSERT_TRUE(second.reader_trust.has_value());
  EXPECT_TRUE(second.reader_trust->in_sync) << second.reader_trust->problem;
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kActive);
  EXPECT_TRUE(policy::HasReaderTrustAllow(Trust(), kCentralUser, ""));
}

TEST_F(ReaderTrustReconcileTest, WithNoGrantAndNoForeignStatementNobodyMayAssumeTheRole) {
  accounts::CreateRoleRequest create;
  create.name = role_name_;
  create.assume_role_policy = R"({"Version":"2012-10-17","Statement":[{"Sid":"GovdManagedReaderTrust",)"
                              R"("Effect":"Allow","Principal":{"AWS":")" + std::string(kCentralUser) +
                              R"("},"Action":"sts:AssumeRole"}]})";
  ASSERT_TRUE(iam_->CreateRole(create));
  ReaderTrustReconciler trust(*store_, *iam_, Role(), policy::AccountId::Parse(kChildAccount).value());
  TenantPassReport report = RunPass(trust);  // a leftover entry that no grant explains
  ASSERT_TRUE(report.reader_trust.has_value());
  EXPECT_TRUE(report.reader_trust->in_sync) << report.reader_trust->problem;
  EXPECT_TRUE(report.reader_trust->applied);
  Json::Value live = Trust();
  EXPECT_FALSE(policy::HasReaderTrustAllow(live, kCentralUser, "")) << policy::CompactJson(live);
  ASSERT_EQ(live["Statement"].size(), 1U) << policy::CompactJson(live);
  EXPECT_EQ(live["Statement"][0]["Effect"].asString(), "Deny");
}

// govctl plan's engine: a dry run over every bucket of the tenant, due or not.
TEST_F(BucketReconcilerTest, PlanTenantShowsWhatAPassWouldWriteAndWritesNothing) {
  std::int64_t id = GrantReports();
  std::size_t audit_rows = store_->AuditLog(0, 10'000)->size();
  auto plans = PlanTenant(*store_, *access_);
  ASSERT_TRUE(plans) << plans.error().ToString();
  ASSERT_EQ(plans->size(), 1U);
  EXPECT_EQ((*plans)[0].bucket, bucket_);
  ASSERT_TRUE((*plans)[0].outcome) << (*plans)[0].outcome.error().ToString();
  EXPECT_EQ((*plans)[0].outcome->kind, Kind::kPlanned);
  EXPECT_NE((*plans)[0].outcome->document.find(kCentralUser), std::string::npos);
  EXPECT_EQ(access_->writes, 0);
  EXPECT_TRUE(ActualPolicy().isNull());
  EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kApproved);
  EXPECT_EQ(store_->AuditLog(0, 10'000)->size(), audit_rows);

  ASSERT_TRUE(Reconcile());
  plans = PlanTenant(*store_, *access_);
  ASSERT_TRUE(plans && (*plans)[0].outcome);
  EXPECT_EQ((*plans)[0].outcome->kind, Kind::kInSync) << "after the pass there is nothing left to do";
}

// A foreign statement of about 200 bytes; `n` keeps Sids and resources distinct.
std::string ForeignStatement(const std::string& bucket, int n) {
  return R"({"Sid":"Foreign)" + std::to_string(n) +
         R"(","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject",)"
         R"("Resource":"arn:aws:s3:::)" + bucket + "/archive/" + std::to_string(n) + R"(/*"})";
}

// AWS rewrites the principal of a deleted role into its unique id (AROA...) and then refuses every
// document that still names it. RadosGW does not, so the rewritten policy is served at the access
// layer: the deleted grantee's grant fails alone with that reason, its statement leaves the policy,
// and the bucket's other grant stays in force.
TEST_F(BucketReconcilerTest, DeletedGranteeFailsItsGrantAloneAndTheOthersStay) {
  std::int64_t kept = GrantReports();
  accounts::GrantRequest request = accounts::testing::ReadRequest("maps/", bucket_);
  request.grantee = "arn:aws:iam::111111111111:root";
  auto deleted = store_->RequestGrant(request);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  ASSERT_TRUE(store_->ApproveGrant(deleted->id));
  ASSERT_TRUE(Reconcile());
  std::string applied = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  ASSERT_NE(applied.find("arn:aws:iam::111111111111:root"), std::string::npos) << applied;
  std::string rewritten = applied;
  for (auto at = rewritten.find("arn:aws:iam::111111111111:root"); at != std::string::npos;
       at = rewritten.find("arn:aws:iam::111111111111:root")) {
    rewritten.replace(at, std::string("arn:aws:iam::111111111111:root").size(), "AROA3XFRBF535PLBIFPI4");
  }
  access_->served_once = rewritten;  // what AWS would answer; the write and its check go to the server
  access_->writes = 0;

  auto outcome = Reconcile();
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_EQ(outcome->kind, Kind::kApplied) << outcome->reason;
  EXPECT_EQ(outcome->failed, std::vector<std::int64_t>{deleted->id});
  EXPECT_EQ(access_->writes, 1);
  auto failed = store_->GetGrant(deleted->id);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, GrantState::kFailed);
  EXPECT_NE(failed->state_reason.find("grantee deleted"), std::string::npos) << failed->state_reason;
  auto active = store_->GetGrant(kept);
  ASSERT_TRUE(active);
  EXPECT_EQ(active->state, GrantState::kActive);
  std::string now = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  EXPECT_EQ(now.find("AROA"), std::string::npos) << now;
  EXPECT_EQ(now.find("arn:aws:iam::111111111111:root"), std::string::npos) << now;
  EXPECT_NE(now.find(kCentralUser), std::string::npos) << now;
  EXPECT_TRUE(CentralCanRead("reports/2026/q3.csv"));
}

// Issue 16: a grant whose grantee has a wildcard (accepted before the door refused it; here written
// into the database by hand, past the door) cannot be rendered into a bucket policy. It fails
// alone, with its reason, in the pass that finds it; a revoke on the same bucket completes in that
// same pass (S3 denies the grantee within 2 s of the pass starting), and a valid grant approved
// beside it becomes active.
TEST_F(BucketReconcilerTest, UnrenderableGrantFailsAloneAndTheRevokeBesideItCompletesInTheSamePass) {
  std::int64_t revoked = GrantReports();
  ASSERT_TRUE(Reconcile());
  ASSERT_EQ(store_->GetGrant(revoked)->state, GrantState::kActive);
  ASSERT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  ASSERT_TRUE(la1_->PutObject(OwnBucket(), "maps/leeds.geojson", "{}"));

  accounts::GrantRequest request = accounts::testing::ReadRequest("secret/", bucket_);
  auto bad = store_->RequestGrant(request);
  ASSERT_TRUE(bad) << bad.error().ToString();
  ASSERT_TRUE(store_->ApproveGrant(bad->id));
  db_->Exec("UPDATE govd.grants SET grantee = 'arn:aws:iam::111111111111:role/*' WHERE grant_id = " +
            std::to_string(bad->id));
  request = accounts::testing::ReadRequest("maps/", bucket_);
  request.grantee = kCentralUser;
  auto pending = store_->RequestGrant(request);
  ASSERT_TRUE(pending) << pending.error().ToString();
  ASSERT_TRUE(store_->ApproveGrant(pending->id));
  ASSERT_TRUE(store_->RevokeGrant(revoked, "project over"));

  const auto started = std::chrono::steady_clock::now();
  TenantPass pass = Pass();
  auto report = pass.Run();
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->buckets.size(), 1U);
  const Result<ReconcileOutcome>& outcome = report->buckets[0].outcome;
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_EQ(outcome->kind, Kind::kApplied) << outcome->reason;
  EXPECT_EQ(outcome->revoked, std::vector<std::int64_t>{revoked});
  EXPECT_EQ(outcome->failed, std::vector<std::int64_t>{bad->id});
  EXPECT_EQ(outcome->activated, std::vector<std::int64_t>{pending->id});
  EXPECT_EQ(store_->GetGrant(revoked)->state, GrantState::kRevoked)
      << "the revoke completes in the first pass";
  EXPECT_EQ(store_->GetGrant(pending->id)->state, GrantState::kActive);
  auto failed = store_->GetGrant(bad->id);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, GrantState::kFailed);
  EXPECT_NE(failed->state_reason.find("arn:aws:iam::111111111111:role/*"), std::string::npos)
      << failed->state_reason;
  EXPECT_NE(failed->state_reason.find("wildcard"), std::string::npos) << failed->state_reason;

  // Generous limit to wait on the server, strict limit on when it denied.
  bool denied = false;
  auto denied_after = std::chrono::steady_clock::duration::max();
  while (std::chrono::steady_clock::now() - started < std::chrono::seconds(60)) {
    if (!CentralCanRead("reports/2026/q3.csv")) {
      denied = true;
      denied_after = std::chrono::steady_clock::now() - started;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(denied) << "the revoked grantee could still read after 60 s";
  std::cout << "[ figures  ] revoke beside an unrenderable grant: S3 denied "
            << std::chrono::duration_cast<std::chrono::milliseconds>(denied_after).count()
            << " ms after the pass started\n";
  EXPECT_LT(denied_after, std::chrono::seconds(2))
      << "denied after " << std::chrono::duration_cast<std::chrono::milliseconds>(denied_after).count()
      << " ms";
  EXPECT_TRUE(CentralCanRead("maps/leeds.geojson")) << "the valid grant beside the bad one is in force";
  EXPECT_FALSE(CentralCanRead("secret/staff.csv"));
  const std::string now = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  EXPECT_EQ(now.find("role/*"), std::string::npos) << now;

  clock_.Advance(std::chrono::seconds(301));  // the resync: in sync, nothing written, nothing stuck
  int writes = access_->writes;
  auto resync = pass.Run();
  ASSERT_TRUE(resync) << resync.error().ToString();
  EXPECT_EQ(resync->in_sync, 1);
  EXPECT_EQ(resync->failed, 0);
  EXPECT_EQ(access_->writes, writes);
}

// Issue 16, as found in the field: an older govd rendered a wildcard grantee's statement and
// RadosGW stored it (AWS would refuse it). The policy then no longer parses, and every pass of the
// bucket failed with "a principal may not contain wildcards", holding the revoke beside it. The
// statement is govd's own and never desired: the pass removes it with the revoked one, and fails
// the bad grant alone.
TEST_F(BucketReconcilerTest, AWildcardStatementAnOlderGovdWroteGoesWithTheRevokeBesideIt) {
  std::int64_t revoked = GrantReports();
  ASSERT_TRUE(Reconcile());
  ASSERT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  constexpr const char* kAnyRole = "arn:aws:iam::111111111111:role/*";
  accounts::GrantRequest request = accounts::testing::ReadRequest("secret/", bucket_);
  auto bad = store_->RequestGrant(request);
  ASSERT_TRUE(bad) << bad.error().ToString();
  ASSERT_TRUE(store_->ApproveGrant(bad->id));
  db_->Exec("UPDATE govd.grants SET grantee = '" + std::string(kAnyRole) +
            "', state = 'active', deadline = NULL " + "WHERE grant_id = " + std::to_string(bad->id));
  Json::Value legacy = ActualPolicy();
  Json::Value statement(Json::objectValue);
  statement["Sid"] = policy::ManagedSid("Read", kAnyRole);
  statement["Effect"] = "Allow";
  statement["Principal"]["AWS"] = kAnyRole;
  statement["Action"] = "s3:GetObject";
  statement["Resource"] = "arn:aws:s3:::" + bucket_ + "/secret/*";
  legacy["Statement"].append(statement);
  if (!la1_->PutBucketPolicy(OwnBucket(), policy::CompactJson(legacy))) {
    GTEST_SKIP() << "this RadosGW refuses a wildcard principal, as AWS does: the case cannot arise on it";
  }
  ASSERT_TRUE(store_->RevokeGrant(revoked, "project over"));

  TenantPass pass = Pass();
  auto report = pass.Run();
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->buckets.size(), 1U);
  const Result<ReconcileOutcome>& outcome = report->buckets[0].outcome;
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_EQ(outcome->kind, Kind::kApplied) << outcome->reason;
  EXPECT_EQ(outcome->revoked, std::vector<std::int64_t>{revoked});
  EXPECT_EQ(outcome->failed, std::vector<std::int64_t>{bad->id});
  EXPECT_EQ(store_->GetGrant(revoked)->state, GrantState::kRevoked)
      << "the revoke completes in the first pass";
  auto failed = store_->GetGrant(bad->id);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, GrantState::kFailed);
  EXPECT_NE(failed->state_reason.find("wildcard"), std::string::npos) << failed->state_reason;
  EXPECT_TRUE(ActualPolicy().isNull()) << policy::CompactJson(ActualPolicy());
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
  EXPECT_FALSE(CentralCanRead("secret/staff.csv"));
}

TEST_F(BucketReconcilerTest, MalformedPolicyInS3FailsTheBucketClearlyAndWritesNothing) {
  std::int64_t id = GrantReports();
  // RadosGW refuses documents with duplicate keys, so S3 answering one is played at the access
  // layer; govd refuses duplicate keys (which one AWS would enforce is not something to guess).
  access_->served_policy = R"({"Version":"2012-10-17","Statement":[)" + ForeignStatement(bucket_, 1) +
                           R"(],"Statement":[]})";
  const std::string stored = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  auto outcome = Reconcile();
  ASSERT_TRUE(outcome) << outcome.error().ToString();
  EXPECT_EQ(outcome->kind, Kind::kFailed);
  EXPECT_EQ(access_->writes, 0) << "nothing may be written over a policy govd cannot read";
  EXPECT_NE(outcome->reason.find("the policy of bucket " + bucket_ + " is not valid JSON"), std::string::npos)
      << outcome->reason;
  auto grant = store_->GetGrant(id);
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->state, GrantState::kApproved) << "the grant waits, not lost, until the policy is readable";
  EXPECT_EQ(la1_->GetBucketPolicy(OwnBucket()).value_or(""), stored) << "the server's policy is left as it was";
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
}

TEST_F(BucketReconcilerTest, PolicyThatWouldPassTwentyKilobytesIsRefusedAndTheForeignOneKept) {
  std::string statements;
  // Foreign statements up to 150 bytes short of the limit: govd's own statement does not fit.
  for (int n = 0; 60 + statements.size() + ForeignStatement(bucket_, n).size() < policy::kMaxBucketPolicyBytes - 150;
       ++n) {
    statements += (n == 0 ? "" : ",") + ForeignStatement(bucket_, n);
  }
  const std::string by_hand = R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
  ASSERT_LT(by_hand.size(), policy::kMaxBucketPolicyBytes) << "the foreign policy alone is under the limit";
  ASSERT_TRUE(la1_->PutBucketPolicy(OwnBucket(), by_hand));
  const std::string stored = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  std::int64_t id = GrantReports();
  auto outcome = Reconcile();
  ASSERT_FALSE(outcome) << "govd's statements do not fit";
  EXPECT_EQ(outcome.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(outcome.error().message().find("over the AWS limit of 20480 bytes"), std::string::npos)
      << outcome.error().ToString();
  EXPECT_EQ(access_->writes, 0);
  auto grant = store_->GetGrant(id);
  ASSERT_TRUE(grant);
  EXPECT_NE(grant->state, GrantState::kActive);
  EXPECT_EQ(la1_->GetBucketPolicy(OwnBucket()).value_or(""), stored) << "the foreign statements are untouched";
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
}

// Revocations first: new grants that do not fit in the policy beside the foreign statements
// (the desired document cannot be built) do not hold up a revoke on the same bucket. The pass
// removes the revoked statements (nothing new is added, so the write is narrower), the revoke
// completes, and the new grants wait with the size error, as before.
TEST_F(BucketReconcilerTest, ARevokeGoesFirstWhenTheNewGrantsBesideItDoNotFit) {
  std::int64_t revoked = GrantReports();
  ASSERT_TRUE(Reconcile());
  ASSERT_TRUE(CentralCanRead("reports/2026/q3.csv"));
  Json::Value policy = ActualPolicy();
  // Foreign statements up to 150 bytes short of the limit, beside govd's statements of the grant.
  for (int n = 0;; ++n) {
    Json::Value more = policy;
    more["Statement"].append(policy::testing::JsonOf(ForeignStatement(bucket_, n)));
    if (policy::CompactJson(more).size() > policy::kMaxBucketPolicyBytes - 150) break;
    policy = more;
  }
  ASSERT_TRUE(la1_->PutBucketPolicy(OwnBucket(), policy::CompactJson(policy)));
  Json::Value foreign_only = policy;
  foreign_only["Statement"] = Json::Value(Json::arrayValue);
  for (const auto& statement : policy["Statement"]) {
    if (!policy::IsManagedStatement(statement)) foreign_only["Statement"].append(statement);
  }
  // Three new grants, each with statements larger than what the revoke frees.
  std::vector<std::int64_t> waiting;
  for (const char* grantee : {"arn:aws:iam::111111111111:role/statistics-reader-north",
                              "arn:aws:iam::111111111111:role/statistics-reader-south",
                              "arn:aws:iam::111111111111:role/statistics-reader-west"}) {
    accounts::GrantRequest request =
        accounts::testing::ReadRequest("maps/regional/boundaries/2026/quarterly/", bucket_);
    request.grantee = grantee;
    request.actions = GrantActions::kReadList;
    auto grant = store_->RequestGrant(request);
    ASSERT_TRUE(grant) << grant.error().ToString();
    ASSERT_TRUE(store_->ApproveGrant(grant->id));
    waiting.push_back(grant->id);
  }
  ASSERT_TRUE(store_->RevokeGrant(revoked, "project over"));

  access_->writes = 0;
  auto outcome = Reconcile();
  ASSERT_FALSE(outcome) << "the new grants still do not fit";
  EXPECT_EQ(outcome.error().code(), ErrorCode::kResourceExhausted) << outcome.error().ToString();
  EXPECT_EQ(access_->writes, 1) << "one narrowing write: the revoked statements go";
  EXPECT_EQ(store_->GetGrant(revoked)->state, GrantState::kRevoked)
      << "the revoke completes in the first pass";
  for (std::int64_t id : waiting) EXPECT_EQ(store_->GetGrant(id)->state, GrantState::kApplying);
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
  EXPECT_TRUE(policy::EquivalentPolicies(ActualPolicy(), foreign_only)) << "the foreign statements, exactly";
  auto log = store_->AuditLog(0, 10'000);
  ASSERT_TRUE(log);
  std::string last_apply;
  for (const auto& record : *log) {
    if (record.action == "reconcile.apply") last_apply = record.after_json;
  }
  EXPECT_NE(last_apply.find("revocations first"), std::string::npos) << last_apply;

  access_->writes = 0;
  auto again = Reconcile();  // nothing left to revoke: the bucket waits for room, writing nothing
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(access_->writes, 0);
}

TEST_F(BucketReconcilerTest, PolicyServedOverTwentyKilobytesFailsThatBucketAndTheOthersGoOn) {
  std::string statements;
  for (int n = 0; statements.size() <= policy::kMaxBucketPolicyBytes; ++n) {
    statements += (n == 0 ? "" : ",") + ForeignStatement(bucket_, n);
  }
  // AWS would refuse to store it; RadosGW does not (docs/aws-clients.md), so S3 really serves it.
  ASSERT_TRUE(
      la1_->PutBucketPolicy(OwnBucket(), R"({"Version":"2012-10-17","Statement":[)" + statements + "]}"));
  const std::string stored = la1_->GetBucketPolicy(OwnBucket()).value_or("");
  ASSERT_GT(stored.size(), policy::kMaxBucketPolicyBytes);
  const std::string other = bucket_ + "-b";
  ASSERT_TRUE(store_->RegisterBucket(other, policy::AccountId::Parse(kChildAccount).value()));
  ASSERT_TRUE(la1_->CreateBucket({other, policy::AccountId::Parse(kChildAccount).value()}));
  std::int64_t oversized_grant = GrantReports();
  std::int64_t other_grant = GrantReportsOf(other);

  TenantPass pass = Pass();
  auto report = pass.Run();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->applied, 1);
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(access_->writes, 1) << "only the other bucket's policy is written";
  EXPECT_EQ(store_->GetGrant(other_grant)->state, GrantState::kActive);
  auto failed = std::find_if(report->buckets.begin(), report->buckets.end(),
                             [this](const BucketResult& result) { return result.bucket == bucket_; });
  ASSERT_NE(failed, report->buckets.end());
  ASSERT_TRUE(failed->outcome) << failed->outcome.error().ToString();
  EXPECT_EQ(failed->outcome->kind, Kind::kFailed);
  const std::string& reason = failed->outcome->reason;
  EXPECT_NE(reason.find("the policy of bucket " + bucket_ + " is already "), std::string::npos) << reason;
  EXPECT_NE(reason.find("over the AWS limit of 20480 bytes"), std::string::npos) << reason;
  EXPECT_EQ(store_->GetGrant(oversized_grant)->state, GrantState::kApproved) << "the grant waits for room";
  EXPECT_EQ(la1_->GetBucketPolicy(OwnBucket()).value_or(""), stored)
      << "the oversized policy is left as it was";
  EXPECT_FALSE(CentralCanRead("reports/2026/q3.csv"));
}

}  // namespace
}  // namespace govd::daemon

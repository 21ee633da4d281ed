// Findings before and after a reconcile, against a real PostgreSQL and a real Ceph RadosGW
// (fixture "servers"): the findings endpoint (GET /v1/tenants/{t}/findings, through the control
// API's dispatcher, refreshing the store's statuses) is asked before and after TenantPass runs.
// What reconcile repairs (a hand-added statement inside govd's managed Sids, a grant past expiry
// whose statement the sweep and the pass remove, an embargoed grant once revoked) shows as
// resolved; what it never touches by design (foreign outside-org and public statements, an
// embargoed grant nobody revoked) stays active.
//
// The findings endpoint judges expiry and embargo by the system clock, the store and the pass by
// the fake one; the fake clock starts two hours before the system clock, so the grant can be
// requested before its expiry and is past it for the endpoint until the pass catches up.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "daemon/reconcile/tenant_pass.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/server/api_store.h"
#include "daemon/server/audit_handlers.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"
#include "tests/accounts/rgw_env.h"
#include "tests/accounts/store/test_db.h"
#include "tests/base/fake_clock.h"
#include "tests/policy/json_text.h"

namespace govd::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::system_clock;

constexpr const char* kChildAccount = "222222222222";
constexpr const char* kCentralUser = "arn:aws:iam::111111111111:user/central";

// "type Sid" -> status of every finding the endpoint lists.
using StatusByFinding = std::map<std::string, std::string>;

class AuditFindingsReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string server = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server);
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    env_ = *env;
    clock_.Set(system_clock::now() - hours(2));
    db_ = std::make_unique<accounts::testing::TestDb>(server);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kChildAccount, clock_);
    bucket_ = "findings-" + std::to_string(Micros(system_clock::now()) % 1'000'000'000);
    accounts::testing::SeedOrganisation(*store_, kChildAccount, bucket_);
    la1_credentials_ = std::make_unique<accounts::StaticCredentialsProvider>(accounts::AwsCredentials{
        signer::Credentials(env_["RGW_LA1_ACCESS_KEY"], env_["RGW_LA1_SECRET_KEY"], ""), std::nullopt});
    la1_ = std::make_unique<accounts::S3Client>(
        accounts::ParseEndpointUrl(env_["RGW_ENDPOINT"], "s3", "us-east-1").value(),
        accounts::AwsCallerDeps{transport_, retry_, time_, la1_credentials_.get()},
        accounts::S3ClientOptions{.path_style = true});
    ASSERT_TRUE(la1_->CreateBucket(OwnBucket()));
    access_ = std::make_unique<S3BucketPolicyAccess>(*la1_);
    api_store_ = std::make_unique<ApiStore>(db_->conninfo(), Owner());
    RoleBinding admin{RoleBinding::Subject::kUid, 0, Role::kAdmin, std::nullopt};
    dispatcher_ = std::make_unique<ApiDispatcher>(RoleMap::Build({admin}, "test").value(),
                                                  ManagedTenants{kChildAccount});
    RegisterAuditHandlers(*dispatcher_, *api_store_, [this](const policy::AccountId& tenant) -> BucketPolicyAccess* {
      return tenant == Owner() ? access_.get() : nullptr;
    });
  }

  static std::int64_t Micros(system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  static policy::AccountId Owner() { return policy::AccountId::Parse(kChildAccount).value(); }
  accounts::S3BucketRef OwnBucket() const { return {bucket_, Owner()}; }

  std::int64_t Grant(const std::string& prefix, std::optional<accounts::TimePoint> expires_at) {
    accounts::GrantRequest request{Owner(), bucket_, prefix, kCentralUser, accounts::GrantActions::kRead,
                                   expires_at, "audit test"};
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    EXPECT_TRUE(store_->ApproveGrant(grant->id));
    return grant->id;
  }

  // One reconcile pass over the tenant, as the daemon's scheduler runs it (sweep, then buckets).
  void Pass() {
    TenantPassOptions options{.worker = "test-worker",
                              .batch = 16,
                              .lease = std::chrono::seconds(60),
                              .resync = std::chrono::seconds(300),
                              .owner = Owner(),
                              .stop_requested = {}};
    TenantPass pass(*store_, *access_, limiter_, clock_, options);
    auto report = pass.Run();
    ASSERT_TRUE(report) << report.error().ToString();
    ASSERT_EQ(report->failed, 0);
  }

  // Appends statements to the bucket's actual policy, as someone editing it in S3 would.
  void AddByHand(const std::string& statements_json) {
    auto text = la1_->GetBucketPolicy(OwnBucket());
    ASSERT_TRUE(text);
    Json::Value policy = policy::testing::JsonOf(*text);
    for (const Json::Value& statement : policy::testing::JsonOf(statements_json)) policy["Statement"].append(statement);
    ASSERT_TRUE(la1_->PutBucketPolicy(OwnBucket(), policy::CompactJson(policy)));
  }

  std::string Statement(const std::string& sid, const std::string& principal, const std::string& prefix) const {
    return R"({"Sid":")" + sid + R"(","Effect":"Allow","Principal":)" + principal +
           R"(,"Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket_ + "/" + prefix + R"(*"})";
  }

  // The report's HTML through the control API.
  std::string Report() {
    std::optional<ApiResponse> answer;
    dispatcher_->Dispatch({0, 0, 1, "root"}, "GET", std::string("/v1/tenants/") + kChildAccount + "/audit/report", "",
                          [&](ApiResponse reply) { answer = std::move(reply); });
    EXPECT_TRUE(answer && answer->status == 200) << (answer ? WriteJson(answer->body) : "no answer");
    return answer ? answer->body["html"].asString() : "";
  }

  // Lists the findings through the control API, which refreshes their statuses first.
  StatusByFinding Findings() {
    std::optional<ApiResponse> answer;
    dispatcher_->Dispatch({0, 0, 1, "root"}, "GET", std::string("/v1/tenants/") + kChildAccount + "/findings", "",
                          [&](ApiResponse reply) { answer = std::move(reply); });
    EXPECT_TRUE(answer && answer->status == 200) << (answer ? WriteJson(answer->body) : "no answer");
    StatusByFinding statuses;
    if (!answer) return statuses;
    EXPECT_EQ(answer->body["policy_source"].asString(), "s3");
    const std::string prefix = bucket_ + " bucket policy statement ";
    for (const Json::Value& f : answer->body["findings"]) {
      std::string statement = f["statement"].asString();
      if (statement.starts_with(prefix)) statement = statement.substr(prefix.size());
      std::string key = f["type"].asString() + " " + statement;
      EXPECT_EQ(statuses.count(key), 0U) << "two findings of one type for one statement: " << key;
      statuses[key] = f["status"].asString();
    }
    return statuses;
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
  std::unique_ptr<accounts::StaticCredentialsProvider> la1_credentials_;
  std::unique_ptr<accounts::S3Client> la1_;
  std::unique_ptr<S3BucketPolicyAccess> access_;
  std::unique_ptr<ApiStore> api_store_;
  std::unique_ptr<ApiDispatcher> dispatcher_;
};

TEST_F(AuditFindingsReconcileTest, WhatReconcileRepairsIsResolvedAndForeignStatementsStayActive) {
  // The reports grant expires an hour before the system clock's now, an hour after the fake one's.
  Grant("reports/", clock_.Now() + hours(1));
  std::int64_t press = Grant("press/", std::nullopt);
  Pass();
  ASSERT_TRUE(store_->DeclarePrefix(bucket_, "press/", system_clock::now() + hours(24)));
  const std::string managed = policy::ManagedSid("Read", kCentralUser);
  AddByHand("[" + Statement("GovdManagedReadHand", R"({"AWS":"arn:aws:iam::111111111111:root"})", "secret/") + "," +
            Statement("Consultant", R"({"AWS":"arn:aws:iam::999999999999:root"})", "reports/") + "," +
            Statement("Public", R"("*")", "public/") + "]");

  const StatusByFinding raised = Findings();
  EXPECT_EQ(raised, (StatusByFinding{{"expired-grant-effective " + managed, "active"},
                                     {"embargoed-grant " + managed, "active"},
                                     {"unexplained-access GovdManagedReadHand", "active"},
                                     {"outside-organisation Consultant", "active"},
                                     {"unexplained-access Consultant", "active"},
                                     {"public-access Public", "active"}}));

  // The sweep expires the reports grant; the pass removes its prefix and the hand-added managed
  // statement (drift), and keeps every foreign statement.
  clock_.Advance(hours(2) + minutes(1));
  Pass();
  StatusByFinding after_pass = raised;
  after_pass["expired-grant-effective " + managed] = "resolved";
  after_pass["unexplained-access GovdManagedReadHand"] = "resolved";
  EXPECT_EQ(Findings(), after_pass);

  // Declaring the embargo revoked nothing: the admin revokes. Until a pass removes the statement
  // the grantee still has access, so the finding stays active, and the statement, no longer
  // backed by an active grant, is drift too.
  ASSERT_TRUE(store_->RevokeGrant(press, "embargoed"));
  after_pass["unexplained-access " + managed] = "active";
  EXPECT_EQ(Findings(), after_pass);
  Pass();
  after_pass["embargoed-grant " + managed] = "resolved";
  after_pass["unexplained-access " + managed] = "resolved";
  EXPECT_EQ(Findings(), after_pass);

  // The report lists the hand-added statement's removal as the one drift repair; the writes that
  // applied, expired and revoked grants are not drift.
  std::string html = Report();
  std::size_t drift = html.find("<table id=\"drift\">");
  ASSERT_NE(drift, std::string::npos) << html;
  std::string table = html.substr(drift, html.find("</table>", drift) - drift);
  EXPECT_NE(table.find("<td>" + bucket_ + "</td><td></td><td>GovdManagedReadHand</td></tr>"), std::string::npos) << table;
  EXPECT_EQ(table.find(managed), std::string::npos) << table;
  EXPECT_EQ(table.find("<tr><td>2"), table.rfind("<tr><td>2")) << "one repair row: " << table;
  EXPECT_NE(html.find("<tr><td>expired</td><td>1</td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<tr><td>revoked</td><td>1</td></tr>"), std::string::npos) << html;
}

}  // namespace
}  // namespace govd::daemon

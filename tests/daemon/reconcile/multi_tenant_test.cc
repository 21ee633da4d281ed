// tests/daemon/reconcile/multi_tenant_test.cc
// One child govd reconciling several tenants ([tenant.ACCOUNT] sections, a hosted operator's
// daemon) against RadosGW and PostgreSQL: each tenant's grant reaches its own bucket through its
// own identity, and a tenant whose identity S3 refuses fails alone, named in govctl status,
// without holding up the others.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>

#include "accounts/aws/aws_endpoint.h"
#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/retry_strategy.h"
#include "accounts/aws/s3_client.h"
#include "accounts/store/store.h"
#include "tests/accounts/rgw_env.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;
namespace at = accounts::testing;

constexpr const char* kOwnTenant = "222222222222";  // RadosGW user la1, the daemon's own account
constexpr const char* kHostedTenant =
    "111111111111";  // RadosGW user central, a [tenant.*] with keys of its own
constexpr const char* kRefusedTenant = "333333333333";  // keys S3 does not know

std::string Stem() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return "mt-" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1'000'000'000);
}

// A tenant as the test sees it: its rows in the store, and S3 as its own user.
class TenantSide {
 public:
  TenantSide(const std::string& conninfo, const std::string& endpoint, std::string account,
             const std::string& access, const std::string& secret, std::string bucket)
      : account_(std::move(account)), bucket_(std::move(bucket)) {
    accounts::StoreOptions options;
    options.clock = &SystemTime();
    auto store = accounts::Store::Open(conninfo, {account_, "uid:1000/admin"}, options);
    if (!store) throw std::runtime_error(store.error().ToString());
    store_ = std::move(store).value();
    credentials_ = std::make_unique<accounts::StaticCredentialsProvider>(
        accounts::AwsCredentials{signer::Credentials(access, secret, ""), std::nullopt});
    s3_ = std::make_unique<accounts::S3Client>(
        accounts::ParseEndpointUrl(endpoint, "s3", "us-east-1").value(),
        accounts::AwsCallerDeps{transport_, retry_, time_, credentials_.get()},
        accounts::S3ClientOptions{.path_style = true});
  }

  // The tenant's own organisation rows and bucket; `create` also makes the bucket on S3.
  void Seed(bool create) {
    ASSERT_TRUE(store_->CreateRoot("r-root", "Organisation"));
    ASSERT_TRUE(store_->CreateOu("ou-las", "r-root", "Local authorities"));
    ASSERT_TRUE(
        store_->RegisterAccount({at::Account(account_), "tenant", accounts::AccountKind::kChild, "ou-las"}));
    ASSERT_TRUE(store_->RegisterBucket(bucket_, at::Account(account_)));
    if (create) {
      ASSERT_TRUE(s3_->CreateBucket({bucket_, at::Account(account_)}));
    }
  }

  void Grant(const std::string& grantee) {
    accounts::GrantRequest request{at::Account(account_),         bucket_,      "shared/reports/",  grantee,
                                   accounts::GrantActions::kRead, std::nullopt, "multi-tenant test"};
    auto grant = store_->RequestGrant(request);
    ASSERT_TRUE(grant) << grant.error().ToString();
    ASSERT_TRUE(store_->ApproveGrant(grant->id));
  }

  // The bucket policy names `grantee` (govd wrote the tenant's grant).
  bool PolicyNames(const std::string& grantee) {
    auto text = s3_->GetBucketPolicy({bucket_, at::Account(account_)});
    return text && text->find(grantee) != std::string::npos;
  }

  const std::string& bucket() const { return bucket_; }

 private:
  std::string account_;
  std::string bucket_;
  std::unique_ptr<accounts::Store> store_;
  accounts::CurlTransport transport_;
  SeededRandom random_{7};
  accounts::RetryStrategy retry_{accounts::RetryOptions{}, random_};
  SystemClock time_;
  std::unique_ptr<accounts::StaticCredentialsProvider> credentials_;
  std::unique_ptr<accounts::S3Client> s3_;
};

TEST(MultiTenantTest, OneDaemonReconcilesEveryTenantAndARefusedTenantFailsAlone) {
  std::string server = at::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  auto env = at::LoadRgwEnv();
  if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
  at::TestDb db(server);
  std::string stem = Stem();
  const std::string& endpoint = (*env)["RGW_ENDPOINT"];
  TenantSide own(db.conninfo(), endpoint, kOwnTenant, (*env)["RGW_LA1_ACCESS_KEY"],
                 (*env)["RGW_LA1_SECRET_KEY"], stem + "-own");
  TenantSide hosted(db.conninfo(), endpoint, kHostedTenant, (*env)["RGW_CENTRAL_ACCESS_KEY"],
                    (*env)["RGW_CENTRAL_SECRET_KEY"], stem + "-hosted");
  TenantSide refused(db.conninfo(), endpoint, kRefusedTenant, "AKIAUNKNOWNTENANT000", "not-a-secret",
                     stem + "-refused");
  ASSERT_NO_FATAL_FAILURE(own.Seed(true));
  ASSERT_NO_FATAL_FAILURE(hosted.Seed(true));
  ASSERT_NO_FATAL_FAILURE(refused.Seed(false));
  const std::string to_central = "arn:aws:iam::111111111111:root";
  const std::string to_la1 = "arn:aws:iam::222222222222:root";
  ASSERT_NO_FATAL_FAILURE(refused.Grant(to_central));  // first: its failures must not delay the others
  ASSERT_NO_FATAL_FAILURE(own.Grant(to_central));
  ASSERT_NO_FATAL_FAILURE(hosted.Grant(to_la1));

  testing::TempDir dir;
  std::string config = dir.File("govd.conf");
  testing::WriteFile(
      config,
      "mode = child\naccount-id = " + std::string(kOwnTenant) +
          "\nregion = us-east-1\n[database]\nconninfo = " + db.conninfo() +
          "\n[aws]\ns3-endpoint = " + endpoint + "\naccess-key-id = " + (*env)["RGW_LA1_ACCESS_KEY"] +
          "\nsecret-access-key = " + (*env)["RGW_LA1_SECRET_KEY"] +
          "\n[reconcile]\ninterval = 1s\njitter = 0\nconcurrency = 2\n[control]\nsocket = " +
          dir.File("govd.sock") + "\nrole = uid:" + std::to_string(getuid()) + " admin\n[tenant." +
          kHostedTenant + "]\naccess-key-id = " + (*env)["RGW_CENTRAL_ACCESS_KEY"] +
          "\nsecret-access-key = " + (*env)["RGW_CENTRAL_SECRET_KEY"] + "\n[tenant." + kRefusedTenant +
          "]\naccess-key-id = AKIAUNKNOWNTENANT000\nsecret-access-key = not-a-secret\n",
      0600);
  testing::GovdProcess govd({"--config", config}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir.File("govd.sock"), milliseconds(20'000)));

  auto started = std::chrono::steady_clock::now();
  while (!(own.PolicyNames(to_central) && hosted.PolicyNames(to_la1)) &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_TRUE(own.PolicyNames(to_central)) << "the daemon's own tenant's grant is not in " << own.bucket();
  EXPECT_TRUE(hosted.PolicyNames(to_la1)) << "the hosted tenant's grant is not in " << hosted.bucket();

  std::string refused_line;
  testing::GovctlRun status;
  for (int i = 0; i < 50 && refused_line.empty(); ++i) {
    status = testing::RunGovctl({"--socket", dir.File("govd.sock"), "status"});
    auto at_line = status.out.find("errors.buckets." + refused.bucket());
    if (at_line != std::string::npos)
      refused_line = status.out.substr(at_line, status.out.find('\n', at_line) - at_line);
    if (refused_line.empty()) std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_NE(refused_line.find("AccessDenied"), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("errors.buckets." + own.bucket()), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("errors.buckets." + hosted.bucket()), std::string::npos) << status.out;
  for (const char* tenant : {kOwnTenant, kHostedTenant, kRefusedTenant}) {
    EXPECT_NE(status.out.find(tenant), std::string::npos) << "status does not list tenant " << tenant << ":\n"
                                                          << status.out;
  }
  EXPECT_EQ(status.out.find("not-a-secret"), std::string::npos);
  EXPECT_EQ(status.out.find((*env)["RGW_CENTRAL_SECRET_KEY"]), std::string::npos);
  govd.Signal(SIGTERM);
  EXPECT_TRUE(govd.WaitExit(milliseconds(10'000)).has_value());
}

}  // namespace
}  // namespace govd::daemon

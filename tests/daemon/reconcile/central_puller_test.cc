// Central mode's pass (daemon/reconcile/central_puller.h) against the RadosGW of the "rgw" fixture: child
// la1 (222222222222) grants the central user (111111111111) read on reports/ of its bucket
// (tests/accounts/rgw_shared_prefix.h). A source that is refused is reported as revoked or denied
// and the other sources are still pulled; a pass over unchanged objects downloads nothing; a
// source that names la1's reader role is read through an assumed-role session.
#include "daemon/reconcile/central_puller.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "accounts/aws/iam_client.h"
#include "tests/accounts/rgw_shared_prefix.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using accounts::testing::RgwSharedPrefix;

class CentralPullerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = accounts::testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
    shared_.emplace(*env);
    ASSERT_EQ(shared_->CreateAndGrant(), "");
    dir_ = std::filesystem::path(::testing::TempDir()) / ("central-puller-" + shared_->CrossTenantName());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Config CentralConfig(std::vector<PullSource> sources) const {
    const auto& env = shared_->env();
    Config config(policy::AccountId::Parse(env.at("RGW_CENTRAL_ACCOUNT")).value(),
                  RoleMap::Build({}, "control.role").value());
    config.mode = Mode::kCentral;
    config.region = "us-east-1";
    config.endpoints.s3 = env.at("RGW_ENDPOINT");
    config.endpoints.sts = env.at("RGW_ENDPOINT");
    config.static_keys =
        signer::Credentials(env.at("RGW_CENTRAL_ACCESS_KEY"), env.at("RGW_CENTRAL_SECRET_KEY"));
    config.sources = std::move(sources);
    return config;
  }

  PullSource Source(const std::string& name, const std::string& bucket, const std::string& prefix) const {
    return PullSource{.name = name,
                      .account = policy::AccountId::Parse(shared_->env().at("RGW_LA1_ACCOUNT")).value(),
                      .bucket = bucket,
                      .prefixes = {prefix},
                      .role_arn = {},
                      .external_id = {},
                      .destination = (dir_ / name).string(),
                      .destination_bucket = {},
                      .destination_prefix = {}};
  }

  CentralPassReport Pass(const Config& config) {
    auto puller = CentralPuller::Create(config);
    EXPECT_TRUE(puller) << puller.error().ToString();
    return puller ? (*puller)->RunPass(config.sources) : CentralPassReport{};
  }

  std::optional<RgwSharedPrefix> shared_;
  std::filesystem::path dir_;
};

TEST_F(CentralPullerTest, ADeniedSourceIsNamedAndTheOthersAreStillPulled) {
  // "a-secret" asks for a prefix la1 never granted; it comes first and must not stop "b-reports".
  Config config = CentralConfig({Source("a-secret", shared_->CrossTenantName(), "secret/"),
                                 Source("b-reports", shared_->CrossTenantName(), "reports/")});
  CentralPassReport first = Pass(config);
  ASSERT_EQ(first.outcomes.size(), 2U);
  EXPECT_EQ(first.outcomes[0].state, PullState::kDenied);
  const std::string& message = first.outcomes[0].message;
  EXPECT_NE(message.find("revoked or denied"), std::string::npos) << message;
  EXPECT_NE(message.find("source a-secret"), std::string::npos) << message;
  EXPECT_NE(message.find("account 222222222222"), std::string::npos) << message;
  EXPECT_NE(message.find("/secret/"), std::string::npos) << message;
  EXPECT_EQ(first.outcomes[1].state, PullState::kPulled) << first.outcomes[1].message;
  EXPECT_EQ(first.outcomes[1].downloaded, 3U);
  EXPECT_EQ(first.pulled, 1);
  EXPECT_EQ(first.denied, 1);
  EXPECT_EQ(testing::ReadFile(dir_ / "b-reports" / "reports/2026/q3.csv"), "region,total\nnorth,42\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "a-secret" / "secret/staff.csv"));
  EXPECT_NE(DescribeCentralPass(first, std::chrono::milliseconds(300)).find("1 prefixes pulled, 1 denied"),
            std::string::npos);

  CentralPassReport second = Pass(config);
  ASSERT_EQ(second.outcomes.size(), 2U);
  EXPECT_EQ(second.outcomes[1].downloaded, 0U);
  EXPECT_EQ(second.outcomes[1].skipped, 3U) << "unchanged objects are not fetched again";

  ASSERT_EQ(shared_->Revoke(), "");
  CentralPassReport revoked = Pass(config);
  ASSERT_EQ(revoked.outcomes.size(), 2U);
  EXPECT_EQ(revoked.outcomes[1].state, PullState::kDenied);
  EXPECT_EQ(revoked.denied, 2);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "b-reports" / "reports/2026/q3.csv")) << "pulled files are kept";
}

TEST_F(CentralPullerTest, CopiesIntoTheCentralAccountsOwnBucketResumesAndStopsAtTheRevoke) {
  const std::string archive = "archive-" + shared_->CrossTenantName().substr(shared_->CrossTenantName().find(':') + 1);
  const accounts::S3BucketRef archive_ref{archive, policy::AccountId::Parse(shared_->env().at("RGW_CENTRAL_ACCOUNT")).value()};
  ASSERT_TRUE(shared_->central().CreateBucket(archive_ref));
  PullSource source = Source("la1-archive", shared_->CrossTenantName(), "reports/");
  source.destination = "s3://" + archive + "/from-la1/";
  source.destination_bucket = archive;
  source.destination_prefix = "from-la1/";
  Config config = CentralConfig({source});
  auto copy_of = [&](const std::string& key) {
    std::filesystem::create_directories(dir_);
    auto got = shared_->central().GetObject(archive_ref, "from-la1/" + key, (dir_ / "check").string());
    return got ? testing::ReadFile((dir_ / "check").string()) : "(missing: " + got.error().ToString() + ")";
  };

  CentralPassReport first = Pass(config);
  ASSERT_EQ(first.outcomes.size(), 1U);
  EXPECT_EQ(first.outcomes[0].state, PullState::kPulled) << first.outcomes[0].message;
  EXPECT_EQ(first.outcomes[0].downloaded, 3U);
  EXPECT_EQ(copy_of("reports/2026/q3.csv"), "region,total\nnorth,42\n");
  EXPECT_EQ(copy_of("reports/q2.csv"), std::string(70'000, 'q'));
  auto listed = shared_->central().ListAllObjects(archive_ref, "");
  ASSERT_TRUE(listed) << listed.error().ToString();
  std::vector<std::string> keys;
  for (const auto& object : *listed) keys.push_back(object.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"from-la1/.govd-pull.json", "from-la1/reports/2026/q3.csv",
                                            "from-la1/reports/q1.csv", "from-la1/reports/q2.csv"}))
      << "nothing outside the granted prefix, nothing outside the destination prefix";

  CentralPassReport again = Pass(config);
  ASSERT_EQ(again.outcomes.size(), 1U);
  EXPECT_EQ(again.outcomes[0].downloaded, 0U);
  EXPECT_EQ(again.outcomes[0].skipped, 3U) << "copies still in place are not made again";

  // A copy replaced by hand, and a source object that changed: both are copied again.
  ASSERT_TRUE(shared_->central().PutObject(archive_ref, "from-la1/reports/q1.csv", "tampered"));
  ASSERT_EQ(shared_->Put("reports/2026/q3.csv", "region,total\nnorth,43\n"), "");
  CentralPassReport repaired = Pass(config);
  ASSERT_EQ(repaired.outcomes.size(), 1U);
  EXPECT_EQ(repaired.outcomes[0].downloaded, 2U) << repaired.outcomes[0].message;
  EXPECT_EQ(repaired.outcomes[0].skipped, 1U);
  EXPECT_EQ(copy_of("reports/q1.csv"), "region,total\nnorth,1\n");
  EXPECT_EQ(copy_of("reports/2026/q3.csv"), "region,total\nnorth,43\n");

  ASSERT_EQ(shared_->Revoke(), "");
  CentralPassReport revoked = Pass(config);
  ASSERT_EQ(revoked.outcomes.size(), 1U);
  EXPECT_EQ(revoked.outcomes[0].state, PullState::kDenied);
  EXPECT_NE(revoked.outcomes[0].message.find("revoked or denied"), std::string::npos) << revoked.outcomes[0].message;
  EXPECT_EQ(copy_of("reports/q1.csv"), "region,total\nnorth,1\n") << "copies made before the revoke are kept";
}

TEST_F(CentralPullerTest, ACopyIntoABucketOfAnotherAccountIsRefused) {
  // la1's own bucket as the destination: the expected-owner check makes S3 refuse the listing.
  PullSource source = Source("wrong-owner", shared_->CrossTenantName(), "reports/");
  source.destination = "s3://" + shared_->CrossTenantName() + "/copy/";
  source.destination_bucket = shared_->CrossTenantName();
  source.destination_prefix = "copy/";
  CentralPassReport report = Pass(CentralConfig({source}));
  ASSERT_EQ(report.outcomes.size(), 1U);
  EXPECT_EQ(report.outcomes[0].state, PullState::kFailed) << report.outcomes[0].message;
  EXPECT_NE(report.outcomes[0].message.find("destination"), std::string::npos) << report.outcomes[0].message;
  auto written = shared_->la1().ListAllObjects({shared_->CrossTenantName().substr(shared_->CrossTenantName().find(':') + 1),
                                                std::nullopt},
                                               "copy/");
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_TRUE(written->empty()) << "nothing was written into another account's bucket";
}

// On RadosGW a role session sees the buckets of the role's own tenant, by the bucket's plain name,
// and RadosGW ignores the ExternalId when the trust policy has no condition on it (it never
// matches one that has: see tests/accounts/aws/rgw_e2e_test.cc).
TEST_F(CentralPullerTest, ReadsThroughTheChildsAssumedReaderRole) {
  const auto& env = shared_->env();
  accounts::CurlTransport transport;
  SystemClock time;
  SeededRandom random(5);
  accounts::RetryStrategy retry(accounts::RetryOptions{}, random);
  accounts::StaticCredentialsProvider la1_keys(
      accounts::AwsCredentials{signer::Credentials(env.at("RGW_LA1_ACCESS_KEY"), env.at("RGW_LA1_SECRET_KEY")), std::nullopt});
  accounts::IamClient iam(accounts::ParseEndpointUrl(env.at("RGW_ENDPOINT"), "iam", "us-east-1").value(),
                          {transport, retry, time, &la1_keys});
  std::string bucket = shared_->CrossTenantName().substr(shared_->CrossTenantName().find(':') + 1);
  std::string role_name = "govd-central-reader-" + bucket;
  auto trust = [](const std::string& principal) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::)" +
           principal + R"("]},"Action":["sts:AssumeRole"]}]})";
  };
  accounts::CreateRoleRequest create;
  create.name = role_name;
  create.assume_role_policy = trust("111111111111:user/central");
  auto role = iam.CreateRole(create);
  ASSERT_TRUE(role) << role.error().ToString();
  ASSERT_TRUE(iam.PutRolePolicy(role_name, "read",
                                R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],)"
                                R"("Resource":["arn:aws:s3:::)" + bucket + R"(","arn:aws:s3:::)" + bucket + R"(/reports/*"]}]})"));

  PullSource source = Source("la1-role", bucket, "reports/");
  source.role_arn = role->arn;
  source.external_id = "central-ext-1";
  Config config = CentralConfig({source});
  CentralPassReport pulled = Pass(config);
  ASSERT_EQ(pulled.outcomes.size(), 1U);
  EXPECT_EQ(pulled.outcomes[0].state, PullState::kPulled) << pulled.outcomes[0].message;
  EXPECT_EQ(pulled.outcomes[0].downloaded, 3U);

  // The child stops trusting the central account: a new session is refused, as a revocation.
  ASSERT_TRUE(iam.UpdateAssumeRolePolicy(role_name, trust("111111111111:user/someone")));
  CentralPassReport refused = Pass(config);
  ASSERT_EQ(refused.outcomes.size(), 1U);
  EXPECT_EQ(refused.outcomes[0].state, PullState::kDenied) << refused.outcomes[0].message;
  EXPECT_NE(refused.outcomes[0].message.find(role->arn), std::string::npos) << refused.outcomes[0].message;
  EXPECT_EQ(refused.outcomes[0].message.find("central-ext-1"), std::string::npos) << "the ExternalId is not echoed";
}

}  // namespace
}  // namespace govd::daemon

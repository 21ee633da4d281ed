// `govctl audit findings` on a child-mode govd that reads the actual bucket policies from a real
// Ceph RadosGW (fixture "servers": PostgreSQL and RadosGW): a statement added by hand in S3,
// granting an account outside the organisation, is raised as outside-organisation and
// unexplained-access; once it is removed from the bucket policy, both findings are resolved.
#include <unistd.h>

#include <gtest/gtest.h>
#include <json/reader.h>

#include <string>
#include <vector>

#include "accounts/aws/curl_transport.h"
#include "accounts/aws/s3_client.h"
#include "tests/accounts/rgw_env.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

constexpr const char* kChild = "222222222222";  // RGW tenant of la1: the daemon's account

std::string HandPolicy(const std::string& bucket) {
  return R"({"Version":"2012-10-17","Statement":[{"Sid":"Consultant","Effect":"Allow",)"
         R"("Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject",)"
         R"("Resource":"arn:aws:s3:::)" + bucket + R"(/*"}]})";
}

Json::Value ParseJson(const std::string& text) {
  Json::Value value;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, nullptr)) << text;
  return value;
}

std::vector<std::string> TypesWithStatus(const Json::Value& body, const std::string& status) {
  std::vector<std::string> types;
  for (const Json::Value& f : body["findings"]) {
    if (f["status"].asString() == status) types.push_back(f["type"].asString());
  }
  return types;
}

TEST(GovctlAuditRgwTest, HandEditInS3IsFoundAndResolvedWhenRemoved) {
  std::string server = accounts::testing::ServerConninfo();
  GOVD_REQUIRE_PG(server);
  auto env = accounts::testing::LoadRgwEnv();
  if (!env) GTEST_SKIP() << "GOVD_RGW_ENV is not set: run through ctest, which starts the rgw fixture";
  accounts::testing::TestDb db(server);
  accounts::testing::FakeClock clock;
  auto store = accounts::testing::OpenStore(db.conninfo(), kChild, clock);
  std::string bucket = "audit-" + std::to_string(::getpid());
  accounts::testing::SeedOrganisation(*store, kChild, bucket);

  accounts::CurlTransport transport;
  SeededRandom random{7};
  accounts::RetryStrategy retry{accounts::RetryOptions{}, random};
  SystemClock time;
  accounts::StaticCredentialsProvider la1(accounts::AwsCredentials{
      signer::Credentials((*env)["RGW_LA1_ACCESS_KEY"], (*env)["RGW_LA1_SECRET_KEY"], ""), std::nullopt});
  accounts::S3Client s3(accounts::ParseEndpointUrl((*env)["RGW_ENDPOINT"], "s3", "us-east-1").value(),
                        accounts::AwsCallerDeps{transport, retry, time, &la1}, {.path_style = true});
  accounts::S3BucketRef ref{bucket, policy::AccountId::Parse(kChild).value()};
  ASSERT_TRUE(s3.CreateBucket(ref));
  ASSERT_TRUE(s3.PutBucketPolicy(ref, HandPolicy(bucket)));

  testing::TempDir dir;
  std::string socket = dir.File("govd.sock");
  testing::WriteFile(dir.File("govd.conf"),
                     std::string("mode = child\naccount-id = ") + kChild + "\nregion = us-east-1\n" +
                         "[database]\nconninfo = " + db.conninfo() + "\n[aws]\ns3-endpoint = " +
                         (*env)["RGW_ENDPOINT"] + "\naccess-key-id = " + (*env)["RGW_LA1_ACCESS_KEY"] +
                         "\nsecret-access-key = " + (*env)["RGW_LA1_SECRET_KEY"] + "\n[control]\nsocket = " +
                         socket + "\nrole = uid:" + std::to_string(getuid()) + " admin\n");
  testing::GovdProcess govd({"--config", dir.File("govd.conf")}, {});
  ASSERT_TRUE(testing::WaitForSocket(socket, milliseconds(10'000)));

  testing::GovctlRun raised = testing::RunGovctl({"--socket", socket, "--json", "audit", "findings"});
  ASSERT_EQ(raised.exit_code, 0) << raised.err;
  Json::Value body = ParseJson(raised.out);
  EXPECT_EQ(body["policy_source"].asString(), "s3");
  auto active = TypesWithStatus(body, "active");
  EXPECT_EQ(active, (std::vector<std::string>{"outside-organisation", "unexplained-access"})) << raised.out;
  for (const Json::Value& f : body["findings"]) {
    EXPECT_EQ(f["statement"].asString(), bucket + " bucket policy statement Consultant") << raised.out;
  }

  ASSERT_TRUE(s3.DeleteBucketPolicy(ref));  // the hand edit is gone
  testing::GovctlRun resolved = testing::RunGovctl({"--socket", socket, "--json", "audit", "findings"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  Json::Value after = ParseJson(resolved.out);
  EXPECT_EQ(TypesWithStatus(after, "resolved"), (std::vector<std::string>{"outside-organisation", "unexplained-access"}))
      << resolved.out;
  EXPECT_TRUE(TypesWithStatus(after, "active").empty()) << resolved.out;
}

}  // namespace
}  // namespace govd::daemon

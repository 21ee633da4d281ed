// The Organizations client (JSON 1.1) against a local server replaying response bodies written
// after the AWS Organizations API reference examples: paging with NextToken, targets, errors.
#include "accounts/aws/organizations_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "accounts/aws/aws_call_observer.h"
#include "tests/accounts/aws/local_aws_deps.h"
#include "tests/accounts/aws/local_http_server.h"

namespace govd::accounts {
namespace {

using testing::CannedResponse;
using testing::LocalHttpServer;
using testing::ReceivedRequest;

constexpr char kAccountsPage1[] = R"({"Accounts":[{"Arn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111","Email":"central@example.org","Id":"111111111111","JoinedMethod":"INVITED","JoinedTimestamp":1.481830215E9,"Name":"Central","Status":"ACTIVE"}],"NextToken":"AAAABBBBCCCC"})";
constexpr char kAccountsPage2[] = R"({"Accounts":[{"Arn":"arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222","Email":"la1@example.org","Id":"222222222222","JoinedMethod":"CREATED","JoinedTimestamp":1.481835741044E9,"Name":"Local authority 1","Status":"ACTIVE"}]})";
constexpr char kOus[] = R"({"OrganizationalUnits":[{"Arn":"arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid111","Id":"ou-examplerootid111-exampleouid111","Name":"LocalAuthorities"}]})";
constexpr char kPolicies[] = R"({"Policies":[{"Arn":"arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess","AwsManaged":true,"Description":"Allows access to every operation","Id":"p-FullAWSAccess","Name":"FullAWSAccess","Type":"SERVICE_CONTROL_POLICY"}]})";
constexpr char kDescribe[] = R"({"Policy":{"Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:PutBucketPolicy\",\"Resource\":\"*\"}]}","PolicySummary":{"Arn":"arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111","AwsManaged":false,"Description":"No bucket policy edits","Id":"p-examplepolicyid111","Name":"NoPolicyEdits","Type":"SERVICE_CONTROL_POLICY"}}})";

std::string TargetOf(const ReceivedRequest& request) {
  auto at = request.head.find("X-Amz-Target: ");
  return at == std::string::npos ? "" : request.head.substr(at + 14, request.head.find("\r\n", at) - at - 14);
}

CannedResponse Replay(const ReceivedRequest& request) {
  std::string target = TargetOf(request);
  if (target == "AWSOrganizationsV20161128.ListAccounts") {
    return {200, request.body.find("AAAABBBBCCCC") == std::string::npos ? kAccountsPage1 : kAccountsPage2, {}};
  }
  if (target == "AWSOrganizationsV20161128.ListAccountsForParent") return {200, kAccountsPage2, {}};
  if (target == "AWSOrganizationsV20161128.ListOrganizationalUnitsForParent") return {200, kOus, {}};
  if (target == "AWSOrganizationsV20161128.ListPoliciesForTarget") return {200, kPolicies, {}};
  if (target == "AWSOrganizationsV20161128.DescribePolicy") {
    if (request.body.find("p-examplepolicyid111") != std::string::npos) return {200, kDescribe, {}};
    return {400, R"({"__type":"PolicyNotFoundException","Message":"We can't find a policy with the PolicyId that you specified."})",
            {{"x-amzn-RequestId", "req-404"}}};
  }
  return {400, R"({"__type":"InvalidInputException","Message":"bad target"})", {}};
}

class OrganizationsClientTest : public ::testing::Test {
 protected:
  OrganizationsClient Client() {
    return OrganizationsClient(ParseEndpointUrl(server_.url(), "organizations", "us-east-1").value(),
                               local_.Deps());
  }

  LocalHttpServer server_{Replay};
  testing::LocalAwsDeps local_;
};

TEST_F(OrganizationsClientTest, ListAccountsFollowsNextToken) {
  auto accounts = Client().ListAccounts();
  ASSERT_TRUE(accounts) << accounts.error().ToString();
  ASSERT_EQ(accounts->size(), 2U);
  EXPECT_EQ((*accounts)[0].id, "111111111111");
  EXPECT_EQ((*accounts)[1].name, "Local authority 1");
  EXPECT_EQ((*accounts)[1].status, "ACTIVE");
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].body, "{}");
  EXPECT_EQ(requests[1].body, R"({"NextToken":"AAAABBBBCCCC"})");
  EXPECT_NE(requests[0].head.find("Content-Type: application/x-amz-json-1.1"), std::string::npos);
  EXPECT_NE(requests[0].head.find("/us-east-1/organizations/aws4_request"), std::string::npos);
}

TEST_F(OrganizationsClientTest, OusAccountsAndPoliciesOfAParent) {
  auto ous = Client().ListOrganizationalUnitsForParent("r-examplerootid111");
  ASSERT_TRUE(ous);
  ASSERT_EQ(ous->size(), 1U);
  EXPECT_EQ((*ous)[0].name, "LocalAuthorities");
  auto accounts = Client().ListAccountsForParent((*ous)[0].id);
  ASSERT_TRUE(accounts);
  EXPECT_EQ((*accounts)[0].id, "222222222222");
  EXPECT_EQ(server_.requests().back().body, R"({"ParentId":"ou-examplerootid111-exampleouid111"})");
  auto policies = Client().ListPoliciesForTarget("222222222222", "SERVICE_CONTROL_POLICY");
  ASSERT_TRUE(policies);
  EXPECT_TRUE((*policies)[0].aws_managed);
  EXPECT_EQ((*policies)[0].id, "p-FullAWSAccess");
}

TEST_F(OrganizationsClientTest, DescribePolicyReturnsTheContent) {
  auto policy = Client().DescribePolicy("p-examplepolicyid111");
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_EQ(policy->summary.name, "NoPolicyEdits");
  EXPECT_FALSE(policy->summary.aws_managed);
  EXPECT_EQ(policy->content,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}]})");
}

TEST_F(OrganizationsClientTest, TypedErrorFromJsonBody) {
  auto policy = Client().DescribePolicy("p-missing");
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code(), ErrorCode::kNotFound);
  ASSERT_NE(policy.aws_detail(), nullptr);
  EXPECT_EQ(policy.aws_detail()->code, "PolicyNotFoundException");
  EXPECT_EQ(policy.aws_detail()->request_id, "req-404");
  EXPECT_EQ(policy.aws_detail()->service, "organizations");
}

// What a metrics observer is told: the outcomes become Prometheus label values, so none has a space.
class RecordingObserver final : public AwsCallObserver {
 public:
  void OnAwsCall(const AwsCallAttempt& attempt) override { outcomes.emplace_back(attempt.outcome); }
  std::vector<std::string> outcomes;
};

TEST_F(OrganizationsClientTest, ObserverHearsEveryAttemptWithOutcomesFitForALabel) {
  RecordingObserver observer;
  AwsCallerDeps deps = local_.Deps();
  deps.observer = &observer;
  auto unreachable = std::make_unique<LocalHttpServer>(Replay);
  std::string closed_url = unreachable->url();
  unreachable.reset();  // nothing listens there any more: each attempt is refused
  OrganizationsClient refused(ParseEndpointUrl(closed_url, "organizations", "us-east-1").value(), deps);
  ASSERT_FALSE(refused.DescribePolicy("p-examplepolicyid111"));
  ASSERT_FALSE(observer.outcomes.empty());
  for (const std::string& outcome : observer.outcomes) EXPECT_EQ(outcome, "transport_error");

  observer.outcomes.clear();
  OrganizationsClient client(ParseEndpointUrl(server_.url(), "organizations", "us-east-1").value(), deps);
  ASSERT_TRUE(client.DescribePolicy("p-examplepolicyid111"));
  ASSERT_FALSE(client.DescribePolicy("p-missing"));
  EXPECT_EQ(observer.outcomes, (std::vector<std::string>{"ok", "PolicyNotFoundException"}));
}

}  // namespace
}  // namespace govd::accounts

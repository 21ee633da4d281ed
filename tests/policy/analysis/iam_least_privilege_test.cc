// The IAM policies of docs/aws-iam.md (docs/examples/iam/*.json), checked with govd's own
// evaluator: every AWS call govd makes in each mode is allowed, and calls it does not need are not.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

constexpr std::string_view kChildAccount = "111122223333";
constexpr std::string_view kChildGovd = "arn:aws:sts::111122223333:assumed-role/govd-child/i-0123456789abcdef0";
constexpr std::string_view kCentralGovd = "arn:aws:sts::444455556666:assumed-role/govd-central/i-0fedcba987654321f";
constexpr std::string_view kCentralAnalyst = "arn:aws:sts::444455556666:assumed-role/analyst/alice";
constexpr std::string_view kReaderRole = "arn:aws:iam::111122223333:role/govd-central-reader";
constexpr std::string_view kReaderSessionArn = "arn:aws:sts::111122223333:assumed-role/govd-central-reader/govd-central-4242";
constexpr std::string_view kExternalId = "govd-example-external-id";

// Who makes the call, and so which documents decide it.
enum class Caller {
  kChild,          // the child govd with child-govd.json
  kChildReaderRole,  // a child govd with [reader-role]: child-govd.json and child-govd-reader-trust.json
  kCentral,        // a central-account principal with central-govd.json, against the reader role's trust policy
  kReaderSession,  // the central govd's session of the reader role, with reader-role-permissions.json
};

struct Call {
  std::string_view why;  // the govd code that makes the call, or why it must be refused
  Caller caller;
  std::string_view principal;
  std::string_view action;
  std::string_view resource;
  std::vector<std::pair<std::string_view, std::string_view>> context;
};

// AWS sets aws:ResourceAccount on every S3 request: the account that owns the bucket.
Call S3(std::string_view why, Caller caller, std::string_view principal, std::string_view action,
        std::string_view resource, std::string_view owner = kChildAccount) {
  return {why, caller, principal, action, resource, {{"aws:ResourceAccount", owner}}};
}

Call List(std::string_view why, std::string_view principal, std::string_view bucket, std::string_view prefix) {
  return {why, Caller::kReaderSession, principal, "s3:ListBucket", bucket,
          {{"aws:ResourceAccount", kChildAccount}, {"s3:prefix", prefix}}};
}

Call Assume(std::string_view why, std::string_view principal, std::string_view role,
            std::vector<std::pair<std::string_view, std::string_view>> context) {
  return {why, Caller::kCentral, principal, "sts:AssumeRole", role, std::move(context)};
}

// Every call a child govd makes. Must list every call in accounts/*client*.h that govd uses in
// child mode (today: S3Client::GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy through
// daemon/reconcile/bucket_policy_access.cc, on each shared bucket of the tenant). Add a row when a child
// code path starts using another call, and the permission to child-govd.json.
std::vector<Call> ChildCalls() {
  return {
      S3("BucketReconciler::ReadPolicy -> GetBucketPolicy", Caller::kChild, kChildGovd, "s3:GetBucketPolicy",
         "arn:aws:s3:::govd-example-shared"),
      S3("BucketReconciler::Apply (put) -> PutBucketPolicy", Caller::kChild, kChildGovd, "s3:PutBucketPolicy",
         "arn:aws:s3:::govd-example-shared"),
      S3("BucketReconciler::Apply (delete) -> DeleteBucketPolicy", Caller::kChild, kChildGovd,
         "s3:DeleteBucketPolicy", "arn:aws:s3:::govd-example-shared"),
      S3("the same on the second shared bucket", Caller::kChild, kChildGovd, "s3:PutBucketPolicy",
         "arn:aws:s3:::govd-example-archive"),
  };
}

// A child govd with [reader-role] also makes these (daemon/reconcile/reader_trust_reconciler.cc).
std::vector<Call> ChildReaderRoleCalls() {
  return {
      {"ReaderTrustReconciler -> GetRole", Caller::kChildReaderRole, kChildGovd, "iam:GetRole", kReaderRole, {}},
      {"ReaderTrustReconciler -> UpdateAssumeRolePolicy", Caller::kChildReaderRole, kChildGovd,
       "iam:UpdateAssumeRolePolicy", kReaderRole, {}},
      S3("and still the bucket policies", Caller::kChildReaderRole, kChildGovd, "s3:PutBucketPolicy",
         "arn:aws:s3:::govd-example-shared"),
  };
}

// Every call a central govd makes. Must list every call in accounts/*client*.h that govd uses in
// central mode (today: StsClient::AssumeRole with ExternalId through AssumeRoleProvider in
// daemon/reconcile/central_puller.cc; S3Client::ListAllObjects (ListObjectsV2) and GetObject through
// accounts/pull/prefix_pull.cc, as the reader role's session, on each granted prefix).
std::vector<Call> CentralCalls() {
  return {
      Assume("CentralPuller::CredentialsFor -> AssumeRole of the reader role", kCentralGovd, kReaderRole,
             {{"sts:ExternalId", kExternalId}}),
      List("PullPrefix -> ListObjectsV2 prefix=shared/reports/", kReaderSessionArn, "arn:aws:s3:::govd-example-shared",
           "shared/reports/"),
      List("PullPrefix -> ListObjectsV2 prefix=shared/maps/", kReaderSessionArn, "arn:aws:s3:::govd-example-shared",
           "shared/maps/"),
      S3("PullPrefix -> GetObject under shared/reports/", Caller::kReaderSession, kReaderSessionArn, "s3:GetObject",
         "arn:aws:s3:::govd-example-shared/shared/reports/2026/q1.csv"),
      S3("PullPrefix -> GetObject under shared/maps/", Caller::kReaderSession, kReaderSessionArn, "s3:GetObject",
         "arn:aws:s3:::govd-example-shared/shared/maps/wards.geojson"),
  };
}

// Calls govd never needs; each must be refused.
std::vector<Call> NeedlessCalls() {
  constexpr std::string_view kShared = "arn:aws:s3:::govd-example-shared";
  return {
      S3("child writes no objects", Caller::kChild, kChildGovd, "s3:PutObject", "arn:aws:s3:::govd-example-shared/x"),
      S3("child deletes no objects", Caller::kChild, kChildGovd, "s3:DeleteObject",
         "arn:aws:s3:::govd-example-shared/x"),
      S3("child reads no objects", Caller::kChild, kChildGovd, "s3:GetObject", "arn:aws:s3:::govd-example-shared/x"),
      S3("child lists no objects", Caller::kChild, kChildGovd, "s3:ListBucket", kShared),
      S3("bucket not shared", Caller::kChild, kChildGovd, "s3:PutBucketPolicy", "arn:aws:s3:::payroll"),
      S3("bucket not shared", Caller::kChild, kChildGovd, "s3:GetBucketPolicy", "arn:aws:s3:::payroll"),
      S3("shared bucket's name owned by another account", Caller::kChild, kChildGovd, "s3:PutBucketPolicy", kShared,
         "999988887777"),
      S3("child deletes no buckets", Caller::kChild, kChildGovd, "s3:DeleteBucket", kShared),
      S3("child changes no ACLs", Caller::kChild, kChildGovd, "s3:PutBucketAcl", kShared),
      S3("child leaves Block Public Access alone", Caller::kChild, kChildGovd, "s3:PutBucketPublicAccessBlock", kShared),
      S3("child creates no buckets", Caller::kChild, kChildGovd, "s3:CreateBucket", "arn:aws:s3:::new-bucket"),
      {"child manages no IAM roles", Caller::kChild, kChildGovd, "iam:PutRolePolicy", kReaderRole, {}},
      {"child manages no IAM roles", Caller::kChild, kChildGovd, "iam:UpdateAssumeRolePolicy", kReaderRole, {}},
      {"child manages no IAM roles", Caller::kChild, kChildGovd, "iam:CreateRole",
       "arn:aws:iam::111122223333:role/anything", {}},
      {"reader-role child: no role's permissions", Caller::kChildReaderRole, kChildGovd, "iam:PutRolePolicy",
       kReaderRole, {}},
      {"reader-role child: no other role's trust", Caller::kChildReaderRole, kChildGovd, "iam:UpdateAssumeRolePolicy",
       "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole", {}},
      {"reader-role child: no new roles", Caller::kChildReaderRole, kChildGovd, "iam:CreateRole",
       "arn:aws:iam::111122223333:role/anything", {}},
      {"child assumes no roles", Caller::kChild, kChildGovd, "sts:AssumeRole", kReaderRole,
       {{"sts:ExternalId", kExternalId}}},
      Assume("AssumeRole without ExternalId", kCentralGovd, kReaderRole, {}),
      Assume("AssumeRole with a wrong ExternalId", kCentralGovd, kReaderRole, {{"sts:ExternalId", "guessed"}}),
      Assume("another central principal, even with the same identity policy", kCentralAnalyst, kReaderRole,
             {{"sts:ExternalId", kExternalId}}),
      Assume("another role of the child", kCentralGovd, "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
             {{"sts:ExternalId", kExternalId}}),
      {"central manages no IAM", Caller::kCentral, kCentralGovd, "iam:CreateRole",
       "arn:aws:iam::444455556666:role/x", {}},
      S3("central's own identity reads no child objects", Caller::kCentral, kCentralGovd, "s3:GetObject",
         "arn:aws:s3:::govd-example-shared/shared/reports/2026/q1.csv"),
      S3("reader: object outside the granted prefixes", Caller::kReaderSession, kReaderSessionArn, "s3:GetObject",
         "arn:aws:s3:::govd-example-shared/private/payroll.csv"),
      S3("reader: a prefix that only starts like a granted one", Caller::kReaderSession, kReaderSessionArn,
         "s3:GetObject", "arn:aws:s3:::govd-example-shared/shared/reports-draft/x"),
      S3("reader: another bucket", Caller::kReaderSession, kReaderSessionArn, "s3:GetObject",
         "arn:aws:s3:::payroll/shared/reports/x"),
      S3("reader: same bucket name owned by another account", Caller::kReaderSession, kReaderSessionArn,
         "s3:GetObject", "arn:aws:s3:::govd-example-shared/shared/reports/x", "999988887777"),
      List("reader: list the whole bucket", kReaderSessionArn, kShared, ""),
      List("reader: list above the granted prefixes", kReaderSessionArn, kShared, "shared/"),
      S3("reader: list without a prefix", Caller::kReaderSession, kReaderSessionArn, "s3:ListBucket", kShared),
      S3("reader writes no objects", Caller::kReaderSession, kReaderSessionArn, "s3:PutObject",
         "arn:aws:s3:::govd-example-shared/shared/reports/x"),
      S3("reader deletes no objects", Caller::kReaderSession, kReaderSessionArn, "s3:DeleteObject",
         "arn:aws:s3:::govd-example-shared/shared/reports/x"),
      S3("reader changes no bucket policy", Caller::kReaderSession, kReaderSessionArn, "s3:PutBucketPolicy", kShared),
      {"reader manages no IAM", Caller::kReaderSession, kReaderSessionArn, "iam:PutRolePolicy", kReaderRole, {}},
  };
}

Result<NamedPolicy> Load(std::string_view file, PolicyKind kind) {
  std::string path = std::string(GOVD_SOURCE_DIR) + "/docs/examples/iam/" + std::string(file);
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  GOVD_ASSIGN_OR_RETURN(Policy policy, ParsePolicy(text.str(), kind));
  return NamedPolicy{std::string(file), std::move(policy)};
}

Result<PolicySet> PoliciesOf(Caller caller) {
  PolicySet set;
  switch (caller) {
    case Caller::kChild: {
      GOVD_ASSIGN_OR_RETURN(NamedPolicy child, Load("child-govd.json", PolicyKind::kIdentity));
      set.identity.push_back(std::move(child));
      break;
    }
    case Caller::kChildReaderRole: {
      GOVD_ASSIGN_OR_RETURN(NamedPolicy child, Load("child-govd.json", PolicyKind::kIdentity));
      GOVD_ASSIGN_OR_RETURN(NamedPolicy trust, Load("child-govd-reader-trust.json", PolicyKind::kIdentity));
      set.identity.push_back(std::move(child));
      set.identity.push_back(std::move(trust));
      break;
    }
    case Caller::kCentral: {
      GOVD_ASSIGN_OR_RETURN(NamedPolicy central, Load("central-govd.json", PolicyKind::kIdentity));
      GOVD_ASSIGN_OR_RETURN(NamedPolicy trust, Load("reader-role-trust.json", PolicyKind::kTrust));
      set.identity.push_back(std::move(central));
      set.resource = std::move(trust);
      break;
    }
    case Caller::kReaderSession: {
      GOVD_ASSIGN_OR_RETURN(NamedPolicy reader, Load("reader-role-permissions.json", PolicyKind::kIdentity));
      set.identity.push_back(std::move(reader));
      break;
    }
  }
  return set;
}

AuthzRequest RequestOf(const Call& call) {
  AuthzRequest request{std::string(call.principal), std::string(call.action), std::string(call.resource), {}, {}};
  for (const auto& [key, value] : call.context) {
    request.context.Set(key, std::string(value));
    if (key == "aws:ResourceAccount") request.resource_account = std::string(value);
  }
  return request;
}

// The decision of the compiled evaluator, checked against the reference scan; "" on an error.
std::string Decide(const Call& call) {
  auto policies = PoliciesOf(call.caller);
  if (!policies) {
    ADD_FAILURE() << policies.error().ToString();
    return "";
  }
  AuthzRequest request = RequestOf(call);
  auto reference = EvaluateReference(*policies, request);
  CompiledPolicySet compiled(std::move(policies).value());
  auto evaluation = compiled.Evaluate(request);
  if (!evaluation || !reference) {
    ADD_FAILURE() << (evaluation ? reference.error() : evaluation.error()).ToString();
    return "";
  }
  EXPECT_EQ(evaluation->decision, *reference) << "compiled and reference evaluators disagree";
  return std::string(DecisionName(evaluation->decision)) + " (" + evaluation->reason + ")";
}

std::string Describe(const Call& call) {
  return std::string(call.why) + ": " + std::string(call.principal) + " " + std::string(call.action) + " " +
         std::string(call.resource);
}

void ExpectAllowed(const std::vector<Call>& calls) {
  for (const Call& call : calls) {
    std::string decision = Decide(call);
    EXPECT_TRUE(decision.starts_with("Allow ")) << Describe(call) << " -> " << decision;
  }
}

TEST(IamLeastPrivilegeTest, ExampleDocumentsParse) {
  for (Caller caller : {Caller::kChild, Caller::kChildReaderRole, Caller::kCentral, Caller::kReaderSession}) {
    auto policies = PoliciesOf(caller);
    EXPECT_TRUE(policies.has_value()) << policies.error().ToString();
  }
}

TEST(IamLeastPrivilegeTest, ChildPolicyAllowsEveryCallOfAChildGovd) { ExpectAllowed(ChildCalls()); }

TEST(IamLeastPrivilegeTest, ReaderRolePolicyAllowsEveryCallOfAChildGovdWithAReaderRole) {
  ExpectAllowed(ChildReaderRoleCalls());
}

TEST(IamLeastPrivilegeTest, CentralPoliciesAllowEveryCallOfACentralGovd) { ExpectAllowed(CentralCalls()); }

TEST(IamLeastPrivilegeTest, CallsGovdDoesNotNeedAreRefused) {
  for (const Call& call : NeedlessCalls()) {
    std::string decision = Decide(call);
    EXPECT_FALSE(decision.empty() || decision.starts_with("Allow ")) << Describe(call) << " -> " << decision;
  }
}

}  // namespace
}  // namespace govd::policy

#include "daemon/server/api_simulate.h"

#include "accounts/store/org_snapshot_of.h"
#include "daemon/api/simulate_report.h"
#include "policy/engine/case_reader.h"
#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::daemon {
namespace {

Status RefuseOwnPolicies(const Json::Value& body) {
  for (const char* member : {"scps", "rcps", "resourcePolicy"}) {
    if (body.isObject() && body.isMember(member) && !body[member].isNull()) {
      return InvalidArgument("govd supplies the organisation's policies; leave \"" + std::string(member) +
                                 "\" out (govctl simulate without --daemon takes your own)",
                             "/" + std::string(member));
    }
  }
  return Ok();
}

Result<policy::AuthzCase> ParseQuestion(const ApiRequest& request) {
  GOVD_TRY(RefuseOwnPolicies(request.body));
  Json::Value body = request.body;
  if (body.isObject() && !body.isMember("id")) body["id"] = "api";
  std::string line = WriteJson(body);
  line.pop_back();
  return policy::ParseCaseLine(line);
}

// The bucket of an S3 resource ARN ("arn:aws:s3:::bucket/key"); empty for other resources.
std::string BucketOf(const std::string& resource) {
  auto arn = policy::ParseArn(resource);
  if (!arn || arn->service != "s3") return "";
  return arn->resource.substr(0, arn->resource.find('/'));
}

// The actual policy of the resource's bucket, when the bucket is one of the tenant's.
Result<std::optional<policy::NamedPolicy>> ActualBucketPolicy(const accounts::Organisation& org,
                                                              BucketPolicyAccess& policies,
                                                              const std::string& resource) {
  std::string bucket = BucketOf(resource);
  for (const auto& b : org.buckets) {
    if (b.bucket != bucket) continue;
    GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, policies.Get({b.bucket, b.owner}));
    if (!text) return std::optional<policy::NamedPolicy>();
    auto parsed = policy::ParsePolicy(*text, policy::PolicyKind::kResource);
    if (!parsed) return parsed.error().WithContext("the actual policy of bucket " + bucket);
    return std::optional<policy::NamedPolicy>(policy::NamedPolicy{"bucket policy of " + bucket + " (actual)", *parsed});
  }
  return std::optional<policy::NamedPolicy>();
}

// An S3 ARN names no account; the store knows who owns the tenant's buckets.
void FillResourceAccount(const accounts::Organisation& org, policy::AuthzRequest& request) {
  if (!request.resource_account.empty()) return;
  std::string bucket = BucketOf(request.resource);
  for (const auto& b : org.buckets) {
    if (b.bucket == bucket) request.resource_account = b.owner.str();
  }
}

Json::Value UsedPolicies(const policy::PolicySet& set) {
  Json::Value used(Json::objectValue);
  used["scp_levels"] = Json::arrayValue;
  for (const auto& level : set.scps) {
    Json::Value names(Json::arrayValue);
    for (const auto& scp : level) names.append(scp.name);
    used["scp_levels"].append(names);
  }
  used["resource_policy"] = set.resource ? Json::Value(set.resource->name) : Json::Value();
  return used;
}

}  // namespace

ApiHandler MakeSimulateHandler(const ApiStore& store, TenantPolicyAccess policies) {
  return [&store, policies = std::move(policies)](const ApiRequest& request) -> Result<ApiResponse> {
    BucketPolicyAccess* access = policies(*request.route.tenant);
    if (access == nullptr) {
      return NotFound("this govd does not manage tenant " + request.route.tenant->str() +
                      "; ask the govd that does");
    }
    GOVD_ASSIGN_OR_RETURN(policy::AuthzCase question, ParseQuestion(request));
    GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> opened, store.Open(request));
    GOVD_ASSIGN_OR_RETURN(accounts::Organisation org, opened->ReadOrganisation());
    FillResourceAccount(org, question.request);
    GOVD_ASSIGN_OR_RETURN(policy::PreparedRequest prepared, policy::PrepareRequest(question.request));
    GOVD_ASSIGN_OR_RETURN(policy::OrgSnapshot snapshot, accounts::OrgSnapshotOf(org));
    policy::PolicySet set = std::move(question.policies);
    if (!prepared.account.empty()) {
      GOVD_ASSIGN_OR_RETURN(set.scps, policy::ScpLevels(snapshot, prepared.account));
    }
    GOVD_ASSIGN_OR_RETURN(set.resource, ActualBucketPolicy(org, *access, question.request.resource));
    ApiResponse response;
    response.body["organisation_policies"] = UsedPolicies(set);
    policy::CompiledPolicySet compiled(std::move(set));
    GOVD_ASSIGN_OR_RETURN(policy::Evaluation evaluation, compiled.Evaluate(question.request));
    response.body["evaluation"] = EvaluationJson(evaluation);
    return response;
  };
}

}  // namespace govd::daemon

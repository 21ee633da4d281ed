#include "daemon/api_simulate.h"

#include "daemon/simulate_report.h"
#include "policy/case_reader.h"
#include "policy/evaluator.h"
#include "policy/parser.h"

namespace govd::daemon {
namespace {

using accounts::GuardrailTarget;

constexpr std::string_view kFullAwsAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

Result<policy::NamedPolicy> Scp(std::string name, std::string_view document) {
  GOVD_ASSIGN_OR_RETURN(policy::Policy parsed, policy::ParsePolicy(document, policy::PolicyKind::kScp));
  return policy::NamedPolicy{std::move(name), std::move(parsed)};
}

// FullAWSAccess and the guardrails attached to `target_id`.
Result<std::vector<policy::NamedPolicy>> ScpsAt(const accounts::Organisation& org, GuardrailTarget kind,
                                                const std::string& target_id) {
  std::vector<policy::NamedPolicy> scps;
  GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy full, Scp("FullAWSAccess (implied)", kFullAwsAccess));
  scps.push_back(std::move(full));
  for (const auto& g : org.guardrails) {
    if (g.spec.target != kind || g.spec.target_id != target_id) continue;
    GOVD_ASSIGN_OR_RETURN(policy::NamedPolicy scp, Scp("guardrail " + g.spec.name, g.spec.document));
    scps.push_back(std::move(scp));
  }
  return scps;
}

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

Result<policy::OrgSnapshot> SnapshotOf(const accounts::Organisation& org) {
  policy::OrgSnapshot snapshot;
  for (const auto& ou : org.ous) {
    GuardrailTarget kind = ou.parent_id.empty() ? GuardrailTarget::kRoot : GuardrailTarget::kOu;
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsAt(org, kind, ou.id));
    snapshot.units.push_back({ou.id, ou.name, ou.parent_id, std::move(scps)});
  }
  for (const auto& a : org.accounts) {
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpsAt(org, GuardrailTarget::kAccount, a.id.str()));
    snapshot.accounts.push_back({a.id.str(), a.name, a.ou_id, std::move(scps)});
  }
  for (const auto& b : org.buckets) snapshot.buckets.push_back({b.bucket, b.owner.str(), std::nullopt});
  return snapshot;
}

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
    GOVD_ASSIGN_OR_RETURN(policy::OrgSnapshot snapshot, SnapshotOf(org));
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

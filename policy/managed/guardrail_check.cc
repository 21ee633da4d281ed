// policy/managed/guardrail_check.cc: one evaluation per action the grant gives, SCPs from the snapshot.
#include "policy/managed/guardrail_check.h"

#include <vector>

#include "policy/engine/authz_request.h"
#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

// The grantee's own account allowing everything: only the guardrails and the statement decide.
Result<NamedPolicy> AssumedIdentity() {
  GOVD_ASSIGN_OR_RETURN(Policy policy, ParsePolicy(R"({"Version":"2012-10-17","Statement":[)"
                                                   R"({"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                                   PolicyKind::kIdentity));
  return NamedPolicy{"(the grantee's own permissions, assumed to allow)", std::move(policy)};
}

Result<NamedPolicy> GrantStatement(const BucketShare& share, const std::string& action, const std::string& resource) {
  Json::Value statement(Json::objectValue);
  statement["Effect"] = "Allow";
  statement["Principal"]["AWS"] = share.principal;
  statement["Action"] = action;
  statement["Resource"] = resource;
  Json::Value document(Json::objectValue);
  document["Version"] = "2012-10-17";
  document["Statement"].append(statement);
  GOVD_ASSIGN_OR_RETURN(Policy policy, ParsePolicyValue(document, PolicyKind::kResource));
  return NamedPolicy{"(the grant's statement)", std::move(policy)};
}

}  // namespace

Result<std::optional<std::string>> GuardrailDenial(const OrgSnapshot& org, const BucketShare& share,
                                                   std::string_view bucket_owner) {
  // A whole account as the grantee: which of its principals will use the grant is the account's
  // own choice, and guardrails may treat them differently, so there is no one answer to give.
  if (share.principal.starts_with("arn:") && share.principal.ends_with(":root")) return std::optional<std::string>();
  struct Probe {
    std::string action;
    std::string resource;
  };
  std::vector<Probe> probes{{"s3:GetObject", "arn:aws:s3:::" + share.bucket + "/" + share.prefix}};
  if (share.list) probes.push_back({"s3:ListBucket", "arn:aws:s3:::" + share.bucket});
  for (const Probe& probe : probes) {
    AuthzRequest request{share.principal, probe.action, probe.resource, std::string(bucket_owner), {}};
    GOVD_ASSIGN_OR_RETURN(PreparedRequest prepared, PrepareRequest(request));
    if (prepared.account.empty()) return std::optional<std::string>();
    GOVD_ASSIGN_OR_RETURN(auto scps, ScpLevels(org, prepared.account));
    if (scps.empty()) return std::optional<std::string>();  // not a member: no guardrails apply
    request.context.Set("aws:PrincipalArn", share.principal);
    request.context.Set("aws:PrincipalAccount", prepared.account);
    if (!org.org_id.empty()) request.context.Set("aws:PrincipalOrgID", org.org_id);
    request.context.Set("aws:ResourceAccount", std::string(bucket_owner));
    request.context.Set("aws:SecureTransport", "true");
    if (probe.action == "s3:ListBucket") request.context.Set("s3:prefix", share.prefix);
    PolicySet set;
    set.scps = std::move(scps);
    GOVD_ASSIGN_OR_RETURN(NamedPolicy identity, AssumedIdentity());
    set.identity.push_back(std::move(identity));
    GOVD_ASSIGN_OR_RETURN(set.resource, GrantStatement(share, probe.action, probe.resource));
    CompiledPolicySet compiled(std::move(set));
    Evaluation evaluation;
    compiled.Evaluate(prepared, evaluation);  // `prepared` reads the context set above when evaluated
    if (evaluation.decision != Decision::kAllow) {
      return std::optional<std::string>("the organisation's guardrails refuse " + probe.action + " on " +
                                        probe.resource + " to " + share.principal + ": " +
                                        evaluation.DescribeRule());
    }
  }
  return std::optional<std::string>();
}

}  // namespace govd::policy

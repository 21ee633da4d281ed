#include "accounts/aws/iam_client.h"

#include "accounts/aws/query_protocol.h"
#include "base/uri.h"

namespace govd::accounts {
namespace {

constexpr std::string_view kIamVersion = "2010-05-08";

Result<IamRole> ReadRole(const XmlElement& result, std::string_view action) {
  const XmlElement* role = result.Child("Role");
  if (role == nullptr || role->ChildText("Arn").empty()) {
    return InvalidArgument("IAM answer has no role", std::string(action) + "Result/Role");
  }
  IamRole out;
  out.name = role->ChildText("RoleName");
  out.arn = role->ChildText("Arn");
  out.role_id = role->ChildText("RoleId");
  out.path = role->ChildText("Path");
  out.assume_role_policy = govd::PercentDecode(role->ChildText("AssumeRolePolicyDocument"));
  std::string duration = role->ChildText("MaxSessionDuration");
  out.max_session_duration = duration.empty() ? 0 : std::atoi(duration.c_str());
  return out;
}

}  // namespace

AwsResult<IamRole> IamClient::GetRole(const std::string& role_name) {
  GOVD_AWS_ASSIGN_OR_RETURN(XmlElement result,
                            CallQueryAction(caller_, "GetRole", kIamVersion, {{"RoleName", role_name}}));
  GOVD_ASSIGN_OR_RETURN(IamRole role, ReadRole(result, "GetRole"));
  return role;
}

AwsResult<IamRole> IamClient::CreateRole(const CreateRoleRequest& request) {
  QueryParams params{{"RoleName", request.name},
                     {"AssumeRolePolicyDocument", request.assume_role_policy},
                     {"Path", request.path}};
  if (!request.description.empty()) params.emplace_back("Description", request.description);
  if (request.max_session_duration) {
    params.emplace_back("MaxSessionDuration", std::to_string(*request.max_session_duration));
  }
  GOVD_AWS_ASSIGN_OR_RETURN(XmlElement result, CallQueryAction(caller_, "CreateRole", kIamVersion, params));
  GOVD_ASSIGN_OR_RETURN(IamRole role, ReadRole(result, "CreateRole"));
  return role;
}

AwsStatus IamClient::UpdateAssumeRolePolicy(const std::string& role_name, const std::string& policy_json) {
  GOVD_AWS_TRY(CallQueryAction(caller_, "UpdateAssumeRolePolicy", kIamVersion,
                               {{"RoleName", role_name}, {"PolicyDocument", policy_json}}));
  return {};
}

AwsStatus IamClient::PutRolePolicy(const std::string& role_name, const std::string& policy_name,
                                   const std::string& policy_json) {
  GOVD_AWS_TRY(CallQueryAction(caller_, "PutRolePolicy", kIamVersion,
                               {{"RoleName", role_name}, {"PolicyName", policy_name}, {"PolicyDocument", policy_json}}));
  return {};
}

AwsResult<std::string> IamClient::GetRolePolicy(const std::string& role_name, const std::string& policy_name) {
  GOVD_AWS_ASSIGN_OR_RETURN(
      XmlElement result,
      CallQueryAction(caller_, "GetRolePolicy", kIamVersion, {{"RoleName", role_name}, {"PolicyName", policy_name}}));
  return govd::PercentDecode(result.ChildText("PolicyDocument"));
}

}  // namespace govd::accounts

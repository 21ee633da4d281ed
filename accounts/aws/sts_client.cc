#include "accounts/aws/sts_client.h"

#include "accounts/aws/query_protocol.h"
#include "base/iso8601.h"

namespace govd::accounts {
namespace {

constexpr std::string_view kStsVersion = "2011-06-15";

// Reads the credentials without a copy of the secret or the token outside signer::Credentials.
Result<AssumedRole> ReadAssumedRole(const XmlElement& result, std::string_view action) {
  const XmlElement* credentials = result.Child("Credentials");
  std::string where = std::string(action) + "Result/Credentials";
  const XmlElement* secret = credentials != nullptr ? credentials->Child("SecretAccessKey") : nullptr;
  if (credentials == nullptr || credentials->ChildText("AccessKeyId").empty() || secret == nullptr ||
      secret->text.empty()) {
    return InvalidArgument("STS answer has no credentials", where);
  }
  const XmlElement* token = credentials->Child("SessionToken");
  GOVD_ASSIGN_OR_RETURN(auto expiration, ParseIso8601(credentials->ChildText("Expiration"), where + "/Expiration"));
  AssumedRole role{
      .credentials = {signer::Credentials(credentials->ChildText("AccessKeyId"), secret->text,
                                          token != nullptr ? token->text : std::string()),
                      expiration},
      .assumed_role_arn = {},
      .assumed_role_id = {},
      .source_identity = result.ChildText("SourceIdentity")};
  if (const XmlElement* user = result.Child("AssumedRoleUser")) {
    role.assumed_role_arn = user->ChildText("Arn");
    role.assumed_role_id = user->ChildText("AssumedRoleId");
  }
  return role;
}

}  // namespace

AwsResult<AssumedRole> StsClient::AssumeRole(const AssumeRoleRequest& request) {
  QueryParams params{{"RoleArn", request.role_arn}, {"RoleSessionName", request.session_name}};
  if (request.external_id) params.emplace_back("ExternalId", *request.external_id);
  if (request.duration_seconds) params.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  if (request.source_identity) params.emplace_back("SourceIdentity", *request.source_identity);
  GOVD_AWS_ASSIGN_OR_RETURN(XmlElement result, CallQueryAction(caller_, "AssumeRole", kStsVersion, params));
  Result<AssumedRole> role = ReadAssumedRole(result, "AssumeRole");
  WipeXmlTree(result);
  GOVD_ASSIGN_OR_RETURN(AssumedRole assumed, std::move(role));
  return assumed;
}

AwsResult<AssumedRole> StsClient::AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                            const std::string& session_name,
                                                            const std::string& web_identity_token) {
  QueryParams params{{"RoleArn", role_arn}, {"RoleSessionName", session_name},
                     {"WebIdentityToken", web_identity_token}};
  GOVD_AWS_ASSIGN_OR_RETURN(XmlElement result,
                            CallQueryAction(caller_, "AssumeRoleWithWebIdentity", kStsVersion, params));
  Result<AssumedRole> role = ReadAssumedRole(result, "AssumeRoleWithWebIdentity");
  WipeXmlTree(result);
  GOVD_ASSIGN_OR_RETURN(AssumedRole assumed, std::move(role));
  return assumed;
}

AwsResult<CallerIdentity> StsClient::GetCallerIdentity() {
  GOVD_AWS_ASSIGN_OR_RETURN(XmlElement result, CallQueryAction(caller_, "GetCallerIdentity", kStsVersion, {}));
  return CallerIdentity{result.ChildText("Account"), result.ChildText("Arn"), result.ChildText("UserId")};
}

}  // namespace govd::accounts

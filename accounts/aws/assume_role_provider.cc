#include "accounts/aws/assume_role_provider.h"

namespace govd::accounts {

Result<AwsCredentials> AssumeRoleProvider::Resolve() {
  StsClient sts(sts_endpoint_, deps_);
  auto role = sts.AssumeRole(request_);
  if (!role) return role.error().WithContext("assuming " + request_.role_arn);
  return std::move(role->credentials);
}

}  // namespace govd::accounts

// accounts/aws/iam_client.h
// The IAM role operations govd needs to manage a child's reader role: GetRole, CreateRole,
// UpdateAssumeRolePolicy, PutRolePolicy, GetRolePolicy. Policy documents go out and come back
// as JSON text (IAM returns them URL-encoded; they are decoded here).
// Thread safety: as AwsCaller. Blocks. Never logs.
#pragma once

#include <optional>
#include <string>

#include "accounts/aws/aws_caller.h"

namespace govd::accounts {

struct IamRole {
  std::string name;
  std::string arn;
  std::string role_id;
  std::string path;
  std::string assume_role_policy;  // JSON
  int max_session_duration = 0;
};

struct CreateRoleRequest {
  std::string name;
  std::string assume_role_policy;  // JSON
  std::string path = "/";
  std::string description;
  std::optional<int> max_session_duration;
};

class IamClient {
 public:
  IamClient(AwsEndpoint endpoint, AwsCallerDeps deps) : caller_(std::move(endpoint), deps) {}

  AwsResult<IamRole> GetRole(const std::string& role_name);
  AwsResult<IamRole> CreateRole(const CreateRoleRequest& request);
  AwsStatus UpdateAssumeRolePolicy(const std::string& role_name, const std::string& policy_json);
  AwsStatus PutRolePolicy(const std::string& role_name, const std::string& policy_name,
                          const std::string& policy_json);
  // The inline policy's JSON. kNotFound (NoSuchEntity) when the role or policy does not exist.
  AwsResult<std::string> GetRolePolicy(const std::string& role_name, const std::string& policy_name);

 private:
  AwsCaller caller_;
};

}  // namespace govd::accounts

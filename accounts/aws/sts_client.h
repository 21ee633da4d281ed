// accounts/aws/sts_client.h
// STS: AssumeRole (with ExternalId, session name, duration and source identity),
// AssumeRoleWithWebIdentity (for the credential chain; unsigned) and GetCallerIdentity.
// Thread safety: as AwsCaller. Blocks.
// Never logs; the returned credentials are secrets (see credentials_provider.h).
#pragma once

#include <optional>
#include <string>

#include "accounts/aws/aws_caller.h"
#include "accounts/aws/credentials_provider.h"

namespace govd::accounts {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;  // 2-64 of [\w+=,.@-]
  std::optional<std::string> external_id;
  std::optional<int> duration_seconds;  // 900..43200; AWS's default is 3600
  std::optional<std::string> source_identity;
};

struct AssumedRole {
  AwsCredentials credentials;  // with session token and expiration
  std::string assumed_role_arn;  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
  std::string assumed_role_id;
  std::string source_identity;
};

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

class StsClient {
 public:
  StsClient(AwsEndpoint endpoint, AwsCallerDeps deps) : caller_(std::move(endpoint), deps) {}

  AwsResult<AssumedRole> AssumeRole(const AssumeRoleRequest& request);
  AwsResult<AssumedRole> AssumeRoleWithWebIdentity(const std::string& role_arn, const std::string& session_name,
                                                   const std::string& web_identity_token);
  AwsResult<CallerIdentity> GetCallerIdentity();

 private:
  AwsCaller caller_;
};

}  // namespace govd::accounts

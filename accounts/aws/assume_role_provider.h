// accounts/aws/assume_role_provider.h
// Credentials of a role in another account: STS AssumeRole, signed with the caller's own
// credentials (deps.credentials), with the ExternalId the role's owner asked for. Each Resolve()
// asks STS for a fresh session; wrap it in a CachingCredentialsProvider to reuse a session until
// it nears its expiry. Central mode uses it to read a child's prefixes through the child's reader role.
// Thread safety: Resolve() may run concurrently (each call makes its own StsClient).
// Never logs; errors name the role ARN, never keys, tokens or the ExternalId.
#pragma once

#include <string>

#include "accounts/aws/aws_caller.h"
#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/sts_client.h"

namespace govd::accounts {

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  // REQUIRES: deps.credentials is set (AssumeRole is a signed call); everything deps references
  // outlives the provider.
  AssumeRoleProvider(AwsEndpoint sts_endpoint, AwsCallerDeps deps, AssumeRoleRequest request)
      : sts_endpoint_(std::move(sts_endpoint)), deps_(deps), request_(std::move(request)) {}

  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "assumed role " + request_.role_arn; }

 private:
  AwsEndpoint sts_endpoint_;
  AwsCallerDeps deps_;
  AssumeRoleRequest request_;
};

}  // namespace govd::accounts

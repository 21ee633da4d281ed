// accounts/aws/credential_chain.h
// The AWS CLI's credential search order: environment variables, web identity token file,
// shared config/credentials profile (AWS_PROFILE; role_arn + source_profile chains), ECS
// container credentials, EC2 instance metadata (IMDSv2). The first source that is configured
// answers; a configured source that fails stops the search with its error (as the CLI does), so
// a broken profile is never silently replaced by the instance role.
// Thread safety: Resolve() may run concurrently. Never logs.
#pragma once

#include <vector>

#include "accounts/aws/credential_sources.h"

namespace govd::accounts {

class CredentialChain final : public CredentialsProvider {
 public:
  explicit CredentialChain(std::vector<CredentialsProviderPtr> providers) : providers_(std::move(providers)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "default credential chain"; }

 private:
  std::vector<CredentialsProviderPtr> providers_;
};

// The default chain, wrapped in a CachingCredentialsProvider that refreshes 5 minutes before expiry.
CredentialsProviderPtr MakeDefaultCredentialChain(const CredentialSourceDeps& deps);

}  // namespace govd::accounts

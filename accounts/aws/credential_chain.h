// accounts/aws/credential_chain.h
// The AWS CLI's credential search order: environment variables, web identity token file,
// shared config/credentials profile (role_arn + source_profile chains, SSO, static keys,
// credential_process), ECS container credentials, EC2 instance metadata (IMDSv2). The first
// source that is configured answers; a configured source that fails stops the search with its
// error (as the CLI does), so a broken profile is never silently replaced by the instance role.
// A profile chosen by --profile or AWS_PROFILE is the only source searched.
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
// `profile` is the --profile flag (empty: none). When it or AWS_PROFILE names a profile, the chain
// holds that profile alone: the environment's keys, the container and the instance role are not
// tried, and a profile that cannot be used is an error naming it.
CredentialsProviderPtr MakeDefaultCredentialChain(const CredentialSourceDeps& deps,
                                                  const std::string& profile = {});

}  // namespace govd::accounts

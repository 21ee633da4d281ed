#include "accounts/aws/credential_chain.h"

#include "accounts/aws/caching_credentials_provider.h"

namespace govd::accounts {

Result<AwsCredentials> CredentialChain::Resolve() {
  std::string tried;
  for (const auto& provider : providers_) {
    auto result = provider->Resolve();
    if (result) return result;
    if (result.error().code() != ErrorCode::kNotFound) {
      return result.error().WithContext("credentials from " + provider->Name());
    }
    tried += (tried.empty() ? "" : "; ") + provider->Name() + ": " + result.error().message();
  }
  return NotFound("no AWS credentials found (" + tried + ")");
}

CredentialsProviderPtr MakeDefaultCredentialChain(const CredentialSourceDeps& deps,
                                                  const std::string& profile) {
  std::vector<CredentialsProviderPtr> providers;
  if (ChooseProfile(deps.env, profile).explicit_choice) {
    providers.push_back(std::make_unique<ProfileCredentialsProvider>(deps, profile));
    return std::make_unique<CachingCredentialsProvider>(
        std::make_unique<CredentialChain>(std::move(providers)), deps.time);
  }
  providers.push_back(std::make_unique<EnvironmentCredentialsProvider>(deps.env));
  providers.push_back(std::make_unique<WebIdentityCredentialsProvider>(deps));
  providers.push_back(std::make_unique<ProfileCredentialsProvider>(deps));
  providers.push_back(std::make_unique<ContainerCredentialsProvider>(deps));
  providers.push_back(std::make_unique<ImdsCredentialsProvider>(deps));
  return std::make_unique<CachingCredentialsProvider>(std::make_unique<CredentialChain>(std::move(providers)),
                                                      deps.time);
}

}  // namespace govd::accounts

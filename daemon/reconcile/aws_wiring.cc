#include "daemon/reconcile/aws_wiring.h"

#include "accounts/aws/assume_role_provider.h"
#include "accounts/aws/caching_credentials_provider.h"
#include "accounts/aws/credential_chain.h"

namespace govd::daemon {
namespace {

// The endpoint of `service`: AWS's default, or the configured override (named in errors by `key`).
Result<accounts::AwsEndpoint> Endpoint(const std::string& override_url, const char* service,
                                       const std::string& region, accounts::AwsEndpoint aws_default,
                                       const char* key) {
  if (override_url.empty()) return aws_default;
  auto custom = accounts::ParseEndpointUrl(override_url, service, region);
  if (!custom) return custom.error().WithContext(key);
  return custom;
}

}  // namespace

Result<accounts::AwsEndpoint> S3EndpointOf(const Config& config) {
  return Endpoint(config.endpoints.s3, "s3", config.region, accounts::DefaultS3Endpoint(config.region),
                  "aws.s3-endpoint");
}

Result<accounts::AwsEndpoint> StsEndpointOf(const Config& config) {
  return Endpoint(config.endpoints.sts, "sts", config.region, accounts::DefaultStsEndpoint(config.region),
                  "aws.sts-endpoint");
}

Result<accounts::AwsEndpoint> IamEndpointOf(const Config& config) {
  return Endpoint(config.endpoints.iam, "iam", "us-east-1", accounts::DefaultIamEndpoint(), "aws.iam-endpoint");
}

accounts::CredentialsProviderPtr OwnCredentials(const Config& config, const accounts::CredentialSourceDeps& deps) {
  if (!config.static_keys) return accounts::MakeDefaultCredentialChain(deps);
  return StaticCredentials(*config.static_keys);
}

accounts::CredentialsProviderPtr StaticCredentials(const signer::Credentials& keys) {
  return std::make_unique<accounts::StaticCredentialsProvider>(accounts::AwsCredentials{keys, std::nullopt});
}

accounts::CredentialsProviderPtr AssumedRoleCredentials(const accounts::AwsEndpoint& sts,
                                                        const accounts::AwsCallerDeps& caller,
                                                        std::string role_arn, const std::string& external_id,
                                                        std::string session_name) {
  accounts::AssumeRoleRequest request{
      .role_arn = std::move(role_arn),
      .session_name = std::move(session_name),
      .external_id = external_id.empty() ? std::nullopt : std::optional<std::string>(external_id),
      .duration_seconds = std::nullopt,
      .source_identity = std::nullopt};
  auto assume = std::make_unique<accounts::AssumeRoleProvider>(sts, caller, std::move(request));
  return std::make_unique<accounts::CachingCredentialsProvider>(std::move(assume), caller.time);
}

}  // namespace govd::daemon

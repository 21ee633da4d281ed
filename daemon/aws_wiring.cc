#include "daemon/aws_wiring.h"

#include "accounts/credential_chain.h"

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

accounts::CredentialsProviderPtr OwnCredentials(const Config& config, const accounts::CredentialSourceDeps& deps) {
  if (!config.static_keys) return accounts::MakeDefaultCredentialChain(deps);
  return std::make_unique<accounts::StaticCredentialsProvider>(
      accounts::AwsCredentials{*config.static_keys, std::nullopt});
}

}  // namespace govd::daemon

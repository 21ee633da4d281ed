// daemon/reconcile/aws_wiring.h
// What every AWS-facing part of govd builds the same way from the configuration: a service's
// endpoint (AWS's default for the region, or the configured override for an S3-compatible
// server) and the daemon's own credentials (static keys from the protected config file, else the
// AWS CLI's default credential chain), static keys of a tenant, and an assumed role's session.
// Thread safety: stateless functions. Never logs; errors name the config key, never a key.
#pragma once

#include "accounts/aws/aws_caller.h"
#include "accounts/aws/aws_endpoint.h"
#include "accounts/aws/credential_sources.h"
#include "base/result.h"
#include "daemon/service/config.h"

namespace govd::daemon {

// The S3 endpoint; an override means an S3-compatible server, which govd addresses path-style.
Result<accounts::AwsEndpoint> S3EndpointOf(const Config& config);
Result<accounts::AwsEndpoint> StsEndpointOf(const Config& config);
// IAM is global: signed for us-east-1 whatever the region, also at an overridden endpoint.
Result<accounts::AwsEndpoint> IamEndpointOf(const Config& config);

// The daemon's own identity. `deps` must outlive the provider.
accounts::CredentialsProviderPtr OwnCredentials(const Config& config, const accounts::CredentialSourceDeps& deps);

// Fixed keys (a [tenant.*] section's), as a provider.
accounts::CredentialsProviderPtr StaticCredentials(const signer::Credentials& keys);

// A session of `role_arn`, assumed through `sts` with the credentials of `caller` (sending
// `external_id` unless empty) and reused until it nears its expiry. Everything `caller` references
// must outlive the provider.
accounts::CredentialsProviderPtr AssumedRoleCredentials(const accounts::AwsEndpoint& sts,
                                                        const accounts::AwsCallerDeps& caller,
                                                        std::string role_arn, const std::string& external_id,
                                                        std::string session_name);

}  // namespace govd::daemon

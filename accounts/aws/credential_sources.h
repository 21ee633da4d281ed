// accounts/aws/credential_sources.h
// The places the AWS CLI looks for credentials, one provider each:
//   EnvironmentCredentialsProvider   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   WebIdentityCredentialsProvider   AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
//                                    (STS AssumeRoleWithWebIdentity, unsigned)
//   ProfileCredentialsProvider       shared config/credentials files, --profile or AWS_PROFILE;
//                                    role_arn + source_profile chains (STS AssumeRole),
//                                    role_arn + web_identity_token_file, IAM Identity Center
//                                    (sso_session / sso_start_url, sso_credentials.h), static
//                                    keys, credential_process (credential_process.h)
//   ContainerCredentialsProvider     ECS: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI,
//                                    AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   ImdsCredentialsProvider          EC2 instance metadata, IMDSv2 only (session token first)
// Each returns kNotFound when its source is not configured. The environment is injected
// (EnvLookup) and files are named from it (HOME, AWS_CONFIG_FILE, ...), so tests use a
// temporary HOME; the daemon passes ProcessEnvironment().
// Thread safety: Resolve() may run concurrently. Never logs; error messages never contain key
// material, tokens or the contents of credential files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accounts/aws/aws_endpoint.h"
#include "accounts/aws/credentials_provider.h"
#include "accounts/aws/http_transport.h"
#include "accounts/aws/retry_strategy.h"
#include "accounts/aws/shared_config.h"
#include "base/clock.h"

namespace govd::accounts {

// The process environment (getenv). Only for main(): libraries take an EnvLookup.
EnvLookup ProcessEnvironment();

// What the providers that talk to STS, ECS or IMDS need. All referenced objects must outlive the
// providers.
struct CredentialSourceDeps {
  EnvLookup env;
  HttpTransport& transport;
  RetryStrategy& retry;
  const Clock& time;
  AwsEndpoint sts_endpoint;  // where role_arn profiles and web identity go
};

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(EnvLookup env) : env_(std::move(env)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "environment"; }

 private:
  EnvLookup env_;
};

class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  explicit WebIdentityCredentialsProvider(CredentialSourceDeps deps) : deps_(std::move(deps)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "web identity"; }

 private:
  CredentialSourceDeps deps_;
};

// Within the profile, the AWS CLI's order: role_arn, SSO, static keys, credential_process.
// A profile chosen explicitly (--profile, AWS_PROFILE) that is missing or holds no credentials is
// kFailedPrecondition naming the profile and the files; only the implicit "default" is kNotFound.
class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  // profile: the --profile flag; empty means AWS_PROFILE, then "default".
  ProfileCredentialsProvider(CredentialSourceDeps deps, std::string profile = {})
      : deps_(std::move(deps)), profile_(std::move(profile)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "shared config profile"; }

 private:
  CredentialSourceDeps deps_;
  std::string profile_;
};

class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ContainerCredentialsProvider(CredentialSourceDeps deps) : deps_(std::move(deps)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "container (ECS)"; }

 private:
  CredentialSourceDeps deps_;
};

class ImdsCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ImdsCredentialsProvider(CredentialSourceDeps deps) : deps_(std::move(deps)) {}
  Result<AwsCredentials> Resolve() override;
  std::string Name() const override { return "EC2 instance metadata (IMDSv2)"; }

 private:
  CredentialSourceDeps deps_;
};

// http on 127.0.0.1, localhost, [::1] or the ECS addresses (169.254.170.2 and .23).
bool IsLoopbackHttp(std::string_view url);

// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}: the document ECS and IMDS serve.
Result<AwsCredentials> ParseCredentialsDocument(std::string_view json, std::string_view source);

}  // namespace govd::accounts

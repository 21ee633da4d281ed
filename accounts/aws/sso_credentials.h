// accounts/aws/sso_credentials.h
// IAM Identity Center (SSO) profiles, as the AWS CLI writes them:
//   [profile dev]                       [sso-session corp]
//   sso_session = corp                  sso_start_url = https://corp.awsapps.com/start
//   sso_account_id = 111122223333       sso_region = eu-west-2
//   sso_role_name = ReadOnly
// or the legacy form with sso_start_url and sso_region in the profile itself. `aws sso login`
// leaves a token in ~/.aws/sso/cache/<sha1 hex of the session name, or of the start URL for the
// legacy form>.json ({"accessToken", "expiresAt", ...}); govd reads it (never writes or refreshes
// it) and calls the portal's GetRoleCredentials:
//   GET https://portal.sso.REGION.amazonaws.com/federation/credentials?role_name=R&account_id=A
//   x-amz-sso_bearer_token: TOKEN
// AWS_ENDPOINT_URL_SSO overrides the portal (https, or http on a loopback address only).
// Parsing is pure; ResolveSsoProfile reads the cache file and makes one HTTP call.
// Thread safe. Never logs; errors never contain the token or the credentials. The cache file's
// text, the token's header and the portal's answer are wiped once read (jsoncpp's own copies
// while parsing are not).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/aws/credential_sources.h"
#include "accounts/aws/shared_config.h"

namespace govd::accounts {

struct SsoProfile {
  std::string session_name;  // empty for the legacy form
  std::string start_url;
  std::string region;  // sso_region: where the portal is
  std::string account_id;
  std::string role_name;
};

// The profile's SSO settings; nullopt when it names neither sso_session nor sso_start_url;
// kInvalidArgument naming the profile, the file and the missing key when they are incomplete.
Result<std::optional<SsoProfile>> SsoProfileOf(const SharedConfig& shared, const std::string& profile_name);

// "<sha1 hex>.json", the name the AWS CLI gives the token's cache file.
std::string SsoCacheFileName(const SsoProfile& sso);

struct SsoToken {
  std::string access_token;
  std::chrono::system_clock::time_point expires_at;
};

// The cache file's {"accessToken", "expiresAt"}. kInvalidArgument naming `file`.
Result<SsoToken> ParseSsoToken(std::string_view json, std::string_view file);

// GetRoleCredentials' {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
// "expiration" (milliseconds since 1970)}}.
Result<AwsCredentials> ParseSsoRoleCredentials(std::string_view json);

// Reads the cached token (an expired or missing one is kFailedPrecondition saying to run
// `aws sso login --profile PROFILE`) and exchanges it for the role's credentials.
Result<AwsCredentials> ResolveSsoProfile(const CredentialSourceDeps& deps, const SsoProfile& sso,
                                         const std::string& profile_name);

}  // namespace govd::accounts

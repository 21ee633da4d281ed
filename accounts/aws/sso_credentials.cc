#include "accounts/aws/sso_credentials.h"

#include <json/json.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>

#include "base/iso8601.h"
#include "base/json_text.h"
#include "base/uri.h"
#include "signer/credentials.h"
#include "signer/crypto.h"

namespace govd::accounts {
namespace {

constexpr std::chrono::milliseconds kPortalTimeout{10'000};

std::string Sha1Hex(std::string_view data) {
  std::array<std::uint8_t, 20> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr);
  return signer::HexEncode(digest);
}

std::string Text(const Json::Value& doc, const char* field) {
  const Json::Value& value = doc[field];
  return value.isString() ? value.asString() : std::string();
}

std::string LoginHint(const std::string& profile_name) {
  return "; run `aws sso login --profile " + profile_name + "`";
}

// The value of `key` in `section`, or an error naming what lacks it.
Result<std::string> Required(const Profile& section, const char* key, const std::string& what) {
  auto it = section.find(key);
  if (it == section.end() || it->second.empty()) return InvalidArgument(what + " has no " + key);
  return it->second;
}

Result<std::string> PortalBaseUrl(const CredentialSourceDeps& deps, const std::string& region) {
  std::string custom = EnvOr(deps.env, "AWS_ENDPOINT_URL_SSO");
  if (custom.empty()) return "https://portal.sso." + region + ".amazonaws.com";
  if (!custom.starts_with("https://") && !IsLoopbackHttp(custom)) {
    return InvalidArgument("must be https, or http on a loopback address", "AWS_ENDPOINT_URL_SSO");
  }
  while (custom.ends_with('/')) custom.pop_back();
  return custom;
}

}  // namespace

Result<std::optional<SsoProfile>> SsoProfileOf(const SharedConfig& shared, const std::string& profile_name) {
  const Profile& profile = shared.profiles.at(profile_name);
  const std::string what = "profile '" + profile_name + "' in " + shared.config_path;
  SsoProfile sso;
  if (auto session = profile.find("sso_session"); session != profile.end()) {
    sso.session_name = session->second;
    auto section = shared.sso_sessions.find(sso.session_name);
    if (section == shared.sso_sessions.end()) {
      return InvalidArgument(what + " names sso_session '" + sso.session_name +
                             "', but there is no [sso-session " + sso.session_name + "] section");
    }
    const std::string session_what = "[sso-session " + sso.session_name + "] in " + shared.config_path;
    GOVD_ASSIGN_OR_RETURN(sso.start_url, Required(section->second, "sso_start_url", session_what));
    GOVD_ASSIGN_OR_RETURN(sso.region, Required(section->second, "sso_region", session_what));
  } else if (profile.contains("sso_start_url")) {
    GOVD_ASSIGN_OR_RETURN(sso.start_url, Required(profile, "sso_start_url", what));
    GOVD_ASSIGN_OR_RETURN(sso.region, Required(profile, "sso_region", what));
  } else {
    return std::optional<SsoProfile>();
  }
  GOVD_ASSIGN_OR_RETURN(sso.account_id, Required(profile, "sso_account_id", what));
  GOVD_ASSIGN_OR_RETURN(sso.role_name, Required(profile, "sso_role_name", what));
  return std::optional<SsoProfile>(std::move(sso));
}

std::string SsoCacheFileName(const SsoProfile& sso) {
  return Sha1Hex(sso.session_name.empty() ? sso.start_url : sso.session_name) + ".json";
}

Result<SsoToken> ParseSsoToken(std::string_view json, std::string_view file) {
  Result<Json::Value> parsed = ParseJsonText(json, "the SSO token cache file");
  if (!parsed || !parsed->isObject())
    return InvalidArgument("the SSO token cache file is not a JSON object", std::string(file));
  SsoToken token{Text(*parsed, "accessToken"), {}};
  std::string expires = Text(*parsed, "expiresAt");
  if (token.access_token.empty() || expires.empty()) {
    return InvalidArgument("the SSO token cache file lacks accessToken or expiresAt", std::string(file));
  }
  if (expires.ends_with("UTC")) expires.replace(expires.size() - 3, 3, "Z");  // older AWS CLI versions
  auto when = ParseIso8601(expires, "expiresAt");
  if (!when) return when.error().WithContext(std::string(file));
  token.expires_at = *when;
  return token;
}

Result<AwsCredentials> ParseSsoRoleCredentials(std::string_view json) {
  Result<Json::Value> parsed = ParseJsonText(json, "GetRoleCredentials answer");
  if (!parsed || !parsed->isObject() || !(*parsed)["roleCredentials"].isObject()) {
    return InvalidArgument("the SSO portal's answer has no roleCredentials object");
  }
  const Json::Value& role = (*parsed)["roleCredentials"];
  std::string key = Text(role, "accessKeyId");
  std::string secret = Text(role, "secretAccessKey");
  if (key.empty() || secret.empty() || !role["expiration"].isIntegral()) {
    return InvalidArgument(
        "the SSO portal's roleCredentials lack accessKeyId, secretAccessKey or expiration");
  }
  const std::chrono::milliseconds since_epoch{role["expiration"].asInt64()};
  return AwsCredentials{signer::Credentials(key, secret, Text(role, "sessionToken")),
                        std::chrono::system_clock::time_point(
                            std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch))};
}

Result<AwsCredentials> ResolveSsoProfile(const CredentialSourceDeps& deps, const SsoProfile& sso,
                                         const std::string& profile_name) {
  const std::string cache = EnvOr(deps.env, "HOME") + "/.aws/sso/cache/" + SsoCacheFileName(sso);
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadAwsFile(cache, kMaxTokenFileBytes));
  if (!text) {
    return FailedPrecondition("no SSO token for profile '" + profile_name + "' (no " + cache + ")" +
                              LoginHint(profile_name));
  }
  auto token = ParseSsoToken(*text, cache);
  signer::WipeString(*text);
  if (!token) return token.error();
  if (token->expires_at <= deps.time.Now()) {
    signer::WipeString(token->access_token);
    return FailedPrecondition("the SSO token for profile '" + profile_name + "' expired at " +
                              FormatIso8601(token->expires_at) + LoginHint(profile_name));
  }
  GOVD_ASSIGN_OR_RETURN(std::string base, PortalBaseUrl(deps, sso.region));
  HttpRequest request;
  request.method = "GET";
  request.url = base + "/federation/credentials?role_name=" + UriEncode(sso.role_name) +
                "&account_id=" + UriEncode(sso.account_id);
  request.headers.emplace_back("x-amz-sso_bearer_token", std::move(token->access_token));
  request.timeout = kPortalTimeout;
  auto response = deps.transport.Send(request);
  signer::WipeString(request.headers.back().second);
  if (!response) return response.error();
  const std::string call = "SSO GetRoleCredentials for profile '" + profile_name + "' (role " +
                           sso.role_name + " in account " + sso.account_id + ")";
  if (response->status == 401 || response->status == 403) {
    return PermissionDenied(call + " was refused with HTTP " + std::to_string(response->status) +
                            ": the token is no longer valid or the role is not assigned to you" +
                            LoginHint(profile_name));
  }
  if (response->status != 200) {
    return Unavailable(call + " answered HTTP " + std::to_string(response->status));
  }
  auto credentials = ParseSsoRoleCredentials(response->body);
  signer::WipeString(response->body);  // it holds a secret key and a session token
  if (!credentials) return credentials.error().WithContext(call);
  return credentials;
}

}  // namespace govd::accounts

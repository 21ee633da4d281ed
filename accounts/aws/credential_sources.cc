#include "accounts/aws/credential_sources.h"

#include <json/json.h>

#include <cstdlib>
#include <set>

#include "accounts/aws/credential_process.h"
#include "accounts/aws/shared_config.h"
#include "accounts/aws/sso_credentials.h"
#include "accounts/aws/sts_client.h"
#include "base/iso8601.h"
#include "base/json_text.h"

namespace govd::accounts {
namespace {

constexpr int kMaxRoleChain = 5;
constexpr std::chrono::milliseconds kMetadataTimeout{1'000};
constexpr std::string_view kEcsHost = "http://169.254.170.2";
constexpr std::string_view kImdsEndpoint = "http://169.254.169.254";

Result<std::string> ReadSmallFile(const std::string& path, std::string_view what) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadAwsFile(path, kMaxTokenFileBytes));
  if (!text) return NotFound("cannot read the " + std::string(what) + " file " + path);
  std::string content = std::move(*text);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

std::string SessionName(const Clock& time) {
  return "govd-" + std::to_string(std::chrono::system_clock::to_time_t(time.Now()));
}

Result<AwsCredentials> AssumeRoleWith(const CredentialSourceDeps& deps, CredentialsProvider& source,
                                      const Profile& profile) {
  StsClient sts(deps.sts_endpoint, {deps.transport, deps.retry, deps.time, &source});
  AssumeRoleRequest request;
  request.role_arn = profile.at("role_arn");
  request.session_name = profile.contains("role_session_name") ? profile.at("role_session_name") : SessionName(deps.time);
  if (profile.contains("external_id")) request.external_id = profile.at("external_id");
  if (profile.contains("duration_seconds")) request.duration_seconds = std::atoi(profile.at("duration_seconds").c_str());
  GOVD_ASSIGN_OR_RETURN(AssumedRole role, sts.AssumeRole(request));
  return std::move(role.credentials);
}

Result<AwsCredentials> WebIdentity(const CredentialSourceDeps& deps, const std::string& token_file,
                                   const std::string& role_arn, const std::string& session_name) {
  GOVD_ASSIGN_OR_RETURN(std::string token, ReadSmallFile(token_file, "web identity token"));
  StsClient sts(deps.sts_endpoint, {deps.transport, deps.retry, deps.time, nullptr});
  GOVD_ASSIGN_OR_RETURN(AssumedRole role, sts.AssumeRoleWithWebIdentity(role_arn, session_name, token));
  return std::move(role.credentials);
}

std::optional<AwsCredentials> StaticKeys(const Profile& profile) {
  if (!profile.contains("aws_access_key_id") || !profile.contains("aws_secret_access_key")) return std::nullopt;
  std::string token = profile.contains("aws_session_token") ? profile.at("aws_session_token") : "";
  return AwsCredentials{
      signer::Credentials(profile.at("aws_access_key_id"), profile.at("aws_secret_access_key"), token),
      std::nullopt};
}

// Resolves profile `name`, following source_profile links (at most kMaxRoleChain, no cycles).
// kNotFound only when the profile is missing or configures no credentials.
Result<AwsCredentials> ResolveProfile(const CredentialSourceDeps& deps, const SharedConfig& shared,
                                      const std::string& name, std::set<std::string>& seen) {
  auto it = shared.profiles.find(name);
  if (it == shared.profiles.end()) {
    return NotFound("profile '" + name + "' is in neither " + shared.config_path + " nor " +
                    shared.credentials_path);
  }
  if (!seen.insert(name).second || seen.size() > kMaxRoleChain) {
    return InvalidArgument("source_profile chain loops or is longer than 5 profiles", "profile " + name);
  }
  const Profile& profile = it->second;
  if (!profile.contains("role_arn")) {
    GOVD_ASSIGN_OR_RETURN(std::optional<SsoProfile> sso, SsoProfileOf(shared, name));
    if (sso) return ResolveSsoProfile(deps, *sso, name);
    if (auto keys = StaticKeys(profile)) return *keys;
    if (profile.contains("credential_process")) {
      return RunCredentialProcess(profile.at("credential_process"), "profile " + name);
    }
    return NotFound("profile '" + name + "' (in " + shared.config_path + " or " + shared.credentials_path +
                    ") has no credentials: none of aws_access_key_id with aws_secret_access_key, role_arn, "
                    "sso_session, sso_start_url or credential_process");
  }
  if (profile.contains("web_identity_token_file")) {
    return WebIdentity(deps, profile.at("web_identity_token_file"), profile.at("role_arn"), SessionName(deps.time));
  }
  if (!profile.contains("source_profile")) {
    return InvalidArgument("role_arn needs source_profile or web_identity_token_file (credential_source is not "
                           "supported)", "profile " + name);
  }
  // A profile may name itself as source (its own keys assume its role); otherwise the source
  // profile's static keys are used when it has them, else it is resolved in turn (role chaining).
  const std::string& source_name = profile.at("source_profile");
  std::optional<AwsCredentials> source_keys;
  if (source_name == name) {
    source_keys = StaticKeys(profile);
  } else if (auto source = shared.profiles.find(source_name);
             source != shared.profiles.end() && StaticKeys(source->second)) {
    source_keys = StaticKeys(source->second);
  } else {
    auto resolved = ResolveProfile(deps, shared, source_name, seen);
    if (!resolved && resolved.error().code() == ErrorCode::kNotFound) {
      // A broken link is the named profile's fault: never a reason to try the next source.
      return FailedPrecondition(resolved.error().message(), "source_profile of profile " + name);
    }
    GOVD_ASSIGN_OR_RETURN(source_keys, std::move(resolved));
  }
  if (!source_keys) return InvalidArgument("source_profile has no credentials", "profile " + name);
  StaticCredentialsProvider source(*source_keys);
  return AssumeRoleWith(deps, source, profile);
}

}  // namespace

bool IsLoopbackHttp(std::string_view url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]", "http://169.254.170.2",
                                  "http://169.254.170.23"}) {
    if (url.starts_with(prefix) && (url.size() == prefix.size() || url[prefix.size()] == ':' ||
                                    url[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

namespace {

Result<HttpResponse> Fetch(HttpTransport& transport, HttpRequest request, std::string_view source) {
  request.timeout = kMetadataTimeout;
  GOVD_ASSIGN_OR_RETURN(HttpResponse response, transport.Send(request));
  if (response.status != 200) {
    return Unavailable(std::string(source) + ": " + request.method + " " + request.url.substr(0, request.url.find('?')) +
                       " answered HTTP " + std::to_string(response.status));
  }
  return response;
}

std::string JsonText(const Json::Value& object, const char* field) {
  const Json::Value& value = object[field];
  return value.isString() ? value.asString() : std::string();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe): read-only use
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<AwsCredentials> ParseCredentialsDocument(std::string_view json, std::string_view source) {
  Result<Json::Value> parsed = ParseJsonText(json, "credentials document");
  if (!parsed || !parsed->isObject()) {
    return InvalidArgument(std::string(source) + ": credentials document is not a JSON object");
  }
  const Json::Value& doc = *parsed;
  if (doc.isMember("Code") && JsonText(doc, "Code") != "Success") {
    return Unavailable(std::string(source) + ": credentials document has Code " + JsonText(doc, "Code"));
  }
  std::string key = JsonText(doc, "AccessKeyId");
  std::string secret = JsonText(doc, "SecretAccessKey");
  if (key.empty() || secret.empty()) {
    return InvalidArgument(std::string(source) + ": credentials document lacks AccessKeyId or SecretAccessKey");
  }
  AwsCredentials credentials{signer::Credentials(key, secret, JsonText(doc, "Token")), std::nullopt};
  if (std::string expiration = JsonText(doc, "Expiration"); !expiration.empty()) {
    GOVD_ASSIGN_OR_RETURN(credentials.expiration, ParseIso8601(expiration, std::string(source) + " Expiration"));
  }
  return credentials;
}

Result<AwsCredentials> EnvironmentCredentialsProvider::Resolve() {
  std::string key = EnvOr(env_, "AWS_ACCESS_KEY_ID");
  std::string secret = EnvOr(env_, "AWS_SECRET_ACCESS_KEY");
  if (key.empty() && secret.empty()) return NotFound("AWS_ACCESS_KEY_ID is not set");
  if (key.empty() || secret.empty()) {
    return InvalidArgument("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together", "environment");
  }
  AwsCredentials credentials{signer::Credentials(key, secret, EnvOr(env_, "AWS_SESSION_TOKEN")), std::nullopt};
  if (std::string expiration = EnvOr(env_, "AWS_CREDENTIAL_EXPIRATION"); !expiration.empty()) {
    GOVD_ASSIGN_OR_RETURN(credentials.expiration, ParseIso8601(expiration, "AWS_CREDENTIAL_EXPIRATION"));
  }
  return credentials;
}

Result<AwsCredentials> WebIdentityCredentialsProvider::Resolve() {
  std::string token_file = EnvOr(deps_.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  std::string role_arn = EnvOr(deps_.env, "AWS_ROLE_ARN");
  if (token_file.empty() || role_arn.empty()) return NotFound("AWS_WEB_IDENTITY_TOKEN_FILE or AWS_ROLE_ARN is not set");
  return WebIdentity(deps_, token_file, role_arn, EnvOr(deps_.env, "AWS_ROLE_SESSION_NAME", SessionName(deps_.time)));
}

Result<AwsCredentials> ProfileCredentialsProvider::Resolve() {
  GOVD_ASSIGN_OR_RETURN(SharedConfig shared, LoadSharedConfig(deps_.env));
  const ProfileChoice choice = ChooseProfile(deps_.env, profile_);
  std::set<std::string> seen;
  auto credentials = ResolveProfile(deps_, shared, choice.name, seen);
  if (!credentials && choice.explicit_choice && credentials.error().code() == ErrorCode::kNotFound) {
    // The operator chose this profile: say so, and never fall through to another source.
    return FailedPrecondition(credentials.error().message(), choice.chosen_by);
  }
  return credentials;
}

Result<AwsCredentials> ContainerCredentialsProvider::Resolve() {
  std::string relative = EnvOr(deps_.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = EnvOr(deps_.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative.empty() && full.empty()) return NotFound("no AWS_CONTAINER_CREDENTIALS_*_URI set");
  std::string url = !relative.empty() ? std::string(kEcsHost) + relative : full;
  if (relative.empty() && !url.starts_with("https://") && !IsLoopbackHttp(url)) {
    return InvalidArgument("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/ECS address",
                           "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  }
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  std::string token = EnvOr(deps_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (std::string token_file = EnvOr(deps_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !token_file.empty()) {
    GOVD_ASSIGN_OR_RETURN(token, ReadSmallFile(token_file, "container authorization token"));
  }
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  GOVD_ASSIGN_OR_RETURN(HttpResponse response, Fetch(deps_.transport, std::move(request), Name()));
  return ParseCredentialsDocument(response.body, Name());
}

Result<AwsCredentials> ImdsCredentialsProvider::Resolve() {
  if (EnvOr(deps_.env, "AWS_EC2_METADATA_DISABLED") == "true") return NotFound("AWS_EC2_METADATA_DISABLED=true");
  std::string base = EnvOr(deps_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT", std::string(kImdsEndpoint));
  if (base.ends_with('/')) base.pop_back();
  HttpRequest token_request;
  token_request.method = "PUT";
  token_request.url = base + "/latest/api/token";
  token_request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  auto token = Fetch(deps_.transport, token_request, Name());
  if (!token) return NotFound("no instance metadata service: " + token.error().message());
  HttpRequest list;
  list.method = "GET";
  list.url = base + "/latest/meta-data/iam/security-credentials/";
  list.headers.emplace_back("X-aws-ec2-metadata-token", token->body);
  GOVD_ASSIGN_OR_RETURN(HttpResponse roles, Fetch(deps_.transport, list, Name()));
  std::string role = roles.body.substr(0, roles.body.find('\n'));
  if (role.empty()) return NotFound("the instance has no IAM role");
  HttpRequest get = list;
  get.url += role;
  GOVD_ASSIGN_OR_RETURN(HttpResponse document, Fetch(deps_.transport, get, Name()));
  return ParseCredentialsDocument(document.body, Name());
}

}  // namespace govd::accounts

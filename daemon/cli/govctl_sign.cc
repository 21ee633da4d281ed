#include "daemon/cli/govctl_sign.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <json/value.h>

#include "accounts/aws/credential_chain.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/region_choice.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "daemon/cli/govctl_options.h"
#include "signer/canonical_request.h"
#include "signer/signature.h"

namespace govd::daemon {
namespace {

using signer::HttpHeader;
using signer::QueryParam;

constexpr std::string_view kSignUsage =
    "usage: govctl sign --method M --url U [--header K:V]... [--body-file F]\n"
    "                   [--service S --region R] [--presign SECONDS]\n"
    "                   [--date YYYYMMDDTHHMMSSZ] [--unsigned-payload] [--profile NAME]\n"
    "                   [--output text|json]\n"
    "Signs the request with SigV4 and prints the headers to add, Authorization last, or with\n"
    "--presign the presigned URL. The credentials are found as the AWS CLI finds them:\n"
    "--profile or AWS_PROFILE alone when given (keys, role_arn, SSO, credential_process),\n"
    "else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, web identity, the default\n"
    "profile, ECS, EC2 instance metadata. --url is the URL as sent (path percent-encoded).\n"
    "Service and region are inferred from *.amazonaws.com hosts; else the region is\n"
    "AWS_REGION, AWS_DEFAULT_REGION or the profile's region. Without --date the current UTC\n"
    "time is used. --output json (or --json) prints {\"headers\":[{\"name\",\"value\"}...]} or\n"
    "{\"url\"} instead.\n";

struct SignOptions {
  std::string method;
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body_file;
  std::string service;
  std::string region;
  std::string date;
  std::string profile;
  std::optional<std::int64_t> presign_seconds;
  bool unsigned_payload = false;
  bool json = false;
  bool help = false;
};

struct ParsedUrl {
  std::string scheme;
  std::string host;  // as in the Host header: with the port unless it is the scheme's default
  std::string path;
  std::vector<QueryParam> query;
};

Result<std::int64_t> ParseSeconds(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > 12) return InvalidArgument("--presign needs a number of seconds", "--presign");
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument("--presign needs a number of seconds", "--presign");
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<HttpHeader> ParseHeaderOption(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("--header needs NAME:VALUE, got \"" + std::string(text) + "\"", "--header");
  }
  std::string_view value = text.substr(colon + 1);
  return HttpHeader{std::string(text.substr(0, colon)), std::string(value)};
}

Status ApplyOption(SignOptions& options, std::string_view name, std::string_view value) {
  if (name == "--method") options.method = value;
  else if (name == "--url") options.url = value;
  else if (name == "--body-file") options.body_file = value;
  else if (name == "--service") options.service = value;
  else if (name == "--region") options.region = value;
  else if (name == "--date") options.date = value;
  else if (name == "--profile")
    options.profile = value;
  else if (name == "--header") {
    GOVD_ASSIGN_OR_RETURN(HttpHeader header, ParseHeaderOption(value));
    options.headers.push_back(std::move(header));
  } else if (name == "--presign") {
    GOVD_ASSIGN_OR_RETURN(options.presign_seconds, ParseSeconds(value));
  } else {
    return InvalidArgument("unknown option " + std::string(name), std::string(name));
  }
  return Ok();
}

Result<SignOptions> ParseOptions(CommandArgs args) {
  SignOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (auto output = ParseOutputOption(args, i)) {
      GOVD_ASSIGN_OR_RETURN(options.json, std::move(*output));
    } else if (arg == "--unsigned-payload") {
      options.unsigned_payload = true;
    } else if (i + 1 < args.size()) {
      GOVD_TRY(ApplyOption(options, arg, args[++i]));
    } else {
      return InvalidArgument("option " + std::string(arg) + " needs a value", std::string(arg));
    }
  }
  if (!options.help && (options.method.empty() || options.url.empty())) {
    return InvalidArgument("--method and --url are required", "--url");
  }
  return options;
}

std::string HostHeader(std::string_view scheme, std::string_view authority) {
  const std::string_view default_port = scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.remove_suffix(default_port.size());
  return std::string(authority);
}

Result<ParsedUrl> ParseUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme_end == std::string_view::npos || (scheme != "https" && scheme != "http")) {
    return InvalidArgument("URL \"" + std::string(url) + "\" must start with https:// or http://", "--url");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority.empty() || authority.find_first_of("@ ") != std::string_view::npos) {
    return InvalidArgument("URL \"" + std::string(url) + "\" has no valid host", "--url");
  }
  ParsedUrl parsed{std::string(scheme), HostHeader(scheme, authority), "/", {}};
  rest = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  const std::size_t qmark = rest.find('?');
  if (qmark != 0 && !rest.empty()) parsed.path = rest.substr(0, qmark);
  if (qmark != std::string_view::npos) parsed.query = signer::DecodeQueryString(rest.substr(qmark + 1));
  return parsed;
}

bool LooksLikeRegion(std::string_view label) {
  return label.find('-') != std::string_view::npos && !label.empty() && label.back() >= '0' &&
         label.back() <= '9';
}

// Service and region from an AWS endpoint host: "examplebucket.s3.us-east-1.amazonaws.com",
// "sts.eu-west-1.amazonaws.com", "iam.amazonaws.com" (global: us-east-1).
std::optional<std::pair<std::string, std::string>> InferScope(std::string_view host) {
  host = host.substr(0, host.find(':'));
  constexpr std::string_view kSuffix = ".amazonaws.com";
  if (!host.ends_with(kSuffix)) return std::nullopt;
  host.remove_suffix(kSuffix.size());
  std::vector<std::string_view> labels;
  for (std::size_t start = 0; start <= host.size();) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    labels.push_back(host.substr(start, dot - start));
    start = dot + 1;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != "s3") continue;
    const bool has_region = i + 1 < labels.size() && LooksLikeRegion(labels[i + 1]);
    return std::make_pair(std::string("s3"), std::string(has_region ? labels[i + 1] : "us-east-1"));
  }
  if (labels.size() >= 2 && LooksLikeRegion(labels.back())) {
    return std::make_pair(std::string(labels[labels.size() - 2]), std::string(labels.back()));
  }
  if (labels.size() == 1 && !labels[0].empty()) return std::make_pair(std::string(labels[0]), std::string("us-east-1"));
  return std::nullopt;
}

std::string CurrentAmzDate() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

// The region of the environment or the profile, for the STS calls of role_arn profiles and for
// hosts that do not name one.
Result<std::optional<std::string>> AmbientRegion(const accounts::EnvLookup& env, const std::string& profile) {
  GOVD_ASSIGN_OR_RETURN(auto choice, accounts::ChooseRegion(env, "", profile));
  if (!choice) return std::optional<std::string>();
  return std::optional<std::string>(choice->region);
}

// The AWS CLI's chain (credential_chain.h), or the --profile alone.
Result<signer::Credentials> ResolveCredentials(const accounts::EnvLookup& env, const std::string& profile,
                                               const std::optional<std::string>& region) {
  accounts::CurlTransport transport;
  SystemClock time;
  SeededRandom random(std::random_device{}());
  accounts::RetryStrategy retry(accounts::RetryOptions{}, random);
  auto chain = accounts::MakeDefaultCredentialChain(
      {env, transport, retry, time, accounts::DefaultStsEndpoint(region.value_or("us-east-1"))}, profile);
  GOVD_ASSIGN_OR_RETURN(accounts::AwsCredentials credentials, chain->Resolve());
  return std::move(credentials.keys);
}

Result<std::string> ReadBody(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read body file \"" + path + "\"", "--body-file");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<signer::SigningParams> MakeParams(const SignOptions& options, const ParsedUrl& url,
                                         const std::optional<std::string>& ambient_region) {
  std::string service = options.service;
  std::string region = options.region;
  const auto inferred = InferScope(url.host);
  if (!inferred && region.empty() && ambient_region) region = *ambient_region;
  if (service.empty() || region.empty()) {
    if (!inferred) {
      return InvalidArgument("cannot infer service and region from host \"" + url.host +
                                 "\"; pass --service and --region",
                             "--service");
    }
    if (service.empty()) service = inferred->first;
    if (region.empty()) region = inferred->second;
  }
  const std::string date = options.date.empty() ? CurrentAmzDate() : options.date;
  signer::SigningParams params = service == "s3" ? signer::S3SigningParams(region, date)
                                                 : signer::ServiceSigningParams(service, region, date);
  const bool unsigned_payload = options.unsigned_payload || (service == "s3" && options.presign_seconds);
  params.payload = unsigned_payload ? signer::PayloadMode::kUnsignedPayload : signer::PayloadMode::kHashBody;
  return params;
}

Status Sign(const SignOptions& options, std::ostream& out) {
  const accounts::EnvLookup env = accounts::ProcessEnvironment();
  GOVD_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(options.url));
  GOVD_ASSIGN_OR_RETURN(std::string body, ReadBody(options.body_file));
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> ambient_region, AmbientRegion(env, options.profile));
  GOVD_ASSIGN_OR_RETURN(signer::SigningParams params, MakeParams(options, url, ambient_region));
  GOVD_ASSIGN_OR_RETURN(signer::Credentials credentials,
                        ResolveCredentials(env, options.profile, ambient_region));
  signer::SignableRequest request{options.method, url.path, url.query, {{"host", url.host}}, body};
  request.headers.insert(request.headers.end(), options.headers.begin(), options.headers.end());
  if (options.presign_seconds) {
    GOVD_ASSIGN_OR_RETURN(auto presigned,
                          signer::Presign(request, params, credentials, *options.presign_seconds));
    if (!options.json) {
      out << presigned.Url(url.scheme) << "\n";
      return Ok();
    }
    Json::Value json(Json::objectValue);
    json["url"] = presigned.Url(url.scheme);
    out << json.toStyledString();
    return Ok();
  }
  GOVD_ASSIGN_OR_RETURN(auto signed_headers, signer::SignHeaders(request, params, credentials));
  if (!options.json) {
    for (const auto& header : signed_headers.headers_to_add) out << header.name << ": " << header.value << "\n";
    return Ok();
  }
  Json::Value json(Json::objectValue);
  json["headers"] = Json::Value(Json::arrayValue);  // in order, Authorization last
  for (const auto& header : signed_headers.headers_to_add) {
    Json::Value entry(Json::objectValue);
    entry["name"] = header.name;
    entry["value"] = header.value;
    json["headers"].append(entry);
  }
  out << json.toStyledString();
  return Ok();
}

}  // namespace

int RunSignCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto options = ParseOptions(args);
  if (options && options->help) {
    out << kSignUsage;
    return kExitOk;
  }
  Status status = options ? Sign(*options, out) : Status(options.error());
  if (status) return kExitOk;
  err << "govctl sign: " << status.error().ToString() << "\n";
  if (!options) err << kSignUsage;
  // Bad input, missing or misconfigured credentials are usage errors; a source that was
  // configured but failed (a portal, a process, STS) is a failure.
  const ErrorCode code = status.error().code();
  const bool usage = code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound ||
                     code == ErrorCode::kFailedPrecondition;
  return usage ? kExitUsage : kExitFailure;
}

}  // namespace govd::daemon

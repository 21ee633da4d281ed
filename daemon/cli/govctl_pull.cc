// daemon/cli/govctl_pull.cc: `govctl pull`, the command-line edge of accounts/pull/prefix_pull.h: flags,
// credentials from the AWS CLI's default chain, a progress bar or progress lines, exit codes.
#include "daemon/cli/govctl_pull.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include <json/value.h>

#include "accounts/aws/credential_chain.h"
#include "accounts/aws/curl_transport.h"
#include "accounts/aws/region_choice.h"
#include "accounts/aws/s3_client.h"
#include "accounts/pull/prefix_pull.h"
#include "base/random.h"
#include "daemon/cli/govctl_options.h"
#include "policy/engine/arn.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kPullUsage = R"(usage:
  govctl pull --bucket [ACCOUNT:]BUCKET --prefix PREFIX --to DIR [--endpoint URL] [--path-style]
              [--region REGION] [--profile NAME] [--expected-owner ACCOUNT] [--grant ID]
              [--output text|json]

Copies every object under PREFIX that the bucket's owner granted you into DIR/<key>. Objects
already fetched (same ETag and size, local file unchanged per DIR/.govd-pull.json) are skipped.
Credentials: the AWS CLI's chain: --profile or AWS_PROFILE alone when given (keys, role_arn,
SSO, credential_process), else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN], web
identity, the default profile, ECS, EC2 instance metadata. --region defaults to $AWS_REGION,
then $AWS_DEFAULT_REGION, then the profile's region, then us-east-1. ACCOUNT:BUCKET is RadosGW's
name for another tenant's bucket and implies --path-style. --expected-owner makes S3 refuse a
bucket owned by another account. --grant names the grant in messages.
--output json (or --json) prints one JSON object on stdout instead of the summary line:
{"bucket","prefix","to","grant","outcome":"pulled"|"failed"|"denied"|"error","downloaded",
"already_present","bytes","failed":[{"key","error"}],"error"}.
Exit status: 0 done, 1 some objects failed or an error, 2 usage error, 4 access revoked or denied.
)";

struct PullArgs {
  std::string bucket;
  std::string prefix;
  std::string to;
  std::string endpoint;
  std::string region;
  std::string profile;
  std::string grant;
  std::optional<policy::AccountId> expected_owner;
  bool path_style = false;
  bool json = false;
  bool help = false;
};

// Applies one "--option VALUE"; returns an error text, or "" when it was understood.
std::string ApplyOption(std::string_view option, std::string value, PullArgs& args) {
  if (option == "--bucket") {
    args.bucket = std::move(value);
  } else if (option == "--prefix") {
    args.prefix = std::move(value);
  } else if (option == "--to") {
    args.to = std::move(value);
  } else if (option == "--endpoint") {
    args.endpoint = std::move(value);
  } else if (option == "--region") {
    args.region = std::move(value);
  } else if (option == "--profile") {
    args.profile = std::move(value);
  } else if (option == "--grant") {
    args.grant = std::move(value);
  } else if (option == "--expected-owner") {
    auto account = policy::AccountId::Parse(value);
    if (!account) return "--expected-owner: " + account.error().message();
    args.expected_owner = *account;
  } else {
    return "unknown option " + std::string(option);
  }
  return "";
}

Status CheckBucket(PullArgs& args) {
  if (args.bucket.empty() || args.prefix.empty() || args.to.empty()) {
    return InvalidArgument("--bucket, --prefix and --to are required");
  }
  auto colon = args.bucket.find(':');
  if (colon == std::string::npos) return Ok();
  auto tenant = policy::AccountId::Parse(args.bucket.substr(0, colon));
  if (!tenant || colon + 1 == args.bucket.size()) {
    return InvalidArgument("--bucket \"" + args.bucket + "\" must be BUCKET or ACCOUNT:BUCKET (12-digit account)");
  }
  args.path_style = true;
  return Ok();
}

Result<PullArgs> ParsePullArgs(CommandArgs argv) {
  PullArgs args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (auto output = ParseOutputOption(argv, i)) {
      GOVD_ASSIGN_OR_RETURN(args.json, std::move(*output));
    } else if (arg == "--path-style") {
      args.path_style = true;
    } else if (i + 1 < argv.size() && arg.starts_with("--")) {
      std::string problem = ApplyOption(arg, argv[++i], args);
      if (!problem.empty()) return InvalidArgument(problem);
    } else {
      return InvalidArgument("unexpected argument \"" + std::string(arg) + "\"");
    }
  }
  if (args.help) return args;
  GOVD_ASSIGN_OR_RETURN(auto region,
                        accounts::ChooseRegion(accounts::ProcessEnvironment(), args.region, args.profile));
  args.region = region ? region->region : "us-east-1";
  GOVD_TRY(CheckBucket(args));
  return args;
}

std::string FormatBytes(std::uint64_t bytes) {
  constexpr std::array<const char*, 4> kUnits = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  for (; value >= 1024 && unit + 1 < kUnits.size(); ++unit) value /= 1024;
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f %s", value, kUnits.at(unit));
  return text.data();
}

std::string ProgressText(const accounts::PullProgress& p) {
  std::string text = "pulled " + std::to_string(p.objects_done) + "/" + std::to_string(p.objects_total) +
                     " objects, " + FormatBytes(p.bytes_done) + "/" + FormatBytes(p.bytes_total);
  return p.current_key.empty() ? text : text + ": " + p.current_key;
}

// A log-friendly line per step, for pipes and files.
class ProgressLines final : public accounts::ProgressSink {
 public:
  explicit ProgressLines(std::ostream& err) : err_(err) {}
  void OnProgress(const accounts::PullProgress& progress) override { err_ << ProgressText(progress) << "\n"; }

 private:
  std::ostream& err_;
};

// One line redrawn in place, for a terminal.
class ProgressBar final : public accounts::ProgressSink {
 public:
  explicit ProgressBar(std::ostream& err) : err_(err) {}
  ~ProgressBar() override {
    if (drawn_) err_ << "\n";
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void OnProgress(const accounts::PullProgress& progress) override {
    constexpr std::size_t kWidth = 24;
    std::size_t filled = progress.bytes_total == 0 ? kWidth : static_cast<std::size_t>(
        static_cast<double>(progress.bytes_done) / static_cast<double>(progress.bytes_total) * kWidth);
    std::string line = "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] " +
                       ProgressText(progress);
    if (line.size() > 110) line = line.substr(0, 107) + "...";
    err_ << "\r" << line << std::string(last_width_ > line.size() ? last_width_ - line.size() : 0, ' ') << std::flush;
    last_width_ = line.size();
    drawn_ = true;
  }

 private:
  std::ostream& err_;
  std::size_t last_width_ = 0;
  bool drawn_ = false;
};

std::string Target(const PullArgs& args) { return args.bucket + "/" + args.prefix; }

// The outcome as one JSON object (--output json): the same facts as the text, for scripts.
Json::Value ReportJson(const PullArgs& args, const Result<accounts::PullReport>& report) {
  Json::Value json(Json::objectValue);
  json["bucket"] = args.bucket;
  json["prefix"] = args.prefix;
  json["to"] = args.to;
  json["grant"] = args.grant.empty() ? Json::Value() : Json::Value(args.grant);
  if (!report) {
    json["outcome"] = report.error().code() == ErrorCode::kPermissionDenied ? "denied" : "error";
    json["error"] = report.error().ToString();
    return json;
  }
  json["outcome"] = report->failures.empty() ? "pulled" : "failed";
  json["downloaded"] = static_cast<Json::UInt64>(report->downloaded);
  json["already_present"] = static_cast<Json::UInt64>(report->skipped);
  json["bytes"] = static_cast<Json::UInt64>(report->bytes);
  json["failed"] = Json::Value(Json::arrayValue);
  for (const auto& failure : report->failures) {
    Json::Value entry(Json::objectValue);
    entry["key"] = failure.key;
    entry["error"] = failure.error.ToString();
    json["failed"].append(entry);
  }
  return json;
}

int Report(const PullArgs& args, const Result<accounts::PullReport>& report, std::ostream& out, std::ostream& err) {
  if (args.json) out << ReportJson(args, report).toStyledString();
  if (!report && report.error().code() == ErrorCode::kPermissionDenied) {
    err << "govctl pull: access to " << Target(args) << " was revoked or denied"
        << (args.grant.empty() ? "" : " (grant " + args.grant + ")") << "\n  " << report.error().message() << "\n";
    return kExitDenied;
  }
  if (!report) {
    err << "govctl pull: " << report.error().ToString() << "\n";
    return kExitFailure;
  }
  if (!args.json) {
    out << "pulled " << Target(args) << " into " << args.to << ": " << report->downloaded << " downloaded ("
        << FormatBytes(report->bytes) << "), " << report->skipped << " already present, "
        << report->failures.size() << " failed\n";
  }
  for (const auto& failure : report->failures) err << "govctl pull: " << failure.error.ToString() << "\n";
  return report->failures.empty() ? kExitOk : kExitFailure;
}

Result<accounts::PullReport> PullWithProgress(accounts::S3Client& s3, const accounts::S3BucketRef& bucket,
                                              const PullArgs& args, std::ostream& err) {
  if (&err == &std::cerr && isatty(STDERR_FILENO) != 0) {
    ProgressBar bar(err);
    return accounts::PullPrefix(s3, bucket, args.prefix, args.to, {}, bar);
  }
  ProgressLines lines(err);
  return accounts::PullPrefix(s3, bucket, args.prefix, args.to, {}, lines);
}

int Pull(const PullArgs& args, std::ostream& out, std::ostream& err) {
  auto endpoint = args.endpoint.empty() ? Result<accounts::AwsEndpoint>(accounts::DefaultS3Endpoint(args.region))
                                        : accounts::ParseEndpointUrl(args.endpoint, "s3", args.region);
  if (!endpoint) {
    err << "govctl pull: --endpoint: " << endpoint.error().message() << "\n" << kPullUsage;
    return kExitUsage;
  }
  accounts::CurlTransport transport;
  SystemClock time;
  accounts::RetryStrategy retry(accounts::RetryOptions{}, SystemRandom());
  // The AWS CLI's search order: environment, web identity, profile, container, instance metadata;
  // or the chosen profile alone.
  auto provider = accounts::MakeDefaultCredentialChain(
      {accounts::ProcessEnvironment(), transport, retry, time, accounts::DefaultStsEndpoint(args.region)},
      args.profile);
  if (auto resolved = provider->Resolve(); !resolved) {
    err << "govctl pull: no usable AWS credentials: " << resolved.error().ToString() << "\n";
    return kExitFailure;
  }
  accounts::S3Client s3(*endpoint, {transport, retry, time, provider.get()}, {.path_style = args.path_style});
  accounts::S3BucketRef bucket{args.bucket, args.expected_owner};
  auto report = PullWithProgress(s3, bucket, args, err);
  return Report(args, report, out, err);
}

}  // namespace

int RunPullCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto parsed = ParsePullArgs(args);
  if (!parsed) {
    err << "govctl pull: " << parsed.error().message() << "\n" << kPullUsage;
    return kExitUsage;
  }
  if (parsed->help) {
    out << kPullUsage;
    return kExitOk;
  }
  return Pull(*parsed, out, err);
}

}  // namespace govd::daemon

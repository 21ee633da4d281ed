#include "daemon/cli/govctl_options.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <utility>

#include "daemon/api/json_body.h"
#include "daemon/api/output_format.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kRunDir = "/run/govd";

int ExitCodeForStatus(int status) {
  if (status >= 200 && status < 300) return kExitOk;
  if (status == 403) return kExitDenied;
  return kExitFailure;
}

std::string ScalarText(const Json::Value& value) {
  if (value.isString()) return value.asString();
  if (value.isNull()) return "-";
  std::string text = WriteJson(value);
  text.pop_back();  // WriteJson ends with a newline
  return text;
}

void Flatten(const Json::Value& object, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows) {
  for (const std::string& name : object.getMemberNames()) {
    const Json::Value& value = object[name];
    if (value.isObject()) {
      Flatten(value, prefix + name + ".", rows);
    } else {
      rows.emplace_back(prefix + name, ScalarText(value));
    }
  }
}

}  // namespace

int ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return kExitUsage;
    case ErrorCode::kUnavailable: return kExitUnavailable;
    case ErrorCode::kPermissionDenied: return kExitDenied;
    default: return kExitFailure;
  }
}

std::optional<Result<bool>> ParseOutputOption(CommandArgs args, std::size_t& i) {
  std::string_view arg = args[i];
  if (arg == "--json") return Result<bool>(true);
  std::string_view format;
  if (arg.starts_with("--output=")) {
    format = arg.substr(9);
  } else if (arg == "--output") {
    if (i + 1 == args.size()) return Result<bool>(InvalidArgument("--output needs a format: text or json", "--output"));
    format = args[++i];
  } else {
    return std::nullopt;
  }
  return ParseOutputFormat(format);
}

Result<GovctlOptions> ParseGovctlOptions(CommandArgs args) {
  GovctlOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (auto output = ParseOutputOption(args, i)) {
      GOVD_ASSIGN_OR_RETURN(options.json, std::move(*output));
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--socket") {
      if (i + 1 == args.size()) return InvalidArgument("--socket needs a path", "--socket");
      options.socket = args[++i];
    } else if (arg.starts_with("--socket=")) {
      options.socket = std::string(arg.substr(9));
    } else if (arg.starts_with("-")) {
      return InvalidArgument("unknown option " + std::string(arg), std::string(arg));
    } else {
      options.positional.emplace_back(arg);
    }
  }
  return options;
}

Result<std::string> ResolveSocketPath(const std::string& flag, const char* env_value, const std::string& run_dir) {
  if (!flag.empty()) return flag;
  if (env_value != nullptr && *env_value != '\0') return std::string(env_value);
  std::vector<std::string> sockets;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, error)) {
    if (entry.path().extension() == ".sock") sockets.push_back(entry.path().string());
  }
  if (sockets.size() == 1) return sockets.front();
  if (sockets.empty()) {
    return Unavailable("no govd socket in " + run_dir + ": is govd running (systemctl status 'govd@*')? Or give --socket PATH or set GOVD_SOCKET");
  }
  return InvalidArgument("several govd sockets in " + run_dir + "; choose one with --socket PATH", "--socket");
}

void PrintCommonOptions(std::ostream& out) {
  out << "options:\n"
      << "  --socket PATH  govd's control socket (default: $GOVD_SOCKET, else the only /run/govd/*.sock)\n"
      << "  --output FORMAT  text (tables, the default) or json (the daemon's JSON answer)\n"
      << "  --json         the same as --output json\n"
      << "exit codes: 0 ok, 1 failed, 2 usage, 3 govd unreachable, 4 permission denied\n";
}

namespace {

// One request: the exit code its outcome means, and the answer when there was one.
struct Exchange {
  int exit_code = kExitFailure;
  std::optional<ControlResponse> response;
};

Exchange Send(const GovctlOptions& options, std::string_view method, std::string_view target, std::string_view body,
              std::ostream& err) {
  auto socket = ResolveSocketPath(options.socket, std::getenv("GOVD_SOCKET"), std::string(kRunDir));
  if (!socket) {
    err << "govctl: " << socket.error().message() << "\n";
    return {ExitCodeFor(socket.error()), std::nullopt};
  }
  auto response = ControlClient(*socket).Call(method, target, body);
  if (!response) {
    err << "govctl: " << response.error().ToString() << "\n";
    return {ExitCodeFor(response.error()), std::nullopt};
  }
  return {ExitCodeForStatus(response->status), *std::move(response)};
}

}  // namespace

int RunApiCall(const GovctlOptions& options, std::string_view method, std::string_view target, std::string_view body,
               const RenderFn& render, std::ostream& out, std::ostream& err) {
  Exchange exchange = Send(options, method, target, body, err);
  if (!exchange.response) return exchange.exit_code;
  if (options.json) {
    out << WriteJson(exchange.response->body);
  } else if (exchange.exit_code == kExitOk) {
    render(EscapedForTerminal(exchange.response->body), out);  // names and reasons print inert
  }
  if (exchange.exit_code != kExitOk) err << "govctl: " << DescribeErrorResponse(*exchange.response) << "\n";
  return exchange.exit_code;
}

int FetchJson(const GovctlOptions& options, std::string_view method, std::string_view target, std::string_view body,
              Json::Value& answer, std::ostream& err) {
  Exchange exchange = Send(options, method, target, body, err);
  if (!exchange.response) return exchange.exit_code;
  if (exchange.exit_code != kExitOk) {
    err << "govctl: " << DescribeErrorResponse(*exchange.response) << "\n";
  } else {
    answer = std::move(exchange.response->body);
  }
  return exchange.exit_code;
}

std::string CellText(const Json::Value& value) {
  return value.isNull() || value.isArray() || value.isObject() ? "-" : value.asString();
}

void PrintKeyValueTable(const Json::Value& object, std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> rows;
  if (object.isObject()) Flatten(object, "", rows);
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [key, value] : rows) out << key << std::string(width + 2 - key.size(), ' ') << value << "\n";
}

}  // namespace govd::daemon

// daemon/cli/govctl_options.h
// What every govctl command that talks to govd shares: the options --socket PATH, --json and
// --help; finding the daemon's socket; running one API call and turning the outcome into output
// and an exit code scripts can rely on; and printing answers as human tables.
// Thread safety: stateless functions.
#pragma once

#include <json/value.h>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "daemon/api/text_report.h"
#include "daemon/cli/control_client.h"
#include "daemon/cli/govctl_command.h"

namespace govd::daemon {


// The exit code an error means: kInvalidArgument a usage error (2), kUnavailable 3,
// kPermissionDenied 4, anything else 1.
int ExitCodeFor(const Error& error);

// The output choice every command takes: --output text|json, --output=FORMAT, or --json (the
// same as --output json). When args[i] is one of them, returns whether JSON was asked (advancing
// i past a separate FORMAT), or kInvalidArgument naming the unknown format and the valid ones;
// nullopt when args[i] is another argument.
std::optional<Result<bool>> ParseOutputOption(CommandArgs args, std::size_t& i);

struct GovctlOptions {
  std::string socket;  // empty until resolved by ResolveSocketPath
  bool json = false;
  bool help = false;
  std::vector<std::string> positional;
};

Result<GovctlOptions> ParseGovctlOptions(CommandArgs args);

// --socket, else $GOVD_SOCKET, else the only *.sock in /run/govd.
Result<std::string> ResolveSocketPath(const std::string& flag, const char* env_value, const std::string& run_dir);

// Prints the options every command takes, for `govctl COMMAND --help`.
void PrintCommonOptions(std::ostream& out);

using RenderFn = std::function<void(const Json::Value& body, std::ostream& out)>;

// Sends one request and prints the answer: the JSON body with --json, else `render` on success
// and the daemon's error on failure. Returns the exit code.
int RunApiCall(const GovctlOptions& options, std::string_view method, std::string_view target, std::string_view body,
               const RenderFn& render, std::ostream& out, std::ostream& err);

// Sends one request whose answer the command needs before it can go on (e.g. the daemon's
// account from /v1/status). Returns kExitOk and fills `answer`, or prints why not to `err` and
// returns the exit code.
int FetchJson(const GovctlOptions& options, std::string_view method, std::string_view target, std::string_view body,
              Json::Value& answer, std::ostream& err);

// A table cell: a string, number or boolean as text; "-" for null, an array or an object.
std::string CellText(const Json::Value& value);

// Prints a JSON object as aligned "key  value" lines; nested objects as "outer.inner".
void PrintKeyValueTable(const Json::Value& object, std::ostream& out);

}  // namespace govd::daemon

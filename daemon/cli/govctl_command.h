// daemon/cli/govctl_command.h
// One govctl subcommand: its name, a one-line summary for `govctl --help`, and the function
// that runs it. Each subcommand lives in its own govctl_<name>.cc; govctl_main.cc lists them.
// A command writes its results to `out`, its diagnostics to `err`, and returns the exit code.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace govd::daemon {

// Exit codes that scripts can rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and the answer is "no" / it failed
inline constexpr int kExitUsage = 2;    // the command line is wrong

using CommandArgs = std::span<const char* const>;  // the arguments after the subcommand name
using CommandFn = int (*)(CommandArgs args, std::ostream& out, std::ostream& err);

struct GovctlCommand {
  std::string_view name;
  std::string_view summary;
  CommandFn run;
};

}  // namespace govd::daemon

// daemon/cli/govctl_command.h
// One govctl subcommand: its name, a one-line summary for `govctl --help`, the function that
// runs it, and its grammar (its words and options) from which shell completion is generated
// (govctl_completion.h). Each subcommand lives in its own govctl_<name>.cc; govctl_main.cc lists
// them.
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
inline constexpr int kExitUnavailable = 3;  // govd could not be reached
// Refused: the caller's role may not do this (govd), or S3 refused `govctl pull` (the grant was
// revoked or never given). One code for "you may not", whoever said it.
inline constexpr int kExitDenied = 4;

using CommandArgs = std::span<const char* const>;  // the arguments after the subcommand name
using CommandFn = int (*)(CommandArgs args, std::ostream& out, std::ostream& err);

// Options are listed space-separated; a trailing '=' marks one that takes a value
// ("--tenant= --json").
struct GovctlWord {
  std::string_view name;     // "log" in `govctl audit log`
  std::string_view options;  // the options this word takes beyond its command's
};

struct GovctlCommand {
  std::string_view name;
  std::string_view summary;
  CommandFn run;
  std::string_view options = {};           // taken with every word, or alone when `words` is empty
  std::span<const GovctlWord> words = {};  // the command's subcommands, if any
};

}  // namespace govd::daemon

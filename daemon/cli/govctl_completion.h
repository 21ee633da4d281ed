// daemon/cli/govctl_completion.h
// Shell completion generated from govctl's one table of commands (govctl_main.cc's kCommands:
// each command's words and options). `govctl __complete WORD...` prints what may come next;
// the bash and zsh scripts in packaging/ only call it, so completion offers exactly what this
// govctl parses and nothing it lacks. Pure, thread safe; never reads files or the environment.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

// The options govctl takes before any command.
inline constexpr std::string_view kGlobalOptions = "--socket= --json --help --version";

// `words`: the command line after "govctl" up to the word being completed, which is last (empty
// for a new word). Returns the candidates for it, in table order, that start with it. Nothing
// after an option that takes a value (the shell then completes file names).
std::vector<std::string> CompletionCandidates(std::span<const GovctlCommand> commands,
                                              std::span<const std::string_view> words);

}  // namespace govd::daemon

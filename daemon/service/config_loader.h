// daemon/service/config_loader.h
// Reads govd's command line and INI config file into a RawConfig (Boost.Program_options): the
// command line overrides the file, key by key. It only reads; deciding what is valid is
// ValidateConfig's job (daemon/service/config.h). The file is /etc/govd/<account-id>.conf unless
// --config names another one.
// Thread safety: stateless functions. Reads the file system; no other side effects.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "daemon/service/config.h"

namespace govd::daemon {

// What the command line asks govd to do, besides configuration.
struct CommandLine {
  bool help = false;
  bool version = false;
  bool check_config = false;
  bool dry_run = false;
  std::string help_text;
  std::vector<std::string> args;  // argv without the program name, kept to re-read on SIGHUP
};

// Parses flags only (no file access); errors name the flag.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv);

// Parses the text of an INI config file (the file's part of LoadRawConfig, without touching the
// file system): every value is marked as coming from a file; file_path and file_mode stay unset.
// `origin` names the text in errors (the file's path).
Result<RawConfig> ParseConfigText(std::string_view text, const std::string& origin);

// Reads the command line's settings, then the config file under them. A missing file is an error
// only when --config named it explicitly.
Result<RawConfig> LoadRawConfig(const CommandLine& command_line);

// LoadRawConfig + ValidateConfig: what startup and SIGHUP both do.
Result<Config> LoadConfig(const CommandLine& command_line);

}  // namespace govd::daemon

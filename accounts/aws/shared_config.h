// accounts/aws/shared_config.h
// The AWS CLI's shared files: ~/.aws/config ("[default]", "[profile NAME]", "[sso-session NAME]")
// and ~/.aws/credentials ("[NAME]"), INI-style "key = value" lines with '#' and ';' comments, and
// which profile is chosen (--profile, AWS_PROFILE, "default").
// Reads profiles; does not resolve them (credential_sources.h does).
// Pure parsing plus bounded file reads. Thread safe. Never logs, and errors never quote a value
// (the files hold secret keys).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::accounts {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

using Profile = std::map<std::string, std::string>;  // key -> value
using Profiles = std::map<std::string, Profile>;     // profile name -> keys

enum class SharedFileKind { kConfig, kCredentials };

// A larger shared file is refused rather than read.
inline constexpr std::size_t kMaxSharedFileBytes = 1U << 20U;
// The bound for the small files beside them: tokens (web identity, ECS, the SSO token cache).
inline constexpr std::size_t kMaxTokenFileBytes = std::size_t{64} * 1024U;

struct SharedFile {
  Profiles profiles;
  Profiles sso_sessions;  // "[sso-session NAME]" sections (config file only)
};

// Both files, merged, and where they were read from (for messages).
struct SharedConfig {
  Profiles profiles;  // the credentials file wins for keys present in both
  Profiles sso_sessions;
  std::string config_path;
  std::string credentials_path;
};

// Which profile to use and who chose it: `flag` (--profile) when not empty, else AWS_PROFILE,
// else "default". `explicit_choice` is false only for the fallback to "default".
struct ProfileChoice {
  std::string name;
  std::string chosen_by;  // "--profile", "AWS_PROFILE" or "default"
  bool explicit_choice = false;
};
ProfileChoice ChooseProfile(const EnvLookup& env, std::string_view flag);

// The text of a file of at most `max_bytes` (base/bounded_file.h); nullopt when it cannot be opened,
// kInvalidArgument naming the path when it is larger or not a regular file (a FIFO never blocks).
Result<std::optional<std::string>> ReadAwsFile(const std::string& path, std::size_t max_bytes);

// Parses one file's text. Malformed lines are kInvalidArgument naming `file_name` and the line.
Result<SharedFile> ParseSharedFile(std::string_view text, SharedFileKind kind, std::string_view file_name);

// Reads and parses a file; a missing file is an empty set of profiles.
Result<SharedFile> LoadSharedFile(const std::string& path, SharedFileKind kind);

// AWS_CONFIG_FILE (default $HOME/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (default
// $HOME/.aws/credentials), read and merged.
Result<SharedConfig> LoadSharedConfig(const EnvLookup& env);

// The value of `name` in the environment, or `fallback` when it is unset or empty.
std::string EnvOr(const EnvLookup& env, std::string_view name, const std::string& fallback = {});

}  // namespace govd::accounts

// accounts/aws/shared_config.h
// The AWS CLI's shared files: ~/.aws/config ("[default]", "[profile NAME]") and
// ~/.aws/credentials ("[NAME]"), INI-style "key = value" lines with '#' and ';' comments.
// Reads profiles; does not resolve them (credential_sources.h does).
// Pure parsing plus one file read. Thread safe. Never logs (the files hold secret keys).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::accounts {

using Profile = std::map<std::string, std::string>;  // key -> value
using Profiles = std::map<std::string, Profile>;     // profile name -> keys

enum class SharedFileKind { kConfig, kCredentials };

// Parses one file's text. Malformed lines are kInvalidArgument naming `file_name` and the line.
Result<Profiles> ParseSharedFile(std::string_view text, SharedFileKind kind, std::string_view file_name);

// Reads and parses a file; a missing file is an empty set of profiles.
Result<Profiles> LoadSharedFile(const std::string& path, SharedFileKind kind);

// config + credentials, the credentials file winning for keys present in both.
Profiles MergeProfiles(Profiles config, const Profiles& credentials);

}  // namespace govd::accounts

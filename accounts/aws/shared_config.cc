#include "accounts/aws/shared_config.h"

#include <optional>
#include <sstream>
#include <utility>

#include "base/bounded_file.h"

namespace govd::accounts {
namespace {

std::string_view Trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// The profile map a section header opens: "[profile x]" -> profiles["x"] and
// "[sso-session x]" -> sso_sessions["x"] in config files, "[x]" -> profiles["x"] in credentials
// files; "default" in both.
Profile& SectionOf(SharedFile& file, std::string_view header, SharedFileKind kind) {
  std::string_view name = Trim(header.substr(1, header.size() - 2));
  if (kind == SharedFileKind::kConfig && name.starts_with("sso-session ")) {
    return file.sso_sessions[std::string(Trim(name.substr(12)))];
  }
  if (kind == SharedFileKind::kConfig && name.starts_with("profile ")) name = Trim(name.substr(8));
  return file.profiles[std::string(name)];
}

}  // namespace

std::string EnvOr(const EnvLookup& env, std::string_view name, const std::string& fallback) {
  auto value = env(name);
  return value && !value->empty() ? *value : fallback;
}

ProfileChoice ChooseProfile(const EnvLookup& env, std::string_view flag) {
  if (!flag.empty()) return {std::string(flag), "--profile", true};
  if (std::string name = EnvOr(env, "AWS_PROFILE"); !name.empty()) return {name, "AWS_PROFILE", true};
  return {"default", "default", false};
}

Result<SharedFile> ParseSharedFile(std::string_view text, SharedFileKind kind, std::string_view file_name) {
  SharedFile file;
  Profile* current = nullptr;
  std::size_t line_number = 0;
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    ++line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    std::string where = std::string(file_name) + " line " + std::to_string(line_number);
    if (line.front() == '[') {
      if (line.back() != ']') return InvalidArgument("section header must end with ']'", where);
      current = &SectionOf(file, line, kind);
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return InvalidArgument("expected 'key = value'", where);
    if (current == nullptr) return InvalidArgument("'key = value' before any [profile] header", where);
    if (Trim(line.substr(eq + 1)).empty()) continue;  // nested sections ("s3 =") are not used here
    (*current)[std::string(Trim(line.substr(0, eq)))] = std::string(Trim(line.substr(eq + 1)));
  }
  return file;
}

Result<std::optional<std::string>> ReadAwsFile(const std::string& path, std::size_t max_bytes) {
  Result<BoundedFile> file = ReadBoundedRegularFile(path, max_bytes, "AWS file");
  if (!file && file.error().code() == ErrorCode::kNotFound) return std::optional<std::string>();
  if (!file) return file.error();
  return std::optional<std::string>(std::move(file->text));
}

Result<SharedFile> LoadSharedFile(const std::string& path, SharedFileKind kind) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadAwsFile(path, kMaxSharedFileBytes));
  if (!text) return SharedFile{};
  return ParseSharedFile(*text, kind, path);
}

Result<SharedConfig> LoadSharedConfig(const EnvLookup& env) {
  std::string home = EnvOr(env, "HOME");
  SharedConfig shared;
  shared.config_path = EnvOr(env, "AWS_CONFIG_FILE", home + "/.aws/config");
  shared.credentials_path = EnvOr(env, "AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials");
  GOVD_ASSIGN_OR_RETURN(SharedFile config, LoadSharedFile(shared.config_path, SharedFileKind::kConfig));
  GOVD_ASSIGN_OR_RETURN(SharedFile credentials,
                        LoadSharedFile(shared.credentials_path, SharedFileKind::kCredentials));
  shared.profiles = std::move(config.profiles);
  shared.sso_sessions = std::move(config.sso_sessions);
  for (const auto& [name, keys] : credentials.profiles) {
    for (const auto& [key, value] : keys) shared.profiles[name][key] = value;
  }
  return shared;
}

}  // namespace govd::accounts

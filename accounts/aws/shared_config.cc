#include "accounts/aws/shared_config.h"

#include <fstream>
#include <sstream>

namespace govd::accounts {
namespace {

std::string_view Trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// "[profile x]" -> "x" in config files, "[x]" -> "x" in credentials files; "default" in both.
std::string SectionName(std::string_view header, SharedFileKind kind) {
  std::string_view name = Trim(header.substr(1, header.size() - 2));
  if (kind == SharedFileKind::kConfig && name.starts_with("profile ")) name = Trim(name.substr(8));
  return std::string(name);
}

}  // namespace

Result<Profiles> ParseSharedFile(std::string_view text, SharedFileKind kind, std::string_view file_name) {
  Profiles profiles;
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
      current = &profiles[SectionName(line, kind)];
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return InvalidArgument("expected 'key = value'", where);
    if (current == nullptr) return InvalidArgument("'key = value' before any [profile] header", where);
    if (Trim(line.substr(eq + 1)).empty()) continue;  // nested sections ("s3 =") are not used here
    (*current)[std::string(Trim(line.substr(0, eq)))] = std::string(Trim(line.substr(eq + 1)));
  }
  return profiles;
}

Result<Profiles> LoadSharedFile(const std::string& path, SharedFileKind kind) {
  std::ifstream in(path);
  if (!in) return Profiles{};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSharedFile(text.str(), kind, path);
}

Profiles MergeProfiles(Profiles config, const Profiles& credentials) {
  for (const auto& [name, keys] : credentials) {
    for (const auto& [key, value] : keys) config[name][key] = value;
  }
  return config;
}

}  // namespace govd::accounts

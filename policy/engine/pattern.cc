#include "policy/engine/pattern.h"

#include <algorithm>

namespace govd::policy {
namespace {

char Fold(char c, bool ignore_case) {
  return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// One glob token at glob[p]: a wildcard, or a literal character (after an optional '\').
struct Token {
  char kind;  // '*', '?' or 'c' (literal)
  char literal;
  std::size_t width;
};

Token ReadToken(std::string_view glob, std::size_t p) {
  char c = glob[p];
  if (c == '*' || c == '?') return {c, 0, 1};
  if (c == '\\' && p + 1 < glob.size()) return {'c', glob[p + 1], 2};
  return {'c', c, 1};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool IsServiceChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

bool GlobMatch(std::string_view glob, std::string_view text, bool ignore_case) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < glob.size()) {
      Token token = ReadToken(glob, p);
      if (token.kind == '*') {
        star_p = p + 1;
        star_t = t;
        p = star_p;
        continue;
      }
      if (token.kind == '?' || Fold(token.literal, ignore_case) == Fold(text[t], ignore_case)) {
        p += token.width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < glob.size() && glob[p] == '*') ++p;
  return p == glob.size();
}

std::string GlobEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

CompiledGlob::CompiledGlob(std::string glob) : glob_(std::move(glob)) {
  match_all_ = glob_ == "*";
  auto special = glob_.find_first_of("*?\\");
  exact_ = special == std::string::npos;
  rest_at_ = exact_ ? glob_.size() : special;
  head_ = glob_.substr(0, rest_at_);
}

bool CompiledGlob::Matches(std::string_view text) const {
  if (match_all_) return true;
  if (exact_) return text == head_;
  if (!text.starts_with(head_)) return false;
  return GlobMatch(std::string_view(glob_).substr(rest_at_), text.substr(head_.size()), false);
}

Result<Pattern> Pattern::Parse(std::string_view text, bool with_variables) {
  Pattern pattern;
  pattern.text_ = std::string(text);
  std::string literal;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!with_variables || text.substr(i, 2) != "${") {
      if (text[i] == '\\') literal.push_back('\\');  // a real backslash, escaped
      literal.push_back(text[i++]);
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument("policy variable \"" + std::string(text.substr(i)) + "\" has no closing '}'");
    }
    std::string_view body = Trim(text.substr(i + 2, close - i - 2));
    i = close + 1;
    if (body == "*" || body == "?" || body == "$") {
      literal += "\\";  // marks the next character as literal in the glob form
      literal += body;
      continue;
    }
    if (!literal.empty()) pattern.parts_.push_back({false, std::exchange(literal, {}), {}});
    Part part{true, {}, {}};
    auto comma = body.find(',');
    std::string_view key = Trim(body.substr(0, comma));
    if (key.empty()) return InvalidArgument("policy variable \"${" + std::string(body) + "}\" names no key");
    part.text = AsciiLower(key);
    if (comma != std::string_view::npos) {
      std::string_view fallback = Trim(body.substr(comma + 1));
      if (fallback.size() < 2 || fallback.front() != '\'' || fallback.back() != '\'') {
        return InvalidArgument("the default of policy variable \"${" + std::string(body) +
                               "}\" must be quoted: ${key, 'default'}");
      }
      part.fallback = std::string(fallback.substr(1, fallback.size() - 2));
    }
    pattern.parts_.push_back(std::move(part));
    pattern.has_variables_ = true;
  }
  if (!literal.empty()) pattern.parts_.push_back({false, std::move(literal), {}});
  if (!pattern.has_variables_) {
    RequestContext empty;
    pattern.glob_ = CompiledGlob(*pattern.Resolve(empty, true));
    pattern.plain_ = *pattern.Resolve(empty, false);
  }
  return pattern;
}

// Literal parts hold glob text in which '\' marks an escaped "${*}"/"${?}"/"${$}" character.
std::optional<std::string> Pattern::Resolve(const RequestContext& context, bool as_glob) const {
  std::string out;
  for (const Part& part : parts_) {
    if (!part.variable) {
      for (std::size_t i = 0; i < part.text.size(); ++i) {
        char c = part.text[i];
        bool escaped = c == '\\' && i + 1 < part.text.size();
        if (escaped) c = part.text[++i];
        if (as_glob && escaped) out.push_back('\\');
        out.push_back(c);
      }
      continue;
    }
    const ContextEntry* entry = context.Find(part.text);
    std::optional<std::string> value;
    if (entry != nullptr && entry->values.size() == 1) value = entry->values[0];
    if (!value) value = part.fallback;
    if (!value) return std::nullopt;
    out += as_glob ? GlobEscape(*value) : *value;
  }
  return out;
}

std::optional<std::string> Pattern::ResolveGlob(const RequestContext& context) const {
  return has_variables_ ? Resolve(context, true) : glob_.glob();
}

std::optional<std::string> Pattern::ResolveText(const RequestContext& context) const {
  return has_variables_ ? Resolve(context, false) : plain_;
}

Result<ActionPattern> ActionPattern::Parse(std::string_view text) {
  std::string lower = AsciiLower(text);
  ActionPattern action{std::string(text), CompiledGlob(lower), {}};
  if (text == "*") return action;
  auto colon = lower.find(':');
  std::string_view service = std::string_view(lower).substr(0, colon);
  bool wild_service = service.find_first_of("*?") != std::string_view::npos;
  bool valid = colon != std::string::npos && colon + 1 < lower.size() && !service.empty() &&
               std::all_of(service.begin(), service.end(),
                           [](char c) { return IsServiceChar(c) || c == '*' || c == '?'; });
  if (!valid) {
    return InvalidArgument("\"" + std::string(text) + "\" is not an action: expected \"*\" or \"service:Action\"");
  }
  if (lower.find('\\') != std::string::npos) {
    return InvalidArgument("action \"" + std::string(text) + "\" contains '\\'");
  }
  if (!wild_service) action.service = std::string(service);
  return action;
}

bool ActionPattern::Matches(std::string_view action_lower) const {
  return glob.Matches(action_lower);
}

}  // namespace govd::policy

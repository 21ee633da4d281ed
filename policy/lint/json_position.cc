// policy/lint/json_position.cc
#include "policy/lint/json_position.h"

#include <charconv>
#include <vector>

#include "base/json_text.h"

namespace govd::policy {
namespace {

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  std::size_t start = 1;
  while (start <= pointer.size() && !pointer.empty()) {
    std::size_t end = pointer.find('/', start);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = start; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    start = end + 1;
  }
  return tokens;
}

const Json::Value* Child(const Json::Value& value, const std::string& token) {
  if (value.isObject()) return value.find(token.data(), token.data() + token.size());
  if (!value.isArray()) return nullptr;
  unsigned index = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || end != token.data() + token.size() || index >= value.size()) return nullptr;
  return &value[index];
}

int NumberAfter(std::string_view text, std::string_view label) {
  std::size_t at = text.find(label);
  if (at == std::string_view::npos) return 0;
  at += label.size();
  int number = 0;
  std::from_chars(text.data() + at, text.data() + text.size(), number);
  return number;
}

}  // namespace

TextPosition PositionOfOffset(std::string_view text, std::size_t offset) {
  TextPosition position{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((byte & 0xC0U) != 0x80U) {  // count code points, not UTF-8 continuation bytes
      ++position.column;
    }
  }
  return position;
}

Result<JsonPositions> JsonPositions::Parse(std::string_view text) {
  Result<Json::Value> root = ParseJsonText(text, "the document");
  if (!root) {
    auto position = PositionInJsonError(root.error().message());
    std::string where = position ? "line " + std::to_string(position->line) : std::string();
    return InvalidArgument(root.error().message(), where);
  }
  return JsonPositions(std::string(text), std::move(*root));
}

TextPosition JsonPositions::Locate(std::string_view pointer) const {
  const Json::Value* value = &root_;
  for (const auto& token : SplitPointer(pointer)) {
    const Json::Value* child = Child(*value, token);
    if (child == nullptr) break;
    value = child;
  }
  return PositionOfOffset(text_, static_cast<std::size_t>(value->getOffsetStart()));
}

std::optional<TextPosition> PositionInJsonError(std::string_view message) {
  TextPosition position{NumberAfter(message, "Line "), NumberAfter(message, "Column ")};
  if (position.line <= 0) return std::nullopt;
  return position;
}

std::string JsonPointerToken(std::string_view key) {
  std::string token;
  for (char c : key) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

}  // namespace govd::policy

// policy/lint/json_position.h
// Maps JSON pointers ("/Statement/2/Action/0") of a JSON text to lines and columns, so that
// diagnostics about a policy can point into the file a person edits. Built once per text;
// jsoncpp records each value's byte offset, which is turned into a 1-based line and a 1-based
// column counted in Unicode code points (SARIF's "unicodeCodePoints").
// Thread safety: immutable after construction. Never throws; never validates policy grammar.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <json/value.h>

#include "base/result.h"

namespace govd::policy {

struct TextPosition {
  int line = 0;
  int column = 0;
};

// The position of byte `offset` of `text`. REQUIRES: offset <= text.size().
TextPosition PositionOfOffset(std::string_view text, std::size_t offset);

class JsonPositions {
 public:
  // Parses `text`; the error names the line and column where the JSON is broken.
  static Result<JsonPositions> Parse(std::string_view text);

  const Json::Value& root() const { return root_; }

  // The position of the value at `pointer`; when the pointer goes past the document (an element
  // that is missing), the position of the deepest value that exists on its path.
  TextPosition Locate(std::string_view pointer) const;

 private:
  JsonPositions(std::string text, Json::Value root) : text_(std::move(text)), root_(std::move(root)) {}
  std::string text_;
  Json::Value root_;
};

// The position jsoncpp names in a syntax error ("* Line 2, Column 11 ..."), if any.
std::optional<TextPosition> PositionInJsonError(std::string_view message);

// "~" and "/" escaped as RFC 6901 says.
std::string JsonPointerToken(std::string_view key);

}  // namespace govd::policy

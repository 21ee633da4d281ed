#include "base/display_text.h"

#include <cstdint>
#include <cstdio>
#include <optional>

namespace govd {
namespace {

// One UTF-8 sequence at the start of `text`: its code point and length, or nothing when the
// bytes there are not well-formed UTF-8 (overlong forms and surrogates included).
struct CodePoint {
  char32_t value;
  std::size_t length;
};

std::optional<CodePoint> DecodeOne(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return CodePoint{lead, 1};
  std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (length == 0 || lead > 0xf4 || text.size() < length) return std::nullopt;
  char32_t value = lead & (0x3f >> (length - 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i) & 0x3f);
  }
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
    return std::nullopt;
  return CodePoint{value, length};
}

bool IsUnsafe(char32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

std::string Hex(const char* format, unsigned value) {
  char text[16];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string Escaped(char32_t c) {
  return c <= 0xff ? Hex("\\x%02x", static_cast<unsigned>(c)) : Hex("\\u%04x", static_cast<unsigned>(c));
}

// Calls `each(code point or nothing, bytes)` for each character of `text` (nothing: a byte that
// is not UTF-8, passed alone).
template <typename Each>
void ForEachCharacter(std::string_view text, Each each) {
  while (!text.empty()) {
    std::optional<CodePoint> c = DecodeOne(text);
    std::size_t length = c ? c->length : 1;
    each(c ? std::optional<char32_t>(c->value) : std::nullopt, text.substr(0, length));
    text.remove_prefix(length);
  }
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == 0xa0 || (c >= 0x2000 && c <= 0x200b) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000 || c == 0xfeff;
}

bool IsBlank(std::string_view text) {
  bool blank = true;
  ForEachCharacter(text,
                   [&](std::optional<char32_t> c, std::string_view) { blank = blank && c && IsSpace(*c); });
  return blank;
}

}  // namespace

Status CheckDisplayText(std::string_view text, std::string_view field) {
  std::size_t position = 0;
  std::optional<std::string> problem;
  ForEachCharacter(text, [&](std::optional<char32_t> c, std::string_view bytes) {
    ++position;
    if (problem) return;
    if (!c) {
      problem = "byte " + Hex("0x%02x", static_cast<unsigned char>(bytes[0])) + " that is not UTF-8";
    } else if (IsUnsafe(*c)) {
      problem = *c <= 0xff ? "control character " + Hex("U+%04X", static_cast<unsigned>(*c))
                           : "bidirectional formatting character " + Hex("U+%04X", static_cast<unsigned>(*c));
    }
    if (problem) *problem += " at character " + std::to_string(position);
  });
  if (!problem) return Ok();
  return InvalidArgument(std::string(field) + " holds a " + *problem +
                             "; control and bidirectional formatting characters are not allowed",
                         std::string(field));
}

Status CheckReason(std::string_view text, std::string_view field) {
  GOVD_TRY(CheckDisplayText(text, field));
  if (IsBlank(text)) {
    return InvalidArgument(std::string(field) + " must say why, not be empty or blank", std::string(field));
  }
  std::size_t characters = 0;
  ForEachCharacter(text, [&](std::optional<char32_t>, std::string_view) { ++characters; });
  if (characters > kMaxReasonChars) {
    return InvalidArgument(std::string(field) + " has " + std::to_string(characters) +
                               " characters; at most " + std::to_string(kMaxReasonChars) + " are allowed",
                           std::string(field));
  }
  return Ok();
}

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](std::optional<char32_t> c, std::string_view bytes) {
    if (!c) {
      out += Hex("\\x%02x", static_cast<unsigned char>(bytes[0]));
    } else if (IsUnsafe(*c)) {
      out += Escaped(*c);
    } else {
      out += bytes;
    }
  });
  return out;
}

}  // namespace govd

#include "base/uri.h"

#include <array>

namespace govd {
namespace {

constexpr bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

// The bytes copied as they are, by keep_slash: one load per byte instead of a chain of compares.
constexpr std::array<std::array<bool, 256>, 2> kKept = [] {
  std::array<std::array<bool, 256>, 2> kept{};
  for (int c = 0; c < 256; ++c) {
    kept[0][c] = IsUnreserved(static_cast<unsigned char>(c));
    kept[1][c] = kept[0][c] || c == '/';
  }
  return kept;
}();

}  // namespace

void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::array<bool, 256>& kept = kKept[keep_slash ? 1 : 0];
  out.reserve(out.size() + bytes.size() + bytes.size() / 4);  // a few escapes; append grows it for more
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t end = i;
    while (end < bytes.size() && kept[static_cast<unsigned char>(bytes[end])]) ++end;
    out.append(bytes.data() + i, end - i);  // the run that needs no encoding, copied whole
    if (end == bytes.size()) break;
    const auto u = static_cast<unsigned char>(bytes[end]);
    const char encoded[3] = {'%', kHex[u >> 4], kHex[u & 0x0f]};
    out.append(encoded, 3);
    i = end + 1;
  }
}

std::string UriEncode(std::string_view bytes) {
  std::string out;
  AppendUriEncoded(out, bytes, false);
  return out;
}

std::string UriEncodePath(std::string_view bytes) {
  std::string out;
  AppendUriEncoded(out, bytes, true);
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace govd

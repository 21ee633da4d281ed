#include "base/uri.h"

namespace govd {
namespace {

constexpr bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t end = i;
    while (end < bytes.size() && (IsUnreserved(static_cast<unsigned char>(bytes[end])) ||
                                  (keep_slash && bytes[end] == '/'))) {
      ++end;
    }
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

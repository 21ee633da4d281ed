#include "daemon/service/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace govd::daemon {

Result<ListenAddress> ParseListenAddress(const std::string& text, const std::string& where) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return InvalidArgument("\"" + text + "\" is not IP:PORT", where);
  ListenAddress address;
  address.ip = text.substr(0, colon);
  bool bracketed = address.ip.size() > 2 && address.ip.front() == '[' && address.ip.back() == ']';
  if (bracketed) address.ip = address.ip.substr(1, address.ip.size() - 2);
  std::string_view port = std::string_view(text).substr(colon + 1);
  unsigned value = 0;
  auto [end, parsed] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || parsed != std::errc() || end != port.data() + port.size() || value > 65535) {
    return InvalidArgument("port must be 0-65535, got \"" + std::string(port) + "\"", where);
  }
  address.port = static_cast<std::uint16_t>(value);
  unsigned char binary[16];
  bool v4 = !bracketed && ::inet_pton(AF_INET, address.ip.c_str(), binary) == 1;
  bool v6 = bracketed && ::inet_pton(AF_INET6, address.ip.c_str(), binary) == 1;
  if (!v4 && !v6) {
    return InvalidArgument("\"" + address.ip + "\" is not an IPv4 address or a bracketed IPv6 address (names are not resolved)",
                           where);
  }
  return address;
}

}  // namespace govd::daemon

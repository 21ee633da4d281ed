// daemon/service/listen_address.h
// "IP:PORT" / "[IPv6]:PORT" as written in the configuration (metrics.address), checked without
// resolving names: a listener must not depend on DNS at start. Pure, thread safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace govd::daemon {

struct ListenAddress {
  std::string ip;  // without brackets: "127.0.0.1", "::1"
  std::uint16_t port = 0;  // 0: the kernel picks a free port
};

// InvalidArgument naming `where` when `text` is not an IP literal and a port 0-65535.
Result<ListenAddress> ParseListenAddress(const std::string& text, const std::string& where);

}  // namespace govd::daemon

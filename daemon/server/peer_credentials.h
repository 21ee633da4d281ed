// daemon/server/peer_credentials.h
// The kernel's word on who is at the other end of a connected unix socket (SO_PEERCRED): the
// uid, gid and pid of the process that connected. The only identity the control API trusts.
// Thread safety: stateless.
#pragma once

#include "base/result.h"
#include "daemon/api/role_map.h"

namespace govd::daemon {

// REQUIRES: `fd` is a connected AF_UNIX stream socket.
Result<PeerCredentials> ReadPeerCredentials(int fd);

}  // namespace govd::daemon

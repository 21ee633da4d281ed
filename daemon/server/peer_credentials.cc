#include "daemon/server/peer_credentials.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace govd::daemon {

Result<PeerCredentials> ReadPeerCredentials(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return Internal(std::string("getsockopt(SO_PEERCRED) failed: ") + std::strerror(errno));
  }
  return PeerCredentials{.uid = credentials.uid, .gid = credentials.gid, .pid = credentials.pid};
}

}  // namespace govd::daemon

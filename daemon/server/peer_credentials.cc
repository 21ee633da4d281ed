#include "daemon/server/peer_credentials.h"

#include <pwd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace govd::daemon {
namespace {

constexpr std::size_t kMaxUserName = 32;
// getpwuid_r's buffer: the entry's strings (name, gecos, home, shell). Bounded: an entry larger
// than this gives ERANGE, and the caller is shown by uid alone.
constexpr std::size_t kPasswdBuffer = 16384;

}  // namespace

bool IsShowableUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName || name.front() == '.' || name.front() == '-') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string UserNameOf(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(kPasswdBuffer);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return "";
  std::string_view name = found->pw_name == nullptr ? std::string_view() : std::string_view(found->pw_name);
  return IsShowableUserName(name) ? std::string(name) : "";
}

Result<PeerCredentials> ReadPeerCredentials(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return Internal(std::string("getsockopt(SO_PEERCRED) failed: ") + std::strerror(errno));
  }
  return PeerCredentials{.uid = credentials.uid,
                         .gid = credentials.gid,
                         .pid = credentials.pid,
                         .user_name = UserNameOf(credentials.uid)};
}

}  // namespace govd::daemon

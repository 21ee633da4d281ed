// daemon/server/peer_credentials.h
// The kernel's word on who is at the other end of a connected unix socket (SO_PEERCRED): the
// uid, gid and pid of the process that connected, and the uid's name in the password database
// at that moment (getpwuid_r), shown beside the uid so that the audit log names a person. The
// uid is the only identity the control API trusts; the name is never used to decide anything.
// Thread safety: stateless (getpwuid_r is reentrant).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "daemon/api/role_map.h"

namespace govd::daemon {

// REQUIRES: `fd` is a connected AF_UNIX stream socket.
Result<PeerCredentials> ReadPeerCredentials(int fd);

// The name of `uid` in the password database, or "" when it has none, the lookup fails, or the
// name is not IsShowableUserName.
std::string UserNameOf(uid_t uid);

// True for [A-Za-z0-9_][A-Za-z0-9._-]{0,31}: a name that cannot forge the actor's "(", ")", "/"
// or a line break, nor pass for an option.
bool IsShowableUserName(std::string_view name);

}  // namespace govd::daemon

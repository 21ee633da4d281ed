// daemon/server/connection_caps.h
// How many control connections govd keeps open at once, in all and per peer uid, so that a local
// user who opens connections by the thousand cannot take the descriptors the daemon needs for
// everything else (reconcile passes open database and HTTPS connections). The caps derive from
// RLIMIT_NOFILE and stay well below it: at most a quarter of it goes to control connections.
// Root and the daemon's own uid are exempt from the total (never from the per-uid cap), so that
// an administrator's revoke still gets in while other uids hold every slot.
// Thread safety: ConnectionCounter is not thread safe (the control server's loop owns it);
// ConnectionCapsFor is pure. Never closes or accepts anything itself: it only counts.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>

namespace govd::daemon {

struct ConnectionCaps {
  std::size_t total = 256;   // open control connections, all uids together
  std::size_t per_uid = 32;  // open control connections of one uid
};

// The caps for a process allowed `max_descriptors` open files (RLIMIT_NOFILE's soft limit):
// total a quarter of it (16..1024), per uid an eighth of the total (at least 4).
ConnectionCaps ConnectionCapsFor(std::size_t max_descriptors);

class ConnectionCounter {
 public:
  // `exempt_uid` (the daemon's own) and root are not counted against caps.total.
  ConnectionCounter(ConnectionCaps caps, uid_t exempt_uid) : caps_(caps), exempt_uid_(exempt_uid) {}

  // Counts one more open connection of `uid` and returns true, or returns false (counting
  // nothing) when a cap is reached.
  bool TryAdmit(uid_t uid);
  // REQUIRES: one earlier TryAdmit(uid) returned true and has not been released.
  void Release(uid_t uid);

  std::size_t open() const { return open_; }
  const ConnectionCaps& caps() const { return caps_; }

 private:
  ConnectionCaps caps_;
  uid_t exempt_uid_;
  std::size_t open_ = 0;
  std::map<uid_t, std::size_t> per_uid_;
};

}  // namespace govd::daemon

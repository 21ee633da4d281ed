#include "daemon/server/connection_caps.h"

#include <algorithm>

namespace govd::daemon {

ConnectionCaps ConnectionCapsFor(std::size_t max_descriptors) {
  ConnectionCaps caps;
  caps.total = std::clamp<std::size_t>(max_descriptors / 4, 16, 1024);
  caps.per_uid = std::max<std::size_t>(caps.total / 8, 4);
  return caps;
}

bool ConnectionCounter::TryAdmit(uid_t uid) {
  std::size_t& mine = per_uid_[uid];
  bool exempt = uid == 0 || uid == exempt_uid_;
  if (mine >= caps_.per_uid || (!exempt && open_ >= caps_.total)) {
    if (mine == 0) per_uid_.erase(uid);
    return false;
  }
  ++mine;
  ++open_;
  return true;
}

void ConnectionCounter::Release(uid_t uid) {
  auto found = per_uid_.find(uid);
  if (found == per_uid_.end()) return;
  if (--found->second == 0) per_uid_.erase(found);
  --open_;
}

}  // namespace govd::daemon

// daemon/service/process_hardening.h
// What govd does to its own process before it reads any secret: it makes itself non-dumpable
// (PR_SET_DUMPABLE 0), so no core file and no ptrace by another unprivileged process of the same
// user can expose static keys, session tokens or signing keys held in memory. Non-dumpable also
// makes /proc/PID/mem, environ and the like readable by root only.
// Thread safety: call once at startup, before any thread exists.
// Must never be skipped because it failed: the caller refuses to start instead.
#pragma once

#include "base/result.h"

namespace govd::daemon {

// Turns core dumps of this process off; Internal with errno's text when the kernel refuses.
Status DisableCoreDumps();

}  // namespace govd::daemon

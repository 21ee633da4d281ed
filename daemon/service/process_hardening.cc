#include "daemon/service/process_hardening.h"

#include <sys/prctl.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace govd::daemon {

Status DisableCoreDumps() {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    const std::string reason = std::error_code(errno, std::system_category()).message();
    return Internal("prctl(PR_SET_DUMPABLE, 0) failed: " + reason);
  }
  return Ok();
}

}  // namespace govd::daemon

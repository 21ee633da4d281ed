// daemon/cli/govctl_sign.h
// `govctl sign`: signs one HTTP request with SigV4 for the credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and prints the headers to add
// (Authorization last) or, with --presign, the presigned URL. Reads the clock only when
// --date is not given. Never prints the secret access key.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunSignCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

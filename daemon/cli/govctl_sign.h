// daemon/cli/govctl_sign.h
// `govctl sign`: signs one HTTP request with SigV4 for the credentials the AWS CLI would use
// (accounts/aws/credential_chain.h: --profile or AWS_PROFILE alone, else the environment, web
// identity, the default profile, ECS, instance metadata) and prints the headers to add
// (Authorization last) or, with --presign, the presigned URL. Reads the clock only when
// --date is not given. Never prints the secret access key or the session token.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunSignCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

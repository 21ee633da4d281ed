// daemon/cli/govctl_pull.h
// `govctl pull`: central mode's pull of a prefix a child account granted, into a local directory
// (accounts/pull/prefix_pull.h; docs/pull.md). Talks to S3 directly with the caller's AWS credentials
// (the AWS CLI's default chain); does not need govd.
//   govctl pull --bucket [ACCOUNT:]BUCKET --prefix P --to DIR [--endpoint URL] [--path-style]
//               [--region R] [--expected-owner ACCOUNT] [--grant ID]
// Never prints credentials.
#pragma once

#include <iosfwd>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunPullCommand(CommandArgs args, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

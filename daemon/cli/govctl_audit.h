// daemon/cli/govctl_audit.h
// `govctl audit`: what security teams ask govd (docs/audit.md, docs/govctl.md) - the audit log
// (table, JSON Lines or RFC 4180 CSV) and its hash-chain check, findings and archiving them,
// who-can-access / what-can-access with explanations, and the HTML report.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "daemon/cli/govctl_command.h"

namespace govd::daemon {

int RunAuditCommand(CommandArgs args, std::ostream& out, std::ostream& err);

// One CSV field per RFC 4180: quoted (with quotes doubled) when it holds a comma, a quote, CR or LF.
std::string CsvField(std::string_view text);

}  // namespace govd::daemon

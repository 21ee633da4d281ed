// daemon/main/govd_org.h
// `govd org import --db CONNINFO --tenant ACCOUNT [--dry-run] FILE.json`: an offline admin
// command (like `govd migrate`) that provisions the organisation of a tenant from a file
// (org_file.h), idempotently (org_import.h): a second run with the same file writes nothing and
// says so. Process edge: never throws.
#pragma once

#include <ostream>
#include <string_view>

namespace govd::daemon {

// The usage line, for `govd org import --help`, its usage errors and `govd --help`.
inline constexpr std::string_view kOrgImportUsage = "govd org import --db CONNINFO --tenant ACCOUNT [--dry-run] [--output text|json] FILE.json";

// argv[0] is "org". Exit codes: 0 imported (or nothing to change); 1 the file was refused or the
// import failed (the message names the element by JSON pointer); 2 usage error.
int RunOrgImportCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

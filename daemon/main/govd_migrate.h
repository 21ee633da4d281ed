// daemon/main/govd_migrate.h
// `govd migrate --db CONNINFO [--check]`: applies the embedded schema migrations (or, with
// --check, only reports) and prints the schema version. Process edge: never throws.
#pragma once

#include <ostream>
#include <string_view>

namespace govd::daemon {

// The usage line, for `govd migrate --help` and `govd --help`.
inline constexpr std::string_view kMigrateUsage = "govd migrate --db CONNINFO [--check]";

// argv[0] is "migrate". Exit codes: 0 done / current; 1 the database is behind or ahead, or
// could not be migrated; 2 usage error.
int RunMigrateCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace govd::daemon

// accounts/store/migrations.h
// Brings a database's schema to the version this govd was built with, and reads where it stands.
// Migrations run in one transaction under a database-wide advisory lock, so daemons starting at
// the same time migrate once; a database newer than the code is refused, never touched.
// Thread safety: each call opens its own connection. Never prints the conninfo.
#pragma once

#include <string>

#include "base/result.h"

namespace govd::accounts {

struct SchemaStatus {
  int database_version = 0;  // 0: an empty database
  int code_version = 0;      // the newest embedded migration
  int applied_now = 0;       // migrations this call applied
};

// The newest schema version this build knows.
int CodeSchemaVersion();

// Applies the pending migrations. Fails (kFailedPrecondition) when the database is ahead.
Result<SchemaStatus> MigrateSchema(const std::string& conninfo);

// The same, stopping at `version` (1..CodeSchemaVersion(), else kInvalidArgument): the schema
// an older release left, for upgrade tests. A database already past `version` is left as it is.
Result<SchemaStatus> MigrateSchemaUpTo(const std::string& conninfo, int version);

// Reads the database's version without changing anything.
Result<SchemaStatus> ReadSchemaStatus(const std::string& conninfo);

// OK only when the database is exactly at CodeSchemaVersion(); otherwise a clear error saying
// which side is behind.
Status CheckSchemaCurrent(const SchemaStatus& status);

}  // namespace govd::accounts

// daemon/main/schema_at_start.cc: database.migrate-at-start.
#include "daemon/main/schema_at_start.h"

#include "accounts/store/migration_list.h"
#include "accounts/store/migrations.h"

namespace govd::daemon {

Status MigrateSchemaAtStart(const std::string& conninfo, bool migrate, Logger& logger) {
  if (!migrate) return Ok();
  Result<accounts::SchemaStatus> migrated = accounts::MigrateSchema(conninfo);
  if (!migrated && migrated.error().code() == ErrorCode::kPermissionDenied) {
    // The usual deployment: the daemon logs in as a tenant role, which may not change the schema.
    // Wait (retryable) rather than exit, so that systemd does not give up before the owner migrates.
    return Unavailable("the database schema is behind this govd (" +
                       std::to_string(accounts::CodeSchemaVersion()) +
                       ") and this daemon's database role may not migrate it (" + migrated.error().message() +
                       "); run `govd migrate` as the database owner");
  }
  GOVD_ASSIGN_OR_RETURN(accounts::SchemaStatus status, std::move(migrated));
  if (status.applied_now == 0) return Ok();
  // Versions have no gaps, so the migrations applied now are the last `applied_now` ones.
  const int from = status.database_version - status.applied_now;
  for (const accounts::Migration& migration : accounts::EmbeddedMigrations()) {
    if (migration.version <= from || migration.version > status.database_version) continue;
    logger.Log(LogLevel::kNotice, "schema migration " + std::string(migration.name) + " applied");
  }
  logger.Log(LogLevel::kNotice, "database schema migrated from version " + std::to_string(from) + " to " +
                                    std::to_string(status.database_version) + " (database.migrate-at-start)");
  return Ok();
}

}  // namespace govd::daemon

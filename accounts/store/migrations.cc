// accounts/store/migrations.cc: versioned migrations under an advisory lock.
#include "accounts/store/migrations.h"

#include <string>

#include "accounts/store/migration_list.h"
#include "accounts/store/pg.h"

namespace govd::accounts {
namespace {

// pg_advisory_xact_lock key for "govd migrations" (any constant unique to govd works).
constexpr long long kMigrationLockKey = 0x676f76642d6d6967;  // "govd-mig"

constexpr const char* kBootstrapSql =
    "CREATE SCHEMA IF NOT EXISTS govd;"
    "CREATE TABLE IF NOT EXISTS govd.schema_migrations ("
    "  version integer PRIMARY KEY, name text NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now())";

int ReadVersion(pqxx::transaction_base& tx) {
  pqxx::row exists = tx.exec1("SELECT to_regclass('govd.schema_migrations') IS NOT NULL");
  if (!exists[0].as<bool>()) return 0;
  return tx.exec1("SELECT coalesce(max(version), 0) FROM govd.schema_migrations")[0].as<int>();
}

Status RefuseIfAhead(int database_version) {
  if (database_version <= CodeSchemaVersion()) return Ok();
  return FailedPrecondition("the database schema is at version " +
                            std::to_string(database_version) + " but this govd knows only up to " +
                            std::to_string(CodeSchemaVersion()) +
                            "; upgrade govd before using this database");
}

int ApplyPending(pqxx::work& tx, int from_version, int to_version) {
  int applied = 0;
  for (const Migration& m : EmbeddedMigrations()) {
    if (m.version <= from_version || m.version > to_version) continue;
    tx.exec(std::string(m.sql), "migration " + std::string(m.name));
    tx.exec_params("INSERT INTO govd.schema_migrations (version, name) VALUES ($1, $2)", m.version,
                   std::string(m.name));
    ++applied;
  }
  return applied;
}

}  // namespace

int CodeSchemaVersion() {
  auto all = EmbeddedMigrations();
  return all.empty() ? 0 : all.back().version;
}

Result<SchemaStatus> MigrateSchema(const std::string& conninfo) {
  return MigrateSchemaUpTo(conninfo, CodeSchemaVersion());
}

Result<SchemaStatus> MigrateSchemaUpTo(const std::string& conninfo, int version) {
  if (version < 1 || version > CodeSchemaVersion()) {
    return InvalidArgument("no schema version " + std::to_string(version) + " in this govd (1 to " +
                           std::to_string(CodeSchemaVersion()) + ")");
  }
  GOVD_ASSIGN_OR_RETURN(auto conn, pg::Connect(conninfo));
  return pg::InTransaction<SchemaStatus>(
      *conn, "migrating the schema", [version](pqxx::work& tx) -> Result<SchemaStatus> {
        tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
        SchemaStatus status{ReadVersion(tx), CodeSchemaVersion(), 0};
        GOVD_TRY(RefuseIfAhead(status.database_version));
        // Nothing to do: change nothing, so that a role that may not create schemas (a daemon's
        // tenant login role) can call this on every start.
        if (status.database_version >= version) return status;
        tx.exec(kBootstrapSql);
        status.applied_now = ApplyPending(tx, status.database_version, version);
        status.database_version = version;
        return status;
      });
}

Result<SchemaStatus> ReadSchemaStatus(const std::string& conninfo) {
  GOVD_ASSIGN_OR_RETURN(auto conn, pg::Connect(conninfo));
  return pg::Guard<SchemaStatus>("reading the schema version", [&] {
    pqxx::nontransaction tx(*conn);
    return SchemaStatus{ReadVersion(tx), CodeSchemaVersion(), 0};
  });
}

Status CheckSchemaCurrent(const SchemaStatus& status) {
  GOVD_TRY(RefuseIfAhead(status.database_version));
  if (status.database_version < status.code_version) {
    return FailedPrecondition("the database schema is at version " +
                              std::to_string(status.database_version) + ", behind this govd (" +
                              std::to_string(status.code_version) + "); run `govd migrate`");
  }
  return Ok();
}

}  // namespace govd::accounts

// daemon/main/schema_at_start.h
// The schema step of a daemon's start (database.migrate-at-start): applies the migrations the
// database lacks with the code of `govd migrate` (accounts/store/migrations.h: one transaction,
// under the migration advisory lock, so daemons starting together migrate once) and logs each
// one applied. A package upgrade that restarts govd before anyone ran `govd migrate` thus still
// starts; where the daemon's database role may not change the schema (a tenant login role), it
// waits for the owner's `govd migrate` instead of exiting into systemd's start limit. With the
// switch off it changes nothing: opening the store then refuses a database behind this build.
// Thread safety: as the logger; each call opens its own connection. Never logs the conninfo.
#pragma once

#include <string>

#include "base/result.h"
#include "daemon/service/logger.h"

namespace govd::daemon {

// Migrates `conninfo`'s database to this build's schema when `migrate` is true (else Ok()).
// Errors are MigrateSchema's: retryable while the database does not answer; a database ahead of
// this build is kFailedPrecondition and is never touched. A database behind this build that the
// daemon's role may not migrate (it is not the owner) is kUnavailable, retryable: the caller
// waits, saying why, until the owner runs `govd migrate`.
Status MigrateSchemaAtStart(const std::string& conninfo, bool migrate, Logger& logger);

}  // namespace govd::daemon

// accounts/store/migration_list.h
// The versioned SQL migrations compiled into govd (generated from accounts/store/migrations/*.sql at
// build time). Versions start at 1 and have no gaps; each runs once, in order, in one transaction.
// Constant data: thread safe. Never edit an applied migration: add a new file instead.
#pragma once

#include <span>
#include <string_view>

namespace govd::accounts {

struct Migration {
  int version;
  std::string_view name;  // "0001_initial"
  std::string_view sql;
};

// All embedded migrations, ordered by version.
std::span<const Migration> EmbeddedMigrations();

}  // namespace govd::accounts

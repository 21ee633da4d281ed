// accounts/store/store_impl.h
// Internals shared by the store_*.cc files: the connection and context behind a Store, the
// audit append every change calls inside its transaction, prepared statements, and row <-> value
// mapping.
// Not part of the public API. Same thread-safety contract as Store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <json/json.h>
#include <pqxx/pqxx>

#include "accounts/store/pg.h"
#include "accounts/store/store.h"

namespace govd::accounts {

struct Store::Impl {
  std::unique_ptr<pqxx::connection> conn;
  StoreContext context;
  StoreOptions options;
  // The head the running transaction's audit rows make, to anchor once it commits (set by
  // AppendAudit when an audit seal is configured and the chain still reaches the old anchor).
  mutable std::optional<AuditAnchor> pending_anchor;

  TimePoint Now() const { return options.clock->Now(); }

  template <typename T, typename Body>
  Result<T> Tx(std::string_view doing, Body&& body) {
    pending_anchor.reset();
    Result<T> result = pg::InTransaction<T>(*conn, doing, std::forward<Body>(body));
    if (result) AnchorCommittedHead();
    pending_anchor.reset();
    return result;
  }

  // Runs body(pqxx::nontransaction&), which must run exactly one statement: PostgreSQL runs it in
  // a transaction of its own, committed or rolled back whole, in one round trip. An error the
  // body returns after its statement succeeded (reading the result) does not undo the statement.
  template <typename T, typename Body>
  Result<T> OneStatement(std::string_view doing, Body&& body) {
    return pg::Guard<T>(doing, [&]() -> Result<T> {
      pqxx::nontransaction tx(*conn);
      Result<T> result = body(tx);
      if (!result) return result.error().WithContext(doing);
      return result;
    });
  }

  // Records pending_anchor outside the database (store_audit.cc).
  void AnchorCommittedHead();

  // Tx for a body that returns Status.
  template <typename Body>
  Status TxStatus(std::string_view doing, Body&& body) {
    Result<bool> done = Tx<bool>(doing, [&](pqxx::work& tx) -> Result<bool> {
      GOVD_TRY(body(tx));
      return true;
    });
    if (!done) return done.error();
    return Ok();
  }
};

// True when the query returns a row.
template <typename... Args>
bool RowExists(pqxx::work& tx, const std::string& sql, Args&&... args) {
  return !tx.exec_params(sql, std::forward<Args>(args)...).empty();
}

// One audit row, chained to the tenant's previous row. Call inside the transaction of the change
// it records; serialises appends per tenant with a transaction-scoped advisory lock.
struct AuditChange {
  std::string_view action;
  std::string object;
  std::string before_json = "null";
  std::string after_json = "null";
};
Status AppendAudit(pqxx::work& tx, const Store::Impl& store, const AuditChange& change);

// The statements a Store prepares on its connection when it opens (store_audit.cc,
// store_grants.cc): planned once per connection, not once per call.
void PrepareAuditStatements(pqxx::connection& conn);
void PrepareGrantStatements(pqxx::connection& conn);

// Compact JSON text, object keys sorted: the before/after of audit rows.
std::string JsonText(const Json::Value& value);

// The grant columns, in the order GrantFromRow reads them.
extern const char* const kGrantColumns;
Result<Grant> GrantFromRow(const pqxx::row& row);
std::string GrantJson(const Grant& grant);

}  // namespace govd::accounts

// accounts/store/pg.cc: libpqxx exceptions to govd::Error.
#include "accounts/store/pg.h"

#include <string>

namespace govd::accounts::pg {
namespace {

// SQLSTATE classes and codes worth their own ErrorCode; everything else is internal.
ErrorCode CodeForSqlState(const std::string& state) {
  if (state == "23505") return ErrorCode::kAlreadyExists;
  if (state == "23503") return ErrorCode::kNotFound;
  if (state.starts_with("23") || state.starts_with("22")) return ErrorCode::kInvalidArgument;
  if (state == "42501") return ErrorCode::kPermissionDenied;
  if (state.starts_with("40")) return ErrorCode::kUnavailable;  // serialization, deadlock
  if (state.starts_with("08") || state.starts_with("57")) return ErrorCode::kUnavailable;
  if (state.starts_with("53")) return ErrorCode::kResourceExhausted;
  return ErrorCode::kInternal;
}

// libpqxx 6.4 throws some sql_error subclasses without their SQLSTATE; recover the class.
std::string SqlStateOf(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) return "42501";
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) return "23505";
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) return "23503";
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr) return "23000";
  if (dynamic_cast<const pqxx::data_exception*>(&e) != nullptr) return "22000";
  return "XX000";
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::int64_t ToMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TimePoint FromMicros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

Error ErrorFromException(const std::exception& e, std::string_view doing) {
  std::string prefix(doing);
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    std::string state = SqlStateOf(*sql);
    return {CodeForSqlState(state),
            prefix + ": PostgreSQL error " + state + ": " + Trimmed(sql->what())};
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Unavailable(prefix + ": lost or could not open the database connection: " +
                       Trimmed(e.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Unavailable(prefix + ": the commit's outcome is unknown (connection lost): " +
                       Trimmed(e.what()));
  }
  return Internal(prefix + ": " + Trimmed(e.what()));
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo) {
  return Guard<std::unique_ptr<pqxx::connection>>("connecting to PostgreSQL", [&] {
    return std::make_unique<pqxx::connection>(conninfo);
  });
}

}  // namespace govd::accounts::pg

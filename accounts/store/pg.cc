// accounts/store/pg.cc: libpqxx exceptions to govd::Error.
#include "accounts/store/pg.h"

#include <charconv>
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

Result<TimePoint> FromTimestampText(std::string_view text, std::string_view column) {
  auto bad = [&] {
    return Internal("column " + std::string(column) + " holds \"" + std::string(text.substr(0, 40)) +
                    "\", not a UTC timestamp in ISO form");
  };
  // "YYYY-MM-DD HH:MM:SS" [".f" to ".ffffff"] "+00"
  if (text.size() < 22 || !text.ends_with("+00")) return bad();
  auto number = [&](std::size_t at, std::size_t digits, int& out) {
    const char* begin = text.data() + at;
    if (*begin < '0' || *begin > '9') return false;  // from_chars would take a sign
    auto [end, ec] = std::from_chars(begin, begin + digits, out);
    return ec == std::errc() && end == begin + digits;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(0, 4, year) || text[4] != '-' || !number(5, 2, month) || text[7] != '-' || !number(8, 2, day) ||
      text[10] != ' ' || !number(11, 2, hour) || text[13] != ':' || !number(14, 2, minute) ||
      text[16] != ':' || !number(17, 2, second)) {
    return bad();
  }
  // Up to six fraction digits, as many as PostgreSQL needed ("12.5" is 500,000 microseconds).
  std::string_view fraction = text.substr(19, text.size() - 22);
  int micros = 0;
  if (!fraction.empty()) {
    if (fraction.size() < 2 || fraction.size() > 7 || fraction[0] != '.') return bad();
    for (std::size_t i = 1; i < 7; ++i) {
      char digit = i < fraction.size() ? fraction[i] : '0';
      if (digit < '0' || digit > '9') return bad();
      micros = micros * 10 + (digit - '0');
    }
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return bad();
  auto at = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
            std::chrono::seconds(second) + std::chrono::microseconds(micros);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(at.time_since_epoch()));
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

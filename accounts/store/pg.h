// accounts/store/pg.h
// The libpqxx adapter: the only place where libpqxx exceptions are caught. They become
// govd::Error (SQLSTATE mapped to a code, message naming what was being done), so nothing thrown
// ever leaves accounts/. Also: time points as the microsecond integers the SQL side converts with
// govd.from_us()/govd.to_us(), and timestamptz read as text on a session set to UTC and ISO.
// Thread safety: a pqxx::connection is used by one thread at a time. Never puts the conninfo
// (it may hold a password) into an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <pqxx/pqxx>

#include "base/result.h"

namespace govd::accounts::pg {

using TimePoint = std::chrono::system_clock::time_point;

std::int64_t ToMicros(TimePoint t);
TimePoint FromMicros(std::int64_t us);

// The session settings under which FromTimestampText can read timestamptz text (the store sets
// them on every connection it opens).
inline constexpr std::string_view kTimeZone = "UTC";
inline constexpr std::string_view kDateStyle = "ISO";

// A timestamptz as PostgreSQL prints it under kTimeZone and kDateStyle: "2027-01-15 10:00:00+00"
// or "2027-01-15 10:00:00.123456+00" (years 1 to 9999). kInternal naming `column` for any other
// form: the session was not set up as FromTimestampText needs, and a guessed time is worse.
Result<TimePoint> FromTimestampText(std::string_view text, std::string_view column);

// Maps an exception thrown by libpqxx (or the standard library under it) to an Error whose
// message starts with `doing` ("approving grant 12: ...").
Error ErrorFromException(const std::exception& e, std::string_view doing);

// Opens a connection; a refused or unreachable server is kUnavailable.
Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo);

// Runs fn() and turns anything it throws into an Error.
template <typename T, typename Fn>
Result<T> Guard(std::string_view doing, Fn&& fn) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const std::exception& e) {
    return ErrorFromException(e, doing);
  }
}

// Runs body(pqxx::work&) -> Result<T> in one transaction, committed only when the body returns a
// value: an error or an exception rolls everything back, so a failed operation writes nothing.
template <typename T, typename Body>
Result<T> InTransaction(pqxx::connection& conn, std::string_view doing, Body&& body) {
  return Guard<T>(doing, [&]() -> Result<T> {
    pqxx::work tx(conn);
    Result<T> result = body(tx);
    if (!result) return result.error().WithContext(doing);
    tx.commit();
    return result;
  });
}

}  // namespace govd::accounts::pg

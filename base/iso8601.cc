#include "base/iso8601.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace govd {
namespace {

using std::chrono::system_clock;

constexpr std::string_view kForms = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fff]Z, in UTC";

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

bool ReadDigits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool TimeSeparators(std::string_view t) {
  return t.size() >= 20 && t[10] == 'T' && t[13] == ':' && t[16] == ':' && t.back() == 'Z';
}

bool FractionOk(std::string_view t) {
  if (t.size() == 20) return true;
  if (t[19] != '.' || t.size() < 22) return false;
  return t.substr(20, t.size() - 21).find_first_not_of("0123456789") == std::string_view::npos;
}

// The form only: digits and separators where they belong; says nothing about the values.
bool ReadFields(std::string_view t, Fields& f) {
  bool date = t.size() >= 10 && t[4] == '-' && t[7] == '-' && ReadDigits(t, 0, 4, f.year) &&
              ReadDigits(t, 5, 2, f.month) && ReadDigits(t, 8, 2, f.day);
  if (!date || t.size() == 10) return date;
  return TimeSeparators(t) && FractionOk(t) && ReadDigits(t, 11, 2, f.hour) &&
         ReadDigits(t, 14, 2, f.minute) && ReadDigits(t, 17, 2, f.second);
}

Error Refused(std::string_view text, std::string_view field, const std::string& why) {
  return InvalidArgument("'" + std::string(text) + "' " + why, std::string(field));
}

std::string DaysIn(const std::chrono::year_month_day& ymd) {
  std::chrono::year_month_day_last last{ymd.year(), std::chrono::month_day_last{ymd.month()}};
  return std::to_string(static_cast<unsigned>(last.day()));
}

// Whole seconds that system_clock's time_point (nanoseconds in 64 bits) can hold.
std::chrono::sys_seconds Latest() {
  return std::chrono::floor<std::chrono::seconds>(system_clock::time_point::max());
}
std::chrono::sys_seconds Earliest() {
  return std::chrono::ceil<std::chrono::seconds>(system_clock::time_point::min());
}

}  // namespace

Result<system_clock::time_point> ParseIso8601(std::string_view text, std::string_view field) {
  Fields f;
  if (!ReadFields(text, f))
    return Refused(text, field, "is not a date or time (" + std::string(kForms) + ")");
  std::chrono::year_month_day ymd{std::chrono::year(f.year),
                                  std::chrono::month(static_cast<unsigned>(f.month)),
                                  std::chrono::day(static_cast<unsigned>(f.day))};
  if (!ymd.month().ok()) return Refused(text, field, "has no month " + std::to_string(f.month));
  if (!ymd.ok()) {
    return Refused(
        text, field,
        "is not a day of the calendar: " + std::string(text.substr(0, 7)) + " has " + DaysIn(ymd) + " days");
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return Refused(text, field, "is not a time of day");
  std::chrono::sys_seconds at = std::chrono::sys_days(ymd) + std::chrono::hours(f.hour) +
                                std::chrono::minutes(f.minute) + std::chrono::seconds(f.second);
  if (at > Latest()) {
    return Refused(text, field, "is after " + FormatIso8601(Latest()) + ", the latest time govd can hold");
  }
  if (at < Earliest()) {
    return Refused(text, field,
                   "is before " + FormatIso8601(Earliest()) + ", the earliest time govd can hold");
  }
  return system_clock::time_point(at);
}

std::string FormatUtc(system_clock::time_point when, const char* format) {
  std::time_t seconds = system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, length);
}

std::string FormatIso8601(system_clock::time_point when) { return FormatUtc(when, "%Y-%m-%dT%H:%M:%SZ"); }

std::string FormatIso8601Micros(system_clock::time_point when) {
  auto micros = std::chrono::floor<std::chrono::microseconds>(when.time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
  char fraction[24];  // ".123456Z" and room for any long long, as -Wformat-truncation wants
  std::snprintf(fraction, sizeof fraction, ".%06lldZ", static_cast<long long>((micros - seconds).count()));
  return FormatUtc(system_clock::time_point(seconds), "%Y-%m-%dT%H:%M:%S") + fraction;
}

}  // namespace govd

#include "base/iso8601.h"

#include <ctime>
#include <string>

namespace govd {
namespace {

bool ReadDigits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool Separators(std::string_view t) {
  return t.size() >= 20 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' &&
         t.back() == 'Z';
}

bool FractionOk(std::string_view t) {
  if (t.size() == 20) return true;
  if (t[19] != '.' || t.size() < 22) return false;
  return t.substr(20, t.size() - 21).find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text, std::string_view field) {
  std::tm tm{};
  bool ok = Separators(text) && FractionOk(text) && ReadDigits(text, 0, 4, tm.tm_year) &&
            ReadDigits(text, 5, 2, tm.tm_mon) && ReadDigits(text, 8, 2, tm.tm_mday) &&
            ReadDigits(text, 11, 2, tm.tm_hour) && ReadDigits(text, 14, 2, tm.tm_min) &&
            ReadDigits(text, 17, 2, tm.tm_sec);
  if (!ok || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return InvalidArgument("'" + std::string(text) + "' is not an ISO-8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)",
                           std::string(field));
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string FormatUtc(std::chrono::system_clock::time_point when, const char* format) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, length);
}

std::string FormatIso8601(std::chrono::system_clock::time_point when) { return FormatUtc(when, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace govd

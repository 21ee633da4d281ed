// base/iso8601.h
// The one date parser of govd: every date it takes from people, files and AWS goes through
// ParseIso8601 (govctl --expires and --since, the control API's bodies and queries, org files,
// STS Expiration and the ECS and IMDS credential documents). Also writes times in the same form
// for the control API and govctl.
// Pure, thread safe. Never normalizes an impossible date (2027-02-30 is refused, not moved to
// March) and never wraps a date the time point cannot hold (2800-01-01 is refused, not stored
// as a date in 2215).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd {

// "2027-01-31" (midnight UTC) or "2027-01-31T10:00:00Z", optionally with fractional seconds
// (dropped). kInvalidArgument naming `field` when the text has another form, names a day the
// calendar does not have, or lies outside what std::chrono::system_clock can hold (about
// 1677-09-22 to 2262-04-11); the message says which.
Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text, std::string_view field);

// `when` in UTC through strftime's `format` (whole seconds; at most 63 bytes of output).
std::string FormatUtc(std::chrono::system_clock::time_point when, const char* format);

// "2026-11-24T12:00:00Z": whole seconds, UTC (the fraction is dropped).
std::string FormatIso8601(std::chrono::system_clock::time_point when);

// "2026-11-24T12:00:00.123456Z": to the microsecond, UTC, as the audit log keeps times.
std::string FormatIso8601Micros(std::chrono::system_clock::time_point when);

}  // namespace govd

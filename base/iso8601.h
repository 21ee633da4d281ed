// base/iso8601.h
// Reads the UTC timestamps AWS puts in credentials ("2026-11-24T12:00:00Z", optionally with
// fractional seconds): STS Expiration, the ECS and IMDS credential documents; and writes times
// in the same form for the control API and govctl.
// Pure, thread safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd {

// kInvalidArgument naming `field` when the text is not YYYY-MM-DDTHH:MM:SS[.fff]Z.
Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text, std::string_view field);

// `when` in UTC through strftime's `format` (whole seconds; at most 63 bytes of output).
std::string FormatUtc(std::chrono::system_clock::time_point when, const char* format);

// "2026-11-24T12:00:00Z": whole seconds, UTC (the fraction is dropped).
std::string FormatIso8601(std::chrono::system_clock::time_point when);

}  // namespace govd

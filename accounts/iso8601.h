// accounts/iso8601.h
// Reads the UTC timestamps AWS puts in credentials ("2026-11-24T12:00:00Z", optionally with
// fractional seconds): STS Expiration, the ECS and IMDS credential documents.
// Pure, thread safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::accounts {

// kInvalidArgument naming `field` when the text is not YYYY-MM-DDTHH:MM:SS[.fff]Z.
Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text, std::string_view field);

// "2027-04-01T00:00:00Z": whole seconds, UTC (the form ParseIso8601 reads back).
std::string FormatIso8601(std::chrono::system_clock::time_point when);

}  // namespace govd::accounts

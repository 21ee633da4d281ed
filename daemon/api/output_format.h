// daemon/api/output_format.h
// The output formats a command line offers (govctl's commands and `govd org import`): text for
// people, json for scripts. One place names them, so every door refuses an unknown one alike.
// Pure, thread safe.
#pragma once

#include <string_view>

#include "base/result.h"

namespace govd::daemon {

// true for "json", false for "text"; kInvalidArgument naming the format and the valid ones
// ("--output: unknown format \"yaml\"; choose text or json"), where "--output".
Result<bool> ParseOutputFormat(std::string_view format);

}  // namespace govd::daemon

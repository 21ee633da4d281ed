// daemon/api/json_body.h
// JSON text on the control API's wire, as the server and govctl both read and write it: strict
// parsing (no duplicate keys, nothing after the value) with errors that say where the text stops
// making sense, and compact one-line output.
// Pure, thread safe. Never echoes the text it refuses.
#pragma once

#include <json/value.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace govd::daemon {

// govd::ParseJsonText (base/json_text.h) refusing duplicate keys and anything after the value;
// errors name `what` ("the organisation file") and say where the text stops making sense.
Result<Json::Value> ParseJsonText(std::string_view text, std::string_view what);

// ParseJsonText for a request body.
Result<Json::Value> ParseJsonBody(std::string_view text);

// Compact one-line JSON text, newline-terminated.
std::string WriteJson(const Json::Value& value);

// "null", "a number", "a string", "a boolean", "an array", "an object": for error messages.
std::string_view JsonTypeName(const Json::Value& value);

// A request body's fields: kInvalidArgument naming the first field not in `known` (and listing
// those that are), or a body that is not an object. A missing body (null) counts as {}.
Status CheckFields(const Json::Value& body, std::span<const std::string_view> known);
// The string `field` of `body`; nullopt when absent; kInvalidArgument when not a string.
Result<std::optional<std::string>> OptionalString(const Json::Value& body, const std::string& field);
// OptionalString, with kInvalidArgument ("is required") when absent.
Result<std::string> RequiredString(const Json::Value& body, const std::string& field);

// A JSON array of the strings, in order.
Json::Value StringList(const std::vector<std::string>& items);

}  // namespace govd::daemon

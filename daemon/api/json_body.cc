#include "daemon/api/json_body.h"

#include <algorithm>
#include <optional>
#include <span>

#include <json/writer.h>

#include "base/json_text.h"

namespace govd::daemon {

Result<Json::Value> ParseJsonText(std::string_view text, std::string_view what) {
  return govd::ParseJsonText(text, what, {.reject_duplicate_keys = true, .fail_if_extra = true});
}

Result<Json::Value> ParseJsonBody(std::string_view text) {
  auto value = ParseJsonText(text, "request body");
  if (!value) return InvalidArgument(value.error().message(), "body");
  return value;
}

std::string WriteJson(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  return Json::writeString(builder, value) + "\n";
}

Json::Value StringList(const std::vector<std::string>& items) {
  Json::Value list(Json::arrayValue);
  for (const auto& item : items) list.append(item);
  return list;
}

std::string_view JsonTypeName(const Json::Value& value) {
  switch (value.type()) {
    case Json::nullValue: return "null";
    case Json::intValue:
    case Json::uintValue:
    case Json::realValue: return "a number";
    case Json::stringValue: return "a string";
    case Json::booleanValue: return "a boolean";
    case Json::arrayValue: return "an array";
    case Json::objectValue: return "an object";
  }
  return "unknown";
}

Status CheckFields(const Json::Value& body, std::span<const std::string_view> known) {
  if (body.isNull()) return Ok();
  if (!body.isObject()) {
    return InvalidArgument("the request body must be a JSON object, not " + std::string(JsonTypeName(body)), "body");
  }
  for (const std::string& name : body.getMemberNames()) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string message = "unknown field \"" + name + "\" (this endpoint takes:";
    for (std::string_view field : known) {
      message += ' ';
      message += field;
    }
    message += ')';
    return InvalidArgument(message, name);
  }
  return Ok();
}

Result<std::optional<std::string>> OptionalString(const Json::Value& body, const std::string& field) {
  if (!body.isObject() || !body.isMember(field)) return std::optional<std::string>();
  const Json::Value& value = body[field];
  if (!value.isString()) {
    return InvalidArgument("field \"" + field + "\" must be a string, not " + std::string(JsonTypeName(value)), field);
  }
  return std::optional<std::string>(value.asString());
}

Result<std::string> RequiredString(const Json::Value& body, const std::string& field) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, field));
  if (!value) return InvalidArgument("field \"" + field + "\" is required", field);
  return *std::move(value);
}

}  // namespace govd::daemon

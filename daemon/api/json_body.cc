#include "daemon/api/json_body.h"

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

}  // namespace govd::daemon

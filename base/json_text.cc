#include "base/json_text.h"

#include <json/reader.h>

#include <memory>
#include <string>

namespace govd {

Result<Json::Value> ParseJsonText(std::string_view text, std::string_view what, JsonSyntax syntax) {
  Json::CharReaderBuilder builder;
  if (syntax.strict) Json::CharReaderBuilder::strictMode(&builder.settings_);
  if (syntax.reject_duplicate_keys) builder["rejectDupKeys"] = true;
  if (syntax.fail_if_extra) builder["failIfExtra"] = true;
  builder["collectComments"] = false;
  builder["stackLimit"] = kMaxJsonNesting;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value value;
  std::string errors;
  try {
    if (reader->parse(text.data(), text.data() + text.size(), &value, &errors)) return value;
  } catch (const Json::Exception& e) {
    errors = e.what();
  }
  while (!errors.empty() && errors.back() == '\n') errors.pop_back();
  return InvalidArgument(std::string(what) + " is not valid JSON: " + errors);
}

}  // namespace govd

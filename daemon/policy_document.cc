#include "daemon/policy_document.h"

#include <json/reader.h>

#include <memory>

#include "policy/policy_canonical.h"
#include "signer/crypto.h"

namespace govd::daemon {

Result<Json::Value> ParseStrictJson(const std::string& text, const std::string& what) {
  Json::CharReaderBuilder builder;
  builder["rejectDupKeys"] = true;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value document;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &document, &errors)) {
    return FailedPrecondition(what + " is not valid JSON: " + errors);
  }
  return document;
}

Json::Value PolicyHash(const Json::Value& document) {
  if (document.isNull()) return Json::Value();
  return signer::Sha256Hex(policy::CompactJson(policy::CanonicalPolicy(document)));
}

}  // namespace govd::daemon

#include "daemon/reconcile/policy_document.h"

#include "base/json_text.h"
#include "policy/engine/policy_canonical.h"
#include "signer/crypto.h"

namespace govd::daemon {

Result<Json::Value> ParseStrictJson(const std::string& text, const std::string& what) {
  Result<Json::Value> document = govd::ParseJsonText(text, what, {.reject_duplicate_keys = true});
  if (!document) return FailedPrecondition(document.error().message());
  return document;
}

Json::Value PolicyHash(const Json::Value& document) {
  if (document.isNull()) return Json::Value();
  return signer::Sha256Hex(policy::CompactJson(policy::CanonicalPolicy(document)));
}

}  // namespace govd::daemon

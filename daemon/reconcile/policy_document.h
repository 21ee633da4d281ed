// daemon/reconcile/policy_document.h
// What the reconcilers do alike with a policy document read from AWS: parse it strictly (a
// duplicate key is an error, as IAM has it), and name it in the audit log by the SHA-256 of its
// canonical form, never by its text.
// Pure, thread safe.
#pragma once

#include <json/value.h>

#include <string>

#include "base/result.h"

namespace govd::daemon {

// kFailedPrecondition "WHAT is not valid JSON: ..." when `text` does not parse.
Result<Json::Value> ParseStrictJson(const std::string& text, const std::string& what);

// Hex SHA-256 of the canonical compact form; JSON null for no document.
Json::Value PolicyHash(const Json::Value& document);

}  // namespace govd::daemon

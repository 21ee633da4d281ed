// policy/engine/parser.h
// Parses and validates an IAM JSON policy document for a given attachment kind, refusing what AWS
// would refuse (unknown or misplaced elements, wrong types, bad ARNs, operator values of the
// wrong type). Every Error's where() is the JSON pointer of the offending element ("/Statement/2/
// Condition/IpAddress/aws:SourceIp") and its message states the rule broken.
// Pure and thread safe. Never evaluates anything and never throws.
#pragma once

#include <string_view>

#include <json/value.h>

#include "base/result.h"
#include "policy/engine/policy.h"

namespace govd::policy {

// The largest document accepted (IAM's largest limit, for SCPs/RCPs and bucket policies, is 20 KB;
// the margin lets callers report AWS's own size rule themselves).
inline constexpr std::size_t kMaxPolicyBytes = 128 * 1024;

Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind);

// The same for a document already parsed as JSON (e.g. embedded in a larger file). `where` is the
// JSON pointer of `document` inside that file; error locations are prefixed with it.
Result<Policy> ParsePolicyValue(const Json::Value& document, PolicyKind kind, std::string_view where = {});

}  // namespace govd::policy

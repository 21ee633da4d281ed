// policy/engine/case_reader.h
// Reads the JSON Lines authorization case format (shared/conformance/iam/FORMAT.md): one case per
// line, a request plus the policies that apply to it. Unknown members are ignored, as the format
// requires; a malformed line is refused with the JSON pointer of the bad member.
// Pure, thread safe. Policy documents are named after their place in the case
// ("identityPolicies[0]", "scps[1][0]", "resourcePolicy") for explanations.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "policy/engine/authz_request.h"
#include "policy/engine/policy_set.h"

namespace govd::policy {

struct AuthzCase {
  std::string id;
  AuthzRequest request;
  PolicySet policies;
  std::string expected;  // the informative "expected" member, empty when absent
};

// REQUIRES: `line` is not blank (callers skip blank lines, as the format says).
Result<AuthzCase> ParseCaseLine(std::string_view line);

// The "id" of a line even when the rest is malformed; empty when there is none.
std::string CaseIdOf(std::string_view line);

// True for lines the format skips (empty or whitespace only).
bool IsBlankLine(std::string_view line);

}  // namespace govd::policy

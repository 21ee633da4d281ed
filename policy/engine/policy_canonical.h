// policy/engine/policy_canonical.h
// The canonical form of an IAM policy document, for deciding whether two documents say the same
// thing: AWS and S3-compatible servers hand back what was written with a string turned into a
// one-element list, statements and principals reordered, account ids rewritten as root ARNs,
// whitespace changed. The reconciler writes only when the canonical forms differ, so that a
// policy that did not change is never written again.
// Pure, thread safe. It never validates: callers parse documents with the policy parser first.
#pragma once

#include <json/value.h>

#include <string>

namespace govd::policy {

// Returns the canonical form of `document`:
// - "Statement" always an array, each statement canonical, statements sorted and deduplicated;
// - Action/NotAction/Resource/NotResource always sorted lists without duplicates; actions in
//   lower case (they match case-insensitively);
// - Principal/NotPrincipal: "*" kept, otherwise each key's values a sorted list, with a bare
//   12-digit account id written as its arn:aws:iam::ACCOUNT:root form;
// - Condition: keys in lower case, values sorted lists of strings (JSON true/5 become "true"/"5").
Json::Value CanonicalPolicy(const Json::Value& document);

// The canonical text of one statement (as in CanonicalPolicy), so that statements compare by meaning.
std::string CanonicalStatementText(const Json::Value& statement);

// True when both documents have the same canonical form.
bool EquivalentPolicies(const Json::Value& a, const Json::Value& b);

// Compact JSON text (no whitespace), as govd writes documents.
std::string CompactJson(const Json::Value& value);

}  // namespace govd::policy

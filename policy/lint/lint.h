// policy/lint/lint.h
// Policy lints for security teams, in the spirit of IAM Access Analyzer's policy checks: errors
// (the document is not JSON, or the parser refuses it for its kind: the parser's own message and
// JSON pointer), security warnings (public access, NotPrincipal/NotAction/NotResource with Allow,
// NotPrincipal with Deny, full wildcards, principals outside the organisation, third-party trust
// without sts:ExternalId, ...) and suggestions (duplicate Sids, redundant or shadowed statements,
// ...). Each diagnostic carries a stable rule id, the JSON pointer of the element concerned and,
// where the text allows, its line and column (1-based, in Unicode code points).
// Pure and thread safe: text in, diagnostics out. Never reads files, never evaluates requests.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/policy.h"

namespace govd::policy {

enum class LintSeverity { kError, kWarning, kSuggestion };

std::string_view LintSeverityName(LintSeverity severity);  // "error", "warning", "suggestion"

// One rule of the catalogue. Ids never change meaning; retired ids are not reused.
struct LintRule {
  std::string_view id;       // "GOVD-W005"
  std::string_view name;     // "public-access"
  LintSeverity severity;
  std::string_view meaning;  // one sentence: what the rule detects
  std::string_view fix;      // one sentence: how to fix it
};

// Every rule: errors, then warnings, then suggestions, each by number.
std::span<const LintRule> LintRules();
// The rule with `id`, or null.
const LintRule* FindLintRule(std::string_view id);

struct LintDiagnostic {
  std::string rule_id;
  LintSeverity severity = LintSeverity::kError;
  std::string message;
  std::string pointer;  // JSON pointer of the element concerned; "" for the whole document
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based, in code points; 0 when unknown
};

struct LintOptions {
  PolicyKind kind = PolicyKind::kResource;
  // The organisation the policy belongs to. When either is set, access granted to a principal
  // outside it is reported (GOVD-W006), and third parties in trust policies are those outside it.
  std::string org_id;                      // "o-a1b2c3d4e5"
  std::vector<std::string> org_accounts;   // 12-digit account ids of the organisation
};

// Lints one policy document. Diagnostics are ordered by position, then rule id. A document that
// fails to parse yields exactly one error and no other diagnostic.
std::vector<LintDiagnostic> LintPolicy(std::string_view text, const LintOptions& options);

}  // namespace govd::policy

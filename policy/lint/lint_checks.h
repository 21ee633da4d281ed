// policy/lint/lint_checks.h
// Internal to the linter (policy/lint/lint.h): the context every check gets, and the two families of
// checks. A check reads the parsed policy, finds the JSON pointer of what it reports through
// StatementLocator, and appends diagnostics; positions are filled in afterwards.
// Pure, thread safe. Not for use outside policy/lint*.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "policy/lint/lint.h"

namespace govd::policy::lint_internal {

// JSON pointers of a document's statements and their entries. The parser accepts a single
// statement object or an array, a string or an array for most elements; pointers follow the
// text as written.
class StatementLocator {
 public:
  explicit StatementLocator(const Json::Value& root) : root_(root) {}
  std::string Statement(std::size_t index) const;
  std::string Element(std::size_t index, std::string_view name) const;
  // The entry of `name` equal to `text` ("Action": ["s3:*", ...]), or the element itself.
  std::string Entry(std::size_t index, std::string_view name, std::string_view text) const;
  // The entry naming `text` under Principal/NotPrincipal -> `type` ("AWS", "Service").
  std::string PrincipalEntry(std::size_t index, std::string_view type, std::string_view text) const;
  std::string Condition(std::size_t index, std::string_view op, std::string_view key) const;
  // The statement as written; null when the index is past the document.
  const Json::Value* StatementValue(std::size_t index) const;
  bool DocumentHas(std::string_view name) const { return root_.isMember(std::string(name)); }

 private:
  const Json::Value& root_;
};

struct LintContext {
  const Policy& policy;
  const StatementLocator& locate;
  const LintOptions& options;
  std::vector<LintDiagnostic>& out;

  // REQUIRES: `rule_id` is in the catalogue.
  void Report(std::string_view rule_id, std::string message, std::string pointer) const;
  // "statement \"Sid\"" or "statement #2" (1-based), as messages name statements.
  std::string Name(std::size_t index) const;
};

void CheckSecurity(const LintContext& context);
void CheckSuggestions(const LintContext& context);

}  // namespace govd::policy::lint_internal

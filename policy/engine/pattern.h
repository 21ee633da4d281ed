// policy/engine/pattern.h
// Text patterns of the policy language: Resource/NotResource entries and condition values, with
// the '*' (any run, '/' included) and '?' (one character) wildcards and policy variables
// (${aws:username}, ${aws:PrincipalTag/team}, ${key, 'default'}, and the escapes ${*} ${?} ${$}).
// Also action patterns ("s3:Get*"), matched case-insensitively. Pure, thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/engine/request_context.h"

namespace govd::policy {

// Glob matching on an internal syntax: '*' and '?' are wildcards, '\' makes the next character
// literal. ignore_case folds ASCII letters.
bool GlobMatch(std::string_view glob, std::string_view text, bool ignore_case);

// Escapes '*', '?' and '\' so that GlobMatch treats `text` literally.
std::string GlobEscape(std::string_view text);

// A glob split once into its literal head (up to the first wildcard or escape) and the rest, so
// that most mismatches are found by one prefix comparison. Case-sensitive.
class CompiledGlob {
 public:
  CompiledGlob() = default;
  explicit CompiledGlob(std::string glob);
  const std::string& glob() const { return glob_; }
  const std::string& head() const { return head_; }
  bool Matches(std::string_view text) const;

 private:
  std::string glob_;
  std::string head_;          // literal characters before the first wildcard or escape
  std::size_t rest_at_ = 0;   // where the rest starts in glob_
  bool exact_ = false;        // no wildcard at all: head_ is the whole pattern
  bool match_all_ = false;    // "*"
};

class Pattern {
 public:
  // Parses `text`; with_variables is false for 2008-10-17 documents, where "${" is literal.
  // Refuses an unterminated or empty "${".
  static Result<Pattern> Parse(std::string_view text, bool with_variables);

  const std::string& text() const { return text_; }  // as written in the policy
  bool has_variables() const { return has_variables_; }
  bool is_match_all() const { return !has_variables_ && glob_.glob() == "*"; }

  // The glob form (wildcards active, variable values literal); nullopt when a variable is absent
  // from the context and has no default.
  std::optional<std::string> ResolveGlob(const RequestContext& context) const;
  // The plain text (no wildcards: "${*}" gives "*"); nullopt as above.
  std::optional<std::string> ResolveText(const RequestContext& context) const;

  // Precomputed forms when !has_variables().
  const std::string& glob() const { return glob_.glob(); }
  const CompiledGlob& compiled_glob() const { return glob_; }
  const std::string& plain() const { return plain_; }

 private:
  struct Part {
    bool variable = false;
    std::string text;  // literal text, or the lowercased context key
    std::optional<std::string> fallback;
  };
  std::optional<std::string> Resolve(const RequestContext& context, bool as_glob) const;

  std::string text_;
  std::vector<Part> parts_;
  bool has_variables_ = false;
  CompiledGlob glob_;
  std::string plain_;
};

// "*" or "service:pattern" (service letters, digits, '-'); matched case-insensitively.
struct ActionPattern {
  std::string text;     // as written
  CompiledGlob glob;    // lowercased
  std::string service;  // lowercased service prefix; empty when the pattern matches any service
  static Result<ActionPattern> Parse(std::string_view text);
  // REQUIRES: action_lower is lowercase.
  bool Matches(std::string_view action_lower) const;
};

}  // namespace govd::policy

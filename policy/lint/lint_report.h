// policy/lint/lint_report.h
// Renders lint diagnostics (policy/lint/lint.h) for people and tools: text lines in the compiler style
// ("FILE:LINE:COL: warning: MESSAGE [GOVD-W005] at /Statement/0/Principal"), a JSON document, and a
// SARIF 2.1.0 log (one run, the rule catalogue as the driver's rules, one result per diagnostic
// with a physical and a logical location), which code-scanning tools import.
// Pure, thread safe. Never reads or writes files.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "policy/lint/lint.h"

namespace govd::policy {

struct LintedFile {
  std::string path;  // as the user named it
  PolicyKind kind = PolicyKind::kResource;
  std::vector<LintDiagnostic> diagnostics;
};

struct LintCounts {
  int errors = 0;
  int warnings = 0;
  int suggestions = 0;
};
LintCounts CountDiagnostics(std::span<const LintedFile> files);

std::string FormatLintText(std::span<const LintedFile> files);
Json::Value LintJson(std::span<const LintedFile> files);
Json::Value LintSarif(std::span<const LintedFile> files, std::string_view tool_version);

// A file path as a URI reference (RFC 3986): unreserved characters and '/' kept, the rest
// percent-encoded.
std::string PathToUriReference(std::string_view path);

}  // namespace govd::policy

// policy/lint/lint_report.cc
#include "policy/lint/lint_report.h"

#include <array>

namespace govd::policy {
namespace {

constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string_view SarifLevel(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kError:
      return "error";
    case LintSeverity::kWarning:
      return "warning";
    case LintSeverity::kSuggestion:
      return "note";
  }
  return "error";
}

Json::Value Text(std::string_view text) {
  Json::Value message(Json::objectValue);
  message["text"] = std::string(text);
  return message;
}

Json::Value SarifRule(const LintRule& rule) {
  Json::Value out(Json::objectValue);
  out["id"] = std::string(rule.id);
  out["name"] = std::string(rule.name);
  out["shortDescription"] = Text(rule.meaning);
  out["help"] = Text(rule.fix);
  out["defaultConfiguration"]["level"] = std::string(SarifLevel(rule.severity));
  return out;
}

Json::Value SarifLocation(const LintedFile& file, int file_index, const LintDiagnostic& d) {
  Json::Value location(Json::objectValue);
  Json::Value& physical = location["physicalLocation"];
  physical["artifactLocation"]["uri"] = PathToUriReference(file.path);
  physical["artifactLocation"]["index"] = file_index;
  if (d.line > 0) {
    physical["region"]["startLine"] = d.line;
    if (d.column > 0) physical["region"]["startColumn"] = d.column;
  }
  Json::Value logical(Json::objectValue);
  logical["fullyQualifiedName"] = d.pointer.empty() ? std::string("/") : d.pointer;
  logical["kind"] = "element";
  location["logicalLocations"].append(logical);
  return location;
}

int RuleIndex(std::string_view id) {
  auto rules = LintRules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

Json::Value SarifResult(const LintedFile& file, int file_index, const LintDiagnostic& d) {
  Json::Value result(Json::objectValue);
  result["ruleId"] = d.rule_id;
  result["ruleIndex"] = RuleIndex(d.rule_id);
  result["level"] = std::string(SarifLevel(d.severity));
  result["message"] = Text(d.message);
  result["locations"].append(SarifLocation(file, file_index, d));
  return result;
}

Json::Value SarifDriver(std::string_view tool_version) {
  Json::Value driver(Json::objectValue);
  driver["name"] = "govctl policy lint";
  driver["version"] = std::string(tool_version);
  driver["rules"] = Json::Value(Json::arrayValue);
  for (const LintRule& rule : LintRules()) driver["rules"].append(SarifRule(rule));
  return driver;
}

Json::Value DiagnosticJson(const LintDiagnostic& d) {
  Json::Value out(Json::objectValue);
  out["rule"] = d.rule_id;
  out["severity"] = std::string(LintSeverityName(d.severity));
  out["message"] = d.message;
  out["pointer"] = d.pointer;
  if (d.line > 0) out["line"] = d.line;
  if (d.column > 0) out["column"] = d.column;
  return out;
}

// One diagnostic per line: a multi-line message (jsoncpp's syntax errors) is folded.
std::string OneLine(std::string_view message) {
  std::string out;
  bool folding = false;
  for (char c : message) {
    if (c == '\n') {
      folding = true;
      continue;
    }
    if (folding && c == ' ') continue;
    if (folding && !out.empty()) out += ' ';
    folding = false;
    out += c;
  }
  return out;
}

}  // namespace

LintCounts CountDiagnostics(std::span<const LintedFile> files) {
  LintCounts counts;
  for (const auto& file : files) {
    for (const auto& d : file.diagnostics) {
      if (d.severity == LintSeverity::kError) ++counts.errors;
      if (d.severity == LintSeverity::kWarning) ++counts.warnings;
      if (d.severity == LintSeverity::kSuggestion) ++counts.suggestions;
    }
  }
  return counts;
}

std::string FormatLintText(std::span<const LintedFile> files) {
  std::string out;
  for (const auto& file : files) {
    for (const auto& d : file.diagnostics) {
      out += file.path;
      if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
      out += ": " + std::string(LintSeverityName(d.severity)) + ": " + OneLine(d.message) + " [" + d.rule_id + "]";
      if (!d.pointer.empty()) out += " at " + d.pointer;
      out += "\n";
    }
  }
  LintCounts counts = CountDiagnostics(files);
  out += std::to_string(counts.errors) + " error(s), " + std::to_string(counts.warnings) + " warning(s), " +
         std::to_string(counts.suggestions) + " suggestion(s)\n";
  return out;
}

Json::Value LintJson(std::span<const LintedFile> files) {
  Json::Value out(Json::objectValue);
  out["files"] = Json::Value(Json::arrayValue);
  for (const auto& file : files) {
    Json::Value entry(Json::objectValue);
    entry["file"] = file.path;
    entry["kind"] = std::string(PolicyKindName(file.kind));
    entry["diagnostics"] = Json::Value(Json::arrayValue);
    for (const auto& d : file.diagnostics) entry["diagnostics"].append(DiagnosticJson(d));
    out["files"].append(entry);
  }
  LintCounts counts = CountDiagnostics(files);
  out["summary"]["errors"] = counts.errors;
  out["summary"]["warnings"] = counts.warnings;
  out["summary"]["suggestions"] = counts.suggestions;
  return out;
}

Json::Value LintSarif(std::span<const LintedFile> files, std::string_view tool_version) {
  Json::Value run(Json::objectValue);
  run["tool"]["driver"] = SarifDriver(tool_version);
  run["columnKind"] = "unicodeCodePoints";
  run["artifacts"] = Json::Value(Json::arrayValue);
  run["results"] = Json::Value(Json::arrayValue);
  for (std::size_t i = 0; i < files.size(); ++i) {
    Json::Value artifact(Json::objectValue);
    artifact["location"]["uri"] = PathToUriReference(files[i].path);
    artifact["mimeType"] = "application/json";
    run["artifacts"].append(artifact);
    for (const auto& d : files[i].diagnostics) run["results"].append(SarifResult(files[i], static_cast<int>(i), d));
  }
  Json::Value log(Json::objectValue);
  log["$schema"] = std::string(kSarifSchema);
  log["version"] = "2.1.0";
  log["runs"].append(run);
  return log;
}

std::string PathToUriReference(std::string_view path) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    bool keep = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0x0FU];
    }
  }
  return out;
}

}  // namespace govd::policy

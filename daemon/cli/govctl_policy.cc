// daemon/cli/govctl_policy.cc: `govctl policy lint`, the policy linter of policy/lint/lint.h on files.
#include "daemon/cli/govctl_policy.h"

#include <json/writer.h>

#include <array>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/version.h"
#include "policy/lint/lint.h"
#include "policy/lint/lint_report.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kLintUsage =
    "usage: govctl policy lint FILE... [--kind resource|identity|trust|scp|rcp|boundary|session]\n"
    "                          [--format text|json|sarif] [--org-id o-ID] [--org-account ACCOUNT]...\n"
    "Checks IAM policy documents: errors (not JSON, refused by the parser), security warnings and\n"
    "suggestions, each with a rule id (see docs/audit.md). --kind defaults to resource (a bucket\n"
    "policy). --org-id and --org-account (repeatable, or comma-separated) describe the organisation,\n"
    "so that access granted outside it is reported.\n"
    "Exit status: 0 when no error or warning was found, 1 otherwise, 2 on a usage error.\n";

struct KindName {
  std::string_view name;
  policy::PolicyKind kind;
};
constexpr std::array<KindName, 7> kKinds = {{
    {"resource", policy::PolicyKind::kResource},
    {"identity", policy::PolicyKind::kIdentity},
    {"trust", policy::PolicyKind::kTrust},
    {"scp", policy::PolicyKind::kScp},
    {"rcp", policy::PolicyKind::kRcp},
    {"boundary", policy::PolicyKind::kBoundary},
    {"session", policy::PolicyKind::kSession},
}};

enum class Format { kText, kJson, kSarif };

struct LintArgs {
  std::vector<std::string> files;
  policy::LintOptions options;
  Format format = Format::kText;
};

std::optional<policy::PolicyKind> KindNamed(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::optional<Format> FormatNamed(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  return std::nullopt;
}

void AddAccounts(std::string_view list, std::vector<std::string>& accounts) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) accounts.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
}

// Applies one "--option VALUE"; returns an error text, or "" when it was understood.
std::string ApplyOption(std::string_view option, std::string_view value, LintArgs& args) {
  if (option == "--kind") {
    auto kind = KindNamed(value);
    if (!kind) return "unknown --kind \"" + std::string(value) + "\"";
    args.options.kind = *kind;
  } else if (option == "--format") {
    auto format = FormatNamed(value);
    if (!format) return "unknown --format \"" + std::string(value) + "\"";
    args.format = *format;
  } else if (option == "--org-id") {
    args.options.org_id = std::string(value);
  } else if (option == "--org-account") {
    AddAccounts(value, args.options.org_accounts);
  } else {
    return "unknown option \"" + std::string(option) + "\"";
  }
  return {};
}

// Parses the arguments after "lint"; an error text on failure.
std::string ParseLintArgs(CommandArgs args, LintArgs& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) {
      out.files.emplace_back(arg);
      continue;
    }
    if (i + 1 >= args.size()) return "option " + std::string(arg) + " needs a value";
    std::string problem = ApplyOption(arg, args[++i], out);
    if (!problem.empty()) return problem;
  }
  return out.files.empty() ? "no FILE given" : "";
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

void WriteJson(const Json::Value& value, std::ostream& out) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "  ";
  builder["emitUTF8"] = true;
  out << Json::writeString(builder, value) << "\n";
}

void Render(const LintArgs& args, std::span<const policy::LintedFile> linted, std::ostream& out) {
  switch (args.format) {
    case Format::kText:
      out << policy::FormatLintText(linted);
      break;
    case Format::kJson:
      WriteJson(policy::LintJson(linted), out);
      break;
    case Format::kSarif:
      WriteJson(policy::LintSarif(linted, kVersion), out);
      break;
  }
}

int RunLint(CommandArgs args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h")) {
    out << kLintUsage;
    return kExitOk;
  }
  LintArgs parsed;
  if (std::string problem = ParseLintArgs(args, parsed); !problem.empty()) {
    err << "govctl policy lint: " << problem << "\n" << kLintUsage;
    return kExitUsage;
  }
  std::vector<policy::LintedFile> linted;
  for (const auto& path : parsed.files) {
    auto text = ReadFile(path);
    if (!text) {
      err << "govctl policy lint: cannot read " << path << "\n";
      return kExitFailure;
    }
    linted.push_back({path, parsed.options.kind, policy::LintPolicy(*text, parsed.options)});
  }
  Render(parsed, linted, out);
  policy::LintCounts counts = policy::CountDiagnostics(linted);
  return counts.errors + counts.warnings > 0 ? kExitFailure : kExitOk;
}

}  // namespace

int RunPolicyCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && std::string_view(args[0]) == "lint") return RunLint(args.subspan(1), out, err);
  bool help = !args.empty() && (std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h");
  (help ? out : err) << "usage: govctl policy lint FILE... (govctl policy lint --help)\n";
  return help ? kExitOk : kExitUsage;
}

}  // namespace govd::daemon

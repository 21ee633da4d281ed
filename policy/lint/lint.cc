// policy/lint/lint.cc: the rule catalogue, JSON pointers of statements, and the lint driver.
#include "policy/lint/lint.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "policy/engine/parser.h"
#include "policy/lint/json_position.h"
#include "policy/lint/lint_checks.h"

namespace govd::policy {
namespace {

using S = LintSeverity;

constexpr std::array<LintRule, 21> kRules = {{
    {"GOVD-E001", "invalid-json", S::kError, "The document is not valid JSON.",
     "Fix the JSON syntax at the line and column given."},
    {"GOVD-E002", "invalid-policy", S::kError,
     "The policy parser refuses the document for its kind (grammar, types, ARNs, duplicate Sids).",
     "Correct the element at the JSON pointer given, as the message says."},
    {"GOVD-W001", "allow-with-not-principal", S::kWarning,
     "An Allow statement uses NotPrincipal, granting access to everyone not listed; AWS supports "
     "NotPrincipal only with Deny.",
     "Name the principals to allow in Principal, or use Principal \"*\" with a condition on "
     "aws:PrincipalArn."},
    {"GOVD-W002", "full-wildcard", S::kWarning,
     "An Allow statement grants every action (\"*\") on every resource (\"*\").",
     "Grant only the actions and resources needed."},
    {"GOVD-W003", "allow-with-not-action", S::kWarning,
     "An Allow statement uses NotAction, granting every action not listed, including future ones.",
     "List the allowed actions in Action instead."},
    {"GOVD-W004", "allow-with-not-resource", S::kWarning,
     "An Allow statement uses NotResource, granting access to every resource not listed.",
     "List the allowed resources in Resource instead."},
    {"GOVD-W005", "public-access", S::kWarning,
     "An Allow statement names every principal (\"*\" or NotPrincipal) with no condition narrowing "
     "who the caller is: anyone, including anonymous users, may use it.",
     "Name the principals, or add a condition such as aws:PrincipalOrgID or aws:SourceVpce."},
    {"GOVD-W006", "outside-organisation", S::kWarning,
     "An Allow statement grants access to a principal outside the organisation given with --org-id / "
     "--org-account.",
     "Remove the principal, or confirm the external access and restrict it with conditions."},
    {"GOVD-W007", "trust-without-external-id", S::kWarning,
     "A trust policy lets a third-party account assume the role without an sts:ExternalId condition "
     "(the confused-deputy problem).",
     "Add a StringEquals condition on sts:ExternalId agreed with the third party."},
    {"GOVD-W008", "if-exists-on-narrowing-key", S::kWarning,
     "An Allow statement tests a key that identifies the caller with an ...IfExists operator: "
     "requests without the key pass.",
     "Use the operator without IfExists so that the key must be present."},
    {"GOVD-W009", "pass-role-wildcard", S::kWarning,
     "An Allow statement grants iam:PassRole on every resource: the holder can hand any role to a "
     "service.",
     "Limit iam:PassRole to the ARNs of the roles to pass."},
    {"GOVD-W010", "reserved-sid-prefix", S::kWarning,
     "A statement's Sid starts with \"GovdManaged\", the prefix of statements govd owns: govd will "
     "replace or delete it.",
     "Rename the Sid, or let govd manage the access through a grant."},
    {"GOVD-W011", "policy-management-granted", S::kWarning,
     "A resource policy lets a principal change the bucket's policy or ACLs, and so grant itself "
     "or others anything.",
     "Remove s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketAcl and s3:PutObjectAcl from "
     "the statement."},
    {"GOVD-W012", "deny-with-not-principal", S::kWarning,
     "A Deny statement uses NotPrincipal: AWS applies it to every IAM user or role that has a "
     "permissions boundary attached, even one it lists, and recommends against NotPrincipal.",
     "Use Principal \"*\" with an ArnNotEquals condition on aws:PrincipalArn naming the principals to "
     "exempt."},
    {"GOVD-S001", "missing-version", S::kSuggestion,
     "The document has no Version or uses \"2008-10-17\": policy variables are taken literally.",
     "Add \"Version\": \"2012-10-17\"."},
    {"GOVD-S002", "duplicate-statement", S::kSuggestion, "A statement says the same as an earlier statement.",
     "Delete the duplicate."},
    {"GOVD-S003", "subsumed-statement", S::kSuggestion,
     "A statement's access is entirely covered by another statement with the same effect.",
     "Delete the narrower statement, or narrow the wider one."},
    {"GOVD-S004", "shadowed-by-deny", S::kSuggestion,
     "An Allow statement is entirely covered by an unconditional Deny in the same policy: it never "
     "grants anything.",
     "Delete the Allow statement, or narrow the Deny."},
    {"GOVD-S005", "redundant-action", S::kSuggestion,
     "An action of a statement is already matched by another action of the same statement.",
     "Delete the narrower action."},
    {"GOVD-S006", "redundant-resource", S::kSuggestion,
     "A resource of a statement is already matched by another resource of the same statement.",
     "Delete the narrower resource."},
    {"GOVD-S007", "missing-sid", S::kSuggestion,
     "A statement of a resource or trust policy has no Sid, so reviews and findings cannot name it.",
     "Give every statement a unique Sid."},
}};

LintDiagnostic MakeDiagnostic(std::string_view rule_id, std::string message, std::string pointer) {
  const LintRule* rule = FindLintRule(rule_id);
  if (rule == nullptr) std::abort();  // a check names a rule missing from the catalogue: a bug
  return {std::string(rule->id), rule->severity, std::move(message), std::move(pointer), 0, 0};
}

bool IsPointer(std::string_view where) { return where.empty() || where.front() == '/'; }

LintDiagnostic NotJsonDiagnostic(std::string_view text, const Error& json_error, const LintOptions& options) {
  // The parser's own message is reported, as it would reach a user of any other govd command.
  auto parsed = ParsePolicy(text, options.kind);
  const Error& error = parsed ? json_error : parsed.error();
  LintDiagnostic diagnostic = MakeDiagnostic("GOVD-E001", error.message(), IsPointer(error.where()) ? error.where() : "");
  if (auto position = PositionInJsonError(json_error.message())) {
    diagnostic.line = position->line;
    diagnostic.column = position->column;
  }
  return diagnostic;
}

void Locate(const JsonPositions& positions, std::vector<LintDiagnostic>& diagnostics) {
  for (auto& diagnostic : diagnostics) {
    TextPosition position = positions.Locate(diagnostic.pointer);
    diagnostic.line = position.line;
    diagnostic.column = position.column;
  }
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const LintDiagnostic& a, const LintDiagnostic& b) {
    return std::tie(a.line, a.column, a.rule_id) < std::tie(b.line, b.column, b.rule_id);
  });
}

}  // namespace

std::string_view LintSeverityName(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kError:
      return "error";
    case LintSeverity::kWarning:
      return "warning";
    case LintSeverity::kSuggestion:
      return "suggestion";
  }
  return "error";
}

std::span<const LintRule> LintRules() { return kRules; }

const LintRule* FindLintRule(std::string_view id) {
  auto it = std::find_if(kRules.begin(), kRules.end(), [&](const LintRule& r) { return r.id == id; });
  return it == kRules.end() ? nullptr : &*it;
}

std::vector<LintDiagnostic> LintPolicy(std::string_view text, const LintOptions& options) {
  auto positions = JsonPositions::Parse(text);
  if (!positions) return {NotJsonDiagnostic(text, positions.error(), options)};
  std::vector<LintDiagnostic> diagnostics;
  auto policy = ParsePolicy(text, options.kind);
  if (!policy) {
    const Error& error = policy.error();
    diagnostics.push_back(
        MakeDiagnostic("GOVD-E002", error.message(), IsPointer(error.where()) ? error.where() : ""));
  } else {
    lint_internal::StatementLocator locator(positions->root());
    lint_internal::LintContext context{*policy, locator, options, diagnostics};
    lint_internal::CheckSecurity(context);
    lint_internal::CheckSuggestions(context);
  }
  Locate(*positions, diagnostics);
  return diagnostics;
}

namespace lint_internal {
namespace {

// Json::Value::find takes a [begin, end) range; the key is spelled once so the two agree.
const Json::Value* FindStatement(const Json::Value& root) {
  constexpr std::string_view kKey = "Statement";
  return root.find(kKey.data(), kKey.data() + kKey.size());
}

}  // namespace

const Json::Value* StatementLocator::StatementValue(std::size_t index) const {
  const Json::Value* statements = FindStatement(root_);
  if (statements == nullptr) return nullptr;
  if (statements->isObject()) return statements;
  auto i = static_cast<Json::ArrayIndex>(index);
  return statements->isArray() && i < statements->size() ? &(*statements)[i] : nullptr;
}

std::string StatementLocator::Statement(std::size_t index) const {
  const Json::Value* statements = FindStatement(root_);
  if (statements != nullptr && statements->isObject()) return "/Statement";
  return "/Statement/" + std::to_string(index);
}

std::string StatementLocator::Element(std::size_t index, std::string_view name) const {
  return Statement(index) + "/" + JsonPointerToken(name);
}

namespace {
std::string EntryIn(const Json::Value* element, std::string pointer, std::string_view text) {
  if (element == nullptr || !element->isArray()) return pointer;
  for (Json::ArrayIndex i = 0; i < element->size(); ++i) {
    const Json::Value& entry = (*element)[i];
    if (entry.isString() && entry.asString() == text) return pointer + "/" + std::to_string(i);
  }
  return pointer;
}
}  // namespace

std::string StatementLocator::Entry(std::size_t index, std::string_view name, std::string_view text) const {
  const Json::Value* statement = StatementValue(index);
  const Json::Value* element =
      statement != nullptr && statement->isObject() ? statement->find(name.data(), name.data() + name.size()) : nullptr;
  return EntryIn(element, Element(index, name), text);
}

std::string StatementLocator::PrincipalEntry(std::size_t index, std::string_view type, std::string_view text) const {
  const Json::Value* statement = StatementValue(index);
  if (statement == nullptr || !statement->isObject()) return Statement(index);
  std::string_view name = statement->isMember("NotPrincipal") ? "NotPrincipal" : "Principal";
  const Json::Value* element = statement->find(name.data(), name.data() + name.size());
  std::string pointer = Element(index, name);
  if (element == nullptr || !element->isObject()) return pointer;
  const Json::Value* typed = element->find(type.data(), type.data() + type.size());
  if (typed == nullptr) return pointer;
  return EntryIn(typed, pointer + "/" + JsonPointerToken(type), text);
}

std::string StatementLocator::Condition(std::size_t index, std::string_view op, std::string_view key) const {
  return Element(index, "Condition") + "/" + JsonPointerToken(op) + "/" + JsonPointerToken(key);
}

void LintContext::Report(std::string_view rule_id, std::string message, std::string pointer) const {
  out.push_back(MakeDiagnostic(rule_id, std::move(message), std::move(pointer)));
}

std::string LintContext::Name(std::size_t index) const {
  const std::string& sid = policy.statements[index].sid;
  if (!sid.empty()) return "statement \"" + sid + "\"";
  return "statement #" + std::to_string(index + 1);
}

}  // namespace lint_internal
}  // namespace govd::policy

// policy/engine/statement_facts.cc
#include "policy/engine/statement_facts.h"

#include <algorithm>
#include <array>

#include "policy/engine/arn.h"

namespace govd::policy {
namespace {

// Condition keys whose pinned value restricts who may use a statement, lowercased.
constexpr std::array<std::string_view, 16> kNarrowingKeys = {
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourcearn",      "aws:sourceaccount",     "aws:sourceowner",      "aws:sourcevpc",
    "aws:sourcevpce",     "aws:sourceip",          "aws:userid",           "aws:username",
    "aws:sourceorgid",    "aws:sourceorgpaths",    "aws:vpcsourceip",      "aws:principalservicename",
};

bool IsPositive(const ConditionOperator& op) {
  if (op.if_exists || op.negated() || op.qualifier == SetQualifier::kForAllValues) return false;
  switch (op.base) {
    case ConditionBase::kStringEquals:
    case ConditionBase::kStringEqualsIgnoreCase:
    case ConditionBase::kStringLike:
    case ConditionBase::kArnEquals:
    case ConditionBase::kArnLike:
    case ConditionBase::kIpAddress:
      return true;
    default:
      return false;
  }
}

bool MatchesEverything(std::string_view value) {
  return value == "*" || value == "0.0.0.0/0" || value == "::/0";
}

// A clause that must hold and allows only the values it names.
bool IsPinningClause(const ConditionClause& clause) {
  if (!IsPositive(clause.op) || clause.values.empty()) return false;
  return std::none_of(clause.values.begin(), clause.values.end(),
                      [](const ConditionValue& v) { return MatchesEverything(v.pattern.text()); });
}

bool IsNarrowingClause(const ConditionClause& clause) {
  return IsNarrowingConditionKey(clause.key_lower) && IsPinningClause(clause);
}

bool IsDigits12(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool IsNarrowingConditionKey(std::string_view key_lower) {
  return std::find(kNarrowingKeys.begin(), kNarrowingKeys.end(), key_lower) != kNarrowingKeys.end();
}

std::optional<std::string> PrincipalAccountId(std::string_view principal) {
  if (IsDigits12(principal)) return std::string(principal);
  auto arn = ParseArn(principal);
  if (!arn || !IsDigits12(arn->account)) return std::nullopt;
  return arn->account;
}

bool NamesEveryone(const Statement& statement) {
  return statement.has_principal && (statement.not_principal || statement.principals.any);
}

bool HasNarrowingCondition(const Statement& statement) {
  return std::any_of(statement.conditions.begin(), statement.conditions.end(), IsNarrowingClause);
}

std::optional<std::vector<std::string>> PinnedConditionValues(const Statement& statement,
                                                              std::string_view key_lower) {
  std::optional<std::vector<std::string>> pinned;
  for (const auto& clause : statement.conditions) {
    if (clause.key_lower != key_lower || !IsPinningClause(clause)) continue;
    std::vector<std::string> values;
    for (const auto& value : clause.values) values.push_back(value.pattern.text());
    if (pinned) {  // both clauses must hold: keep what both allow
      std::erase_if(*pinned, [&](const std::string& v) {
        return std::find(values.begin(), values.end(), v) == values.end();
      });
    } else {
      pinned = std::move(values);
    }
  }
  return pinned;
}

bool RestrictedToOrganisation(const Statement& statement, std::string_view org_id,
                              std::span<const std::string> org_accounts) {
  if (!org_id.empty()) {
    auto orgs = PinnedConditionValues(statement, "aws:principalorgid");
    if (orgs && std::all_of(orgs->begin(), orgs->end(), [&](const std::string& o) { return o == org_id; })) {
      return true;
    }
  }
  if (org_accounts.empty()) return false;
  auto accounts = PinnedConditionValues(statement, "aws:principalaccount");
  return accounts && std::all_of(accounts->begin(), accounts->end(), [&](const std::string& a) {
           return std::find(org_accounts.begin(), org_accounts.end(), a) != org_accounts.end();
         });
}

bool CoversAction(const Statement& statement, std::string_view action_lower) {
  bool listed = std::any_of(statement.actions.begin(), statement.actions.end(),
                            [&](const ActionPattern& p) { return p.Matches(action_lower); });
  return statement.not_action ? !listed : listed;
}

bool GlobCovers(std::string_view wider, std::string_view narrower, bool ignore_case) {
  if (wider.find('?') != std::string_view::npos) return wider == narrower;
  // Matching `narrower` as literal text: a '*' of `wider` matches any run (the wildcards of
  // `narrower` included), and a literal character of `wider` never matches a wildcard of
  // `narrower`, which could stand for anything.
  return GlobMatch(wider, narrower, ignore_case);
}

std::optional<std::string> S3KeyPrefix(const Pattern& pattern, std::string_view bucket) {
  const std::string& text = pattern.text();
  if (text == "*" || text == "arn:aws:s3:::*") return std::string();
  std::string head = "arn:aws:s3:::" + std::string(bucket) + "/";
  if (!text.starts_with(head)) return std::nullopt;
  std::string rest = text.substr(head.size());
  return rest.substr(0, rest.find_first_of("*?$"));
}

bool HasFullWildcardAction(const Statement& statement) {
  return std::any_of(statement.actions.begin(), statement.actions.end(),
                     [](const ActionPattern& p) { return p.glob.glob() == "*"; });
}

bool HasFullWildcardResource(const Statement& statement) {
  return std::any_of(statement.resources.begin(), statement.resources.end(),
                     [](const Pattern& p) { return p.is_match_all(); });
}

}  // namespace govd::policy

// policy/lint/lint_suggestions.cc: the suggestions of the linter (GOVD-S...): redundancy and hygiene.
#include <algorithm>

#include "policy/engine/policy_canonical.h"
#include "policy/engine/statement_facts.h"
#include "policy/lint/lint_checks.h"

namespace govd::policy::lint_internal {
namespace {

// The statement without its Sid, canonical, so that two statements saying the same compare equal.
Json::Value CanonicalStatement(const Json::Value& statement) {
  Json::Value copy = statement;
  copy.removeMember("Sid");
  Json::Value document(Json::objectValue);
  document["Statement"].append(copy);
  return CanonicalPolicy(document)["Statement"];
}

bool HasNotElement(const Statement& s) { return s.not_principal || s.not_action || s.not_resource; }

bool ContainsAll(const std::vector<std::string>& wider, const std::vector<std::string>& narrower) {
  return std::all_of(narrower.begin(), narrower.end(), [&](const std::string& n) {
    return std::find(wider.begin(), wider.end(), n) != wider.end();
  });
}

bool AwsPrincipalsCover(const std::vector<AwsPrincipal>& wider, const std::vector<AwsPrincipal>& narrower) {
  return std::all_of(narrower.begin(), narrower.end(), [&](const AwsPrincipal& n) {
    return std::any_of(wider.begin(), wider.end(), [&](const AwsPrincipal& w) {
      return w.text == n.text || (w.kind == PrincipalKind::kAccountRoot && w.account == n.account);
    });
  });
}

bool PrincipalsCover(const Statement& wider, const Statement& narrower) {
  if (!narrower.has_principal) return !wider.has_principal;
  if (wider.principals.any) return true;
  const PrincipalSet& w = wider.principals;
  const PrincipalSet& n = narrower.principals;
  return !n.any && AwsPrincipalsCover(w.aws, n.aws) && ContainsAll(w.service, n.service) &&
         ContainsAll(w.federated, n.federated) && ContainsAll(w.canonical_user, n.canonical_user);
}

bool ActionsCover(const Statement& wider, const Statement& narrower) {
  return std::all_of(narrower.actions.begin(), narrower.actions.end(), [&](const ActionPattern& n) {
    return std::any_of(wider.actions.begin(), wider.actions.end(),
                       [&](const ActionPattern& w) { return GlobCovers(w.glob.glob(), n.glob.glob(), true); });
  });
}

bool ResourceCovers(const Pattern& wider, const Pattern& narrower) {
  if (wider.has_variables() || narrower.has_variables()) return wider.text() == narrower.text();
  return GlobCovers(wider.glob(), narrower.glob(), false);
}

bool ResourcesCover(const Statement& wider, const Statement& narrower) {
  if (!narrower.has_resource) return !wider.has_resource;
  return std::all_of(narrower.resources.begin(), narrower.resources.end(), [&](const Pattern& n) {
    return std::any_of(wider.resources.begin(), wider.resources.end(),
                       [&](const Pattern& w) { return ResourceCovers(w, n); });
  });
}

// True when every request `narrower` applies to is one `wider` applies to, conditions aside.
bool ScopeCovers(const Statement& wider, const Statement& narrower) {
  if (HasNotElement(wider) || HasNotElement(narrower)) return false;
  return PrincipalsCover(wider, narrower) && ActionsCover(wider, narrower) && ResourcesCover(wider, narrower);
}

const Json::Value& ConditionOf(const StatementLocator& locate, std::size_t i) {
  const Json::Value* statement = locate.StatementValue(i);
  return statement != nullptr ? (*statement)["Condition"] : Json::Value::nullSingleton();
}

void CheckVersion(const LintContext& c) {
  if (c.policy.version != PolicyVersion::k2008_10_17) return;
  bool written = c.locate.DocumentHas("Version");
  c.Report("GOVD-S001",
           written ? "Version \"2008-10-17\" takes policy variables literally; use \"2012-10-17\""
                   : "the document has no Version, so policy variables are taken literally; add \"Version\": \"2012-10-17\"",
           written ? "/Version" : "");
}

// Reports statement `i` when an earlier identical statement, or another covering one, exists.
void CheckRedundantStatement(const LintContext& c, std::size_t i, const std::vector<Json::Value>& canonical) {
  const Statement& s = c.policy.statements[i];
  for (std::size_t j = 0; j < c.policy.statements.size(); ++j) {
    if (j == i) continue;
    const Statement& other = c.policy.statements[j];
    if (canonical[j] == canonical[i]) {
      if (j < i) c.Report("GOVD-S002", c.Name(i) + " repeats " + c.Name(j), c.locate.Statement(i));
      if (j < i) return;
      continue;
    }
    bool same_conditions = other.conditions.empty() || ConditionOf(c.locate, j) == ConditionOf(c.locate, i);
    bool mutual = ScopeCovers(s, other) && ConditionOf(c.locate, j) == ConditionOf(c.locate, i);
    if (other.effect == s.effect && same_conditions && ScopeCovers(other, s) && (!mutual || j < i)) {
      c.Report("GOVD-S003", c.Name(i) + " is covered by " + c.Name(j), c.locate.Statement(i));
      return;
    }
    if (s.effect == Effect::kAllow && other.effect == Effect::kDeny && other.conditions.empty() &&
        ScopeCovers(other, s)) {
      c.Report("GOVD-S004", c.Name(i) + " never grants anything: " + c.Name(j) + " denies all of it",
               c.locate.Statement(i));
      return;
    }
  }
}

template <typename T, typename Covers, typename Text>
void CheckRedundantEntries(const LintContext& c, std::size_t i, const std::vector<T>& entries,
                           std::string_view rule, std::string_view element, Covers covers, Text text) {
  for (std::size_t j = 0; j < entries.size(); ++j) {
    for (std::size_t k = 0; k < entries.size(); ++k) {
      if (k == j || !covers(entries[k], entries[j])) continue;
      if (covers(entries[j], entries[k]) && k > j) continue;  // equal pair: report the later one
      c.Report(rule, c.Name(i) + ": " + std::string(element) + " \"" + text(entries[j]) +
                         "\" is already matched by \"" + text(entries[k]) + "\"",
               c.locate.Entry(i, element, text(entries[j])));
      break;
    }
  }
}

void CheckRedundantEntries(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  CheckRedundantEntries(
      c, i, s.actions, "GOVD-S005", s.not_action ? "NotAction" : "Action",
      [](const ActionPattern& w, const ActionPattern& n) { return GlobCovers(w.glob.glob(), n.glob.glob(), true); },
      [](const ActionPattern& a) { return a.text; });
  CheckRedundantEntries(c, i, s.resources, "GOVD-S006", s.not_resource ? "NotResource" : "Resource",
                        ResourceCovers, [](const Pattern& p) { return p.text(); });
}

void CheckSid(const LintContext& c, std::size_t i) {
  bool named_policy = c.policy.kind == PolicyKind::kResource || c.policy.kind == PolicyKind::kTrust;
  if (named_policy && c.policy.statements[i].sid.empty()) {
    c.Report("GOVD-S007", c.Name(i) + " has no Sid", c.locate.Statement(i));
  }
}

}  // namespace

void CheckSuggestions(const LintContext& context) {
  CheckVersion(context);
  std::vector<Json::Value> canonical;
  for (std::size_t i = 0; i < context.policy.statements.size(); ++i) {
    const Json::Value* statement = context.locate.StatementValue(i);
    canonical.push_back(statement != nullptr ? CanonicalStatement(*statement) : Json::Value());
  }
  for (std::size_t i = 0; i < context.policy.statements.size(); ++i) {
    CheckRedundantStatement(context, i, canonical);
    CheckRedundantEntries(context, i);
    CheckSid(context, i);
  }
}

}  // namespace govd::policy::lint_internal

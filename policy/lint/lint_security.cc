// policy/lint/lint_security.cc: the security warnings of the linter (GOVD-W...).
#include <algorithm>
#include <array>

#include "policy/engine/statement_facts.h"
#include "policy/lint/lint_checks.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy::lint_internal {
namespace {

// Actions that let a principal rewrite who may access a bucket or its objects.
struct NamedAction {
  std::string_view lower;
  std::string_view name;
};
constexpr std::array<NamedAction, 4> kPolicyManagementActions = {{
    {"s3:putbucketpolicy", "s3:PutBucketPolicy"},
    {"s3:deletebucketpolicy", "s3:DeleteBucketPolicy"},
    {"s3:putbucketacl", "s3:PutBucketAcl"},
    {"s3:putobjectacl", "s3:PutObjectAcl"},
}};

bool InOrganisation(const LintOptions& options, const std::string& account) {
  return std::find(options.org_accounts.begin(), options.org_accounts.end(), account) != options.org_accounts.end();
}

std::string EveryonePointer(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (s.not_principal) return c.locate.Element(i, "NotPrincipal");
  return c.locate.PrincipalEntry(i, "AWS", "*");
}

void CheckNotElements(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (s.not_principal) {
    c.Report("GOVD-W001",
             c.Name(i) + " allows everyone except the principals listed in NotPrincipal; AWS supports " +
                 "NotPrincipal only with Deny and recommends conditions on aws:PrincipalArn instead",
             c.locate.Element(i, "NotPrincipal"));
  }
  if (s.not_action) {
    c.Report("GOVD-W003", c.Name(i) + " allows every action except those listed in NotAction",
             c.locate.Element(i, "NotAction"));
  }
  if (s.not_resource) {
    c.Report("GOVD-W004", c.Name(i) + " allows access to every resource except those listed in NotResource",
             c.locate.Element(i, "NotResource"));
  }
}

bool FullWildcard(const Statement& s) {
  return !s.not_action && HasFullWildcardAction(s) && s.has_resource && !s.not_resource &&
         HasFullWildcardResource(s);
}

// "AWS JSON policy elements: NotPrincipal": such a Deny always denies an IAM principal with a
// permissions boundary, whatever NotPrincipal lists. The linter is told no principal's boundary,
// so the warning is the general one, for every such statement.
void CheckDenyNotPrincipal(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (s.effect != Effect::kDeny || !s.not_principal) return;
  std::string message = c.Name(i) +
                        " denies everyone except the principals listed in NotPrincipal, but also " +
                        "any listed IAM user or role that has a permissions boundary; AWS recommends " +
                        "Principal \"*\" with ArnNotEquals on aws:PrincipalArn instead";
  c.Report("GOVD-W012", std::move(message), c.locate.Element(i, "NotPrincipal"));
}

void CheckWildcards(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (FullWildcard(s)) {
    c.Report("GOVD-W002", c.Name(i) + " allows every action (\"*\") on every resource (\"*\")",
             c.locate.Entry(i, "Action", "*"));
    return;
  }
  if (CoversAction(s, "iam:passrole") && s.has_resource && !s.not_resource && HasFullWildcardResource(s)) {
    c.Report("GOVD-W009", c.Name(i) + " allows iam:PassRole on every resource (\"*\")",
             c.locate.Entry(i, "Resource", "*"));
  }
}

void CheckPublic(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (!NamesEveryone(s) || HasNarrowingCondition(s)) return;
  c.Report("GOVD-W005",
           c.Name(i) + " allows any principal, including anonymous users: no condition narrows who the caller is",
           EveryonePointer(c, i));
}

void CheckOutsideAccounts(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (c.options.org_accounts.empty() || s.not_principal) return;
  for (const AwsPrincipal& p : s.principals.aws) {
    if (InOrganisation(c.options, p.account)) continue;
    std::string who = p.kind == PrincipalKind::kAccountRoot ? "every principal of account " + p.account
                                                            : p.text + " of account " + p.account;
    c.Report("GOVD-W006", c.Name(i) + " allows " + who + ", outside the organisation",
             c.locate.PrincipalEntry(i, "AWS", p.text));
  }
}

void CheckOutsidePinned(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (!NamesEveryone(s)) return;
  if (auto orgs = PinnedConditionValues(s, "aws:principalorgid"); orgs && !c.options.org_id.empty()) {
    for (const auto& org : *orgs) {
      if (org == c.options.org_id) continue;
      c.Report("GOVD-W006", c.Name(i) + " allows the members of organisation " + org + ", not " + c.options.org_id,
               c.locate.Element(i, "Condition"));
    }
  }
  if (auto accounts = PinnedConditionValues(s, "aws:principalaccount"); accounts && !c.options.org_accounts.empty()) {
    for (const auto& account : *accounts) {
      if (InOrganisation(c.options, account)) continue;
      c.Report("GOVD-W006", c.Name(i) + " allows account " + account + ", outside the organisation",
               c.locate.Element(i, "Condition"));
    }
  }
}

void CheckOutside(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if ((c.options.org_id.empty() && c.options.org_accounts.empty()) || !s.has_principal) return;
  if (RestrictedToOrganisation(s, c.options.org_id, c.options.org_accounts)) return;
  CheckOutsideAccounts(c, i);
  CheckOutsidePinned(c, i);
}

void CheckTrustExternalId(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (c.policy.kind != PolicyKind::kTrust || !CoversAction(s, "sts:assumerole")) return;
  if (PinnedConditionValues(s, "sts:externalid")) return;
  for (const AwsPrincipal& p : s.principals.aws) {
    if (InOrganisation(c.options, p.account)) continue;
    std::string why = c.options.org_accounts.empty() ? " (no --org-account list says it is ours)"
                                                     : ", outside the organisation,";
    c.Report("GOVD-W007",
             c.Name(i) + " lets account " + p.account + why + " assume the role without an sts:ExternalId condition",
             c.locate.PrincipalEntry(i, "AWS", p.text));
  }
}

void CheckIfExists(const LintContext& c, std::size_t i) {
  for (const auto& clause : c.policy.statements[i].conditions) {
    if (!clause.op.if_exists || !IsNarrowingConditionKey(clause.key_lower)) continue;
    c.Report("GOVD-W008",
             c.Name(i) + " tests " + clause.key + " with " + clause.op_name + ": requests without the key pass",
             c.locate.Condition(i, clause.op_name, clause.key));
  }
}

void CheckReservedSid(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (c.policy.kind != PolicyKind::kResource || !s.sid.starts_with(kManagedSidPrefix)) return;
  c.Report("GOVD-W010", c.Name(i) + " uses govd's reserved Sid prefix \"" + std::string(kManagedSidPrefix) +
                            "\": govd will replace or delete it",
           c.locate.Element(i, "Sid"));
}

void CheckManagement(const LintContext& c, std::size_t i) {
  const Statement& s = c.policy.statements[i];
  if (c.policy.kind != PolicyKind::kResource || !s.has_principal) return;
  std::string granted;
  for (const NamedAction& action : kPolicyManagementActions) {
    if (CoversAction(s, action.lower)) granted += (granted.empty() ? "" : ", ") + std::string(action.name);
  }
  if (!granted.empty()) {
    c.Report("GOVD-W011", c.Name(i) + " lets its principals change who has access (" + granted + ")",
             c.locate.Element(i, s.not_action ? "NotAction" : "Action"));
  }
}

}  // namespace

void CheckSecurity(const LintContext& context) {
  for (std::size_t i = 0; i < context.policy.statements.size(); ++i) {
    CheckReservedSid(context, i);
    CheckDenyNotPrincipal(context, i);
    if (context.policy.statements[i].effect != Effect::kAllow) continue;
    CheckNotElements(context, i);
    CheckWildcards(context, i);
    CheckPublic(context, i);
    CheckOutside(context, i);
    CheckTrustExternalId(context, i);
    CheckIfExists(context, i);
    CheckManagement(context, i);
  }
}

}  // namespace govd::policy::lint_internal

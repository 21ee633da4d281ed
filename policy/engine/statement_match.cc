#include "policy/engine/statement_match.h"

#include <algorithm>

namespace govd::policy {
namespace {

// The most direct way one AWS entry names the requester, or nullopt.
std::optional<PrincipalMatch> MatchEntry(const AwsPrincipal& entry, const PreparedRequest& request) {
  if (request.kind == RequesterKind::kAnonymous || entry.account != request.account) return std::nullopt;
  switch (entry.kind) {
    case PrincipalKind::kAccountRoot: return PrincipalMatch::kAccount;
    case PrincipalKind::kRole:
      if ((request.kind == RequesterKind::kRole || request.kind == RequesterKind::kSession) &&
          entry.name == request.name) {
        return PrincipalMatch::kRole;
      }
      return std::nullopt;
    case PrincipalKind::kUser:
      if (request.kind == RequesterKind::kUser && entry.name == request.name) return PrincipalMatch::kUser;
      return std::nullopt;
    case PrincipalKind::kAssumedRoleSession:
      if (request.kind == RequesterKind::kSession && entry.name == request.name &&
          entry.session == request.session) {
        return PrincipalMatch::kSession;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// Directness order: account < any < role < user/session.
int Rank(PrincipalMatch match) {
  switch (match) {
    case PrincipalMatch::kAccount: return 1;
    case PrincipalMatch::kAny: return 2;
    case PrincipalMatch::kRole: return 3;
    default: return 4;
  }
}

std::optional<PrincipalMatch> BestMatch(const PrincipalSet& set, const PreparedRequest& request) {
  std::optional<PrincipalMatch> best;
  if (set.any) best = PrincipalMatch::kAny;
  for (const AwsPrincipal& entry : set.aws) {
    auto match = MatchEntry(entry, request);
    if (match && (!best || Rank(*match) > Rank(*best))) best = match;
  }
  return best;
}

// NotPrincipal exempts the requester only when it is listed itself AND its account is listed
// (AWS evaluates the request as each of the principal's identities, the account included), and,
// in a Deny, only when it has no permissions boundary (BoundaryVoidsExemption).
bool Exempt(const PrincipalSet& set, const PreparedRequest& request) {
  if (set.any) return true;
  bool account = false;
  bool direct = false;
  for (const AwsPrincipal& entry : set.aws) {
    auto match = MatchEntry(entry, request);
    if (!match) continue;
    (*match == PrincipalMatch::kAccount ? account : direct) = true;
  }
  return account && direct;
}

// "AWS JSON policy elements: NotPrincipal": a NotPrincipal element with a Deny effect always denies
// an IAM principal that has a permissions boundary attached, whatever the element lists.
bool BoundaryVoidsExemption(const Statement& statement, const PreparedRequest& request, bool has_boundary) {
  if (request.kind == RequesterKind::kAnonymous) return false;
  return statement.effect == Effect::kDeny && has_boundary;
}

std::optional<PrincipalMatch> MatchPrincipalWith(const Statement& statement, const PreparedRequest& request,
                                                 bool has_boundary) {
  if (!statement.has_principal) return PrincipalMatch::kUnscoped;
  if (statement.not_principal) {
    if (BoundaryVoidsExemption(statement, request, has_boundary)) return PrincipalMatch::kAny;
    if (Exempt(statement.principals, request)) return std::nullopt;
    return PrincipalMatch::kAny;
  }
  return BestMatch(statement.principals, request);
}

}  // namespace

bool ActionMatches(const Statement& statement, const PreparedRequest& request) {
  bool any = std::any_of(statement.actions.begin(), statement.actions.end(),
                         [&](const ActionPattern& p) { return p.Matches(request.action_lower); });
  return any != statement.not_action;
}

bool ResourceMatches(const Statement& statement, const PreparedRequest& request) {
  if (!statement.has_resource) return true;
  const AuthzRequest& r = *request.request;
  bool any = std::any_of(statement.resources.begin(), statement.resources.end(), [&](const Pattern& p) {
    if (p.is_match_all()) return true;
    if (!p.has_variables()) return p.compiled_glob().Matches(r.resource);
    auto glob = p.ResolveGlob(r.context);
    return glob.has_value() && GlobMatch(*glob, r.resource, false);
  });
  return any != statement.not_resource;
}

bool ConditionsHold(const Statement& statement, const PreparedRequest& request) {
  const RequestContext& context = request.request->context;
  return std::all_of(statement.conditions.begin(), statement.conditions.end(),
                     [&](const ConditionClause& clause) { return clause.Evaluate(context); });
}

std::optional<PrincipalMatch> MatchPrincipal(const Statement& statement, const PreparedRequest& request) {
  return MatchPrincipalWith(statement, request, request.has_boundary);
}

bool BoundaryVoidsNotPrincipal(const Statement& statement, const PreparedRequest& request,
                               bool has_boundary) {
  return statement.not_principal && BoundaryVoidsExemption(statement, request, has_boundary) &&
         Exempt(statement.principals, request);
}

std::optional<PrincipalMatch> StatementApplies(const Statement& statement, const PreparedRequest& request) {
  return StatementApplies(statement, request, request.has_boundary);
}

std::optional<PrincipalMatch> StatementApplies(const Statement& statement, const PreparedRequest& request,
                                               bool has_boundary) {
  if (!ActionMatches(statement, request) || !ResourceMatches(statement, request)) return std::nullopt;
  auto principal = MatchPrincipalWith(statement, request, has_boundary);
  if (!principal || !ConditionsHold(statement, request)) return std::nullopt;
  return principal;
}

}  // namespace govd::policy

#include "policy/engine/evaluator.h"

#include <algorithm>
#include <optional>
#include <set>

namespace govd::policy {
namespace {

using Index = std::optional<std::size_t>;  // an index into Evaluation::matches

// Up to this many candidates are tested directly; the resource lookup costs about as much.
constexpr std::size_t kSmallPolicy = 6;

bool IsTrustAction(const PreparedRequest& request) {
  return request.action_lower.starts_with("sts:assumerole");
}

std::vector<std::string> ServicesOf(const Statement& statement) {
  std::vector<std::string> services;
  for (const ActionPattern& action : statement.actions) {
    if (action.service.empty()) return {};
    services.push_back(action.service);
  }
  return services;
}

}  // namespace

CompiledPolicySet::ServiceIndex::ServiceIndex(const Policy& policy) {
  std::set<std::string> services;
  for (const Statement& statement : policy.statements) {
    for (auto& service : ServicesOf(statement)) services.insert(service);
  }
  for (const auto& service : services) by_service_.emplace_back(service, std::vector<std::uint32_t>{});
  for (std::uint32_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    auto mine = ServicesOf(statement);
    // NotAction and service wildcards can match any service: listed everywhere.
    bool everywhere = statement.not_action || mine.empty();
    if (everywhere) any_service_.push_back(i);
    for (auto& [service, list] : by_service_) {
      if (everywhere || std::find(mine.begin(), mine.end(), service) != mine.end()) list.push_back(i);
    }
  }
}

const std::vector<std::uint32_t>& CompiledPolicySet::ServiceIndex::Candidates(std::string_view service_lower) const {
  auto it = std::lower_bound(by_service_.begin(), by_service_.end(), service_lower,
                             [](const auto& entry, std::string_view s) { return entry.first < s; });
  return it != by_service_.end() && it->first == service_lower ? it->second : any_service_;
}

CompiledPolicySet::Entry CompiledPolicySet::MakeEntry(const NamedPolicy& policy) {
  return {&policy, ServiceIndex(policy.policy), ResourceIndex(policy.policy)};
}

std::vector<CompiledPolicySet::Entry> CompiledPolicySet::Entries(const std::vector<NamedPolicy>& policies) {
  std::vector<Entry> out;
  out.reserve(policies.size());
  for (const NamedPolicy& p : policies) out.push_back(MakeEntry(p));
  return out;
}

CompiledPolicySet::CompiledPolicySet(PolicySet policies)
    : policies_(std::make_unique<const PolicySet>(std::move(policies))) {
  for (const auto& level : policies_->scps) scps_.push_back(Entries(level));
  for (const auto& level : policies_->rcps) rcps_.push_back(Entries(level));
  if (policies_->resource) resource_.push_back(MakeEntry(*policies_->resource));
  identity_ = Entries(policies_->identity);
  boundary_ = Entries(policies_->boundary);
  if (policies_->session) session_.push_back(MakeEntry(*policies_->session));
}

// One evaluation: walks the indexed policies, records the applicable statements in `out`, then
// decides. Allocates only when `out`'s vectors must grow.
struct CompiledPolicySet::Walk {
  const CompiledPolicySet& set;
  const PreparedRequest& request;
  bool has_boundary;
  Evaluation& out;
  Index first_deny;
  Index identity_allow;
  Index boundary_allow;
  Index session_allow;
  std::optional<std::size_t> scp_gap;  // the first SCP level without an Allow
  std::size_t scp_deciders = 0;        // out.deciding starts with one Allow per SCP level seen

  // The shorter of the two candidate lists of a policy; both are supersets of the applicable ones.
  const std::vector<std::uint32_t>& Candidates(const Entry& entry) {
    const auto& by_service = entry.by_service.Candidates(request.service_lower);
    if (by_service.size() <= kSmallPolicy) return by_service;
    entry.by_resource.Candidates(request.request->resource, out.candidates);
    return out.candidates.size() < by_service.size() ? out.candidates : by_service;
  }

  Index Visit(PolicySource source, std::size_t level, const std::vector<Entry>& entries) {
    Index first_allow;
    for (const Entry& entry : entries) {
      for (std::uint32_t i : Candidates(entry)) {
        const Statement& statement = entry.policy->policy.statements[i];
        auto principal = StatementApplies(statement, request, has_boundary);
        if (!principal) continue;
        std::size_t at = out.matches.size();
        out.matches.push_back({source, level, entry.policy, i, *principal});
        if (statement.effect == Effect::kDeny) {
          if (!first_deny) first_deny = at;
        } else if (!first_allow) {
          first_allow = at;
        }
      }
    }
    return first_allow;
  }

  void WalkAll() {
    for (std::size_t level = 0; level < set.scps_.size(); ++level) {
      Index allow = Visit(PolicySource::kScp, level, set.scps_[level]);
      if (allow) {
        out.deciding.push_back(*allow);
        ++scp_deciders;
      } else if (!scp_gap) {
        scp_gap = level;
      }
    }
    for (std::size_t level = 0; level < set.rcps_.size(); ++level) Visit(PolicySource::kRcp, level, set.rcps_[level]);
    Visit(PolicySource::kResource, 0, set.resource_);
    identity_allow = Visit(PolicySource::kIdentity, 0, set.identity_);
    boundary_allow = Visit(PolicySource::kBoundary, 0, set.boundary_);
    session_allow = Visit(PolicySource::kSession, 0, set.session_);
  }

  // A denial: no statement but an explicit Deny decides.
  void Deny(Decision decision, DecidingRule rule) {
    out.decision = decision;
    out.rule = rule;
    out.deciding.clear();
  }
  void DenyWithGap(DecidingRule rule) {
    out.gap = !identity_allow ? IdentityGap::kNoIdentityAllow
              : !BoundaryOk() ? IdentityGap::kBoundary
                              : IdentityGap::kSession;
    Deny(Decision::kImplicitDeny, rule);
  }
  // An Allow: the SCP deciders already in out.deciding, then `subject` (when the rule names one)
  // and, with the identity side, its deciders.
  void Allow(DecidingRule rule, Index subject, bool identity_side) {
    out.decision = Decision::kAllow;
    out.rule = rule;
    out.deciding.resize(scp_deciders);
    if (identity_side) {
      for (const Index& i : {identity_allow, boundary_allow, session_allow}) {
        if (i) out.deciding.push_back(*i);
      }
    }
    if (subject) {
      out.subject = *subject;
      out.deciding.push_back(*subject);
    }
  }

  bool BoundaryOk() const { return set.boundary_.empty() || boundary_allow.has_value(); }
  bool SessionOk() const { return set.session_.empty() || session_allow.has_value(); }
  bool IdentitySide() const { return identity_allow && BoundaryOk() && SessionOk(); }

  // The first resource-policy Allow, in evaluation order, whose principal match `accept` takes.
  template <typename Accept>
  Index FirstGrant(Accept accept) const {
    for (std::size_t at = 0; at < out.matches.size(); ++at) {
      const StatementMatch& match = out.matches[at];
      if (match.source == PolicySource::kResource && match.statement().effect == Effect::kAllow &&
          accept(match.principal)) {
        return at;
      }
    }
    return std::nullopt;
  }

  // A resource-policy Allow that grants on its own (same account), by how it names the principal.
  Index DirectGrant() const {
    return FirstGrant([&](PrincipalMatch principal) {
      switch (principal) {
        case PrincipalMatch::kSession:
          return true;
        case PrincipalMatch::kUser:
          return SessionOk();
        case PrincipalMatch::kRole:
        case PrincipalMatch::kAny:
          return BoundaryOk() && SessionOk();
        default:
          return false;
      }
    });
  }

  void Decide() {
    if (first_deny) {
      out.subject = *first_deny;
      out.boundary_voids_not_principal =
          BoundaryVoidsNotPrincipal(out.matches[*first_deny].statement(), request, has_boundary);
      Deny(Decision::kExplicitDeny, DecidingRule::kExplicitDeny);
      out.deciding.push_back(*first_deny);
      return;
    }
    if (request.kind == RequesterKind::kAnonymous) {
      scp_deciders = 0;  // SCPs do not apply to anonymous requests
      Index grant = FirstGrant([](PrincipalMatch principal) { return principal == PrincipalMatch::kAny; });
      if (grant) return Allow(DecidingRule::kAnonymousGrant, grant, false);
      return Deny(Decision::kImplicitDeny, DecidingRule::kAnonymousNoGrant);
    }
    if (scp_gap) {
      out.scp_level = *scp_gap;
      return Deny(Decision::kImplicitDeny, DecidingRule::kScpLevelWithoutAllow);
    }
    if (!request.same_account) return DecideCrossAccount();
    return DecideSameAccount();
  }

  void DecideCrossAccount() {
    if (!IdentitySide()) return DenyWithGap(DecidingRule::kCrossAccountIdentityGap);
    Index grant = FirstGrant([](PrincipalMatch) { return true; });
    if (!grant) return Deny(Decision::kImplicitDeny, DecidingRule::kCrossAccountNoGrant);
    Allow(DecidingRule::kCrossAccountGrant, grant, true);
  }

  void DecideSameAccount() {
    Index direct = DirectGrant();
    if (direct) return Allow(DecidingRule::kSameAccountDirectGrant, direct, false);
    if (!IdentitySide()) return DenyWithGap(DecidingRule::kSameAccountIdentityGap);
    if (!IsTrustAction(request)) return Allow(DecidingRule::kSameAccountIdentity, std::nullopt, true);
    Index trusted =
        FirstGrant([](PrincipalMatch principal) { return principal == PrincipalMatch::kAccount; });
    if (trusted) return Allow(DecidingRule::kSameAccountTrust, trusted, true);
    Deny(Decision::kImplicitDeny, DecidingRule::kTrustRefused);
  }
};

Result<Evaluation> CompiledPolicySet::Evaluate(const AuthzRequest& request) const {
  GOVD_ASSIGN_OR_RETURN(PreparedRequest prepared, PrepareRequest(request));
  Evaluation evaluation;
  Evaluate(prepared, evaluation);
  evaluation.reason = evaluation.DescribeRule();
  return evaluation;
}

void CompiledPolicySet::Evaluate(const PreparedRequest& request, Evaluation& out) const {
  out.reason.clear();
  out.matches.clear();
  out.deciding.clear();
  out.subject = 0;
  out.scp_level = 0;
  out.gap = IdentityGap::kNoIdentityAllow;
  out.boundary_voids_not_principal = false;
  Walk walk{*this, request, !boundary_.empty(), out, {}, {}, {}, {}, {}, 0};
  walk.WalkAll();
  walk.Decide();
}

}  // namespace govd::policy

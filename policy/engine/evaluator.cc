#include "policy/engine/evaluator.h"

#include <algorithm>
#include <optional>
#include <set>

namespace govd::policy {
namespace {

using Index = std::optional<std::size_t>;  // an index into Evaluation::matches

// Up to this many candidates are tested directly; the resource lookup costs about as much.
constexpr std::size_t kSmallPolicy = 6;

// What the walk over the policies found, per group; the decision is made from this.
struct Tally {
  Index first_deny;
  std::vector<Index> scp_allow;  // per level
  Index identity_allow;
  Index boundary_allow;
  Index session_allow;
  std::vector<std::size_t> resource_allows;
};

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

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow: return "Allow";
    case Decision::kExplicitDeny: return "ExplicitDeny";
    case Decision::kImplicitDeny: return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

std::string_view PolicySourceName(PolicySource source) {
  switch (source) {
    case PolicySource::kScp: return "scp";
    case PolicySource::kRcp: return "rcp";
    case PolicySource::kResource: return "resource";
    case PolicySource::kIdentity: return "identity";
    case PolicySource::kBoundary: return "boundary";
    case PolicySource::kSession: return "session";
  }
  return "unknown";
}

std::string StatementMatch::Label() const {
  const std::string& sid = statement().sid;
  return policy->name + " statement " + (sid.empty() ? "#" + std::to_string(statement_index) : sid);
}

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

// One evaluation: walks the indexed policies, tallies the applicable statements, then decides.
struct CompiledPolicySet::Walk {
  const CompiledPolicySet& set;
  const PreparedRequest& request;
  Evaluation result;
  Tally tally;
  std::vector<std::uint32_t> by_resource;  // scratch, reused for every policy

  // The shorter of the two candidate lists of a policy; both are supersets of the applicable ones.
  const std::vector<std::uint32_t>& Candidates(const Entry& entry) {
    const auto& by_service = entry.by_service.Candidates(request.service_lower);
    if (by_service.size() <= kSmallPolicy) return by_service;
    entry.by_resource.Candidates(request.request->resource, by_resource);
    return by_resource.size() < by_service.size() ? by_resource : by_service;
  }

  Index Visit(PolicySource source, std::size_t level, const std::vector<Entry>& entries) {
    Index first_allow;
    for (const Entry& entry : entries) {
      for (std::uint32_t i : Candidates(entry)) {
        const Statement& statement = entry.policy->policy.statements[i];
        auto principal = StatementApplies(statement, request);
        if (!principal) continue;
        std::size_t at = result.matches.size();
        result.matches.push_back({source, level, entry.policy, i, *principal});
        if (statement.effect == Effect::kDeny) {
          if (!tally.first_deny) tally.first_deny = at;
        } else {
          if (!first_allow) first_allow = at;
          if (source == PolicySource::kResource) tally.resource_allows.push_back(at);
        }
      }
    }
    return first_allow;
  }

  void WalkAll() {
    for (std::size_t level = 0; level < set.scps_.size(); ++level) {
      tally.scp_allow.push_back(Visit(PolicySource::kScp, level, set.scps_[level]));
    }
    for (std::size_t level = 0; level < set.rcps_.size(); ++level) Visit(PolicySource::kRcp, level, set.rcps_[level]);
    Visit(PolicySource::kResource, 0, set.resource_);
    tally.identity_allow = Visit(PolicySource::kIdentity, 0, set.identity_);
    tally.boundary_allow = Visit(PolicySource::kBoundary, 0, set.boundary_);
    tally.session_allow = Visit(PolicySource::kSession, 0, set.session_);
  }

  Evaluation Finish(Decision decision, std::string reason, const std::vector<Index>& deciding) {
    result.decision = decision;
    result.reason = std::move(reason);
    for (const Index& i : deciding) {
      if (i) result.deciding.push_back(*i);
    }
    return std::move(result);
  }

  bool BoundaryOk() const { return set.boundary_.empty() || tally.boundary_allow.has_value(); }
  bool SessionOk() const { return set.session_.empty() || tally.session_allow.has_value(); }
  bool IdentitySide() const { return tally.identity_allow && BoundaryOk() && SessionOk(); }

  // A resource-policy Allow that grants on its own (same account), by how it names the principal.
  Index DirectGrant() const {
    for (std::size_t at : tally.resource_allows) {
      switch (result.matches[at].principal) {
        case PrincipalMatch::kSession: return at;
        case PrincipalMatch::kUser: if (SessionOk()) return at; break;
        case PrincipalMatch::kRole: case PrincipalMatch::kAny: if (BoundaryOk() && SessionOk()) return at; break;
        default: break;
      }
    }
    return std::nullopt;
  }

  Index AnyGrant(bool anonymous) const {
    for (std::size_t at : tally.resource_allows) {
      if (!anonymous || result.matches[at].principal == PrincipalMatch::kAny) return at;
    }
    return std::nullopt;
  }

  std::vector<Index> IdentityDeciders() const {
    return {tally.identity_allow, tally.boundary_allow, tally.session_allow};
  }

  Evaluation Decide() {
    if (tally.first_deny) return Finish(Decision::kExplicitDeny, DenyReason(), {tally.first_deny});
    bool anonymous = request.kind == RequesterKind::kAnonymous;
    std::vector<Index> scp_deciders;
    if (!anonymous) {
      for (std::size_t level = 0; level < tally.scp_allow.size(); ++level) {
        if (!tally.scp_allow[level]) {
          return Finish(Decision::kImplicitDeny,
                        "no SCP statement at level " + std::to_string(level) +
                            " allows it (every level from the root to the account must allow)",
                        {});
        }
        scp_deciders.push_back(tally.scp_allow[level]);
      }
    }
    auto allow = [&](std::string reason, std::vector<Index> deciders) {
      deciders.insert(deciders.begin(), scp_deciders.begin(), scp_deciders.end());
      return Finish(Decision::kAllow, std::move(reason), deciders);
    };
    if (anonymous) {
      Index grant = AnyGrant(true);
      if (grant) return allow("anonymous request allowed by " + result.matches[*grant].Label(), {grant});
      return Finish(Decision::kImplicitDeny, "anonymous request: no resource-policy Allow with Principal \"*\"", {});
    }
    if (!request.same_account) return DecideCrossAccount(allow);
    return DecideSameAccount(allow);
  }

  template <typename AllowFn>
  Evaluation DecideCrossAccount(AllowFn& allow) {
    if (!IdentitySide()) return Finish(Decision::kImplicitDeny, "cross-account: " + IdentityGap(), {});
    Index grant = AnyGrant(false);
    if (!grant) {
      return Finish(Decision::kImplicitDeny,
                    "cross-account: no statement of the resource policy allows the principal", {});
    }
    auto deciders = IdentityDeciders();
    deciders.push_back(grant);
    return allow("cross-account: identity side and " + result.matches[*grant].Label() + " allow", deciders);
  }

  template <typename AllowFn>
  Evaluation DecideSameAccount(AllowFn& allow) {
    Index direct = DirectGrant();
    if (direct) return allow("same account: " + result.matches[*direct].Label() + " names the principal", {direct});
    bool trust = IsTrustAction(request);
    if (IdentitySide()) {
      if (!trust) return allow("same account: identity side allows", IdentityDeciders());
      for (std::size_t at : tally.resource_allows) {
        if (result.matches[at].principal == PrincipalMatch::kAccount) {
          auto deciders = IdentityDeciders();
          deciders.push_back(at);
          return allow("same account: " + result.matches[at].Label() + " trusts the account and identity allows",
                       deciders);
        }
      }
      return Finish(Decision::kImplicitDeny, "the role's trust policy does not trust the principal", {});
    }
    return Finish(Decision::kImplicitDeny, "same account: " + IdentityGap() + ", and no resource-policy grant names the principal", {});
  }

  std::string DenyReason() const {
    const StatementMatch& deny = result.matches[*tally.first_deny];
    std::string reason = "explicitly denied by " + deny.Label();
    if (!BoundaryVoidsNotPrincipal(deny.statement(), request)) return reason;
    return reason +
           ": its NotPrincipal lists the principal, but exempts no principal with a permissions boundary";
  }

  std::string IdentityGap() const {
    if (!tally.identity_allow) return "no identity policy allows it";
    if (!BoundaryOk()) return "the permissions boundary does not allow it";
    return "the session policy does not allow it";
  }
};

Result<Evaluation> CompiledPolicySet::Evaluate(const AuthzRequest& request) const {
  GOVD_ASSIGN_OR_RETURN(PreparedRequest prepared, PrepareRequest(request));
  prepared.has_boundary = !boundary_.empty();
  Walk walk{*this, prepared, {}, {}, {}};
  walk.result.matches.reserve(8);
  walk.WalkAll();
  return walk.Decide();
}

}  // namespace govd::policy

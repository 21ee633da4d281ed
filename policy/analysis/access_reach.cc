// policy/analysis/access_reach.cc: what-can-access, the forward direction of the access analysis.
#include <algorithm>
#include <set>

#include "policy/analysis/access_analysis.h"
#include "policy/analysis/access_analysis_impl.h"
#include "policy/engine/arn.h"
#include "policy/engine/statement_facts.h"

namespace govd::policy {
namespace {

// A principal reached from the start: who it is and how (the hops, without the final access).
struct Node {
  Requester who;
  std::optional<std::size_t> role;  // its index when it is a role of the snapshot
  AccessPath path;                  // chain so far; steps are the hops
};

void CollectPrefixes(const std::vector<NamedPolicy>& policies, const std::string& bucket, std::set<std::string>& out) {
  for (const NamedPolicy& named : policies) {
    for (const Statement& s : named.policy.statements) {
      if (s.effect != Effect::kAllow || s.not_resource) continue;
      for (const Pattern& r : s.resources) {
        if (auto prefix = S3KeyPrefix(r, bucket)) out.insert(*prefix);
      }
    }
  }
}

// Candidate prefixes, shortest first, so that covered ones can be skipped.
std::vector<std::string> CandidatePrefixes(const Node& node, const OrgBucket& bucket) {
  std::set<std::string> prefixes{""};
  if (node.who.identity != nullptr && node.role) CollectPrefixes(*node.who.identity, bucket.name, prefixes);
  if (bucket.policy) CollectPrefixes({*bucket.policy}, bucket.name, prefixes);
  std::vector<std::string> out(prefixes.begin(), prefixes.end());
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  return out;
}

class ReachSearch {
 public:
  ReachSearch(const AccessAnalyzer::Impl& impl, std::string action) : impl_(impl), action_(std::move(action)) {}

  Result<std::vector<ReachableResource>> Run(Node start) {
    nodes_.push_back(std::move(start));
    visited_.insert(nodes_.front().who.principal);
    GOVD_TRY(FollowChains());
    for (const Node& node : nodes_) GOVD_TRY(Reach(node));
    return std::move(found_);
  }

 private:
  std::vector<std::size_t> Assumable(const Node& node) const {
    std::vector<std::size_t> out = impl_.trusting_roles.Find(node.who.principal);
    auto by_account = impl_.trusting_roles.Find(node.who.account);
    out.insert(out.end(), by_account.begin(), by_account.end());
    SortUnique(out);
    return out;
  }

  Status Extend(std::size_t from, std::vector<std::size_t>& next) {
    for (std::size_t target : Assumable(nodes_[from])) {
      const RoleInfo& info = impl_.roles[target];
      if (visited_.count(info.role->arn) != 0) continue;
      GOVD_ASSIGN_OR_RETURN(auto hop, impl_.Ask(nodes_[from].who, "sts:AssumeRole", info.role->arn, info.account,
                                               info.role->trust, ""));
      if (!hop) continue;
      visited_.insert(info.role->arn);
      Node node{impl_.RoleRequester(target), target, nodes_[from].path};
      node.path.chain.push_back(info.role->arn);
      node.path.steps.push_back(std::move(*hop));
      nodes_.push_back(std::move(node));
      next.push_back(nodes_.size() - 1);
    }
    return Ok();
  }

  Status FollowChains() {
    std::vector<std::size_t> frontier{0};
    for (int depth = 0; depth < kMaxRoleChain && !frontier.empty(); ++depth) {
      std::vector<std::size_t> next;
      for (std::size_t from : frontier) GOVD_TRY(Extend(from, next));
      frontier = std::move(next);
    }
    return Ok();
  }

  // Buckets whose policy names the node (the only way across accounts), plus buckets of the
  // node's own account that its identity policies may allow.
  std::vector<std::size_t> CandidateBuckets(const Node& node) const {
    std::vector<std::size_t> out = impl_.naming_buckets.Find(node.who.principal);
    auto by_account = impl_.naming_buckets.Find(node.who.account);
    out.insert(out.end(), by_account.begin(), by_account.end());
    auto own = impl_.buckets_by_account.find(node.who.account);
    if (node.role && own != impl_.buckets_by_account.end()) {
      const auto& globs = impl_.roles[*node.role].bucket_globs;
      for (std::size_t b : own->second) {
        const std::string& name = impl_.org.buckets[b].name;
        if (std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return GlobMatch(g, name, false); })) {
          out.push_back(b);
        }
      }
    }
    SortUnique(out);
    return out;
  }

  bool Covered(const std::string& bucket, const std::string& prefix) const {
    return std::any_of(found_.begin(), found_.end(), [&](const ReachableResource& r) {
      return r.bucket == bucket && prefix.starts_with(r.prefix);
    });
  }

  Status Reach(const Node& node) {
    for (std::size_t b : CandidateBuckets(node)) {
      const OrgBucket& bucket = impl_.org.buckets[b];
      for (const std::string& prefix : CandidatePrefixes(node, bucket)) {
        if (Covered(bucket.name, prefix)) continue;
        AccessQuery query{bucket.name, prefix, action_};
        GOVD_ASSIGN_OR_RETURN(auto step, impl_.Ask(node.who, action_, QueryResource(query), bucket.account,
                                                   bucket.policy, prefix));
        if (!step) continue;
        AccessPath path = node.path;
        path.steps.push_back(std::move(*step));
        found_.push_back({bucket.name, prefix, std::move(path)});
      }
    }
    return Ok();
  }

  const AccessAnalyzer::Impl& impl_;
  std::string action_;
  std::vector<Node> nodes_;
  std::set<std::string> visited_;
  std::vector<ReachableResource> found_;
};

Result<Node> StartNode(const AccessAnalyzer::Impl& impl, std::string_view principal_arn) {
  std::string arn(principal_arn);
  if (auto it = impl.role_by_arn.find(arn); it != impl.role_by_arn.end()) {
    const RoleInfo& info = impl.roles[it->second];
    return Node{impl.RoleRequester(it->second), it->second,
                {arn, PrincipalOrigin::kOrgRole, impl.IsMember(info.account), {arn}, {}}};
  }
  GOVD_ASSIGN_OR_RETURN(PrincipalArn parsed, ParsePrincipalArn(arn));
  if (parsed.kind == PrincipalKind::kAccountRoot) {
    return InvalidArgument("what-can-access needs a role or user ARN, not the account root \"" + arn + "\"");
  }
  const std::string& account = parsed.arn.account;
  return Node{impl.OutsideRequester(arn, account), std::nullopt,
              {arn, PrincipalOrigin::kOutside, impl.IsMember(account), {arn}, {}}};
}

}  // namespace

Result<std::vector<ReachableResource>> AccessAnalyzer::WhatCanAccess(std::string_view principal_arn,
                                                                     std::string_view action) const {
  GOVD_ASSIGN_OR_RETURN(Node start, StartNode(*impl_, principal_arn));
  ReachSearch search(*impl_, std::string(action));
  GOVD_ASSIGN_OR_RETURN(auto found, search.Run(std::move(start)));
  std::sort(found.begin(), found.end(), [](const ReachableResource& a, const ReachableResource& b) {
    return std::tie(a.bucket, a.prefix) < std::tie(b.bucket, b.prefix);
  });
  return found;
}

}  // namespace govd::policy

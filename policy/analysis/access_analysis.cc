// policy/analysis/access_analysis.cc: who-can-access and what-can-access over the indexes.
#include "policy/analysis/access_analysis.h"

#include <algorithm>
#include <deque>

#include "policy/analysis/access_analysis_impl.h"
#include "policy/engine/arn.h"
#include "policy/engine/authz_request.h"
#include "policy/engine/statement_facts.h"

namespace govd::policy {
namespace {

constexpr std::string_view kAssumeRole = "sts:AssumeRole";

// The paths found so far, by principal; BFS order keeps the shortest chain of each.
using Paths = std::map<std::string, AccessPath>;

class WhoSearch {
 public:
  WhoSearch(const AccessAnalyzer::Impl& impl, const AccessQuery& query, const OrgBucket& bucket)
      : impl_(impl), query_(query), bucket_(bucket), resource_(QueryResource(query)) {}

  Result<Paths> Run() {
    GOVD_TRY(AskAnonymous());
    GOVD_TRY(AskRoles());
    GOVD_TRY(AskOutside());
    GOVD_TRY(FollowChains());
    return std::move(paths_);
  }

 private:
  Result<std::optional<AccessStep>> AskAccess(const Requester& who) const {
    return impl_.Ask(who, query_.action, resource_, bucket_.account, bucket_.policy, query_.prefix);
  }

  Status AskAnonymous() {
    GOVD_ASSIGN_OR_RETURN(auto step, AskAccess({std::string(kAnonymousPrincipal), "", nullptr, nullptr, nullptr}));
    if (step) paths_["*"] = DirectPath("*", PrincipalOrigin::kAnonymous, false, std::move(*step));
    return Ok();
  }

  // Roles whose identity policies may allow s3 on the bucket (across accounts only when the
  // bucket policy could grant them), and roles the bucket policy names.
  std::vector<std::size_t> CandidateRoles() const {
    std::vector<std::size_t> out = impl_.s3_roles.Find(bucket_.name);
    std::erase_if(out, [&](std::size_t r) {
      return impl_.roles[r].account != bucket_.account && !MayGrantAcrossAccounts(impl_, bucket_.policy, r);
    });
    auto named = NamedRoles(impl_, bucket_.policy, bucket_.account);
    out.insert(out.end(), named.begin(), named.end());
    SortUnique(out);
    return out;
  }

  Status AskRoles() {
    for (std::size_t r : CandidateRoles()) {
      GOVD_ASSIGN_OR_RETURN(auto step, AskAccess(impl_.RoleRequester(r)));
      if (!step) continue;
      const std::string& arn = impl_.org.roles[r].arn;
      paths_[arn] = DirectPath(arn, PrincipalOrigin::kOrgRole, impl_.IsMember(impl_.roles[r].account), std::move(*step));
      frontier_.push_back(r);
    }
    return Ok();
  }

  Status AskOutside() {
    for (const OutsideName& name : OutsideNames(impl_, bucket_.policy)) {
      if (paths_.count(name.reported) != 0) continue;
      GOVD_ASSIGN_OR_RETURN(auto step, AskAccess(impl_.OutsideRequester(name.principal, name.account)));
      if (step) {
        paths_[name.reported] =
            DirectPath(name.reported, OriginOf(impl_, name), impl_.IsMember(name.account), std::move(*step));
      }
    }
    return Ok();
  }

  std::vector<std::size_t> Assumers(std::size_t target) const {
    const RoleInfo& info = impl_.roles[target];
    std::vector<std::size_t> out = impl_.assumers.Find(info.role->arn);
    std::erase_if(out, [&](std::size_t r) {
      return impl_.roles[r].account != info.account && !MayGrantAcrossAccounts(impl_, info.role->trust, r);
    });
    auto named = NamedRoles(impl_, info.role->trust, info.account);
    out.insert(out.end(), named.begin(), named.end());
    SortUnique(out);
    return out;
  }

  Result<std::optional<AccessStep>> AskAssume(const Requester& who, std::size_t target) const {
    const RoleInfo& info = impl_.roles[target];
    return impl_.Ask(who, std::string(kAssumeRole), info.role->arn, info.account, info.role->trust, "");
  }

  Status ExtendFrom(std::size_t target, std::vector<std::size_t>& next) {
    const AccessPath rest = paths_.at(impl_.org.roles[target].arn);
    for (std::size_t r : Assumers(target)) {
      const std::string& arn = impl_.org.roles[r].arn;
      if (paths_.count(arn) != 0) continue;
      GOVD_ASSIGN_OR_RETURN(auto hop, AskAssume(impl_.RoleRequester(r), target));
      if (!hop) continue;
      paths_[arn] = Prepend(arn, PrincipalOrigin::kOrgRole, impl_.IsMember(impl_.roles[r].account), std::move(*hop), rest);
      next.push_back(r);
    }
    for (const OutsideName& name : OutsideNames(impl_, impl_.org.roles[target].trust)) {
      if (paths_.count(name.reported) != 0) continue;
      GOVD_ASSIGN_OR_RETURN(auto hop, AskAssume(impl_.OutsideRequester(name.principal, name.account), target));
      if (hop) {
        paths_[name.reported] =
            Prepend(name.reported, OriginOf(impl_, name), impl_.IsMember(name.account), std::move(*hop), rest);
      }
    }
    return Ok();
  }

  Status FollowChains() {
    for (int depth = 0; depth < kMaxRoleChain && !frontier_.empty(); ++depth) {
      std::vector<std::size_t> next;
      for (std::size_t target : frontier_) GOVD_TRY(ExtendFrom(target, next));
      frontier_ = std::move(next);
    }
    return Ok();
  }

  const AccessAnalyzer::Impl& impl_;
  const AccessQuery& query_;
  const OrgBucket& bucket_;
  std::string resource_;
  Paths paths_;
  std::vector<std::size_t> frontier_;
};

std::vector<AccessPath> Ordered(Paths paths) {
  std::vector<AccessPath> out;
  if (auto it = paths.find("*"); it != paths.end()) {
    out.push_back(std::move(it->second));
    paths.erase(it);
  }
  for (auto& [name, path] : paths) out.push_back(std::move(path));
  return out;
}

}  // namespace

bool IsBucketLevelAction(std::string_view action) {
  return AsciiLower(action).find("bucket") != std::string::npos;
}

std::string QueryResource(const AccessQuery& query) {
  std::string bucket_arn = "arn:aws:s3:::" + query.bucket;
  if (IsBucketLevelAction(query.action)) return bucket_arn;
  return bucket_arn + "/" + query.prefix + "*";
}

AccessAnalyzer::AccessAnalyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccessAnalyzer::AccessAnalyzer(AccessAnalyzer&&) noexcept = default;
AccessAnalyzer& AccessAnalyzer::operator=(AccessAnalyzer&&) noexcept = default;
AccessAnalyzer::~AccessAnalyzer() = default;

Result<AccessAnalyzer> AccessAnalyzer::Build(OrgSnapshot snapshot) {
  auto impl = std::make_unique<Impl>();
  impl->org = std::move(snapshot);
  GOVD_TRY(BuildIndexes(*impl));
  return AccessAnalyzer(std::move(impl));
}

const OrgSnapshot& AccessAnalyzer::snapshot() const { return impl_->org; }

Result<std::vector<AccessPath>> AccessAnalyzer::WhoCanAccess(const AccessQuery& query) const {
  auto it = impl_->bucket_by_name.find(query.bucket);
  if (it == impl_->bucket_by_name.end()) return NotFound("bucket \"" + query.bucket + "\" is not in the snapshot");
  WhoSearch search(*impl_, query, impl_->org.buckets[it->second]);
  GOVD_ASSIGN_OR_RETURN(Paths paths, search.Run());
  return Ordered(std::move(paths));
}

}  // namespace govd::policy

// policy/engine/org_snapshot.cc
#include "policy/engine/org_snapshot.h"

#include <algorithm>

namespace govd::policy {
namespace {

const OrgUnit* FindUnit(const OrgSnapshot& org, const std::string& id) {
  auto it = std::find_if(org.units.begin(), org.units.end(), [&](const OrgUnit& u) { return u.id == id; });
  return it == org.units.end() ? nullptr : &*it;
}

const OrgAccount* FindAccount(const OrgSnapshot& org, const std::string& id) {
  auto it = std::find_if(org.accounts.begin(), org.accounts.end(), [&](const OrgAccount& a) { return a.id == id; });
  return it == org.accounts.end() ? nullptr : &*it;
}

// The OUs from the account's parent up to the root, parent first.
Result<std::vector<const OrgUnit*>> Ancestors(const OrgSnapshot& org, const OrgAccount& account) {
  std::vector<const OrgUnit*> chain;
  std::string next = account.parent_id;
  while (!next.empty()) {
    const OrgUnit* unit = FindUnit(org, next);
    if (unit == nullptr) {
      return InvalidArgument("organisation unit \"" + next + "\" (parent on the path of account " + account.id +
                             ") is not in the snapshot");
    }
    if (chain.size() > org.units.size()) return InvalidArgument("the OU tree above account " + account.id + " has a cycle");
    chain.push_back(unit);
    next = unit->parent_id;
  }
  return chain;
}

}  // namespace

Result<std::vector<std::vector<NamedPolicy>>> ScpLevels(const OrgSnapshot& org, const std::string& account_id) {
  std::vector<std::vector<NamedPolicy>> levels;
  const OrgAccount* account = FindAccount(org, account_id);
  if (org.units.empty() || account == nullptr) return levels;
  GOVD_ASSIGN_OR_RETURN(auto ancestors, Ancestors(org, *account));
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) levels.push_back((*it)->scps);
  levels.push_back(account->scps);
  return levels;
}

std::string OuPath(const OrgSnapshot& org, const std::string& account_id) {
  const OrgAccount* account = FindAccount(org, account_id);
  if (account == nullptr) return {};
  auto ancestors = Ancestors(org, *account);
  if (!ancestors) return {};
  std::string path;
  for (auto it = ancestors->rbegin(); it != ancestors->rend(); ++it) path += (path.empty() ? "" : "/") + (*it)->name;
  return path;
}

}  // namespace govd::policy

// accounts/store_org_view.cc: the tenant's organisation read back in one consistent view.
#include <string>
#include <vector>

#include "accounts/store_impl.h"

namespace govd::accounts {
namespace {

// Parents before children: the root first, then by depth.
constexpr const char* kOusInTreeOrder =
    "WITH RECURSIVE tree AS ("
    "  SELECT ou_id, parent_id, name, 0 AS depth FROM govd.ous WHERE tenant = $1 AND parent_id IS NULL"
    "  UNION ALL"
    "  SELECT o.ou_id, o.parent_id, o.name, t.depth + 1 FROM govd.ous o JOIN tree t ON o.parent_id = t.ou_id"
    "  WHERE o.tenant = $1"
    ") SELECT ou_id, coalesce(parent_id, ''), name FROM tree ORDER BY depth, ou_id";

Result<std::vector<AccountSpec>> ReadAccounts(pqxx::work& tx, const std::string& tenant) {
  std::vector<AccountSpec> out;
  for (const pqxx::row& row : tx.exec_params(
           "SELECT account_id, name, kind, ou_id FROM govd.accounts WHERE tenant = $1 ORDER BY account_id", tenant)) {
    GOVD_ASSIGN_OR_RETURN(policy::AccountId id, policy::AccountId::Parse(row[0].as<std::string>()));
    AccountKind kind = row[2].as<std::string>() == "central" ? AccountKind::kCentral : AccountKind::kChild;
    out.push_back({std::move(id), row[1].as<std::string>(), kind, row[3].as<std::string>()});
  }
  return out;
}

}  // namespace

Result<OrgRecords> Store::ReadOrganisation() {
  const std::string& tenant = impl_->context.tenant;
  return impl_->Tx<OrgRecords>("reading the organisation", [&](pqxx::work& tx) -> Result<OrgRecords> {
    OrgRecords org;
    for (const pqxx::row& row : tx.exec_params(kOusInTreeOrder, tenant)) {
      org.ous.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
    GOVD_ASSIGN_OR_RETURN(org.accounts, ReadAccounts(tx, tenant));
    for (const pqxx::row& row :
         tx.exec_params("SELECT bucket, owner_account FROM govd.buckets WHERE tenant = $1 ORDER BY bucket", tenant)) {
      org.buckets.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    }
    for (const pqxx::row& row : tx.exec_params(
             "SELECT bucket, prefix, govd.to_us(embargo_until) FROM govd.prefixes WHERE tenant = $1 "
             "ORDER BY bucket, prefix",
             tenant)) {
      PrefixRecord p{row[0].as<std::string>(), row[1].as<std::string>(), std::nullopt};
      if (!row[2].is_null()) p.embargo_until = pg::FromMicros(row[2].as<std::int64_t>());
      org.prefixes.push_back(std::move(p));
    }
    return org;
  });
}

}  // namespace govd::accounts

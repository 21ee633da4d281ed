// accounts/store/tenant_admin.cc: govd.add_tenant_role through the adapter.
#include "accounts/store/tenant_admin.h"

#include "accounts/store/pg.h"

namespace govd::accounts {

Status AddTenantRole(const std::string& owner_conninfo, std::string_view db_role,
                     std::string_view tenant) {
  GOVD_ASSIGN_OR_RETURN(auto conn, pg::Connect(owner_conninfo));
  auto done = pg::InTransaction<bool>(
      *conn, "mapping role " + std::string(db_role) + " to tenant " + std::string(tenant),
      [&](pqxx::work& tx) -> Result<bool> {
        tx.exec_params("SELECT govd.add_tenant_role($1, $2)", std::string(db_role),
                       std::string(tenant));
        return true;
      });
  if (!done) return done.error();
  return Ok();
}

}  // namespace govd::accounts

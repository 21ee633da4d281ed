// accounts/store/tenant_admin.h
// Provisioning for the database owner: lets a login role act for a tenant (row-level security
// maps current_user to tenants through govd.tenant_roles). Run with the owner's conninfo, never
// a tenant's. Thread safety: each call opens its own connection.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::accounts {

// The role must already exist (CREATE ROLE ... LOGIN); it becomes a member of govd_app.
Status AddTenantRole(const std::string& owner_conninfo, std::string_view db_role,
                     std::string_view tenant);

}  // namespace govd::accounts

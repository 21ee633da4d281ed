// daemon/server/audit_handlers.h
// The control-API endpoints of `govctl audit` (docs/audit.md): the audit log with filters and
// paging, the hash-chain check, findings (refreshed from the tenant's current view, status kept
// in the store), archiving a finding, who-can-access / what-can-access with their explanations,
// and the HTML report. Every endpoint works on the tenant of the request (ApiStore::TenantOf).
// Thread safety: the handlers run on the event loop only; they block on the database and, when
// `actual` is given, on S3 (a security team's query, not the reconcile path).
// Never puts policy texts or credentials into logs; answers carry what the caller may read.
#pragma once

#include "daemon/reconcile/bucket_policy_access.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/server/api_store.h"

namespace govd::daemon {

// Registers every audit endpoint. REQUIRES: `store` (and what `actual` returns) outlive the
// dispatcher. Where `actual` gives no access for the request's tenant (no `actual` at all, or a
// tenant this daemon does not manage), bucket policies come from desired state, and answers say so.
void RegisterAuditHandlers(ApiDispatcher& dispatcher, const ApiStore& store, const TenantPolicyAccess& actual);

}  // namespace govd::daemon

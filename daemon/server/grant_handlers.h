// daemon/server/grant_handlers.h
// The grant endpoints of the control API (list, request, show, approve, reject, revoke) over the
// grant store. Bodies and answers are JSON; a body that breaks a rule is refused (400) with the
// field named in "where". Every change is committed by the store before the answer is sent; a
// grant id the tenant does not own answers 404 exactly like one that does not exist (the store
// filters by tenant, and row-level security hides other tenants' rows from tenant-bound database
// roles). An approval or a revocation wakes the reconciler at once, so that the bucket policy
// follows within a pass instead of a reconcile interval. With control.four-eyes on, the uid that
// requested a grant cannot approve it (403).
// Thread safety: the handlers run on the event loop, like everything they use.
// Never echoes request bodies into logs; errors quote only the offending field's value.
#pragma once

#include <json/value.h>

#include "accounts/store/grant.h"
#include "base/result.h"
#include "daemon/reconcile/reconcile_scheduler.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/server/api_store.h"
#include "daemon/service/config.h"
#include "policy/engine/arn.h"

namespace govd::daemon {

// Handles kGrantList, kGrantRequest, kGrantShow, kGrantApprove, kGrantReject and kGrantRevoke.
// `store`, `scheduler` and `config` (read at each approval: a reload applies at once) must outlive
// `dispatcher`.
void RegisterGrantHandlers(ApiDispatcher& dispatcher, const ApiStore& store, ReconcileScheduler& scheduler,
                           const Config& config);

// The body of POST /v1/tenants/{tenant}/grants, for grants on buckets of `owner`:
//   {"bucket": "...", "prefix": "reports/", "grantee": "arn:aws:iam::...:role/...",
//    "actions": "read" | "read+list" (default "read"),
//    "expires_at": "2027-01-31T00:00:00Z" (optional), "reason": "..."}
// Unknown fields are refused, so that a misspelt "expires_at" is not silently ignored.
Result<accounts::GrantRequest> ParseGrantRequestBody(const Json::Value& body, const policy::AccountId& owner);

// A grant as the API shows it; times are ISO-8601 UTC, absent ones null.
Json::Value GrantToJson(const accounts::Grant& grant);

}  // namespace govd::daemon

// daemon/server/api_plan.h
// GET /v1/tenants/{tenant}/plan: what the next reconcile pass would change in each of the
// tenant's buckets (the actual policy read from S3, the desired one rendered from the grants),
// written nowhere. The handler blocks on S3: register it through OnWorker (api_worker.h).
// Thread safety: the handler may run on any thread (ChildReconciler::Plan is thread safe).
#pragma once

#include <vector>

#include "daemon/reconcile/child_reconciler.h"
#include "daemon/reconcile/tenant_pass.h"
#include "daemon/server/api_dispatcher.h"

namespace govd::daemon {

// {"tenant":..., "changes": n, "failures": n, "buckets": [{"bucket", "outcome": "in sync" |
// "planned" | "failed" | "error", "action": "none" | "put" | "delete", "missing", "unexpected",
// "document" (for put: the desired policy), "actual" (the policy read from S3; null when the bucket
// has none), "reason" (for failed and error)}]}
Json::Value PlanJson(const policy::AccountId& tenant, const std::vector<BucketResult>& plans);

// REQUIRES: child outlives the dispatcher. A tenant the daemon does not manage is NotFound: a
// govd plans only the accounts whose credentials it holds.
ApiHandler MakePlanHandler(ChildReconciler& child);

}  // namespace govd::daemon

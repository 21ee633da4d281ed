// daemon/server/api_simulate.h
// POST /v1/tenants/{tenant}/simulate: evaluates one authorization question (a case of the case
// format, shared/conformance/iam/FORMAT.md) against the organisation's real policies: the
// guardrails in the store as the SCPs of the principal's account (root, OUs, account; AWS's
// default FullAWSAccess implied at every level, so guardrails restrict by their Deny
// statements), and, when the resource is in one of the tenant's buckets, that bucket's actual
// policy read from S3. Identity policies, boundary and session policy come from the request
// (govd does not hold them); a request that brings its own scps, rcps or resourcePolicy is
// refused. The resource account of a bucket of the tenant defaults to its owner. The handler
// blocks on the database and S3: register it through OnWorker.
// Thread safety: the handler may run on any thread. Never logs policies.
#pragma once

#include "accounts/store/store.h"
#include "daemon/reconcile/bucket_policy_access.h"
#include "daemon/server/api_dispatcher.h"
#include "daemon/server/api_store.h"

namespace govd::daemon {

// REQUIRES: store and what `policies` returns outlive the dispatcher. A tenant for which
// `policies` has no access (one this daemon does not manage) is NotFound.
ApiHandler MakeSimulateHandler(const ApiStore& store, TenantPolicyAccess policies);

}  // namespace govd::daemon

// daemon/server/api_org.h
// GET /v1/org: the organisation of this daemon's tenant as stored (root, OUs, accounts,
// guardrails with their documents, buckets, prefixes), in the format of the file that
// `govd org import` reads (org_file.h).
// Thread safety: the handler runs on the event loop; each call opens its own Store.
#pragma once

#include "daemon/server/api_dispatcher.h"
#include "daemon/server/api_store.h"

namespace govd::daemon {

// REQUIRES: store outlives the dispatcher.
ApiHandler MakeOrgShowHandler(const ApiStore& store);

}  // namespace govd::daemon

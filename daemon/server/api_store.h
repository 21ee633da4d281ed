// daemon/server/api_store.h
// The grant store as the control API sees it: one short-lived Store per request, bound to the
// tenant the request acts for (the {tenant} in its path, else this daemon's own account) and
// to an actor naming the caller by uid, user name and role, so that the audit log says who did what.
// A connection per request keeps a broken or restarted database from poisoning later requests;
// on loopback it costs a few milliseconds, well below what a human-driven API notices.
// Thread safety: const and stateless beyond its configuration; Open() may be called from any
// thread. Never puts the conninfo (it may hold a password) into errors.
#pragma once

#include <memory>
#include <string>

#include "accounts/store/store.h"
#include "base/result.h"
#include "daemon/server/api_dispatcher.h"
#include "policy/engine/arn.h"

namespace govd::daemon {

// "uid:1000(alice)/operator": who the audit log blames for a request: the uid, its user name in
// the password database when the connection was accepted (left out when it has none), the role.
std::string ActorOf(const Caller& caller);

class ApiStore {
 public:
  // audit_seal: MACs the audit rows each Store writes and anchors their head (null: none).
  ApiStore(std::string conninfo, policy::AccountId own_account,
           std::shared_ptr<accounts::AuditSeal> audit_seal = nullptr)
      : conninfo_(std::move(conninfo)),
        own_account_(std::move(own_account)),
        audit_seal_(std::move(audit_seal)) {}

  // The tenant a request acts for: its path's {tenant}, else this daemon's account.
  const policy::AccountId& TenantOf(const ApiRequest& request) const;

  // kUnavailable (503) when the database does not answer; kFailedPrecondition when it is not at
  // this build's schema.
  Result<std::unique_ptr<accounts::Store>> Open(const ApiRequest& request) const;

 private:
  std::string conninfo_;
  policy::AccountId own_account_;
  std::shared_ptr<accounts::AuditSeal> audit_seal_;
};

}  // namespace govd::daemon

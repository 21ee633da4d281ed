#include "daemon/server/api_store.h"

#include <chrono>

namespace govd::daemon {

std::string ActorOf(const Caller& caller) {
  std::string person = "uid:" + std::to_string(caller.peer.uid);
  if (!caller.peer.user_name.empty()) person += "(" + caller.peer.user_name + ")";
  return person + "/" + std::string(RoleName(caller.role));
}

const policy::AccountId& ApiStore::TenantOf(const ApiRequest& request) const {
  return request.route.tenant ? *request.route.tenant : own_account_;
}

Result<std::unique_ptr<accounts::Store>> ApiStore::Open(const ApiRequest& request) const {
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  options.audit_seal = audit_seal_;
  auto store = accounts::Store::Open(conninfo_, {TenantOf(request).str(), ActorOf(request.caller)}, options);
  if (!store) return store.error().WithContext("grant store");
  return store;
}

}  // namespace govd::daemon

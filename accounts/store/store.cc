// accounts/store/store.cc: opening a Store.
#include "accounts/store/store.h"

#include <utility>

#include "accounts/store/migrations.h"
#include "accounts/store/store_impl.h"

namespace govd::accounts {
namespace {

bool IsTenantChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

Status ValidateContext(const StoreContext& context) {
  const std::string& t = context.tenant;
  bool ok = !t.empty() && t.size() <= 63 && t[0] != '_' && t[0] != '-';
  for (char c : t) ok = ok && IsTenantChar(c);
  if (!ok) {
    return InvalidArgument("tenant \"" + t + "\" must match [a-z0-9][a-z0-9_-]{0,62}", "tenant");
  }
  if (context.actor.empty()) return InvalidArgument("the actor must not be empty", "actor");
  return Ok();
}

Status ValidateOptions(const StoreOptions& options) {
  if (!options.clock) return InvalidArgument("StoreOptions.clock is required", "clock");
  if (options.in_flight_timeout.count() <= 0) {
    return InvalidArgument("StoreOptions.in_flight_timeout must be positive", "in_flight_timeout");
  }
  return Ok();
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const StoreContext& Store::context() const { return impl_->context; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& conninfo, StoreContext context,
                                           StoreOptions options) {
  GOVD_TRY(ValidateContext(context));
  GOVD_TRY(ValidateOptions(options));
  GOVD_ASSIGN_OR_RETURN(SchemaStatus status, ReadSchemaStatus(conninfo));
  GOVD_TRY(CheckSchemaCurrent(status));
  GOVD_ASSIGN_OR_RETURN(auto conn, pg::Connect(conninfo));
  GOVD_TRY(pg::Guard<bool>("preparing the store's session", [&] {
    conn->set_variable("TimeZone", std::string(pg::kTimeZone));
    conn->set_variable("DateStyle", std::string(pg::kDateStyle));
    PrepareAuditStatements(*conn);
    PrepareGrantStatements(*conn);
    return true;
  }));
  auto impl =
      std::make_unique<Impl>(Impl{std::move(conn), std::move(context), std::move(options), std::nullopt});
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

}  // namespace govd::accounts

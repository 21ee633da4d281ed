#include "daemon/service/config_reload.h"

#include <algorithm>

namespace govd::daemon {
namespace {

bool SameEndpoints(const AwsEndpoints& a, const AwsEndpoints& b) {
  return a.s3 == b.s3 && a.sts == b.sts && a.iam == b.iam && a.organizations == b.organizations;
}

bool SameKeys(const std::optional<signer::Credentials>& a, const std::optional<signer::Credentials>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->access_key_id() == b->access_key_id() && a->secret_id() == b->secret_id());
}

bool SameTenants(const std::vector<ManagedTenant>& a, const std::vector<ManagedTenant>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const ManagedTenant& x, const ManagedTenant& y) {
                      return x.account == y.account && x.role_arn == y.role_arn &&
                             x.external_id == y.external_id && SameKeys(x.static_keys, y.static_keys);
                    });
}

bool SameReaderRole(const std::optional<ReaderRole>& a, const std::optional<ReaderRole>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->name == b->name && a->trusted == b->trusted && a->external_id == b->external_id);
}

}  // namespace

ReloadPlan PlanReload(const Config& running, const Config& fresh) {
  ReloadPlan plan{.config = fresh, .needs_restart = {}};
  Config& next = plan.config;
  auto keep = [&plan](bool same, const char* key, auto& target, const auto& value) {
    if (same) return;
    plan.needs_restart.emplace_back(key);
    target = value;
  };
  keep(running.mode == fresh.mode, "mode", next.mode, running.mode);
  keep(running.account_id == fresh.account_id, "account-id", next.account_id, running.account_id);
  keep(running.region == fresh.region, "region", next.region, running.region);
  keep(running.database_conninfo == fresh.database_conninfo, "database.conninfo", next.database_conninfo,
       running.database_conninfo);
  keep(running.database_migrate_at_start == fresh.database_migrate_at_start, "database.migrate-at-start",
       next.database_migrate_at_start, running.database_migrate_at_start);
  keep(SameEndpoints(running.endpoints, fresh.endpoints), "aws.*-endpoint", next.endpoints, running.endpoints);
  keep(SameKeys(running.static_keys, fresh.static_keys), "aws.access-key-id", next.static_keys, running.static_keys);
  keep(running.aws_timeout == fresh.aws_timeout, "aws.timeout", next.aws_timeout, running.aws_timeout);
  keep(running.aws_max_attempts == fresh.aws_max_attempts, "aws.max-attempts", next.aws_max_attempts,
       running.aws_max_attempts);
  keep(running.aws_retry_budget == fresh.aws_retry_budget, "aws.retry-budget", next.aws_retry_budget,
       running.aws_retry_budget);
  keep(running.reconcile_lease == fresh.reconcile_lease, "reconcile.lease", next.reconcile_lease,
       running.reconcile_lease);
  keep(running.control_socket == fresh.control_socket, "control.socket", next.control_socket, running.control_socket);
  keep(running.control_socket_group == fresh.control_socket_group, "control.socket-group",
       next.control_socket_group, running.control_socket_group);
  keep(running.metrics_address == fresh.metrics_address, "metrics.address", next.metrics_address,
       running.metrics_address);
  keep(SameTenants(running.tenants, fresh.tenants), "tenant.*", next.tenants, running.tenants);
  keep(SameReaderRole(running.reader_role, fresh.reader_role), "reader-role.*", next.reader_role,
       running.reader_role);
  keep(running.concurrency == fresh.concurrency, "reconcile.concurrency", next.concurrency, running.concurrency);
  // The audit key is read once at start: every Store shares the seal made from it.
  keep(running.audit_key_file == fresh.audit_key_file, "audit.key-file", next.audit_key_file,
       running.audit_key_file);
  keep(running.audit_anchor_dir == fresh.audit_anchor_dir, "audit.anchor-dir", next.audit_anchor_dir,
       running.audit_anchor_dir);
  return plan;
}

}  // namespace govd::daemon

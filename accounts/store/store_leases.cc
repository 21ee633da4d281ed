// accounts/store/store_leases.cc: reconcile work shared between daemons with SKIP LOCKED leases.
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"

namespace govd::accounts {

Result<std::vector<ReconcileLease>> Store::ClaimDueBuckets(std::string_view worker, int max,
                                                           std::chrono::seconds lease) {
  if (worker.empty()) return InvalidArgument("the worker name must not be empty", "worker");
  if (max <= 0 || lease.count() <= 0) {
    return InvalidArgument("max and lease must be positive", "max");
  }
  TimePoint now = impl_->Now();
  TimePoint until = now + lease;
  return impl_->Tx<std::vector<ReconcileLease>>("claiming due buckets", [&](pqxx::work& tx) {
    // The inner SELECT skips rows another claimer has locked; the outer UPDATE re-checks the
    // lease condition on rows that changed meanwhile, so a bucket is never leased twice.
    pqxx::result rows = tx.exec_params(
        "UPDATE govd.buckets SET lease_owner = $2, lease_until = govd.from_us($4) "
        "WHERE bucket IN (SELECT bucket FROM govd.buckets WHERE tenant = $1 "
        "  AND due_at <= govd.from_us($3) "
        "  AND (lease_until IS NULL OR lease_until <= govd.from_us($3)) "
        "  ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED) "
        "AND (lease_until IS NULL OR lease_until <= govd.from_us($3)) "
        "RETURNING bucket, owner_account, generation",
        impl_->context.tenant, std::string(worker), pg::ToMicros(now), pg::ToMicros(until), max);
    std::vector<ReconcileLease> out;
    for (const pqxx::row& row : rows) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                     row[2].as<std::int64_t>(), until});
    }
    return Result<std::vector<ReconcileLease>>(std::move(out));
  });
}

Status Store::ReleaseBucket(const ReconcileLease& lease, std::string_view worker,
                            std::optional<TimePoint> next_due) {
  std::optional<std::int64_t> next_us;
  if (next_due) next_us = pg::ToMicros(*next_due);
  return impl_->TxStatus("releasing bucket " + lease.bucket, [&](pqxx::work& tx) -> Status {
    pqxx::result rows = tx.exec_params(
        "UPDATE govd.buckets SET lease_owner = NULL, lease_until = NULL, "
        "due_at = CASE WHEN generation = $4 THEN govd.from_us($5) ELSE due_at END "
        "WHERE tenant = $1 AND bucket = $2 AND lease_owner = $3 RETURNING bucket",
        impl_->context.tenant, lease.bucket, std::string(worker), lease.generation, next_us);
    if (!rows.empty()) return Ok();
    return FailedPrecondition("worker " + std::string(worker) + " no longer holds the lease on "
                                  "bucket " + lease.bucket + " (it expired and was taken over)",
                              "lease");
  });
}

Result<int> Store::ReleaseLeasesHeldBy(std::string_view worker) {
  if (worker.empty()) return InvalidArgument("the worker name must not be empty", "worker");
  return impl_->Tx<int>("releasing the leases of worker " + std::string(worker), [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_params(
        "UPDATE govd.buckets SET lease_owner = NULL, lease_until = NULL "
        "WHERE tenant = $1 AND lease_owner = $2 RETURNING bucket",
        impl_->context.tenant, std::string(worker));
    return Result<int>(static_cast<int>(rows.size()));
  });
}

}  // namespace govd::accounts

// accounts/store/store_grants.cc: requesting grants and moving them through their lifecycle.
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"
#include "base/display_text.h"
#include "base/iso8601.h"

namespace govd::accounts {

const char* const kGrantColumns =
    "grant_id, tenant, owner_account, bucket, prefix, grantee, actions, govd.to_us(expires_at), "
    "requested_by, coalesce(approved_by, ''), reason, state, coalesce(state_reason, ''), "
    "generation, govd.to_us(deadline), govd.to_us(created_at), govd.to_us(updated_at)";

namespace {

std::optional<TimePoint> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return pg::FromMicros(f.as<std::int64_t>());
}

Json::Value OptionalMicros(const std::optional<TimePoint>& t) {
  return t ? Json::Value(Json::Int64(pg::ToMicros(*t))) : Json::Value();
}

// How one transition changes the row besides its state.
struct TransitionArgs {
  std::string_view action;  // audit action, "grant.approve"
  std::optional<std::int64_t> expected_generation;
  std::string reason;
  bool set_approved_by = false;
};

}  // namespace

Result<Grant> GrantFromRow(const pqxx::row& row) {
  Grant g;
  g.id = row[0].as<std::int64_t>();
  g.tenant = row[1].as<std::string>();
  g.owner = row[2].as<std::string>();
  g.bucket = row[3].as<std::string>();
  g.prefix = row[4].as<std::string>();
  g.grantee = row[5].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(g.actions, ParseGrantActions(row[6].as<std::string>()));
  g.expires_at = OptionalTime(row[7]);
  g.requested_by = row[8].as<std::string>();
  g.approved_by = row[9].as<std::string>();
  g.reason = row[10].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(g.state, ParseGrantState(row[11].as<std::string>()));
  g.state_reason = row[12].as<std::string>();
  g.generation = row[13].as<std::int64_t>();
  g.deadline = OptionalTime(row[14]);
  g.created_at = pg::FromMicros(row[15].as<std::int64_t>());
  g.updated_at = pg::FromMicros(row[16].as<std::int64_t>());
  return g;
}

std::string GrantJson(const Grant& g) {
  Json::Value v;
  v["id"] = Json::Int64(g.id);
  v["owner_account"] = g.owner;
  v["bucket"] = g.bucket;
  v["prefix"] = g.prefix;
  v["grantee"] = g.grantee;
  v["actions"] = std::string(GrantActionsName(g.actions));
  v["expires_at_us"] = OptionalMicros(g.expires_at);
  v["requested_by"] = g.requested_by;
  v["approved_by"] = g.approved_by;
  v["reason"] = g.reason;
  v["state"] = std::string(GrantStateName(g.state));
  v["state_reason"] = g.state_reason;
  v["generation"] = Json::Int64(g.generation);
  v["deadline_us"] = OptionalMicros(g.deadline);
  return JsonText(v);
}

namespace {

Status ValidateRequest(const GrantRequest& r, TimePoint now) {
  GOVD_TRY(ValidatePrefix(r.prefix));
  GOVD_TRY(ValidateGrantee(r.grantee));
  if (r.reason.empty()) return InvalidArgument("a grant request needs a reason", "reason");
  GOVD_TRY(CheckReason(r.reason, "reason"));
  if (r.expires_at && *r.expires_at <= now) {
    return InvalidArgument("expiry " + FormatIso8601(*r.expires_at) + " is not in the future", "expires_at");
  }
  return Ok();
}

Status CheckOwnership(pqxx::work& tx, const std::string& tenant, const GrantRequest& r) {
  if (!RowExists(tx,
                 "SELECT 1 FROM govd.accounts WHERE tenant = $1 AND account_id = $2 AND "
                 "kind = 'child'",
                 tenant, r.owner.str())) {
    return NotFound("account " + r.owner.str() + " is not a known child account of tenant " +
                        tenant,
                    "owner");
  }
  if (!RowExists(tx,
                 "SELECT 1 FROM govd.buckets WHERE tenant = $1 AND bucket = $2 AND "
                 "owner_account = $3",
                 tenant, r.bucket, r.owner.str())) {
    return PermissionDenied("bucket \"" + r.bucket + "\" is not a bucket of account " +
                                r.owner.str() + " in tenant " + tenant,
                            "bucket");
  }
  return Ok();
}

Status CheckEmbargo(pqxx::work& tx, const GrantRequest& r, TimePoint now) {
  pqxx::result hits = tx.exec_params(
      "SELECT prefix, embargo_until::text FROM govd.prefixes WHERE bucket = $1 AND "
      "embargo_until > govd.from_us($3) AND (starts_with($2, prefix) OR starts_with(prefix, $2)) "
      "ORDER BY prefix LIMIT 1",
      r.bucket, r.prefix, pg::ToMicros(now));
  if (hits.empty()) return Ok();
  return FailedPrecondition("prefix \"" + r.prefix + "\" covers embargoed prefix \"" +
                                hits[0][0].as<std::string>() + "\" of bucket " + r.bucket +
                                ", released only at " + hits[0][1].as<std::string>(),
                            "prefix");
}

void MarkBucketDue(pqxx::work& tx, const std::string& bucket, TimePoint now) {
  tx.exec_params(
      "UPDATE govd.buckets SET generation = generation + 1, due_at = govd.from_us($2) "
      "WHERE bucket = $1",
      bucket, pg::ToMicros(now));
}

Result<Grant> LockGrant(pqxx::work& tx, const std::string& tenant, std::int64_t id) {
  pqxx::result rows = tx.exec_params(std::string("SELECT ") + kGrantColumns +
                                         " FROM govd.grants WHERE tenant = $1 AND grant_id = $2 "
                                         "FOR UPDATE",
                                     tenant, id);
  if (rows.empty()) {
    return NotFound("grant " + std::to_string(id) + " does not exist in tenant " + tenant,
                    "grant_id");
  }
  return GrantFromRow(rows[0]);
}

Status CheckGeneration(const Grant& g, std::optional<std::int64_t> expected) {
  if (!expected || *expected == g.generation) return Ok();
  return FailedPrecondition("grant " + std::to_string(g.id) + " changed since it was read "
                                "(generation " + std::to_string(g.generation) + ", expected " +
                                std::to_string(*expected) + ")",
                            "generation");
}

// Moves a locked grant to `to`, bumps its generation, sets the in-flight deadline, marks its
// bucket due and writes the audit row.
Result<Grant> ApplyTransition(pqxx::work& tx, const Store::Impl& s, const Grant& before,
                              GrantState to, const TransitionArgs& args) {
  GOVD_TRY(CheckGeneration(before, args.expected_generation));
  GOVD_TRY(CheckTransition(before.state, to));
  TimePoint now = s.Now();
  std::optional<std::int64_t> deadline;
  if (IsInFlight(to)) deadline = pg::ToMicros(now + s.options.in_flight_timeout);
  std::optional<std::string> approver;
  if (args.set_approved_by) approver = s.context.actor;
  pqxx::row row = tx.exec_params1(
      std::string("UPDATE govd.grants SET state = $2, state_reason = $3, "
                  "generation = generation + 1, deadline = govd.from_us($4), "
                  "approved_by = coalesce($5, approved_by), updated_at = govd.from_us($6) "
                  "WHERE grant_id = $1 RETURNING ") + kGrantColumns,
      before.id, std::string(GrantStateName(to)), args.reason, deadline, approver,
      pg::ToMicros(now));
  GOVD_ASSIGN_OR_RETURN(Grant after, GrantFromRow(row));
  if (to != GrantState::kRejected) MarkBucketDue(tx, after.bucket, now);
  GOVD_TRY(AppendAudit(tx, s, {args.action, "grant/" + std::to_string(after.id),
                               GrantJson(before), GrantJson(after)}));
  return after;
}

}  // namespace

Result<Grant> Store::RequestGrant(const GrantRequest& r) {
  TimePoint now = impl_->Now();
  GOVD_TRY(ValidateRequest(r, now));
  std::optional<std::int64_t> expires;
  if (r.expires_at) expires = pg::ToMicros(*r.expires_at);
  const std::string& tenant = impl_->context.tenant;
  return impl_->Tx<Grant>("requesting a grant on " + r.bucket + "/" + r.prefix,
                          [&](pqxx::work& tx) -> Result<Grant> {
    GOVD_TRY(CheckOwnership(tx, tenant, r));
    GOVD_TRY(CheckEmbargo(tx, r, now));
    pqxx::row row = tx.exec_params1(
        std::string("INSERT INTO govd.grants (tenant, owner_account, bucket, prefix, grantee, "
                    "actions, expires_at, requested_by, reason, state, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, govd.from_us($7), $8, $9, 'requested', "
                    "govd.from_us($10), govd.from_us($10)) RETURNING ") + kGrantColumns,
        tenant, r.owner.str(), r.bucket, r.prefix, r.grantee,
        std::string(GrantActionsName(r.actions)), expires, impl_->context.actor, r.reason,
        pg::ToMicros(now));
    GOVD_ASSIGN_OR_RETURN(Grant g, GrantFromRow(row));
    GOVD_TRY(AppendAudit(tx, *impl_,
                         {"grant.request", "grant/" + std::to_string(g.id), "null", GrantJson(g)}));
    return g;
  });
}

namespace {

Result<Grant> Transition(Store::Impl& s, std::int64_t id, GrantState to,
                         const TransitionArgs& args) {
  return s.Tx<Grant>(std::string(args.action) + " of grant " + std::to_string(id),
                     [&](pqxx::work& tx) -> Result<Grant> {
    GOVD_ASSIGN_OR_RETURN(Grant before, LockGrant(tx, s.context.tenant, id));
    return ApplyTransition(tx, s, before, to, args);
  });
}

Status RequireReason(std::string_view reason) {
  if (!reason.empty()) return Ok();
  return InvalidArgument("a reason is required", "reason");
}

}  // namespace

Result<Grant> Store::ApproveGrant(std::int64_t id, std::string_view reason) {
  return Transition(*impl_, id, GrantState::kApproved,
                    {"grant.approve", std::nullopt, std::string(reason), /*set_approved_by=*/true});
}

Result<Grant> Store::RejectGrant(std::int64_t id, std::string_view reason) {
  GOVD_TRY(RequireReason(reason));
  return Transition(*impl_, id, GrantState::kRejected,
                    {"grant.reject", std::nullopt, std::string(reason)});
}

Result<Grant> Store::RevokeGrant(std::int64_t id, std::string_view reason) {
  GOVD_TRY(RequireReason(reason));
  return Transition(*impl_, id, GrantState::kRevoking,
                    {"grant.revoke", std::nullopt, std::string(reason)});
}

Result<Grant> Store::MarkApplying(std::int64_t id, std::int64_t expected_generation) {
  return Transition(*impl_, id, GrantState::kApplying,
                    {"grant.applying", expected_generation, ""});
}

Result<Grant> Store::MarkActive(std::int64_t id, std::int64_t expected_generation) {
  return Transition(*impl_, id, GrantState::kActive, {"grant.active", expected_generation, ""});
}

Result<Grant> Store::MarkFailed(std::int64_t id, std::int64_t expected_generation,
                                std::string_view reason) {
  GOVD_TRY(RequireReason(reason));
  return Transition(*impl_, id, GrantState::kFailed,
                    {"grant.failed", expected_generation, std::string(reason)});
}

Result<Grant> Store::MarkRevoked(std::int64_t id, std::int64_t expected_generation) {
  return Transition(*impl_, id, GrantState::kRevoked,
                    {"grant.revoked", expected_generation, ""});
}

Result<Grant> Store::GetGrant(std::int64_t id) {
  return impl_->Tx<Grant>("reading grant " + std::to_string(id), [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_params(std::string("SELECT ") + kGrantColumns +
                                           " FROM govd.grants WHERE tenant = $1 AND grant_id = $2",
                                       impl_->context.tenant, id);
    if (rows.empty()) {
      return Result<Grant>(NotFound("grant " + std::to_string(id) + " does not exist in tenant " +
                                        impl_->context.tenant,
                                    "grant_id"));
    }
    return GrantFromRow(rows[0]);
  });
}

Result<std::vector<Grant>> Store::ListGrants(const GrantFilter& f) {
  std::optional<std::string> state;
  if (f.state) state = std::string(GrantStateName(*f.state));
  return impl_->Tx<std::vector<Grant>>("listing grants", [&](pqxx::work& tx)
                                           -> Result<std::vector<Grant>> {
    std::vector<Grant> out;
    for (const pqxx::row& row : tx.exec_params(
             std::string("SELECT ") + kGrantColumns +
                 " FROM govd.grants WHERE tenant = $1 AND ($2::text IS NULL OR state = $2) "
                 "AND ($3::text IS NULL OR bucket = $3) AND ($6::text IS NULL OR grantee = $6) "
                 "AND grant_id > $4 ORDER BY grant_id LIMIT $5",
             impl_->context.tenant, state, f.bucket, f.after_id, f.limit, f.grantee)) {
      GOVD_ASSIGN_OR_RETURN(Grant g, GrantFromRow(row));
      out.push_back(std::move(g));
    }
    return out;
  });
}

Result<std::map<GrantState, std::int64_t>> Store::CountGrantsByState() {
  using Counts = std::map<GrantState, std::int64_t>;
  return impl_->Tx<Counts>("counting grants", [&](pqxx::work& tx) -> Result<Counts> {
    Counts counts;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT state, count(*) FROM govd.grants WHERE tenant = $1 GROUP BY state", impl_->context.tenant)) {
      GOVD_ASSIGN_OR_RETURN(GrantState state, ParseGrantState(row[0].as<std::string>()));
      counts[state] = row[1].as<std::int64_t>();
    }
    return counts;
  });
}

namespace {

Result<std::vector<Grant>> LockDue(pqxx::work& tx, const std::string& tenant,
                                   const std::string& condition, TimePoint now) {
  std::vector<Grant> out;
  for (const pqxx::row& row : tx.exec_params(std::string("SELECT ") + kGrantColumns +
                                                 " FROM govd.grants WHERE tenant = $1 AND " +
                                                 condition + " ORDER BY grant_id FOR UPDATE",
                                             tenant, pg::ToMicros(now))) {
    GOVD_ASSIGN_OR_RETURN(Grant g, GrantFromRow(row));
    out.push_back(std::move(g));
  }
  return out;
}

Result<int> ExpireDue(pqxx::work& tx, const Store::Impl& s, TimePoint now) {
  GOVD_ASSIGN_OR_RETURN(auto due, LockDue(tx, s.context.tenant,
                                          "state IN ('requested', 'approved', 'applying', "
                                          "'active') AND expires_at <= govd.from_us($2)",
                                          now));
  for (const Grant& g : due) {
    GOVD_TRY(ApplyTransition(tx, s, g, GrantState::kExpired,
                             {"grant.expire", std::nullopt, "expiry reached"}));
  }
  return static_cast<int>(due.size());
}

Result<int> FailStaleApplying(pqxx::work& tx, const Store::Impl& s, TimePoint now) {
  GOVD_ASSIGN_OR_RETURN(auto stale, LockDue(tx, s.context.tenant,
                                            "state = 'applying' AND deadline <= govd.from_us($2)",
                                            now));
  for (const Grant& g : stale) {
    GOVD_TRY(ApplyTransition(tx, s, g, GrantState::kFailed,
                             {"grant.failed", std::nullopt,
                              "not confirmed active before its deadline (reconciler lost?)"}));
  }
  return static_cast<int>(stale.size());
}

// A revocation is never given up: past its deadline the bucket is made due again and the
// deadline renewed, so a reconciler picks it up.
Result<int> RetryStaleRevoking(pqxx::work& tx, const Store::Impl& s, TimePoint now) {
  GOVD_ASSIGN_OR_RETURN(auto stale, LockDue(tx, s.context.tenant,
                                            "state = 'revoking' AND deadline <= govd.from_us($2)",
                                            now));
  for (const Grant& before : stale) {
    pqxx::row row = tx.exec_params1(
        std::string("UPDATE govd.grants SET generation = generation + 1, "
                    "deadline = govd.from_us($2), updated_at = govd.from_us($3) "
                    "WHERE grant_id = $1 RETURNING ") + kGrantColumns,
        before.id, pg::ToMicros(now + s.options.in_flight_timeout), pg::ToMicros(now));
    GOVD_ASSIGN_OR_RETURN(Grant after, GrantFromRow(row));
    MarkBucketDue(tx, after.bucket, now);
    GOVD_TRY(AppendAudit(tx, s, {"grant.revoke_retry", "grant/" + std::to_string(after.id),
                                 GrantJson(before), GrantJson(after)}));
  }
  return static_cast<int>(stale.size());
}

}  // namespace

Result<SweepReport> Store::Sweep() {
  TimePoint now = impl_->Now();
  return impl_->Tx<SweepReport>("sweeping grants", [&](pqxx::work& tx) -> Result<SweepReport> {
    SweepReport report;
    GOVD_ASSIGN_OR_RETURN(report.expired, ExpireDue(tx, *impl_, now));
    GOVD_ASSIGN_OR_RETURN(report.failed, FailStaleApplying(tx, *impl_, now));
    GOVD_ASSIGN_OR_RETURN(report.revokes_retried, RetryStaleRevoking(tx, *impl_, now));
    return report;
  });
}

}  // namespace govd::accounts

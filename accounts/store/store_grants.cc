// accounts/store/store_grants.cc: requesting grants and moving them through their lifecycle.
#include <algorithm>
#include <string>
#include <vector>

#include "accounts/store/store_impl.h"
#include "base/display_text.h"
#include "base/iso8601.h"

namespace govd::accounts {

// The table's own column order, so that a whole govd.grants row ((r.o_grant).*) reads the same.
// Times come as timestamptz text (pg::FromTimestampText), not through a function call per value.
const char* const kGrantColumns =
    "grant_id, tenant, owner_account, bucket, prefix, grantee, actions, expires_at, requested_by, "
    "approved_by, reason, state, state_reason, generation, deadline, created_at, updated_at";

namespace {

// Prepared statement name (PrepareGrantStatements).
constexpr const char* kRequestGrant = "govd_request_grant";

std::string TextOrEmpty(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

Result<std::optional<TimePoint>> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::optional<TimePoint>();
  GOVD_ASSIGN_OR_RETURN(TimePoint t, pg::FromTimestampText(f.c_str(), f.name()));
  return std::optional<TimePoint>(t);
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
  GOVD_ASSIGN_OR_RETURN(g.expires_at, OptionalTime(row[7]));
  g.requested_by = row[8].as<std::string>();
  g.approved_by = TextOrEmpty(row[9]);
  g.reason = row[10].as<std::string>();
  GOVD_ASSIGN_OR_RETURN(g.state, ParseGrantState(row[11].as<std::string>()));
  g.state_reason = TextOrEmpty(row[12]);
  g.generation = row[13].as<std::int64_t>();
  GOVD_ASSIGN_OR_RETURN(g.deadline, OptionalTime(row[14]));
  GOVD_ASSIGN_OR_RETURN(g.created_at, pg::FromTimestampText(row[15].c_str(), "created_at"));
  GOVD_ASSIGN_OR_RETURN(g.updated_at, pg::FromTimestampText(row[16].c_str(), "updated_at"));
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

// "its buckets: a, b" (at most kShown of them) or "it has none": what to ask for instead of an
// unknown bucket. Only the tenant's own rows, so another tenant's bucket is as unknown as no bucket.
std::string BucketsOf(pqxx::transaction_base& tx, const std::string& tenant, const policy::AccountId& owner) {
  constexpr int kShown = 20;
  pqxx::result rows = tx.exec_params(
      "SELECT bucket FROM govd.buckets WHERE tenant = $1 AND owner_account = $2 ORDER BY bucket LIMIT $3", tenant,
      owner.str(), kShown + 1);
  if (rows.empty()) return "it has none";
  std::string list = "its buckets: ";
  for (int i = 0; i < std::min<int>(kShown, static_cast<int>(rows.size())); ++i) {
    list += (i == 0 ? "" : ", ") + rows[i][0].as<std::string>();
  }
  return rows.size() > kShown ? list + ", ..." : list;
}

// The error for a request govd.request_grant refused (columns 17 to 19 after the grant's); Ok when
// it recorded the request.
Status Refusal(pqxx::transaction_base& tx, const pqxx::row& row, const std::string& tenant, const GrantRequest& r) {
  if (row[17].is_null()) return Ok();
  std::string why = row[17].as<std::string>();
  if (why == "owner") {
    return NotFound("account " + r.owner.str() + " is not a known child account of tenant " + tenant,
                    "owner");
  }
  if (why == "bucket") {
    return NotFound("bucket \"" + r.bucket + "\" is not a bucket of account " + r.owner.str() + " in tenant " +
                        tenant + "; " + BucketsOf(tx, tenant, r.owner),
                    "bucket");
  }
  if (why == "embargo") {
    return FailedPrecondition("prefix \"" + r.prefix + "\" covers embargoed prefix \"" +
                                  row[18].as<std::string>() + "\" of bucket " + r.bucket +
                                  ", released only at " + row[19].as<std::string>(),
                              "prefix");
  }
  return Internal("govd.request_grant refused the request for an unknown reason \"" + why + "\"");
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

void PrepareGrantStatements(pqxx::connection& conn) {
  conn.prepare(kRequestGrant,
               "SELECT (r.o_grant).*, r.o_refused, r.o_embargoed_prefix, r.o_embargo_until "
               "FROM govd.request_grant($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) r");
}

Result<Grant> Store::RequestGrant(const GrantRequest& r) {
  TimePoint now = impl_->Now();
  GOVD_TRY(ValidateRequest(r, now));
  std::optional<std::int64_t> expires;
  if (r.expires_at) expires = pg::ToMicros(*r.expires_at);
  const std::string& tenant = impl_->context.tenant;
  // The checks and the insert, and with `audit` the audit row too, in one statement.
  auto request = [&](pqxx::transaction_base& tx, bool audit) -> Result<Grant> {
    pqxx::row row = tx.exec_prepared1(kRequestGrant, tenant, r.owner.str(), r.bucket, r.prefix, r.grantee,
                                      std::string(GrantActionsName(r.actions)), expires, impl_->context.actor,
                                      r.reason, pg::ToMicros(now), audit);
    GOVD_TRY(Refusal(tx, row, tenant, r));
    return GrantFromRow(row);
  };
  std::string doing = "requesting a grant on " + r.bucket + "/" + r.prefix;
  if (impl_->options.audit_seal == nullptr) {
    // One round trip: the statement is its own transaction, and the audit chain's lock is taken
    // and released inside the server.
    return impl_->OneStatement<Grant>(doing, [&](pqxx::nontransaction& tx) { return request(tx, true); });
  }
  // With an audit key govd MACs the audit row itself (AppendAudit).
  return impl_->Tx<Grant>(doing, [&](pqxx::work& tx) -> Result<Grant> {
    GOVD_ASSIGN_OR_RETURN(Grant g, request(tx, false));
    GOVD_TRY(
        AppendAudit(tx, *impl_, {"grant.request", "grant/" + std::to_string(g.id), "null", GrantJson(g)}));
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

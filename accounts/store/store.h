// accounts/store/store.h
// The desired state of the organisation in PostgreSQL: OUs, accounts and their guardrails,
// the IAM roles of member accounts that audits follow, shared buckets and (embargoed) prefixes, grants and their lifecycle, the hash-chained audit
// log, and reconcile leases. Every method is one transaction: committed before it returns a
// value, rolled back (nothing written) when it returns an error. Every change writes its audit
// row in the same transaction. Schema, lifecycle, isolation and leasing: docs/store.md.
//
//   StoreOptions options{.clock = &SystemTime()};
//   GOVD_ASSIGN_OR_RETURN(auto store, Store::Open(conninfo, {"la-leeds", "uid:1000"}, options));
//   GOVD_ASSIGN_OR_RETURN(Grant g, store->RequestGrant(request));
//
// Thread safety: one Store is one connection; use it from one thread at a time (open one Store
// per worker). Never throws; never writes credentials into errors or the audit log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/store/audit_chain.h"
#include "accounts/store/finding_record.h"
#include "accounts/store/grant.h"
#include "base/clock.h"
#include "base/result.h"
#include "policy/analysis/archive_rule.h"
#include "policy/engine/arn.h"

namespace govd::accounts {

// Who is acting, for whom. tenant: [a-z0-9][a-z0-9_-]{0,62}. actor: who to blame in the audit log.
struct StoreContext {
  std::string tenant;
  std::string actor;
};

class AuditSeal;  // accounts/store/audit_seal.h

struct StoreOptions {
  const Clock* clock = nullptr;  // required: every time the store records or compares comes from it
  // How long a grant may stay applying/revoking before Sweep() acts on it.
  std::chrono::seconds in_flight_timeout{600};
  // The audit key and anchors (docs/store.md, "Authenticated chain"); shared by every Store of a
  // process. Null: rows are written without a MAC and VerifyAudit checks the hash chain only.
  std::shared_ptr<AuditSeal> audit_seal;
};

enum class AccountKind { kCentral, kChild };

struct AccountSpec {
  policy::AccountId id;
  std::string name;
  AccountKind kind = AccountKind::kChild;
  std::string ou_id;
};

enum class GuardrailTarget { kRoot, kOu, kAccount };
std::string_view GuardrailTargetName(GuardrailTarget target);  // "root", "ou", "account"

struct GuardrailSpec {
  GuardrailTarget target = GuardrailTarget::kRoot;
  std::string target_id;  // the root's or OU's id, or a 12-digit account id
  std::string name;
  std::string document;  // IAM JSON, validated by policy::ParsePolicy as PolicyKind::kScp
};

struct Guardrail {
  std::int64_t id = 0;
  GuardrailSpec spec;
};

// A policy of a role with its name, as IAM JSON text.
struct NamedDocument {
  std::string name;
  std::string document;
};

// An IAM role of a member account, as audits see it (govd never changes IAM): who may assume it
// (trust), what it may do (identity policies, bounded by an optional permissions boundary).
// Documents are validated by policy::ParsePolicy as kTrust, kIdentity and kBoundary.
struct RoleRecord {
  std::string arn;  // arn:aws:iam::ACCOUNT:role/[path/]NAME, ACCOUNT a member account
  std::string trust;
  std::vector<NamedDocument> identity;  // names unique within the role
  std::optional<std::string> boundary;
};

struct OuRecord {
  std::string id;
  std::string parent_id;  // empty for the root
  std::string name;
};

struct BucketRecord {
  std::string bucket;
  policy::AccountId owner;
};

struct PrefixRecord {
  std::string bucket;
  std::string prefix;
  std::optional<TimePoint> embargo_until;
};

// The tenant's whole organisation as stored, each list in a stable order (OUs parents before
// children: root first, then by depth and id; accounts by id; guardrails by id; roles by ARN;
// buckets by name; prefixes by bucket and prefix).
struct Organisation {
  std::vector<OuRecord> ous;
  std::vector<AccountSpec> accounts;
  std::vector<Guardrail> guardrails;
  std::vector<RoleRecord> roles;
  std::vector<BucketRecord> buckets;
  std::vector<PrefixRecord> prefixes;
};

struct GrantFilter {
  std::optional<GrantState> state;
  std::optional<std::string> bucket;
  std::optional<std::string> grantee;  // the principal ARN exactly
  std::int64_t after_id = 0;  // paging: grants with a larger id
  int limit = 1000;
};

// What one Sweep() changed.
struct SweepReport {
  int expired = 0;          // grants past expires_at
  int failed = 0;           // applying past its deadline
  int revokes_retried = 0;  // revoking past its deadline: bucket due again, deadline renewed
};

// A bucket (the reconciled object) leased to one worker until lease_until.
struct ReconcileLease {
  std::string bucket;
  std::string owner_account;
  std::int64_t generation = 0;  // the bucket's desired-state generation when claimed
  TimePoint lease_until;
};

class Store {
 public:
  // Connects, checks the schema is exactly at this build's version, and binds the context.
  static Result<std::unique_ptr<Store>> Open(const std::string& conninfo, StoreContext context,
                                             StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreContext& context() const;

  // --- Organisation ---
  Status CreateRoot(std::string_view root_id, std::string_view name);
  Status CreateOu(std::string_view ou_id, std::string_view parent_id, std::string_view name);
  Status RegisterAccount(const AccountSpec& account);
  Result<Guardrail> AttachGuardrail(const GuardrailSpec& spec);
  Result<std::vector<Guardrail>> ListGuardrails();
  // Records a role of a registered account of the tenant (its ARN once; the audit row holds the
  // documents' SHA-256, not their text).
  Status RecordRole(const RoleRecord& role);
  // Replaces the policies of a recorded role (roles follow IAM, where they change); audited as
  // role.update with the SHA-256 of the documents before and after. kNotFound if not recorded.
  Status ReplaceRole(const RoleRecord& role);
  Status RegisterBucket(std::string_view bucket, const policy::AccountId& owner);
  // Declares a prefix of a bucket; with embargo_until, nothing under it (nor any grant covering
  // it) may be granted before that time.
  Status DeclarePrefix(std::string_view bucket, std::string_view prefix,
                       std::optional<TimePoint> embargo_until);
  // Everything above, read in one transaction (one consistent snapshot).
  Result<Organisation> ReadOrganisation();
  // The tenants whose organisation this connection may read (with a root recorded), sorted: all
  // of them for the database's owner, the mapped ones for a tenant-bound role (row-level security).
  Result<std::vector<std::string>> VisibleTenants();

  // --- Grants: user requests ---
  Result<Grant> RequestGrant(const GrantRequest& request);
  // `reason` (optional for approvals) becomes the grant's state_reason and is audited.
  Result<Grant> ApproveGrant(std::int64_t id, std::string_view reason = {});
  Result<Grant> RejectGrant(std::int64_t id, std::string_view reason);
  Result<Grant> RevokeGrant(std::int64_t id, std::string_view reason);
  Result<Grant> GetGrant(std::int64_t id);
  Result<std::vector<Grant>> ListGrants(const GrantFilter& filter);
  // How many of the tenant's grants are in each state (states without grants are absent).
  Result<std::map<GrantState, std::int64_t>> CountGrantsByState();

  // --- Grants: reconciler progress; the generation read with the grant must still match ---
  Result<Grant> MarkApplying(std::int64_t id, std::int64_t expected_generation);
  Result<Grant> MarkActive(std::int64_t id, std::int64_t expected_generation);
  Result<Grant> MarkFailed(std::int64_t id, std::int64_t expected_generation,
                           std::string_view reason);
  Result<Grant> MarkRevoked(std::int64_t id, std::int64_t expected_generation);

  // Expires grants past expires_at and acts on in-flight grants past their deadline, at the
  // clock's now.
  Result<SweepReport> Sweep();

  // --- Reconcile leases (buckets of this tenant whose desired state changed) ---
  // Claims up to `max` due, unleased (or lease-expired) buckets; concurrent callers never get
  // the same bucket (FOR UPDATE SKIP LOCKED).
  Result<std::vector<ReconcileLease>> ClaimDueBuckets(std::string_view worker, int max,
                                                      std::chrono::seconds lease);
  // Ends a lease. The bucket stays due when its generation moved on since the claim; otherwise
  // it becomes due at next_due (nullopt: in sync). kFailedPrecondition when the lease was lost.
  Status ReleaseBucket(const ReconcileLease& lease, std::string_view worker,
                       std::optional<TimePoint> next_due);
  // Frees every lease `worker` holds on this tenant's buckets, leaving them due as they were, and
  // returns how many. For a worker that starts a pass: a lease it still holds is a leftover of a
  // pass of its own that the database failed halfway (its release was lost with the connection),
  // and would otherwise hold the bucket back until the lease expires.
  // REQUIRES: no other pass of `worker` on this tenant is running.
  Result<int> ReleaseLeasesHeldBy(std::string_view worker);
  // Records what a reconcile pass did to a bucket (e.g. "reconcile.apply"), with before/after
  // JSON (policy hashes, not secrets).
  Status RecordReconcile(std::string_view bucket, std::string_view action,
                         std::string_view before_json, std::string_view after_json);
  // The same for the trust policy of the reader role `role` (object "role/ROLE").
  Status RecordRoleReconcile(std::string_view role, std::string_view action,
                             std::string_view before_json, std::string_view after_json);

  // --- Audit log (this tenant's chain) ---
  Result<std::vector<AuditRecord>> AuditLog(std::int64_t after_seq, int limit);
  Result<AuditVerification> VerifyAudit();

  // --- Findings (docs/audit.md) ---
  // Records `current` as the tenant's complete set of findings at the clock's now: new ones are
  // raised (active), resolved ones found again are reopened, active ones missing from `current`
  // become resolved (never deleted), archived ones stay archived. Status changes are audited.
  Result<FindingsRefresh> RefreshFindings(std::span<const policy::Finding> current);
  // Ordered by status (active, resolved, archived), then severity, type, resource, principal.
  Result<std::vector<FindingRecord>> ListFindings(std::optional<FindingStatus> status);
  // Archives a finding with the reason a person gave (CheckReason: not blank, at most
  // kMaxReasonChars, no control characters); audited as finding.archive with the reason. kNotFound
  // for an unknown id; archiving an archived finding changes nothing (its first reason stays).
  Result<FindingRecord> ArchiveFinding(std::string_view finding_id, std::string_view reason);
  // Makes an archived finding active again (the next refresh resolves it when it is no longer
  // found) and clears its reason; audited as finding.unarchive. kNotFound for an unknown id; a
  // finding that is not archived is returned unchanged.
  Result<FindingRecord> UnarchiveFinding(std::string_view finding_id);

  // --- Archive rules (policy/analysis/archive_rule.h): RefreshFindings archives each NEW
  // finding the first matching rule (by name) covers, with "archive rule NAME: REASON" ---
  // Validated by policy::ValidateArchiveRule; audited as archive-rule.create. kAlreadyExists when
  // the tenant has a rule of that name.
  Status CreateArchiveRule(const policy::ArchiveRule& rule);
  // The tenant's rules, by name.
  Result<std::vector<policy::ArchiveRule>> ListArchiveRules();
  // Audited as archive-rule.delete with the rule as it was; kNotFound for an unknown name.
  // Findings the rule archived stay archived.
  Status DeleteArchiveRule(std::string_view name);

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace govd::accounts

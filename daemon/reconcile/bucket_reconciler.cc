#include "daemon/reconcile/bucket_reconciler.h"

#include <algorithm>
#include <set>

#include "daemon/api/json_body.h"
#include "daemon/reconcile/policy_document.h"
#include "policy/engine/parser.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/guardrail_check.h"
#include "policy/managed/managed_statements.h"

namespace govd::daemon {
namespace {

using accounts::Grant;
using accounts::GrantState;
using PlanAction = policy::BucketPolicyPlan::Action;

// Approved grants count too: a real pass moves them to applying before it plans, a dry run plans
// as if it had.
bool IsDesired(const Grant& grant) { return accounts::IsLive(grant.state); }

// The shares of the desired grants, and for each the grant it comes from (its index in `grants`).
struct DesiredShares {
  std::vector<policy::BucketShare> shares;
  std::vector<std::size_t> grant_of;
};

policy::BucketShare ShareOf(const Grant& grant) {
  return {grant.bucket, grant.prefix, grant.grantee, grant.actions == accounts::GrantActions::kReadList};
}

DesiredShares SharesOf(const std::vector<Grant>& grants) {
  DesiredShares desired;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    if (IsDesired(grants[i])) {
      desired.shares.push_back(ShareOf(grants[i]));
      desired.grant_of.push_back(i);
    }
  }
  return desired;
}

Result<Json::Value> ParseActualPolicy(const std::string& bucket, const std::string& text) {
  GOVD_ASSIGN_OR_RETURN(Json::Value document, ParseStrictJson(text, "the policy of bucket " + bucket));
  // AWS names a deleted grantee by its unique id, which is no ARN; FailDeletedGrantees handles it.
  // A statement of govd's own that does not parse (a wildcard grantee's, written by an older govd)
  // is never desired: the plan removes it, so it does not make the bucket unreadable.
  auto parsed = policy::ParsePolicyValue(
      policy::WithoutUnparseableManagedAllows(policy::WithoutUniqueIdPrincipals(document)),
      policy::PolicyKind::kResource);
  if (!parsed) return parsed.error().WithContext("the policy of bucket " + bucket + " is not a valid bucket policy");
  // Already over the limit (AWS refuses to store such a policy, RadosGW does not): retrying does not
  // make room for govd's statements, so the bucket fails (measured as ComposeBucketPolicy measures).
  if (std::size_t size = policy::CompactJson(document).size(); size > policy::kMaxBucketPolicyBytes) {
    return FailedPrecondition("the policy of bucket " + bucket + " is already " + std::to_string(size) +
                              " bytes, over the AWS limit of " +
                              std::to_string(policy::kMaxBucketPolicyBytes) +
                              " bytes; govd writes nothing to it until it is made smaller");
  }
  return document;
}

}  // namespace

std::string_view ReconcileOutcomeName(ReconcileOutcome::Kind kind) {
  switch (kind) {
    case ReconcileOutcome::Kind::kInSync: return "in sync";
    case ReconcileOutcome::Kind::kApplied: return "applied";
    case ReconcileOutcome::Kind::kPlanned: return "planned";
    case ReconcileOutcome::Kind::kFailed: return "failed";
  }
  return "unknown";
}

Result<ReconcileOutcome> BucketReconciler::Reconcile(const std::string& bucket, const policy::AccountId& owner) {
  GOVD_ASSIGN_OR_RETURN(std::vector<Grant> grants, LoadGrants(bucket));
  accounts::S3BucketRef ref{bucket, owner};
  auto actual = ReadPolicy(ref);
  if (!actual) {
    if (actual.error().retryable()) return actual.error();
    return FailBucket(bucket, grants, actual.error());
  }
  ReconcileOutcome outcome;
  if (!options_.dry_run) {
    GOVD_TRY(StartApplying(grants));
    GOVD_TRY(FailDeletedGrantees(*actual, grants, outcome));
    GOVD_TRY(FailGuardrailDenied(owner, grants, outcome));
  }
  DesiredShares desired = SharesOf(grants);
  auto plan = policy::PlanBucketPolicyPerShare(*actual, desired.shares);
  if (!plan) {
    if (!options_.dry_run) GOVD_TRY(RevokeFirst(ref, *actual, grants, outcome));
    return FailBucket(bucket, grants, plan.error(), std::move(outcome));
  }
  if (!options_.dry_run) GOVD_TRY(FailUnrenderable(*plan, desired.grant_of, grants, outcome));
  outcome.action = plan->action;
  outcome.missing = plan->missing;
  outcome.unexpected = plan->unexpected;
  if (options_.dry_run) {
    outcome.kind = plan->action == PlanAction::kNone ? ReconcileOutcome::Kind::kInSync : ReconcileOutcome::Kind::kPlanned;
    if (plan->action == PlanAction::kPut) outcome.document = policy::CompactJson(plan->document);
    if (!actual->isNull()) outcome.actual = policy::CompactJson(*actual);
    return outcome;
  }
  if (plan->action != PlanAction::kNone) {
    if (Status applied = Apply(ref, *plan); !applied) return FailBucket(bucket, grants, applied.error());
    Json::Value before(Json::objectValue);
    before["policy_sha256"] = PolicyHash(*actual);
    before["drift_missing"] = StringList(plan->missing);
    before["drift_unexpected"] = StringList(plan->unexpected);
    Json::Value after(Json::objectValue);
    after["policy_sha256"] = PolicyHash(plan->document);
    after["action"] = plan->action == PlanAction::kPut ? "put" : "delete";
    GOVD_TRY(store_.RecordReconcile(bucket, "reconcile.apply", policy::CompactJson(before), policy::CompactJson(after)));
    outcome.kind = ReconcileOutcome::Kind::kApplied;
  }
  GOVD_TRY(FinishTransitions(grants, outcome));
  return outcome;
}

// Every grant of the bucket that the policy must reflect: approved ones are about to be applied,
// revoking ones must be gone. Requested and terminal grants play no part.
Result<std::vector<Grant>> BucketReconciler::LoadGrants(const std::string& bucket) {
  std::vector<Grant> grants;
  accounts::GrantFilter filter;
  filter.bucket = bucket;
  for (;;) {
    GOVD_ASSIGN_OR_RETURN(std::vector<Grant> page, store_.ListGrants(filter));
    for (auto& grant : page) {
      if (grant.state == GrantState::kRevoking || IsDesired(grant)) {
        grants.push_back(std::move(grant));
      }
    }
    if (static_cast<int>(page.size()) < filter.limit) return grants;
    filter.after_id = page.back().id;
  }
}

Status BucketReconciler::StartApplying(std::vector<Grant>& grants) {
  for (auto& grant : grants) {
    if (grant.state != GrantState::kApproved) continue;
    GOVD_ASSIGN_OR_RETURN(grant, store_.MarkApplying(grant.id, grant.generation));
  }
  return Ok();
}

Result<Json::Value> BucketReconciler::ReadPolicy(const accounts::S3BucketRef& ref) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, policies_.Get(ref));
  if (!text) return Json::Value();
  return ParseActualPolicy(ref.name, *text);
}

// A grantee deleted since its grant was applied would make AWS refuse every document that names
// it: fail that grant alone, so that the bucket's other grants go on.
Status BucketReconciler::FailDeletedGrantees(const Json::Value& actual, std::vector<Grant>& grants,
                                             ReconcileOutcome& outcome) {
  std::vector<std::string> principals;
  for (const auto& grant : grants) {
    if (IsDesired(grant)) principals.push_back(grant.grantee);
  }
  std::vector<std::string> deleted = policy::DeletedGrantees(actual, principals);
  for (auto& grant : grants) {
    if (!IsDesired(grant) || std::find(deleted.begin(), deleted.end(), grant.grantee) == deleted.end()) continue;
    GOVD_ASSIGN_OR_RETURN(grant, store_.MarkFailed(grant.id, grant.generation,
                                                   "grantee deleted: AWS replaced it by a unique id in the bucket policy"));
    outcome.failed.push_back(grant.id);
  }
  return Ok();
}

// A grant being applied whose access the organisation's guardrails refuse would put a statement
// into the policy that cannot work: it fails with the engine's reason, and the others go on.
// Active grants are left as they are (a guardrail attached later shows in audits instead).
Status BucketReconciler::FailGuardrailDenied(const policy::AccountId& owner, std::vector<Grant>& grants,
                                             ReconcileOutcome& outcome) {
  if (!options_.guardrails) return Ok();
  const policy::OrgSnapshot* org = nullptr;
  for (auto& grant : grants) {
    if (grant.state != GrantState::kApplying) continue;
    if (org == nullptr) {
      GOVD_ASSIGN_OR_RETURN(org, options_.guardrails());
    }
    policy::BucketShare share{grant.bucket, grant.prefix, grant.grantee,
                              grant.actions == accounts::GrantActions::kReadList};
    // No statement can be rendered for it, so there is nothing to evaluate: the plan refuses it
    // and FailUnrenderable fails it alone (an error here would hold up the whole bucket).
    if (!policy::CheckRenderable(share)) continue;
    GOVD_ASSIGN_OR_RETURN(std::optional<std::string> denial, policy::GuardrailDenial(*org, share, owner.str()));
    if (!denial) continue;
    GOVD_ASSIGN_OR_RETURN(grant, store_.MarkFailed(grant.id, grant.generation, *denial));
    outcome.failed.push_back(grant.id);
  }
  return Ok();
}

// A grant no statement can be rendered for (a grantee with a wildcard that predates the check at
// the door, a prefix edited in the database) was left out of the plan: it fails alone, with the
// reason, before anything is written, so that the bucket's other grants and revokes go on.
Status BucketReconciler::FailUnrenderable(const policy::BucketPolicyPlan& plan,
                                          const std::vector<std::size_t>& grant_of,
                                          std::vector<Grant>& grants, ReconcileOutcome& outcome) {
  for (const auto& refused : plan.refused) {
    Grant& grant = grants[grant_of[refused.index]];
    GOVD_ASSIGN_OR_RETURN(
        grant, store_.MarkFailed(grant.id, grant.generation,
                                 "no bucket policy statement can be rendered for it: " + refused.reason));
    outcome.failed.push_back(grant.id);
  }
  return Ok();
}

// Revocations first: the desired document cannot be built (the new grants do not fit beside the
// foreign statements, say), but what is being revoked must not wait for that. Plans with the
// active grants alone: nothing new is added, the revoked statements go, so the write is narrower
// than the current policy; then the revokes complete. Nothing to do without a revoking grant, or
// when even that plan fails (the bucket then fails as a whole, as before).
Status BucketReconciler::RevokeFirst(const accounts::S3BucketRef& ref, const Json::Value& actual,
                                     std::vector<Grant>& grants, ReconcileOutcome& outcome) {
  auto revoking = [](const Grant& grant) { return grant.state == GrantState::kRevoking; };
  if (std::none_of(grants.begin(), grants.end(), revoking)) return Ok();
  std::vector<policy::BucketShare> active;
  for (const auto& grant : grants) {
    if (grant.state == GrantState::kActive) active.push_back(ShareOf(grant));
  }
  auto plan = policy::PlanBucketPolicyPerShare(actual, active);
  if (!plan) return Ok();
  if (plan->action != PlanAction::kNone) {
    GOVD_TRY(Apply(ref, *plan));
    Json::Value before(Json::objectValue);
    before["policy_sha256"] = PolicyHash(actual);
    before["drift_unexpected"] = StringList(plan->unexpected);
    Json::Value after(Json::objectValue);
    after["policy_sha256"] = PolicyHash(plan->document);
    after["action"] = plan->action == PlanAction::kPut ? "put" : "delete";
    after["only"] = "revocations first: the desired document cannot be built";
    GOVD_TRY(store_.RecordReconcile(ref.name, "reconcile.apply", policy::CompactJson(before),
                                    policy::CompactJson(after)));
    outcome.kind = ReconcileOutcome::Kind::kApplied;
    outcome.action = plan->action;
  }
  for (auto& grant : grants) {
    if (!revoking(grant) || WaitsForReaderTrust(grant)) continue;
    GOVD_ASSIGN_OR_RETURN(grant, store_.MarkRevoked(grant.id, grant.generation));
    outcome.revoked.push_back(grant.id);
  }
  return Ok();
}

// Writes the plan, then reads the policy back: the write counts only when S3 shows it.
Status BucketReconciler::Apply(const accounts::S3BucketRef& ref, const policy::BucketPolicyPlan& plan) {
  if (plan.action == PlanAction::kPut) {
    GOVD_TRY(policies_.Put(ref, policy::CompactJson(plan.document)));
  } else {
    GOVD_TRY(policies_.Delete(ref));
  }
  GOVD_ASSIGN_OR_RETURN(Json::Value reread, ReadPolicy(ref));
  bool verified = plan.action == PlanAction::kPut ? policy::EquivalentPolicies(reread, plan.document) : reread.isNull();
  if (!verified) {
    return Unavailable("the policy of bucket " + ref.name + " read back after the write is not what was written");
  }
  return Ok();
}

Status BucketReconciler::FinishTransitions(std::vector<Grant>& grants, ReconcileOutcome& outcome) {
  std::string waiting;
  for (auto& grant : grants) {
    if ((grant.state == GrantState::kApplying || grant.state == GrantState::kRevoking) && WaitsForReaderTrust(grant)) {
      waiting += (waiting.empty() ? "" : ", ") + std::to_string(grant.id);
      continue;
    }
    if (grant.state == GrantState::kApplying) {
      GOVD_ASSIGN_OR_RETURN(grant, store_.MarkActive(grant.id, grant.generation));
      outcome.activated.push_back(grant.id);
    } else if (grant.state == GrantState::kRevoking) {
      GOVD_ASSIGN_OR_RETURN(grant, store_.MarkRevoked(grant.id, grant.generation));
      outcome.revoked.push_back(grant.id);
    }
  }
  if (waiting.empty()) return Ok();
  const ReaderTrustState& trust = *options_.reader_trust;
  return Unavailable("grant(s) " + waiting + " wait for the trust policy of reader role " + trust.role_arn +
                     (trust.in_sync ? " (it changed during this pass)" : ": " + trust.problem));
}

// A grant naming the reader role is done only when the role's trust agrees: an applying one
// once the trusted principal may assume the role, a revoking one once that entry is gone (or
// another live grant still needs it).
bool BucketReconciler::WaitsForReaderTrust(const Grant& grant) const {
  const ReaderTrustState* trust = options_.reader_trust;
  if (trust == nullptr || grant.grantee != trust->role_arn) return false;
  if (!trust->in_sync) return true;
  if (grant.state == GrantState::kApplying) return !trust->allows;
  bool needed_by_another = std::any_of(trust->needing.begin(), trust->needing.end(),
                                       [&](std::int64_t id) { return id != grant.id; });
  return trust->allows && !needed_by_another;
}

// A failure retrying cannot mend (a policy that does not parse, a document S3 refuses): nothing
// more is written (a plan that failed may have removed revoked statements first, RevokeFirst);
// grants being applied fail with the reason so that they do not wait forever; the failure is
// recorded.
Result<ReconcileOutcome> BucketReconciler::FailBucket(const std::string& bucket, std::vector<Grant>& grants,
                                                      const Error& cause, ReconcileOutcome outcome) {
  if (cause.retryable()) return cause;
  outcome.kind = ReconcileOutcome::Kind::kFailed;
  outcome.reason = cause.ToString();
  if (options_.dry_run) return outcome;
  for (auto& grant : grants) {
    if (grant.state != GrantState::kApplying) continue;
    GOVD_ASSIGN_OR_RETURN(grant, store_.MarkFailed(grant.id, grant.generation, outcome.reason));
    outcome.failed.push_back(grant.id);
  }
  Json::Value after(Json::objectValue);
  after["reason"] = outcome.reason;
  GOVD_TRY(store_.RecordReconcile(bucket, "reconcile.failed", "{}", policy::CompactJson(after)));
  return outcome;
}

}  // namespace govd::daemon

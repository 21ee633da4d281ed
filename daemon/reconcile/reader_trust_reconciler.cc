// daemon/reconcile/reader_trust_reconciler.cc: GetRole, plan, UpdateAssumeRolePolicy, read back, record.
#include "daemon/reconcile/reader_trust_reconciler.h"

#include "daemon/reconcile/policy_document.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/reader_trust.h"

namespace govd::daemon {
namespace {

Result<Json::Value> ParseTrust(const std::string& role, const std::string& text) {
  return ParseStrictJson(text, "the trust policy of role " + role);
}

}  // namespace

ReaderTrustState ReaderTrustReconciler::Reconcile() {
  ReaderTrustState state;
  state.role_arn = "arn:aws:iam::" + account_.str() + ":role/" + role_.name;
  if (Status done = ReconcileInto(state); !done) {
    state.in_sync = false;
    state.problem = done.error().ToString();
  }
  return state;
}

Status ReaderTrustReconciler::ReconcileInto(ReaderTrustState& state) {
  auto role = iam_.GetRole(role_.name);
  if (!role) return role.error().WithContext("reading reader role " + role_.name);
  state.role_arn = role->arn;
  accounts::GrantFilter filter;
  filter.grantee = role->arn;
  for (;;) {
    GOVD_ASSIGN_OR_RETURN(std::vector<accounts::Grant> page, store_.ListGrants(filter));
    for (const auto& grant : page) {
      if (accounts::IsLive(grant.state)) state.needing.insert(grant.id);
    }
    if (static_cast<int>(page.size()) < filter.limit) break;
    filter.after_id = page.back().id;
  }
  GOVD_ASSIGN_OR_RETURN(Json::Value actual, ParseTrust(role_.name, role->assume_role_policy));
  GOVD_ASSIGN_OR_RETURN(policy::ReaderTrustPlan plan,
                        policy::PlanReaderTrust(actual, !state.needing.empty(), role_.trusted, role_.external_id));
  if (plan.change) {
    auto updated = iam_.UpdateAssumeRolePolicy(role_.name, policy::CompactJson(plan.document));
    if (!updated) return updated.error().WithContext("writing the trust policy of reader role " + role_.name);
    auto reread = iam_.GetRole(role_.name);
    if (!reread) return reread.error().WithContext("reading back reader role " + role_.name);
    GOVD_ASSIGN_OR_RETURN(Json::Value written, ParseTrust(role_.name, reread->assume_role_policy));
    if (!policy::EquivalentPolicies(written, plan.document)) {
      return Unavailable("the trust policy of reader role " + role_.name + " read back after the write is not what was written");
    }
    Json::Value before(Json::objectValue);
    before["policy_sha256"] = PolicyHash(actual);
    Json::Value after(Json::objectValue);
    after["policy_sha256"] = PolicyHash(plan.document);
    after["trusted_allowed"] = plan.allows;
    GOVD_TRY(store_.RecordRoleReconcile(role_.name, "reconcile.trust", policy::CompactJson(before),
                                        policy::CompactJson(after)));
    state.applied = true;
  }
  state.allows = plan.allows;
  state.in_sync = true;
  return Ok();
}

}  // namespace govd::daemon

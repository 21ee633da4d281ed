#include "policy/managed/bucket_policy_plan.h"

#include <cstddef>
#include <set>
#include <utility>

#include "policy/engine/policy_canonical.h"

namespace govd::policy {
namespace {

std::string SidOf(const Json::Value& statement) {
  const Json::Value& sid = statement["Sid"];
  return sid.isString() ? sid.asString() : std::string();
}

std::vector<Json::Value> StatementsOf(const Json::Value& document) {
  SplitStatements split = SplitByOwner(document);
  split.foreign.insert(split.foreign.end(), split.managed.begin(), split.managed.end());
  return split.foreign;
}

bool IsDeny(const Json::Value& statement) {
  return statement.isObject() && statement["Effect"].isString() && statement["Effect"].asString() == "Deny";
}

std::set<std::string> CanonicalTexts(std::span<const Json::Value> statements) {
  std::set<std::string> texts;
  for (const auto& statement : statements) texts.insert(CanonicalStatementText(statement));
  return texts;
}

// Sids of `statements` whose canonical text is not in `others`.
std::vector<std::string> SidsNotIn(std::span<const Json::Value> statements, const std::set<std::string>& others) {
  std::vector<std::string> sids;
  for (const auto& statement : statements) {
    if (others.count(CanonicalStatementText(statement)) == 0) sids.push_back(SidOf(statement));
  }
  return sids;
}

}  // namespace

Status CheckNeverWider(const Json::Value& previous, const Json::Value& next, std::span<const Json::Value> desired) {
  std::vector<Json::Value> before = StatementsOf(previous);
  std::set<std::string> allowed_sources = CanonicalTexts(before);
  std::set<std::string> desired_texts = CanonicalTexts(desired);
  allowed_sources.insert(desired_texts.begin(), desired_texts.end());
  std::vector<Json::Value> after = StatementsOf(next);
  for (const auto& statement : after) {
    if (!IsDeny(statement) && allowed_sources.count(CanonicalStatementText(statement)) == 0) {
      return FailedPrecondition("statement " + SidOf(statement) +
                                " would allow access that neither the current policy nor the desired state allows");
    }
  }
  std::set<std::string> kept = CanonicalTexts(after);
  for (const auto& statement : before) {
    if (IsDeny(statement) && kept.count(CanonicalStatementText(statement)) == 0) {
      return FailedPrecondition("the Deny statement " + SidOf(statement) + " would be dropped");
    }
  }
  return Ok();
}

Result<BucketPolicyPlan> PlanBucketPolicy(const Json::Value& actual, std::span<const BucketShare> shares) {
  GOVD_ASSIGN_OR_RETURN(std::vector<Json::Value> desired, RenderBucketStatements(shares));
  std::vector<Json::Value> actual_managed = SplitByOwner(actual).managed;
  BucketPolicyPlan plan;
  plan.missing = SidsNotIn(desired, CanonicalTexts(actual_managed));
  plan.unexpected = SidsNotIn(actual_managed, CanonicalTexts(desired));
  GOVD_ASSIGN_OR_RETURN(Json::Value document, ComposeBucketPolicy(actual, desired));
  if (document.isNull()) {
    bool has_policy = actual.isObject();
    plan.action = has_policy ? BucketPolicyPlan::Action::kDelete : BucketPolicyPlan::Action::kNone;
  } else if (!EquivalentPolicies(actual, document)) {
    GOVD_TRY(CheckNeverWider(actual, document, desired));
    plan.action = BucketPolicyPlan::Action::kPut;
    plan.document = std::move(document);
  }
  return plan;
}

Result<BucketPolicyPlan> PlanBucketPolicyPerShare(const Json::Value& actual,
                                                  std::span<const BucketShare> shares) {
  std::vector<RefusedShare> refused;
  std::vector<BucketShare> renderable;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (Status checked = CheckRenderable(shares[i]); !checked) {
      refused.push_back({i, checked.error().message()});
    } else {
      renderable.push_back(shares[i]);
    }
  }
  GOVD_ASSIGN_OR_RETURN(BucketPolicyPlan plan, PlanBucketPolicy(actual, renderable));
  plan.refused = std::move(refused);
  return plan;
}

}  // namespace govd::policy

#include "policy/bucket_policy_plan.h"

#include <set>

#include "policy/policy_canonical.h"

namespace govd::policy {
namespace {

std::string SidOf(const Json::Value& statement) {
  const Json::Value& sid = statement["Sid"];
  return sid.isString() ? sid.asString() : std::string();
}

// Canonical text of one statement, so that two statements compare by meaning.
std::string CanonicalStatementText(const Json::Value& statement) {
  Json::Value wrapper(Json::objectValue);
  wrapper["Statement"] = statement;
  return CompactJson(CanonicalPolicy(wrapper)["Statement"]);
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
    plan.action = BucketPolicyPlan::Action::kPut;
    plan.document = std::move(document);
  }
  return plan;
}

}  // namespace govd::policy

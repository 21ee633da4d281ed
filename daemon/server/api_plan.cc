#include "daemon/server/api_plan.h"

namespace govd::daemon {
namespace {

using PlanAction = policy::BucketPolicyPlan::Action;

std::string_view ActionName(PlanAction action) {
  switch (action) {
    case PlanAction::kNone: return "none";
    case PlanAction::kPut: return "put";
    case PlanAction::kDelete: return "delete";
  }
  return "none";
}

Json::Value Strings(const std::vector<std::string>& items) {
  Json::Value list(Json::arrayValue);
  for (const auto& item : items) list.append(item);
  return list;
}

Json::Value DocumentJson(const std::string& text) {
  auto document = ParseJsonText(text, "planned document");
  return document ? *document : Json::Value(text);
}

Json::Value BucketJson(const BucketResult& plan) {
  Json::Value v(Json::objectValue);
  v["bucket"] = plan.bucket;
  if (!plan.outcome) {
    v["outcome"] = "error";
    v["reason"] = plan.outcome.error().ToString();
    return v;
  }
  const ReconcileOutcome& outcome = *plan.outcome;
  v["outcome"] = std::string(ReconcileOutcomeName(outcome.kind));
  v["action"] = std::string(ActionName(outcome.action));
  v["missing"] = Strings(outcome.missing);
  v["unexpected"] = Strings(outcome.unexpected);
  if (!outcome.document.empty()) v["document"] = DocumentJson(outcome.document);
  v["actual"] = outcome.actual.empty() ? Json::Value() : DocumentJson(outcome.actual);
  if (!outcome.reason.empty()) v["reason"] = outcome.reason;
  return v;
}

}  // namespace

Json::Value PlanJson(const policy::AccountId& tenant, const std::vector<BucketResult>& plans) {
  Json::Value body(Json::objectValue);
  body["tenant"] = tenant.str();
  body["buckets"] = Json::arrayValue;
  int changes = 0;
  int failures = 0;
  for (const auto& plan : plans) {
    bool failed = !plan.outcome || plan.outcome->kind == ReconcileOutcome::Kind::kFailed;
    failures += failed ? 1 : 0;
    changes += !failed && plan.outcome->kind == ReconcileOutcome::Kind::kPlanned ? 1 : 0;
    body["buckets"].append(BucketJson(plan));
  }
  body["changes"] = changes;
  body["failures"] = failures;
  return body;
}

ApiHandler MakePlanHandler(ChildReconciler& child) {
  return [&child](const ApiRequest& request) -> Result<ApiResponse> {
    const policy::AccountId& tenant = *request.route.tenant;
    GOVD_ASSIGN_OR_RETURN(std::vector<BucketResult> plans, child.Plan(tenant));
    ApiResponse response;
    response.body = PlanJson(tenant, plans);
    return response;
  };
}

}  // namespace govd::daemon

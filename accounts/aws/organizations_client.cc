#include "accounts/aws/organizations_client.h"

#include <json/json.h>

#include "base/json_text.h"

namespace govd::accounts {
namespace {

constexpr std::size_t kMaxPages = 10'000;

Result<Json::Value> ParseJsonObject(std::string_view text, const std::string& operation) {
  Result<Json::Value> value =
      ParseJsonText(text, "organizations " + operation + ": the answer", {.strict = true});
  if (value && !value->isObject()) {
    return InvalidArgument("organizations " + operation + ": the answer is not a JSON object");
  }
  return value;
}

std::string Text(const Json::Value& object, const char* field) {
  if (!object.isObject()) return {};
  const Json::Value& value = object[field];
  return value.isString() ? value.asString() : std::string();
}

template <typename T>
T FromJson(const Json::Value& value);

template <>
OrgAccount FromJson<OrgAccount>(const Json::Value& v) {
  return {Text(v, "Id"), Text(v, "Arn"), Text(v, "Name"), Text(v, "Email"), Text(v, "Status")};
}

template <>
OrgUnit FromJson<OrgUnit>(const Json::Value& v) {
  return {Text(v, "Id"), Text(v, "Arn"), Text(v, "Name")};
}

template <>
OrgPolicySummary FromJson<OrgPolicySummary>(const Json::Value& v) {
  bool managed = v.isObject() && v["AwsManaged"].isBool() && v["AwsManaged"].asBool();
  return {Text(v, "Id"), Text(v, "Arn"), Text(v, "Name"), Text(v, "Description"), Text(v, "Type"), managed};
}

std::string WriteJson(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  return Json::writeString(builder, value);
}

}  // namespace

namespace {

AwsResult<Json::Value> CallJson(AwsCaller& caller, const std::string& operation, const Json::Value& input) {
  AwsRequest request;
  request.operation = operation;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  request.headers.emplace_back("X-Amz-Target", "AWSOrganizationsV20161128." + operation);
  request.body = WriteJson(input);
  GOVD_AWS_ASSIGN_OR_RETURN(HttpResponse response, caller.Call(request));
  GOVD_ASSIGN_OR_RETURN(Json::Value output, ParseJsonObject(response.body, operation));
  return output;
}

}  // namespace

template <typename T>
AwsResult<std::vector<T>> OrganizationsClient::ListAll(const std::string& operation, const std::string& list_field,
                                                       const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<T> all;
  Json::Value input(Json::objectValue);
  for (const auto& [name, value] : params) input[name] = value;
  for (std::size_t page = 0; page < kMaxPages; ++page) {
    GOVD_AWS_ASSIGN_OR_RETURN(Json::Value output, CallJson(caller_, operation, input));
    const Json::Value& items = output[list_field];
    if (!items.isNull() && !items.isArray()) {
      std::string message = "organizations " + operation;
      message.append(": ").append(list_field).append(" is not an array");
      return InvalidArgument(std::move(message), "/" + list_field);
    }
    for (const auto& item : items) all.push_back(FromJson<T>(item));
    std::string next = Text(output, "NextToken");
    if (next.empty()) return all;
    input["NextToken"] = next;
  }
  return Error(ErrorCode::kResourceExhausted, "organizations " + operation + ": more than 10000 pages");
}

AwsResult<std::vector<OrgAccount>> OrganizationsClient::ListAccounts() {
  return ListAll<OrgAccount>("ListAccounts", "Accounts", {});
}

AwsResult<std::vector<OrgUnit>> OrganizationsClient::ListOrganizationalUnitsForParent(const std::string& parent_id) {
  return ListAll<OrgUnit>("ListOrganizationalUnitsForParent", "OrganizationalUnits", {{"ParentId", parent_id}});
}

AwsResult<std::vector<OrgAccount>> OrganizationsClient::ListAccountsForParent(const std::string& parent_id) {
  return ListAll<OrgAccount>("ListAccountsForParent", "Accounts", {{"ParentId", parent_id}});
}

AwsResult<std::vector<OrgPolicySummary>> OrganizationsClient::ListPoliciesForTarget(const std::string& target_id,
                                                                                   const std::string& filter) {
  return ListAll<OrgPolicySummary>("ListPoliciesForTarget", "Policies", {{"TargetId", target_id}, {"Filter", filter}});
}

AwsResult<OrgPolicy> OrganizationsClient::DescribePolicy(const std::string& policy_id) {
  Json::Value input(Json::objectValue);
  input["PolicyId"] = policy_id;
  GOVD_AWS_ASSIGN_OR_RETURN(Json::Value output, CallJson(caller_, "DescribePolicy", input));
  const Json::Value& policy = output["Policy"];
  if (!policy.isObject() || !policy["Content"].isString()) {
    return InvalidArgument("organizations DescribePolicy: answer has no Policy.Content", "/Policy/Content");
  }
  return OrgPolicy{FromJson<OrgPolicySummary>(policy["PolicySummary"]), policy["Content"].asString()};
}

}  // namespace govd::accounts

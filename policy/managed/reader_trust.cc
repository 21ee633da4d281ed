// policy/managed/reader_trust.cc: render govd's trust statement, split the actual document, compose.
#include "policy/managed/reader_trust.h"

#include <algorithm>
#include <vector>

#include "policy/engine/parser.h"
#include "policy/engine/policy_canonical.h"
#include "policy/managed/managed_statements.h"

namespace govd::policy {
namespace {

Json::Value AllowStatement(std::string_view trusted, std::string_view external_id) {
  Json::Value statement(Json::objectValue);
  statement["Sid"] = std::string(kReaderTrustSid);
  statement["Effect"] = "Allow";
  statement["Principal"]["AWS"] = std::string(trusted);
  statement["Action"] = "sts:AssumeRole";
  if (!external_id.empty()) statement["Condition"]["StringEquals"]["sts:ExternalId"] = std::string(external_id);
  return statement;
}

Json::Value NobodyStatement() {
  Json::Value statement(Json::objectValue);
  statement["Sid"] = std::string(kReaderTrustNobodySid);
  statement["Effect"] = "Deny";
  statement["Principal"]["AWS"] = "*";
  statement["Action"] = "sts:AssumeRole";
  return statement;
}

std::vector<std::string> CanonicalStatements(const std::vector<Json::Value>& statements) {
  std::vector<std::string> out;
  out.reserve(statements.size());
  for (const Json::Value& statement : statements) out.push_back(CanonicalStatementText(statement));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<ReaderTrustPlan> PlanReaderTrust(const Json::Value& actual, bool needed, std::string_view trusted,
                                        std::string_view external_id) {
  if (!trusted.starts_with("arn:")) {
    return InvalidArgument("the trusted principal \"" + std::string(trusted) + "\" is not an ARN", "trusted");
  }
  if (!actual.isNull()) {
    auto parsed = ParsePolicyValue(actual, PolicyKind::kTrust);
    if (!parsed) return parsed.error().WithContext("the reader role's trust policy");
  }
  SplitStatements split = SplitByOwner(actual);
  std::vector<Json::Value> desired;
  if (needed) {
    desired.push_back(AllowStatement(trusted, external_id));
  } else if (split.foreign.empty()) {
    desired.push_back(NobodyStatement());
  }
  ReaderTrustPlan plan;
  plan.allows = needed;
  plan.change = CanonicalStatements(split.managed) != CanonicalStatements(desired);
  if (!plan.change) return plan;
  Json::Value document(Json::objectValue);
  document["Version"] = actual.isObject() && actual.isMember("Version") ? actual["Version"] : Json::Value("2012-10-17");
  Json::Value& statements = document["Statement"] = Json::Value(Json::arrayValue);
  for (const Json::Value& statement : split.foreign) statements.append(statement);
  for (const Json::Value& statement : desired) statements.append(statement);
  auto checked = ParsePolicyValue(document, PolicyKind::kTrust);
  if (!checked) return checked.error().WithContext("the trust policy govd would write");
  plan.document = std::move(document);
  return plan;
}

bool HasReaderTrustAllow(const Json::Value& document, std::string_view trusted, std::string_view external_id) {
  const std::string wanted = CanonicalStatementText(AllowStatement(trusted, external_id));
  SplitStatements split = SplitByOwner(document);
  return std::any_of(split.managed.begin(), split.managed.end(),
                     [&](const Json::Value& statement) { return CanonicalStatementText(statement) == wanted; });
}

}  // namespace govd::policy

#include "policy/engine/policy_canonical.h"

#include <json/writer.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <vector>

namespace govd::policy {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool IsAccountId(const std::string& text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string ScalarText(const Json::Value& value) {
  if (value.isString()) return value.asString();
  if (value.isBool()) return value.asBool() ? "true" : "false";
  return CompactJson(value);  // a number as its decimal text; anything else stays distinct by its text
}

// A string or list of scalars as a sorted list without duplicates, each mapped by `transform`.
template <typename Transform>
Json::Value SortedList(const Json::Value& value, Transform transform) {
  std::set<std::string> items;
  if (value.isArray()) {
    for (const auto& item : value) items.insert(transform(ScalarText(item)));
  } else {
    items.insert(transform(ScalarText(value)));
  }
  Json::Value list(Json::arrayValue);
  for (const auto& item : items) list.append(item);
  return list;
}

std::string Same(std::string text) { return text; }

std::string AccountToRootArn(const std::string& text) {
  return IsAccountId(text) ? "arn:aws:iam::" + text + ":root" : text;
}

Json::Value CanonicalPrincipal(const Json::Value& principal) {
  if (!principal.isObject()) return principal;
  Json::Value out(Json::objectValue);
  for (const auto& key : principal.getMemberNames()) {
    out[key] = key == "AWS" ? SortedList(principal[key], AccountToRootArn) : SortedList(principal[key], Same);
  }
  return out;
}

Json::Value CanonicalCondition(const Json::Value& condition) {
  if (!condition.isObject()) return condition;
  Json::Value out(Json::objectValue);
  for (const auto& op : condition.getMemberNames()) {
    const Json::Value& keys = condition[op];
    if (!keys.isObject()) {
      out[op] = keys;
      continue;
    }
    Json::Value canonical_keys(Json::objectValue);
    for (const auto& key : keys.getMemberNames()) canonical_keys[Lower(key)] = SortedList(keys[key], Same);
    out[op] = canonical_keys;
  }
  return out;
}

Json::Value CanonicalStatement(const Json::Value& statement) {
  if (!statement.isObject()) return statement;
  Json::Value out(Json::objectValue);
  for (const auto& key : statement.getMemberNames()) {
    const Json::Value& value = statement[key];
    if (key == "Action" || key == "NotAction") {
      out[key] = SortedList(value, Lower);
    } else if (key == "Resource" || key == "NotResource") {
      out[key] = SortedList(value, Same);
    } else if (key == "Principal" || key == "NotPrincipal") {
      out[key] = CanonicalPrincipal(value);
    } else if (key == "Condition") {
      out[key] = CanonicalCondition(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace

Json::Value CanonicalPolicy(const Json::Value& document) {
  if (!document.isObject()) return document;
  Json::Value out = document;
  const Json::Value& statements = document["Statement"];
  std::vector<Json::Value> items;
  if (statements.isArray()) {
    for (const auto& statement : statements) items.push_back(CanonicalStatement(statement));
  } else if (!statements.isNull()) {
    items.push_back(CanonicalStatement(statements));
  }
  std::set<std::string> seen;
  std::vector<std::pair<std::string, Json::Value>> sorted;
  for (auto& item : items) {
    std::string text = CompactJson(item);
    if (seen.insert(text).second) sorted.emplace_back(std::move(text), std::move(item));
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json::Value list(Json::arrayValue);
  for (auto& entry : sorted) list.append(std::move(entry.second));
  if (!statements.isNull()) out["Statement"] = list;
  return out;
}

std::string CanonicalStatementText(const Json::Value& statement) {
  return CompactJson(CanonicalStatement(statement));
}

bool EquivalentPolicies(const Json::Value& a, const Json::Value& b) {
  return CanonicalPolicy(a) == CanonicalPolicy(b);
}

std::string CompactJson(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

}  // namespace govd::policy

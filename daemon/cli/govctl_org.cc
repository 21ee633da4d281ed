#include "daemon/cli/govctl_org.h"

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/cli/govctl_options.h"

namespace govd::daemon {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The OU tree, indented by depth under the root.
void PrintTree(const Json::Value& org, std::ostream& out) {
  std::multimap<std::string, const Json::Value*> children;
  for (const auto& ou : org["ous"]) children.emplace(ou["parent"].asString(), &ou);
  std::function<void(const Json::Value&, int)> print = [&](const Json::Value& ou, int depth) {
    out << std::string(static_cast<std::size_t>(2 * depth), ' ') << CellText(ou["id"]) << "  " << CellText(ou["name"]) << "\n";
    auto [begin, end] = children.equal_range(ou["id"].asString());
    for (auto it = begin; it != end; ++it) print(*it->second, depth + 1);
  };
  out << "organisation units\n";
  if (org["root"].isObject()) {
    print(org["root"], 1);
  } else {
    out << "  (no root: run govd org import)\n";
  }
}

void PrintSection(std::string_view title, Rows rows, std::ostream& out) {
  out << "\n" << title << "\n";
  if (rows.size() == 1) {
    out << "  (none)\n";
    return;
  }
  for (auto& row : rows) row.insert(row.begin(), "");
  std::vector<std::string> header = std::move(rows.front());
  rows.erase(rows.begin());
  PrintColumns(header, rows, out);
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "-" : out;
}

// The elements of a JSON value that may be one element or an array of them.
std::vector<const Json::Value*> OneOrMany(const Json::Value& value) {
  std::vector<const Json::Value*> items;
  if (value.isArray()) {
    for (const auto& item : value) items.push_back(&item);
  } else if (!value.isNull()) {
    items.push_back(&value);
  }
  return items;
}

// The principals the trust policy's statements name ("*" when a statement names everyone).
std::string TrustedPrincipals(const Json::Value& trust) {
  std::vector<std::string> names;
  for (const Json::Value* statement : OneOrMany(trust["Statement"])) {
    const Json::Value& principal = (*statement)["Principal"];
    if (principal.isString()) {
      names.push_back(principal.asString());
      continue;
    }
    for (const char* kind : {"AWS", "Service", "Federated"}) {
      for (const Json::Value* name : OneOrMany(principal[kind])) names.push_back(CellText(*name));
    }
  }
  return Joined(names);
}

std::string PolicyNames(const Json::Value& policies) {
  std::vector<std::string> names;
  for (const auto& p : policies) names.push_back(CellText(p["name"]));
  return Joined(names);
}

void PrintOrg(const Json::Value& org, std::ostream& out) {
  PrintTree(org, out);
  Rows accounts{{"ID", "KIND", "OU", "NAME"}};
  for (const auto& a : org["accounts"]) accounts.push_back({CellText(a["id"]), CellText(a["kind"]), CellText(a["ou"]), CellText(a["name"])});
  PrintSection("accounts", std::move(accounts), out);
  Rows guardrails{{"NAME", "TARGET", "STATEMENTS"}};
  for (const auto& g : org["guardrails"]) {
    const Json::Value& statements = g["document"]["Statement"];
    std::string count = statements.isArray() ? std::to_string(statements.size()) : "1";
    guardrails.push_back({CellText(g["name"]), CellText(g["target"]) + " " + CellText(g["target_id"]), count});
  }
  PrintSection("guardrails", std::move(guardrails), out);
  Rows roles{{"ROLE", "ASSUMABLE BY", "IDENTITY POLICIES", "BOUNDARY"}};
  for (const auto& r : org["roles"]) {
    roles.push_back({CellText(r["arn"]), TrustedPrincipals(r["trust"]), PolicyNames(r["policies"]),
                     r.isMember("boundary") ? "yes" : "no"});
  }
  PrintSection("roles", std::move(roles), out);
  Rows buckets{{"BUCKET", "OWNER"}};
  for (const auto& b : org["buckets"]) buckets.push_back({CellText(b["name"]), CellText(b["owner"])});
  PrintSection("buckets", std::move(buckets), out);
  Rows prefixes{{"BUCKET", "PREFIX", "EMBARGO UNTIL"}};
  for (const auto& p : org["prefixes"]) prefixes.push_back({CellText(p["bucket"]), CellText(p["prefix"]), CellText(p["embargo_until"])});
  PrintSection("declared prefixes", std::move(prefixes), out);
}

}  // namespace

int RunOrgCommand(CommandArgs args, std::ostream& out, std::ostream& err) {
  auto options = ParseGovctlOptions(args);
  if (!options) {
    err << "govctl org: " << options.error().message() << "\n";
    return kExitUsage;
  }
  if (options->help) {
    out << "usage: govctl org show [--socket PATH] [--json]\n\nShows the organisation govd manages: OUs, accounts,\n"
           "guardrails, the roles audits follow, shared buckets and declared prefixes. --json\n"
           "prints it in the format `govd org import` reads.\n";
    PrintCommonOptions(out);
    return kExitOk;
  }
  if (options->positional.size() != 1 || options->positional[0] != "show") {
    err << "govctl org: usage: govctl org show [--json]\n";
    return kExitUsage;
  }
  return RunApiCall(*options, "GET", "/v1/org", {}, PrintOrg, out, err);
}

}  // namespace govd::daemon

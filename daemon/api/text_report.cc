#include "daemon/api/text_report.h"

#include <algorithm>
#include <ostream>

#include "base/display_text.h"
#include "daemon/api/document_diff.h"

namespace govd::daemon {

Json::Value EscapedForTerminal(const Json::Value& answer) {
  if (answer.isString()) return EscapeForTerminal(answer.asString());
  if (answer.isArray()) {
    Json::Value out(Json::arrayValue);
    for (const Json::Value& item : answer) out.append(EscapedForTerminal(item));
    return out;
  }
  if (answer.isObject()) {
    Json::Value out(Json::objectValue);
    for (const std::string& name : answer.getMemberNames())
      out[EscapeForTerminal(name)] = EscapedForTerminal(answer[name]);
    return out;
  }
  return answer;
}

void PrintColumns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::ostream& out) {
  std::vector<std::vector<std::string>> cells{header};
  for (const auto& row : rows) {
    cells.emplace_back();
    for (const std::string& cell : row) cells.back().push_back(EscapeForTerminal(cell));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] + 2 - row[i].size(), ' ');
    }
    out << line << "\n";
  }
}

void PrintPlan(const Json::Value& body, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : body["buckets"]) {
    rows.push_back({b["bucket"].asString(), b["outcome"].asString(), b.get("action", "-").asString(),
                    std::to_string(b["missing"].size()), std::to_string(b["unexpected"].size()),
                    b.get("reason", "").asString()});
  }
  PrintColumns({"BUCKET", "OUTCOME", "ACTION", "MISSING", "UNEXPECTED", "REASON"}, rows, out);
  for (const auto& b : body["buckets"]) {
    for (const auto& sid : b["missing"]) out << b["bucket"].asString() << ": would add " << sid.asString() << "\n";
    for (const auto& sid : b["unexpected"]) out << b["bucket"].asString() << ": would remove " << sid.asString() << "\n";
  }
  for (const auto& b : body["buckets"]) {
    std::string action = b.get("action", "none").asString();
    if (action == "none") continue;
    const Json::Value desired = action == "put" ? b["document"] : Json::Value();
    std::string label = "s3://" + b["bucket"].asString() + " policy";
    for (const std::string& line :
         DocumentDiff(b["actual"], desired, label + " (actual)", label + " (desired)"))
      out << line << "\n";
  }
  out << body["changes"].asInt() << " of " << body["buckets"].size() << " bucket(s) would change, "
      << body["failures"].asInt() << " would fail; nothing was written\n";
}

}  // namespace govd::daemon

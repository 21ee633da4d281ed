#include "daemon/api/text_report.h"

#include <algorithm>
#include <ostream>

namespace govd::daemon {

void PrintColumns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::ostream& out) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print = [&widths, &out](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] + 2 - row[i].size(), ' ');
    }
    out << line << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
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
  out << body["changes"].asInt() << " of " << body["buckets"].size() << " bucket(s) would change, "
      << body["failures"].asInt() << " would fail; nothing was written\n";
}

}  // namespace govd::daemon

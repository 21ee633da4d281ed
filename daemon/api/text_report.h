// daemon/api/text_report.h
// Control API answers as text for people, shared by govctl and `govd --dry-run`: aligned columns,
// and a plan answer (daemon/server/api_plan.h's PlanJson) as a table with one line per statement
// to add or remove.
// Pure, thread safe.
#pragma once

#include <json/value.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace govd::daemon {

// Prints rows under a header as left-aligned columns separated by two spaces.
void PrintColumns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::ostream& out);

// A plan answer as a table, then one line per statement to add or remove.
void PrintPlan(const Json::Value& body, std::ostream& out);

}  // namespace govd::daemon

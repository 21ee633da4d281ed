// daemon/api/text_report.h
// Control API answers as text for people, shared by govctl and `govd --dry-run`: aligned columns,
// and a plan answer (daemon/server/api_plan.h's PlanJson) as a table with one line per statement
// to add or remove and a diff of each changing bucket's policy document. What it prints never
// carries a raw control character or bidirectional override from an answer (a reason, a name):
// those are escaped (base/display_text.h), and documents go through the JSON writer, which
// writes control characters and non-ASCII as \u escapes.
// Pure, thread safe.
#pragma once

#include <json/value.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace govd::daemon {

// `answer` with every string in it (members' names too) passed through EscapeForTerminal: what a
// command renders for people instead of the answer itself (--json prints the answer, which the
// JSON writer escapes).
Json::Value EscapedForTerminal(const Json::Value& answer);

// Prints rows under a header as left-aligned columns separated by two spaces; cells are escaped.
void PrintColumns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::ostream& out);

// A plan answer as a table, one line per statement to add or remove, then for each bucket that
// would change a unified diff of its actual policy against the desired one (document_diff.h).
void PrintPlan(const Json::Value& body, std::ostream& out);

}  // namespace govd::daemon

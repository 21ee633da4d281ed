// daemon/api/simulate_report.h
// One authorization decision and why, as the control API answers it (POST .../simulate) and as
// govctl prints it: the decision, the reason, and every applicable statement with its policy,
// source, level, Sid, effect, whether it decided, and a label for people.
// Pure, thread safe.
#pragma once

#include <json/value.h>

#include <iosfwd>

#include "policy/engine/evaluation.h"

namespace govd::daemon {

// {"decision", "reason", "statements": [{"policy", "source", "level" (SCP/RCP only),
// "statement", "sid" (when set), "effect", "deciding", "label"}]}
Json::Value EvaluationJson(const policy::Evaluation& evaluation);

// The human form of EvaluationJson: "decision: ...", "reason: ...", the statements, deciding
// ones starred.
void PrintEvaluation(const Json::Value& evaluation, std::ostream& out);

}  // namespace govd::daemon

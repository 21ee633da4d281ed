#include "daemon/api/simulate_report.h"

#include <algorithm>
#include <ostream>

namespace govd::daemon {
namespace {

bool HasLevel(policy::PolicySource source) {
  return source == policy::PolicySource::kScp || source == policy::PolicySource::kRcp;
}

Json::Value StatementJson(const policy::Evaluation& evaluation, std::size_t i) {
  const policy::StatementMatch& match = evaluation.matches[i];
  Json::Value v(Json::objectValue);
  v["policy"] = match.policy->name;
  v["source"] = std::string(PolicySourceName(match.source));
  if (HasLevel(match.source)) v["level"] = static_cast<Json::UInt64>(match.level);
  v["statement"] = static_cast<Json::UInt64>(match.statement_index);
  if (!match.statement().sid.empty()) v["sid"] = match.statement().sid;
  v["effect"] = match.statement().effect == policy::Effect::kAllow ? "Allow" : "Deny";
  v["deciding"] = std::find(evaluation.deciding.begin(), evaluation.deciding.end(), i) != evaluation.deciding.end();
  v["label"] = match.Label();
  return v;
}

}  // namespace

Json::Value EvaluationJson(const policy::Evaluation& evaluation) {
  Json::Value v(Json::objectValue);
  v["decision"] = std::string(DecisionName(evaluation.decision));
  v["reason"] = evaluation.reason;
  v["statements"] = Json::arrayValue;
  for (std::size_t i = 0; i < evaluation.matches.size(); ++i) v["statements"].append(StatementJson(evaluation, i));
  return v;
}

void PrintEvaluation(const Json::Value& evaluation, std::ostream& out) {
  out << "decision: " << evaluation["decision"].asString() << "\nreason:   " << evaluation["reason"].asString() << "\n";
  const Json::Value& statements = evaluation["statements"];
  if (statements.empty()) {
    out << "no statement applies\n";
    return;
  }
  out << "applicable statements:\n";
  for (const auto& s : statements) {
    out << (s["deciding"].asBool() ? "  * " : "    ") << (s["effect"].asString() == "Allow" ? "Allow " : "Deny  ")
        << s["source"].asString();
    if (s.isMember("level")) out << " level " << s["level"].asUInt64();
    out << ": " << s["label"].asString() << "\n";
  }
  out << "(* = deciding)\n";
}

}  // namespace govd::daemon

// policy/analysis/archive_rule.h
// An archive rule, IAM Access Analyzer's idea: a named filter over findings that a person set up
// for findings they have decided need no action (a partner's known access, a public bucket that
// is meant to be public). A NEW finding that matches every criterion the rule sets is archived
// as it is raised, with the rule's reason; findings that exist already are never touched by a
// rule, so a rule cannot hide what a person has seen active.
// Pure, thread safe. Never reads or writes anything.
#pragma once

#include <json/value.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "policy/analysis/findings.h"

namespace govd::policy {

struct ArchiveRule {
  std::string name;                // [a-z0-9][a-z0-9-]{0,62}, unique within a tenant
  std::optional<FindingType> type;  // nullopt: any type
  std::string bucket;     // "": any resource; else the bucket itself or anything under it
  std::string principal;  // "": any principal; else exactly this one ("*", an ARN, an account id)
  std::string reason;     // shown on every finding the rule archives
};

// kInvalidArgument naming the field: a name outside [a-z0-9][a-z0-9-]{0,62}, a rule that sets
// no criterion (it would archive every new finding), a bucket that is not an S3 bucket name, a
// principal or reason that is not plain display text (base/display_text.h), a blank reason.
Status ValidateArchiveRule(const ArchiveRule& rule);

// True when `finding` meets every criterion `rule` sets.
bool ArchiveRuleMatches(const ArchiveRule& rule, const Finding& finding);

// The first rule (in the order given) that matches `finding`, or nullptr.
template <typename Rules>
const ArchiveRule* FirstMatchingRule(const Rules& rules, const Finding& finding) {
  for (const ArchiveRule& rule : rules) {
    if (ArchiveRuleMatches(rule, finding)) return &rule;
  }
  return nullptr;
}

// {"name", "type" (null: any), "bucket", "principal", "reason"}: what the control API answers and
// what the audit log records of a rule.
Json::Value ArchiveRuleJson(const ArchiveRule& rule);

// "outside-organisation", ... back to the type; kInvalidArgument listing the names otherwise.
Result<FindingType> ParseFindingType(std::string_view name);

}  // namespace govd::policy

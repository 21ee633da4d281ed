// policy/engine/condition.h
// Condition operators and their evaluation against a request context, with AWS's semantics for
// missing keys, negated operators, ...IfExists and the ForAnyValue:/ForAllValues: set qualifiers.
// Pure, thread safe. Unknown operators are refused at parse time; values of the wrong type are
// refused at parse time, and at evaluation time (after variables) simply never match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/engine/pattern.h"
#include "policy/engine/request_context.h"

namespace govd::policy {

enum class ConditionBase {
  kStringEquals, kStringNotEquals, kStringEqualsIgnoreCase, kStringNotEqualsIgnoreCase,
  kStringLike, kStringNotLike,
  kNumericEquals, kNumericNotEquals, kNumericLessThan, kNumericLessThanEquals,
  kNumericGreaterThan, kNumericGreaterThanEquals,
  kDateEquals, kDateNotEquals, kDateLessThan, kDateLessThanEquals, kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool, kBinaryEquals, kIpAddress, kNotIpAddress,
  kArnEquals, kArnLike, kArnNotEquals, kArnNotLike,
  kNull,
};

enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

struct ConditionOperator {
  ConditionBase base = ConditionBase::kStringEquals;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::kNone;

  static Result<ConditionOperator> Parse(std::string_view name);
  bool negated() const;
};

// An IPv4 or IPv6 block; a single address is a /32 or /128 block.
struct IpBlock {
  bool v6 = false;
  std::uint8_t bytes[16] = {};
  int prefix = 0;
  static std::optional<IpBlock> Parse(std::string_view text);
  bool Contains(const IpBlock& address) const;
};

// One condition value, with its typed form precomputed when it has no variables.
struct ConditionValue {
  Pattern pattern;
  bool typed = false;  // the fields below are valid
  double number = 0;
  std::int64_t millis = 0;  // dates as milliseconds since the epoch
  bool boolean = false;
  IpBlock ip;
};

// One key under one operator: {"StringEquals": {"aws:PrincipalOrgID": ["o-1", "o-2"]}}.
struct ConditionClause {
  ConditionOperator op;
  std::string op_name;  // as written
  std::string key;      // as written
  std::string key_lower;
  std::vector<ConditionValue> values;

  bool Evaluate(const RequestContext& context) const;
};

// Checks that `value` (already free of variables) has the type `base` needs; used by the parser.
Status CheckConditionValueType(ConditionBase base, std::string_view value);
// Fills the typed fields of `value` when it has no variables. REQUIRES: type checked.
void PrecomputeConditionValue(ConditionBase base, ConditionValue& value);

std::optional<std::int64_t> ParseDateMillis(std::string_view text);
std::optional<double> ParseNumber(std::string_view text);
std::optional<bool> ParseBool(std::string_view text);

}  // namespace govd::policy

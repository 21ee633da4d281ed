#include "policy/engine/condition.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace govd::policy {
namespace {

struct BaseName {
  std::string_view name;
  ConditionBase base;
};

constexpr std::array<BaseName, 27> kBaseNames{{
    {"StringEquals", ConditionBase::kStringEquals},
    {"StringNotEquals", ConditionBase::kStringNotEquals},
    {"StringEqualsIgnoreCase", ConditionBase::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", ConditionBase::kStringNotEqualsIgnoreCase},
    {"StringLike", ConditionBase::kStringLike},
    {"StringNotLike", ConditionBase::kStringNotLike},
    {"NumericEquals", ConditionBase::kNumericEquals},
    {"NumericNotEquals", ConditionBase::kNumericNotEquals},
    {"NumericLessThan", ConditionBase::kNumericLessThan},
    {"NumericLessThanEquals", ConditionBase::kNumericLessThanEquals},
    {"NumericGreaterThan", ConditionBase::kNumericGreaterThan},
    {"NumericGreaterThanEquals", ConditionBase::kNumericGreaterThanEquals},
    {"DateEquals", ConditionBase::kDateEquals},
    {"DateNotEquals", ConditionBase::kDateNotEquals},
    {"DateLessThan", ConditionBase::kDateLessThan},
    {"DateLessThanEquals", ConditionBase::kDateLessThanEquals},
    {"DateGreaterThan", ConditionBase::kDateGreaterThan},
    {"DateGreaterThanEquals", ConditionBase::kDateGreaterThanEquals},
    {"Bool", ConditionBase::kBool},
    {"BinaryEquals", ConditionBase::kBinaryEquals},
    {"IpAddress", ConditionBase::kIpAddress},
    {"NotIpAddress", ConditionBase::kNotIpAddress},
    {"ArnEquals", ConditionBase::kArnEquals},
    {"ArnLike", ConditionBase::kArnLike},
    {"ArnNotEquals", ConditionBase::kArnNotEquals},
    {"ArnNotLike", ConditionBase::kArnNotLike},
    {"Null", ConditionBase::kNull},
}};

enum class ValueType { kString, kNumber, kDate, kBool, kIp, kArn };

ValueType TypeOf(ConditionBase base) {
  switch (base) {
    case ConditionBase::kNumericEquals: case ConditionBase::kNumericNotEquals:
    case ConditionBase::kNumericLessThan: case ConditionBase::kNumericLessThanEquals:
    case ConditionBase::kNumericGreaterThan: case ConditionBase::kNumericGreaterThanEquals:
      return ValueType::kNumber;
    case ConditionBase::kDateEquals: case ConditionBase::kDateNotEquals:
    case ConditionBase::kDateLessThan: case ConditionBase::kDateLessThanEquals:
    case ConditionBase::kDateGreaterThan: case ConditionBase::kDateGreaterThanEquals:
      return ValueType::kDate;
    case ConditionBase::kBool: case ConditionBase::kNull:
      return ValueType::kBool;
    case ConditionBase::kIpAddress: case ConditionBase::kNotIpAddress:
      return ValueType::kIp;
    case ConditionBase::kArnEquals: case ConditionBase::kArnLike:
    case ConditionBase::kArnNotEquals: case ConditionBase::kArnNotLike:
      return ValueType::kArn;
    default:
      return ValueType::kString;
  }
}

// The operator a negated one negates (StringNotEquals -> StringEquals); others map to themselves.
ConditionBase Positive(ConditionBase base) {
  switch (base) {
    case ConditionBase::kStringNotEquals: return ConditionBase::kStringEquals;
    case ConditionBase::kStringNotEqualsIgnoreCase: return ConditionBase::kStringEqualsIgnoreCase;
    case ConditionBase::kStringNotLike: return ConditionBase::kStringLike;
    case ConditionBase::kNumericNotEquals: return ConditionBase::kNumericEquals;
    case ConditionBase::kDateNotEquals: return ConditionBase::kDateEquals;
    case ConditionBase::kNotIpAddress: return ConditionBase::kIpAddress;
    case ConditionBase::kArnNotEquals: return ConditionBase::kArnEquals;
    case ConditionBase::kArnNotLike: return ConditionBase::kArnLike;
    default: return base;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Splits an ARN (or ARN glob) into its six fields; false when it has fewer than five ':'.
bool SplitArn(std::string_view text, std::array<std::string_view, 6>& fields) {
  for (std::size_t i = 0; i < 5; ++i) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    fields[i] = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  fields[5] = text;
  return true;
}

bool ArnMatch(std::string_view glob, std::string_view value) {
  std::array<std::string_view, 6> want;
  std::array<std::string_view, 6> have;
  if (!SplitArn(glob, want) || !SplitArn(value, have)) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (!GlobMatch(want[i], have[i], false)) return false;
  }
  return true;
}

bool CompareNumbers(ConditionBase base, double have, double want) {
  switch (base) {
    case ConditionBase::kNumericLessThan: case ConditionBase::kDateLessThan: return have < want;
    case ConditionBase::kNumericLessThanEquals: case ConditionBase::kDateLessThanEquals: return have <= want;
    case ConditionBase::kNumericGreaterThan: case ConditionBase::kDateGreaterThan: return have > want;
    case ConditionBase::kNumericGreaterThanEquals: case ConditionBase::kDateGreaterThanEquals:
      return have >= want;
    default: return have == want;
  }
}

// The typed form of a value whose variables were resolved to `text`.
ConditionValue Typed(ConditionBase base, const ConditionValue& value, const std::string& text) {
  ConditionValue typed{value.pattern, false, 0, 0, false, {}};
  if (CheckConditionValueType(base, text)) {
    typed.pattern = *Pattern::Parse(text, false);
    PrecomputeConditionValue(base, typed);
  }
  return typed;
}

// Whether the request value `have` satisfies the positive operator `base` against `want`.
bool MatchTyped(ConditionBase base, const ConditionValue& want, const std::string& text,
                const std::string& glob, std::string_view have) {
  switch (TypeOf(base)) {
    case ValueType::kNumber: {
      auto number = ParseNumber(have);
      return want.typed && number && CompareNumbers(base, *number, want.number);
    }
    case ValueType::kDate: {
      auto millis = ParseDateMillis(have);
      return want.typed && millis &&
             CompareNumbers(base, static_cast<double>(*millis), static_cast<double>(want.millis));
    }
    case ValueType::kBool: {
      auto boolean = ParseBool(have);
      return want.typed && boolean && *boolean == want.boolean;
    }
    case ValueType::kIp: {
      auto address = IpBlock::Parse(have);
      return want.typed && address && address->prefix == (address->v6 ? 128 : 32) && want.ip.Contains(*address);
    }
    case ValueType::kArn: return ArnMatch(glob, have);
    case ValueType::kString: break;
  }
  if (base == ConditionBase::kStringEqualsIgnoreCase) return EqualsIgnoreCase(text, have);
  if (base == ConditionBase::kStringLike) return GlobMatch(glob, have, false);
  return text == have;  // StringEquals, BinaryEquals
}

bool MatchValue(ConditionBase base, const ConditionValue& want, std::string_view have,
                const RequestContext& context) {
  if (!want.pattern.has_variables()) {
    if (base == ConditionBase::kStringLike) return want.pattern.compiled_glob().Matches(have);
    return MatchTyped(base, want, want.pattern.plain(), want.pattern.glob(), have);
  }
  auto text = want.pattern.ResolveText(context);
  auto glob = want.pattern.ResolveGlob(context);
  if (!text || !glob) return false;
  return MatchTyped(base, Typed(base, want, *text), *text, *glob, have);
}

bool AllResolvable(const std::vector<ConditionValue>& values, const RequestContext& context) {
  return std::all_of(values.begin(), values.end(), [&](const ConditionValue& v) {
    return !v.pattern.has_variables() || v.pattern.ResolveText(context).has_value();
  });
}

bool EvaluateNull(const std::vector<ConditionValue>& values, bool missing) {
  return std::any_of(values.begin(), values.end(),
                     [&](const ConditionValue& v) { return v.typed && v.boolean == missing; });
}

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - static_cast<int>(era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Parses "[T]HH:MM[:SS[.fff]]" then "Z", "+hh:mm", "-hh:mm" or nothing; millis of the day - offset.
std::optional<std::int64_t> ParseTimeOfDay(std::string_view rest) {
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!ParseDigits(rest, 0, 2, hh) || rest.size() < 5 || rest[2] != ':' || !ParseDigits(rest, 3, 2, mm)) {
    return std::nullopt;
  }
  std::size_t pos = 5;
  std::int64_t millis = 0;
  if (pos < rest.size() && rest[pos] == ':') {
    if (!ParseDigits(rest, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
    if (pos < rest.size() && rest[pos] == '.') {
      std::size_t digits = 0;
      for (++pos; pos < rest.size() && rest[pos] >= '0' && rest[pos] <= '9'; ++pos, ++digits) {
        if (digits < 3) millis = millis * 10 + (rest[pos] - '0');
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 3; ++digits) millis *= 10;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::int64_t offset = 0;
  std::string_view zone = rest.substr(pos);
  if (zone == "Z" || zone.empty()) {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0;
    int om = 0;
    if (!ParseDigits(zone, 1, 2, oh) || !ParseDigits(zone, 4, 2, om)) return std::nullopt;
    offset = (oh * 60 + om) * 60000LL * (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return ((hh * 60 + mm) * 60 + ss) * 1000LL + millis - offset;
}

}  // namespace

Result<ConditionOperator> ConditionOperator::Parse(std::string_view name) {
  ConditionOperator op;
  std::string_view rest = name;
  if (rest.starts_with("ForAnyValue:")) {
    op.qualifier = SetQualifier::kForAnyValue;
    rest.remove_prefix(12);
  } else if (rest.starts_with("ForAllValues:")) {
    op.qualifier = SetQualifier::kForAllValues;
    rest.remove_prefix(13);
  }
  if (rest.ends_with("IfExists")) {
    op.if_exists = true;
    rest.remove_suffix(8);
  }
  for (const auto& entry : kBaseNames) {
    if (entry.name == rest && !(entry.base == ConditionBase::kNull && (op.if_exists || op.qualifier != SetQualifier::kNone))) {
      op.base = entry.base;
      return op;
    }
  }
  return InvalidArgument("\"" + std::string(name) +
                         "\" is not a condition operator (StringEquals, ArnLike, ... with optional IfExists "
                         "suffix and ForAnyValue:/ForAllValues: prefix; Null takes neither)");
}

bool ConditionOperator::negated() const { return Positive(base) != base; }

std::optional<IpBlock> IpBlock::Parse(std::string_view text) {
  IpBlock block;
  auto slash = text.find('/');
  std::string address(text.substr(0, slash));
  block.v6 = address.find(':') != std::string::npos;
  if (inet_pton(block.v6 ? AF_INET6 : AF_INET, address.c_str(), block.bytes) != 1) return std::nullopt;
  int max = block.v6 ? 128 : 32;
  block.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), block.prefix);
    if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || block.prefix < 0 ||
        block.prefix > max) {
      return std::nullopt;
    }
  }
  return block;
}

bool IpBlock::Contains(const IpBlock& address) const {
  if (v6 != address.v6) return false;
  int full = prefix / 8;
  if (std::memcmp(bytes, address.bytes, static_cast<std::size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (address.bytes[full] & mask);
}

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

std::optional<std::int64_t> ParseDateMillis(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds > 253402300799) return std::nullopt;
    return seconds * 1000;
  }
  int y = 0;
  int m = 0;
  int d = 0;
  if (!ParseDigits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !ParseDigits(text, 5, 2, m) ||
      text[7] != '-' || !ParseDigits(text, 8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  std::int64_t day = DaysFromCivil(y, m, d) * 86400000LL;
  if (text.size() == 10) return day;
  if (text[10] != 'T') return std::nullopt;
  auto time = ParseTimeOfDay(text.substr(11));
  if (!time) return std::nullopt;
  return day + *time;
}

Status CheckConditionValueType(ConditionBase base, std::string_view value) {
  std::string quoted = "\"" + std::string(value) + "\"";
  switch (TypeOf(base)) {
    case ValueType::kNumber:
      if (!ParseNumber(value)) return InvalidArgument(quoted + " is not a number");
      break;
    case ValueType::kDate:
      if (!ParseDateMillis(value)) return InvalidArgument(quoted + " is not an ISO 8601 date or epoch seconds");
      break;
    case ValueType::kBool:
      if (!ParseBool(value)) return InvalidArgument(quoted + " is not \"true\" or \"false\"");
      break;
    case ValueType::kIp:
      if (!IpBlock::Parse(value)) return InvalidArgument(quoted + " is not an IPv4 or IPv6 address or CIDR block");
      break;
    case ValueType::kArn: {
      std::array<std::string_view, 6> fields;
      if (!SplitArn(value, fields)) return InvalidArgument(quoted + " is not an ARN (arn:partition:service:region:account:resource)");
      break;
    }
    case ValueType::kString:
      break;
  }
  return Ok();
}

void PrecomputeConditionValue(ConditionBase base, ConditionValue& value) {
  if (value.pattern.has_variables()) return;
  const std::string& text = value.pattern.plain();
  value.typed = true;
  switch (TypeOf(base)) {
    case ValueType::kNumber: value.number = ParseNumber(text).value_or(0); break;
    case ValueType::kDate: value.millis = ParseDateMillis(text).value_or(0); break;
    case ValueType::kBool: value.boolean = ParseBool(text).value_or(false); break;
    case ValueType::kIp: value.ip = IpBlock::Parse(text).value_or(IpBlock{}); break;
    default: break;
  }
}

bool ConditionClause::Evaluate(const RequestContext& context) const {
  const ContextEntry* entry = context.Find(key_lower);
  bool missing = entry == nullptr || entry->values.empty();
  if (op.base == ConditionBase::kNull) return EvaluateNull(values, missing);
  if (missing) {
    if (op.if_exists || op.qualifier == SetQualifier::kForAllValues) return true;
    if (op.qualifier == SetQualifier::kForAnyValue) return false;
    return op.negated();
  }
  if (!AllResolvable(values, context)) return false;
  ConditionBase positive = Positive(op.base);
  bool negated = op.negated();
  auto satisfies = [&](const std::string& have) {
    bool any = std::any_of(values.begin(), values.end(),
                           [&](const ConditionValue& want) { return MatchValue(positive, want, have, context); });
    return any != negated;
  };
  const auto& have = entry->values;
  if (op.qualifier == SetQualifier::kForAllValues || (op.qualifier == SetQualifier::kNone && negated)) {
    return std::all_of(have.begin(), have.end(), satisfies);
  }
  return std::any_of(have.begin(), have.end(), satisfies);
}

}  // namespace govd::policy

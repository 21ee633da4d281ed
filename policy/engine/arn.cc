#include "policy/engine/arn.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace govd::policy {
namespace {

bool IsAllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool IsPartitionOrService(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '-';
  });
}

bool IsValidRegion(std::string_view s) { return s.empty() || IsPartitionOrService(s); }

bool IsValidArnAccount(std::string_view s) {
  return s.empty() || s == "aws" || (s.size() == 12 && IsAllDigits(s));
}

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Builds the refusal only when there is one: parsing valid ARNs allocates no message.
Error Refuse(std::string_view text, std::string_view rule) {
  std::string message;
  message.reserve(text.size() + rule.size() + 2);
  message.append("\"").append(text).append("\"").append(rule);
  return InvalidArgument(std::move(message));
}

// The last segment of "path/to/name"; an empty one means the path ended in '/'.
std::string_view LastSegment(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<AccountId> AccountId::Parse(std::string_view text) {
  if (text.size() != 12 || !IsAllDigits(text)) {
    return Refuse(text, " is not an account id: exactly 12 digits");
  }
  return AccountId(std::string(text));
}

std::string Arn::ToString() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

Result<Arn> ParseArn(std::string_view text) {
  if (HasControlCharacter(text)) return InvalidArgument("an ARN may not contain control characters");
  std::array<std::string_view, 5> head;
  std::string_view rest = text;
  for (auto& field : head) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
      return Refuse(text, " is not an ARN: expected arn:partition:service:region:account:resource");
    }
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  Arn arn{std::string(head[1]), std::string(head[2]), std::string(head[3]), std::string(head[4]),
          std::string(rest)};
  if (head[0] != "arn") return Refuse(text, " does not start with \"arn:\"");
  if (!IsPartitionOrService(arn.partition)) return Refuse(text, " has an invalid partition");
  if (!IsPartitionOrService(arn.service)) return Refuse(text, " has an invalid service");
  if (!IsValidRegion(arn.region)) return Refuse(text, " has an invalid region");
  if (!IsValidArnAccount(arn.account)) {
    return Refuse(text, " has an invalid account (12 digits or empty)");
  }
  if (arn.resource.empty()) return Refuse(text, " has an empty resource");
  return arn;
}

Result<PrincipalArn> ParsePrincipalArn(std::string_view text) {
  GOVD_ASSIGN_OR_RETURN(Arn arn, ParseArn(text));
  if (arn.account.size() != 12 || !arn.region.empty()) {
    return Refuse(text, " is not a principal: it needs a 12-digit account and no region");
  }
  std::string_view resource = arn.resource;
  auto named = [&](PrincipalKind kind, std::string_view prefix) -> Result<PrincipalArn> {
    std::string_view name = LastSegment(resource.substr(prefix.size()));
    if (name.empty()) return Refuse(text, " has an empty name");
    return PrincipalArn{arn, kind, std::string(name), {}};
  };
  if (arn.service == "iam") {
    if (resource == "root") return PrincipalArn{arn, PrincipalKind::kAccountRoot, {}, {}};
    if (resource.starts_with("role/")) return named(PrincipalKind::kRole, "role/");
    if (resource.starts_with("user/")) return named(PrincipalKind::kUser, "user/");
  } else if (arn.service == "sts" && resource.starts_with("assumed-role/")) {
    std::string_view tail = resource.substr(std::string_view("assumed-role/").size());
    auto slash = tail.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == tail.size()) {
      return Refuse(text, " is not assumed-role/ROLE/SESSION");
    }
    return PrincipalArn{arn, PrincipalKind::kAssumedRoleSession, std::string(tail.substr(0, slash)),
                        std::string(tail.substr(slash + 1))};
  }
  return Refuse(text, " is not a principal ARN (iam ...:root, role/NAME, user/NAME or "
                "sts ...:assumed-role/ROLE/SESSION)");
}

}  // namespace govd::policy

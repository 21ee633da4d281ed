// accounts/store/grant.cc: the grant lifecycle table and input rules.
#include "accounts/store/grant.h"

#include <array>
#include <string>
#include <utility>

namespace govd::accounts {
namespace {

constexpr std::array<std::pair<GrantState, std::string_view>, 9> kStateNames = {{
    {GrantState::kRequested, "requested"},
    {GrantState::kApproved, "approved"},
    {GrantState::kApplying, "applying"},
    {GrantState::kActive, "active"},
    {GrantState::kRevoking, "revoking"},
    {GrantState::kRevoked, "revoked"},
    {GrantState::kRejected, "rejected"},
    {GrantState::kExpired, "expired"},
    {GrantState::kFailed, "failed"},
}};

using S = GrantState;
constexpr std::array<std::pair<GrantState, GrantState>, 14> kTransitions = {{
    {S::kRequested, S::kApproved},
    {S::kRequested, S::kRejected},
    {S::kRequested, S::kExpired},
    {S::kApproved, S::kApplying},
    {S::kApproved, S::kRevoking},
    {S::kApproved, S::kExpired},
    {S::kApplying, S::kActive},
    {S::kApplying, S::kFailed},
    {S::kApplying, S::kRevoking},
    {S::kApplying, S::kExpired},
    {S::kActive, S::kRevoking},
    {S::kActive, S::kExpired},
    {S::kActive, S::kFailed},  // the grantee was deleted: AWS names it by a unique id now
    {S::kRevoking, S::kRevoked},
}};

std::string LegalSuccessors(GrantState from) {
  std::string out;
  for (const auto& [a, b] : kTransitions) {
    if (a != from) continue;
    if (!out.empty()) out += ", ";
    out += GrantStateName(b);
  }
  return out.empty() ? "none (final state)" : out;
}

bool IsBucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool IsAllowedPrefixChar(char c) { return c > ' ' && c < 0x7f && c != '\\'; }

Status ValidatePrefixSegments(std::string_view prefix) {
  std::size_t start = 0;
  while (start < prefix.size()) {
    std::size_t end = prefix.find('/', start);
    bool last = end == std::string_view::npos;
    std::string_view segment = prefix.substr(start, last ? std::string_view::npos : end - start);
    if (segment == ".." || segment == ".") {
      return InvalidArgument("prefix \"" + std::string(prefix) + "\" has a \"" +
                                 std::string(segment) + "\" segment; prefixes are literal paths",
                             "prefix");
    }
    if (segment.empty() && !last) {
      return InvalidArgument("prefix \"" + std::string(prefix) + "\" has an empty segment (\"//\")",
                             "prefix");
    }
    if (last) break;
    start = end + 1;
  }
  return Ok();
}

}  // namespace

std::string_view GrantStateName(GrantState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "unknown";
}

Result<GrantState> ParseGrantState(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return InvalidArgument("unknown grant state \"" + std::string(name) + "\"", "state");
}

bool IsTerminal(GrantState state) {
  return state == S::kRevoked || state == S::kRejected || state == S::kExpired ||
         state == S::kFailed;
}

bool IsInFlight(GrantState state) { return state == S::kApplying || state == S::kRevoking; }

bool IsLive(GrantState state) { return state == S::kApproved || state == S::kApplying || state == S::kActive; }

Status CheckTransition(GrantState from, GrantState to) {
  for (const auto& [a, b] : kTransitions) {
    if (a == from && b == to) return Ok();
  }
  return FailedPrecondition("a grant in state " + std::string(GrantStateName(from)) +
                                " cannot become " + std::string(GrantStateName(to)) +
                                " (from " + std::string(GrantStateName(from)) + " it can become: " +
                                LegalSuccessors(from) + ")",
                            "state");
}

std::string_view GrantActionsName(GrantActions actions) {
  return actions == GrantActions::kRead ? "read" : "read+list";
}

Result<GrantActions> ParseGrantActions(std::string_view name) {
  if (name == "read") return GrantActions::kRead;
  if (name == "read+list") return GrantActions::kReadList;
  return InvalidArgument("actions must be \"read\" or \"read+list\", not \"" + std::string(name) +
                             "\"",
                         "actions");
}

Status ValidateBucketName(std::string_view bucket) {
  bool ok = bucket.size() >= 3 && bucket.size() <= 63 && bucket.find("..") == std::string_view::npos;
  for (char c : bucket) ok = ok && IsBucketChar(c);
  ok = ok && IsBucketChar(bucket.front()) && bucket.front() != '-' && bucket.front() != '.' &&
       bucket.back() != '-' && bucket.back() != '.';
  if (ok) return Ok();
  return InvalidArgument("bucket name \"" + std::string(bucket) +
                             "\" is not a valid S3 bucket name (3-63 of a-z 0-9 . -, starting "
                             "and ending with a letter or digit)",
                         "bucket");
}

Status ValidatePrefix(std::string_view prefix) {
  constexpr std::size_t kMaxPrefixBytes = 1024;
  if (prefix.size() > kMaxPrefixBytes) {
    return InvalidArgument("prefix is longer than 1024 bytes", "prefix");
  }
  if (prefix.starts_with('/')) {
    return InvalidArgument("prefix \"" + std::string(prefix) +
                               "\" starts with '/'; object keys are relative to the bucket",
                           "prefix");
  }
  for (char c : prefix) {
    if (!IsAllowedPrefixChar(c)) {
      return InvalidArgument("prefix \"" + std::string(prefix) +
                                 "\" holds a space, control, backslash or non-ASCII character",
                             "prefix");
    }
  }
  return ValidatePrefixSegments(prefix);
}

Status ValidateGrantee(std::string_view grantee) {
  if (grantee.find_first_of("*?") != std::string_view::npos) {
    return InvalidArgument("grantee \"" + std::string(grantee) +
                               "\" contains a wildcard ('*' or '?'); a grant names one IAM principal ARN, "
                               "and IAM principal ARNs have no wildcards",
                           "grantee");
  }
  auto principal = policy::ParsePrincipalArn(grantee);
  if (!principal) {
    return InvalidArgument(
        "grantee \"" + std::string(grantee) + "\" is not a principal ARN: " + principal.error().message(),
        "grantee");
  }
  return Ok();
}

bool PrefixesOverlap(std::string_view a, std::string_view b) {
  return a.starts_with(b) || b.starts_with(a);
}

}  // namespace govd::accounts

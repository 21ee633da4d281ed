#include "daemon/api/api_routes.h"

#include <vector>

namespace govd::daemon {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return segments;
}

// Fills `match` from the placeholders when `path` has the shape of `pattern`.
Result<bool> MatchPattern(std::string_view pattern, const std::vector<std::string_view>& path, RouteMatch& match) {
  std::vector<std::string_view> parts = SplitPath(pattern);
  if (parts.size() != path.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    bool placeholder = parts[i] == "{tenant}" || parts[i] == "{grant}" || parts[i] == "{finding}" ||
                       parts[i] == "{rule}";
    if (!placeholder && parts[i] != path[i]) return false;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{grant}") match.grant_id = std::string(path[i]);
    if (parts[i] == "{finding}") match.finding_id = std::string(path[i]);
    if (parts[i] == "{rule}") match.rule_name = std::string(path[i]);
    if (parts[i] != "{tenant}") continue;
    auto tenant = policy::AccountId::Parse(path[i]);
    if (!tenant) {
      return InvalidArgument("tenant \"" + QuotableText(path[i]) + "\" is not an account id: exactly 12 digits",
                             "path segment " + std::to_string(i + 1));
    }
    match.tenant = *tenant;
  }
  return true;
}

bool AllowedByRole(const Caller& caller, const RouteMatch& route) {
  const Access& access = route.spec->access;
  switch (caller.role) {
    case Role::kAdmin: return access.admin;
    case Role::kAuditor: return access.auditor;
    case Role::kOperator:
      return access.operator_role && (!route.tenant.has_value() || route.tenant == caller.tenant);
  }
  return false;
}

// "admin or operator of tenant 111122223333": the roles that may take `route`.
std::string RolesAllowed(const RouteMatch& route) {
  const Access& access = route.spec->access;
  std::string text;
  auto add = [&text](const std::string& role) { text += (text.empty() ? "" : " or ") + role; };
  if (access.admin) add("admin");
  if (access.operator_role) add(route.tenant ? "operator of tenant " + route.tenant->str() : "operator");
  if (access.auditor) add("auditor");
  return text;
}

}  // namespace

Result<MatchResult> MatchRoute(std::string_view method, std::string_view target) {
  std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::vector<std::string_view> segments = SplitPath(path);
  MatchResult result;
  for (const RouteSpec& spec : kRoutes) {
    RouteMatch match;
    GOVD_ASSIGN_OR_RETURN(bool shaped, MatchPattern(spec.pattern, segments, match));
    if (!shaped) continue;
    if (spec.method != method) {
      result.kind = MatchKind::kWrongMethod;
      result.allowed_method = std::string(spec.method);
      continue;
    }
    match.spec = &spec;
    if (question != std::string_view::npos) match.query = std::string(target.substr(question + 1));
    return MatchResult{.kind = MatchKind::kMatched, .match = std::move(match), .allowed_method = {}};
  }
  return result;
}

std::string QuotableText(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string quoted;
  for (unsigned char c : text.substr(0, max_bytes)) {
    if (c > 0x20 && c < 0x7f) {
      quoted += static_cast<char>(c);
    } else {
      quoted.append({'%', kHex[c >> 4U], kHex[c & 0x0fU]});
    }
  }
  return quoted;
}

Status Authorize(const Caller& caller, const RouteMatch& route) {
  if (AllowedByRole(caller, route)) return Ok();
  std::string has = std::string(RoleName(caller.role));
  if (caller.tenant) has += " of tenant " + caller.tenant->str();
  return PermissionDenied("only " + RolesAllowed(route) + " may " + std::string(route.spec->summary) + "; uid " +
                          std::to_string(caller.peer.uid) + " has role " + has);
}

}  // namespace govd::daemon

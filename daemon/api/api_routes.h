// daemon/api/api_routes.h
// The control API's endpoints and who may call them. One constexpr table lists every endpoint
// (method, path pattern) with the roles allowed; MatchRoute finds the endpoint of a request and
// Authorize decides, from the caller's role and tenant, whether it may proceed. Tenant-scoped
// endpoints carry the tenant in the path (/v1/tenants/{tenant}/...), so an operator is checked
// against its own tenant before any handler runs; handlers must still check that the objects
// they load belong to that tenant.
// Pure, thread safe. Never decides from anything the client says about itself.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "daemon/api/role_map.h"
#include "policy/engine/arn.h"

namespace govd::daemon {

enum class Endpoint {
  kStatus,
  kReconcileNow,
  kOrgShow,
  kAuditLog,
  kAuditVerify,
  kGrantList,
  kGrantRequest,
  kGrantShow,
  kGrantApprove,
  kGrantReject,
  kGrantRevoke,
  kPlan,
  kTenantAuditLog,
  kSimulate,
  kTenantAuditVerify,
  kFindingList,
  kFindingArchive,
  kFindingUnarchive,
  kArchiveRuleList,
  kArchiveRuleCreate,
  kArchiveRuleDelete,
  kWhoCanAccess,
  kWhatCanAccess,
  kAuditReport,
  kOrgAuditReport,
};

// Who may call an endpoint. On a tenant-scoped path an operator must also be bound to that
// tenant; admins and auditors see every tenant.
struct Access {
  bool admin;
  bool operator_role;
  bool auditor;
};

struct RouteSpec {
  Endpoint endpoint;
  std::string_view method;
  std::string_view pattern;  // "{tenant}", "{grant}", "{finding}" and "{rule}" match one path segment
  Access access;
  std::string_view summary;  // what the route does, after "may": "approve a grant"
};

inline constexpr Access kEveryone{true, true, true};  // reads: auditors too
inline constexpr Access kAdminOnly{true, false, false};
inline constexpr Access kWriters{true, true, false};
inline constexpr Access kAdminAndAuditor{true, false, true};  // whole-organisation reads

inline constexpr std::array<RouteSpec, 25> kRoutes{{
    {Endpoint::kStatus, "GET", "/v1/status", kEveryone, "read the daemon's state: mode, account, reconcile passes"},
    {Endpoint::kReconcileNow, "POST", "/v1/reconcile", kWriters, "start a reconcile pass now"},
    {Endpoint::kOrgShow, "GET", "/v1/org", kAdminAndAuditor, "read the organisation: OUs, accounts, buckets"},
    {Endpoint::kAuditLog, "GET", "/v1/audit", kAdminAndAuditor, "read the whole audit log"},
    {Endpoint::kAuditVerify, "POST", "/v1/audit/verify", kAdminAndAuditor, "check the audit log's hash chain"},
    {Endpoint::kGrantList, "GET", "/v1/tenants/{tenant}/grants", kEveryone, "list a tenant's grants"},
    {Endpoint::kGrantRequest, "POST", "/v1/tenants/{tenant}/grants", kWriters, "request a grant"},
    {Endpoint::kGrantShow, "GET", "/v1/tenants/{tenant}/grants/{grant}", kEveryone, "show a grant and its history"},
    {Endpoint::kGrantApprove, "POST", "/v1/tenants/{tenant}/grants/{grant}/approve", kAdminOnly, "approve a grant"},
    {Endpoint::kGrantReject, "POST", "/v1/tenants/{tenant}/grants/{grant}/reject", kAdminOnly, "reject a grant"},
    {Endpoint::kGrantRevoke, "POST", "/v1/tenants/{tenant}/grants/{grant}/revoke", kWriters, "revoke a grant"},
    {Endpoint::kPlan, "GET", "/v1/tenants/{tenant}/plan", kEveryone, "show what the next reconcile would change"},
    {Endpoint::kTenantAuditLog, "GET", "/v1/tenants/{tenant}/audit", kEveryone, "read a tenant's audit entries"},
    {Endpoint::kSimulate, "POST", "/v1/tenants/{tenant}/simulate", kEveryone, "evaluate a request against policy"},
    {Endpoint::kTenantAuditVerify, "POST", "/v1/tenants/{tenant}/audit/verify", kEveryone, "check a tenant's audit chain"},
    {Endpoint::kFindingList, "GET", "/v1/tenants/{tenant}/findings", kEveryone, "refresh and list a tenant's findings"},
    {Endpoint::kFindingArchive, "POST", "/v1/tenants/{tenant}/findings/{finding}/archive", kAdminOnly,
     "archive a finding, with a reason"},
    {Endpoint::kFindingUnarchive, "POST", "/v1/tenants/{tenant}/findings/{finding}/unarchive", kAdminOnly,
     "make an archived finding active again"},
    {Endpoint::kArchiveRuleList, "GET", "/v1/tenants/{tenant}/archive-rules", kEveryone, "list a tenant's archive rules"},
    {Endpoint::kArchiveRuleCreate, "POST", "/v1/tenants/{tenant}/archive-rules", kAdminOnly,
     "create an archive rule (new findings it matches are archived)"},
    {Endpoint::kArchiveRuleDelete, "DELETE", "/v1/tenants/{tenant}/archive-rules/{rule}", kAdminOnly,
     "delete an archive rule"},
    {Endpoint::kWhoCanAccess, "GET", "/v1/tenants/{tenant}/access/who", kEveryone, "ask who can access a bucket or prefix"},
    {Endpoint::kWhatCanAccess, "GET", "/v1/tenants/{tenant}/access/what", kEveryone, "ask what a principal can access"},
    {Endpoint::kAuditReport, "GET", "/v1/tenants/{tenant}/audit/report", kEveryone, "build a tenant's audit report as HTML"},
    {Endpoint::kOrgAuditReport, "GET", "/v1/audit/report", kAdminAndAuditor, "build one audit report over every tenant"},
}};

struct RouteMatch {
  const RouteSpec* spec = nullptr;
  std::optional<policy::AccountId> tenant;  // from {tenant}
  std::string grant_id;                     // from {grant}
  std::string finding_id;                   // from {finding}
  std::string rule_name;                    // from {rule}
  std::string query;                        // after '?', undecoded
};

enum class MatchKind { kMatched, kNoSuchPath, kWrongMethod };

struct MatchResult {
  MatchKind kind = MatchKind::kNoSuchPath;
  RouteMatch match;
  std::string allowed_method;  // for kWrongMethod: what the path accepts
};

// Finds the endpoint for `method` and `target` ("/v1/tenants/111122223333/grants?state=active").
// A {tenant} segment that is not an account id is an InvalidArgument error.
Result<MatchResult> MatchRoute(std::string_view method, std::string_view target);

// The first `max_bytes` of client-supplied text (a target, a path segment) as it may be quoted in
// an error or a log line: bytes outside printable ASCII become %XX, so that what is quoted is
// always valid UTF-8 (JSON answers carry it unchanged) and can never break a log line.
std::string QuotableText(std::string_view text, std::size_t max_bytes = 200);

// PermissionDenied (naming role, endpoint and tenant) unless `caller` may call `route`.
Status Authorize(const Caller& caller, const RouteMatch& route);

}  // namespace govd::daemon

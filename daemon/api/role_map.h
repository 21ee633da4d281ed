// daemon/api/role_map.h
// Who may use the control API: bindings from a unix uid or gid (learnt from SO_PEERCRED, never
// from the request) to a role and, for operators, the one tenant (child account) they act for.
//   admin     everything, every tenant
//   operator  read and change the grants of its own tenant only
//   auditor   read everything, change nothing
// Pure and immutable once built: safe to share between threads. A peer that matches no binding
// has no role and may do nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/engine/arn.h"

namespace govd::daemon {

enum class Role { kAdmin, kOperator, kAuditor };

std::string_view RoleName(Role role);

// The identity the kernel reports for the other end of a unix socket.
struct PeerCredentials {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::int32_t pid = 0;
  // The uid's name in the password database when the connection was accepted ("" when it has
  // none, or one outside [A-Za-z0-9_][A-Za-z0-9._-]{0,31}). Shown beside the uid, never trusted.
  std::string user_name;
};

// What the control API knows about a caller once its credentials are resolved.
struct Caller {
  PeerCredentials peer;
  Role role = Role::kAuditor;
  std::optional<policy::AccountId> tenant;  // set for operators only
};

struct RoleBinding {
  enum class Subject { kUid, kGid };
  Subject subject = Subject::kUid;
  std::uint32_t id = 0;
  Role role = Role::kAuditor;
  std::optional<policy::AccountId> tenant;
};

// Parses one binding: "uid:0 admin", "gid:1001 operator 111122223333", "uid:1002 auditor".
// `where` names the config key for error messages.
Result<RoleBinding> ParseRoleBinding(std::string_view text, const std::string& where);

class RoleMap {
 public:
  // Rejects a uid or gid bound twice: an ambiguous map must not quietly pick one.
  static Result<RoleMap> Build(std::vector<RoleBinding> bindings, const std::string& where);

  // A uid binding wins over a gid binding (it names the person, not a group they are in).
  std::optional<Caller> Resolve(const PeerCredentials& peer) const;

  const std::vector<RoleBinding>& bindings() const { return bindings_; }

 private:
  explicit RoleMap(std::vector<RoleBinding> bindings) : bindings_(std::move(bindings)) {}
  const RoleBinding* Find(RoleBinding::Subject subject, std::uint32_t id) const;

  std::vector<RoleBinding> bindings_;
};

}  // namespace govd::daemon

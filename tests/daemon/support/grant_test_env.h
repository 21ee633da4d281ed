// tests/daemon/support/grant_test_env.h
// A real govd (child mode, account 111122223333) on this test process's database with three
// tenants' organisations seeded through the Store: tenant A is the daemon's own account, tenant
// B another child account it serves as a hosted daemon ([tenant.B] in its config), tenant C one
// that shares the database but that this govd does not manage (another daemon's). The caller's
// role is this process's uid bound in the config to one role at a time; Rebind() rewrites the
// binding, sends SIGHUP and waits until /v1/status shows the new role, so tests can walk through
// roles without other uids. S3 points at a closed loopback port, so reconcile passes run (and can
// be counted) but never change a grant: approved grants stay approved. Test-only: ASSERTs on
// setup failures.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/store/store.h"
#include "daemon/cli/control_client.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon::testing {

inline constexpr const char* kTenantA = "111122223333";  // the daemon's own account
inline constexpr const char* kTenantB = "222222222222";
inline constexpr const char* kTenantC = "333333333333";  // in the database, not managed by this govd
inline constexpr const char* kReaderRole = "arn:aws:iam::999988887777:role/govd-central-reader";

// The actor the audit log names for `uid` acting as `role`: "uid:0(root)/admin", or
// "uid:4301/admin" for a uid the password database does not know (looked up here with getpwuid,
// independently of the daemon's getpwuid_r).
std::string ExpectedActor(uid_t uid, const std::string& role);

// The bucket each tenant's account owns.
std::string BucketOf(const std::string& tenant);

// A role binding for this process's uid: "admin", "operator 111122223333", "auditor", or "" for
// no role at all.
std::string BindingLine(const std::string& role);

class GrantDaemon {
 public:
  // Seeds both tenants in DatabaseConninfo() and starts govd with `role` bound to this uid.
  // `database` overrides the conninfo govd uses (e.g. a tenant-bound role's).
  void Start(const std::string& role, const std::string& database = "");
  // Rebinds this uid to `role` and waits until govd answers with it; `control` is added to the
  // [control] section (e.g. more bindings, "four-eyes = true").
  void Rebind(const std::string& role, const std::string& control = "");

  const std::string& socket() const { return socket_; }
  Result<ControlResponse> Call(const std::string& method, const std::string& target, const std::string& body = {}) const;
  // A Store acting for `tenant` on the daemon's database, as the test (owner) role.
  std::unique_ptr<accounts::Store> OpenStore(const std::string& tenant) const;
  // A grant requested directly through the store (tenant's own bucket, prefix `prefix`).
  accounts::Grant SeedGrant(const std::string& tenant, const std::string& prefix, bool approve = false) const;

 private:
  void WriteConfig(const std::string& role, const std::string& control = "") const;

  TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<GovdProcess> govd_;
};

}  // namespace govd::daemon::testing

#include "tests/daemon/support/grant_test_env.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace govd::daemon::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kCentralAccount = "999988887777";

policy::AccountId Account(const std::string& id) { return policy::AccountId::Parse(id).value(); }

void SeedTenant(accounts::Store& store, const std::string& tenant) {
  ASSERT_TRUE(store.CreateRoot("r-root", "Organisation"));
  ASSERT_TRUE(store.CreateOu("ou-las", "r-root", "Local authorities"));
  ASSERT_TRUE(store.RegisterAccount({Account(kCentralAccount), "central", accounts::AccountKind::kCentral, "r-root"}));
  ASSERT_TRUE(store.RegisterAccount({Account(tenant), "la-" + tenant, accounts::AccountKind::kChild, "ou-las"}));
  ASSERT_TRUE(store.RegisterBucket(BucketOf(tenant), Account(tenant)));
}

// What /v1/status says about the caller once `role` is bound: 403 for no role, else the role.
bool Shows(const Result<ControlResponse>& status, const std::string& role) {
  if (!status) return false;
  if (role.empty()) return status->status == 403;
  if (status->status != 200) return false;
  const Json::Value& caller = status->body["caller"];
  std::string shown = caller["role"].asString();
  if (caller["tenant"].isString()) shown += " " + caller["tenant"].asString();
  return shown == role;
}

}  // namespace

std::string BucketOf(const std::string& tenant) { return "la-data-" + tenant; }

std::string ExpectedActor(uid_t uid, const std::string& role) {
  const passwd* entry = getpwuid(uid);  // NOLINT(concurrency-mt-unsafe): test setup, one thread
  std::string name = entry == nullptr ? "" : std::string("(") + entry->pw_name + ")";
  return "uid:" + std::to_string(uid) + name + "/" + role;
}

std::string BindingLine(const std::string& role) {
  return role.empty() ? "" : "role = uid:" + std::to_string(getuid()) + " " + role + "\n";
}

void GrantDaemon::WriteConfig(const std::string& role, const std::string& control) const {
  WriteFile(dir_.File("govd.conf"), MinimalConfig(dir_, BindingLine(role) + control +
                                                            "[aws]\n"
                                                            "s3-endpoint = http://127.0.0.1:1\n"
                                                            "access-key-id = AKIAGRANTTESTKEY0001\n"
                                                            "secret-access-key = grant-test-secret\n"
                                                            "[reconcile]\n"
                                                            "interval = 1h\n"
                                                            "[tenant." +
                                                            std::string(kTenantB) +
                                                            "]\n"
                                                            "access-key-id = AKIAGRANTTESTKEY0002\n"
                                                            "secret-access-key = grant-test-secret-b\n"));
}

void GrantDaemon::Start(const std::string& role, const std::string& database) {
  for (const char* tenant : {kTenantA, kTenantB, kTenantC}) {
    SeedTenant(*OpenStore(tenant), tenant);
    if (::testing::Test::HasFatalFailure()) return;
  }
  WriteConfig(role);
  std::vector<std::string> args{"--config", dir_.File("govd.conf")};
  if (!database.empty()) args.insert(args.end(), {"--database.conninfo", database});
  govd_.emplace(args, std::vector<std::string>{});
  ASSERT_TRUE(WaitForSocket(socket_, milliseconds(10'000)));
  ASSERT_TRUE(LetEveryUidConnect(socket_));  // authorization decides, not the file mode
  ASSERT_TRUE(Shows(Call("GET", "/v1/status"), role)) << "govd does not show role \"" << role << "\"";
}

void GrantDaemon::Rebind(const std::string& role, const std::string& control) {
  WriteConfig(role, control);
  govd_->Signal(SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (!Shows(Call("GET", "/v1/status"), role)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "govd did not take up role \"" << role << "\"";
    std::this_thread::sleep_for(milliseconds(20));
  }
}

Result<ControlResponse> GrantDaemon::Call(const std::string& method, const std::string& target,
                                          const std::string& body) const {
  return ControlClient(socket_).Call(method, target, body);
}

std::unique_ptr<accounts::Store> GrantDaemon::OpenStore(const std::string& tenant) const {
  accounts::StoreOptions options;
  options.clock = &SystemTime();
  auto store = accounts::Store::Open(DatabaseConninfo(), {tenant, "test-setup"}, options);
  if (!store) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

accounts::Grant GrantDaemon::SeedGrant(const std::string& tenant, const std::string& prefix, bool approve) const {
  auto store = OpenStore(tenant);
  accounts::GrantRequest request{Account(tenant), BucketOf(tenant), prefix, kReaderRole, accounts::GrantActions::kRead,
                                 std::nullopt, "seeded by the test"};
  auto grant = store->RequestGrant(request);
  if (grant && approve) grant = store->ApproveGrant(grant->id);
  if (!grant) throw std::runtime_error(grant.error().ToString());
  return *grant;
}

}  // namespace govd::daemon::testing

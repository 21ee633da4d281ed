// Authorization over the real socket: a real govd maps uids/gids to roles; each request is sent
// from a forked child that first drops to that uid/gid, so the daemon's only evidence is
// SO_PEERCRED. Every endpoint x every role, plus cross-tenant attempts. Needs root (to setuid);
// skipped otherwise.
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "daemon/api/api_routes.h"
#include "daemon/cli/control_client.h"
#include "daemon/server/api_dispatcher.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

struct Identity {
  const char* name;
  uid_t uid;
  gid_t gid;
};

// Bound in the config below; kNobody is bound to nothing.
constexpr Identity kAdmin{"admin", 4000, 4000};
constexpr Identity kOperatorA{"operator A", 4001, 4001};
constexpr Identity kOperatorB{"operator B", 4002, 4002};
constexpr Identity kAuditor{"auditor (by gid)", 4003, 4100};
constexpr Identity kNobody{"unmapped", 4004, 4004};
constexpr const char* kTenantA = "111111111111";
constexpr const char* kTenantB = "222222222222";

std::string RoleConfig() {
  return std::string("role = uid:4000 admin\n") + "role = uid:4001 operator " + kTenantA + "\n" +
         "role = uid:4002 operator " + kTenantB + "\n" + "role = gid:4100 auditor\n";
}

struct Answer {
  int status = 0;
  std::string body;
};

// Sends one request as `who` from a child process that has dropped to that uid and gid.
Answer CallAs(const Identity& who, const std::string& socket, const std::string& method, const std::string& target,
              const std::string& body = {}) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    if (setgroups(0, nullptr) != 0 || setgid(who.gid) != 0 || setuid(who.uid) != 0) _exit(3);
    auto response = ControlClient(socket).Call(method, target, body);
    std::string out = response ? std::to_string(response->status) + " " + WriteJson(response->body) : "0 " + response.error().ToString();
    ssize_t ignored = write(pipe_fds[1], out.data(), out.size());
    static_cast<void>(ignored);
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string out = testing::ReadAll(pipe_fds[0], milliseconds(10'000));
  close(pipe_fds[0]);
  waitpid(pid, nullptr, 0);
  Answer answer;
  answer.status = std::atoi(out.c_str());
  answer.body = out.substr(std::min(out.size(), out.find(' ') + 1));
  return answer;
}

// What each identity may do: an independent statement of the access rules, not read from kRoutes.
struct Expectation {
  Endpoint endpoint;
  const char* method;
  std::string target;
  bool admin, operator_a, operator_b, auditor;
};

std::vector<Expectation> Matrix() {
  std::string t = std::string("/v1/tenants/") + kTenantA;
  return {
      {Endpoint::kStatus, "GET", "/v1/status", true, true, true, true},
      {Endpoint::kReconcileNow, "POST", "/v1/reconcile", true, true, true, false},
      {Endpoint::kOrgShow, "GET", "/v1/org", true, false, false, true},
      {Endpoint::kAuditLog, "GET", "/v1/audit", true, false, false, true},
      {Endpoint::kAuditVerify, "POST", "/v1/audit/verify", true, false, false, true},
      {Endpoint::kGrantList, "GET", t + "/grants", true, true, false, true},
      {Endpoint::kGrantRequest, "POST", t + "/grants", true, true, false, false},
      {Endpoint::kGrantShow, "GET", t + "/grants/g-1", true, true, false, true},
      {Endpoint::kGrantApprove, "POST", t + "/grants/g-1/approve", true, false, false, false},
      {Endpoint::kGrantReject, "POST", t + "/grants/g-1/reject", true, false, false, false},
      {Endpoint::kGrantRevoke, "POST", t + "/grants/g-1/revoke", true, true, false, false},
      {Endpoint::kPlan, "GET", t + "/plan", true, true, false, true},
      {Endpoint::kTenantAuditLog, "GET", t + "/audit", true, true, false, true},
      {Endpoint::kSimulate, "POST", t + "/simulate", true, true, false, true},
      {Endpoint::kTenantAuditVerify, "POST", t + "/audit/verify", true, true, false, true},
      {Endpoint::kFindingList, "GET", t + "/findings", true, true, false, true},
      {Endpoint::kFindingArchive, "POST", t + "/findings/0123456789abcdef/archive", true, false, false, false},
      {Endpoint::kFindingUnarchive, "POST", t + "/findings/0123456789abcdef/unarchive", true, false, false, false},
      {Endpoint::kArchiveRuleList, "GET", t + "/archive-rules", true, true, false, true},
      {Endpoint::kArchiveRuleCreate, "POST", t + "/archive-rules", true, false, false, false},
      {Endpoint::kArchiveRuleDelete, "DELETE", t + "/archive-rules/partner-reads", true, false, false, false},
      {Endpoint::kWhoCanAccess, "GET", t + "/access/who?bucket=la-data", true, true, false, true},
      {Endpoint::kWhatCanAccess, "GET", t + "/access/what?principal=arn:aws:iam::111111111111:role/r", true, true,
       false, true},
      {Endpoint::kAuditReport, "GET", t + "/audit/report", true, true, false, true},
      {Endpoint::kOrgAuditReport, "GET", "/v1/audit/report", true, false, false, true},
  };
}

class ControlApiAuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (getuid() != 0) GTEST_SKIP() << "needs root to send requests from other uids";
    // Both tenants managed (A the daemon's own account, B hosted), so that an allowed call reaches
    // its handler instead of the 404 for a tenant this govd does not manage.
    testing::WriteFile(
        dir_.File("govd.conf"),
        testing::ConfigWithDatabase(dir_, testing::DatabaseConninfo(), kTenantA, RoleConfig()) + "[tenant." +
            kTenantB + "]\naccess-key-id = AKIAAUTHZTESTKEY0002\n" +
            "secret-access-key = authz-test-secret\n");
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
    ASSERT_TRUE(testing::LetEveryUidConnect(socket_));  // authorization decides, not the file mode
  }

  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST_F(ControlApiAuthzTest, EveryRoleOnEveryEndpoint) {
  std::vector<Expectation> matrix = Matrix();
  ASSERT_EQ(matrix.size(), kRoutes.size()) << "a route has no row in this test";
  for (const Expectation& row : matrix) {
    const std::pair<Identity, bool> cases[] = {{kAdmin, row.admin},     {kOperatorA, row.operator_a},
                                               {kOperatorB, row.operator_b}, {kAuditor, row.auditor},
                                               {kNobody, false}};
    for (const auto& [who, allowed] : cases) {
      Answer answer = CallAs(who, socket_, row.method, row.target, row.method == std::string("POST") ? "{}" : "");
      ASSERT_NE(answer.status, 0) << who.name << " " << row.target << ": " << answer.body;
      if (allowed) {
        EXPECT_NE(answer.status, 403) << who.name << " " << row.method << " " << row.target << ": " << answer.body;
      } else {
        EXPECT_EQ(answer.status, 403) << who.name << " " << row.method << " " << row.target << ": " << answer.body;
        EXPECT_NE(answer.body.find("permission denied"), std::string::npos) << answer.body;
      }
    }
  }
}

TEST_F(ControlApiAuthzTest, StoreFreeEndpointsAnswer) {
  Answer status = CallAs(kAdmin, socket_, "GET", "/v1/status");
  EXPECT_EQ(status.status, 200) << status.body;
  Answer reconcile = CallAs(kOperatorA, socket_, "POST", "/v1/reconcile");
  EXPECT_EQ(reconcile.status, 202) << reconcile.body;
  EXPECT_NE(reconcile.body.find("\"queued\":true"), std::string::npos) << reconcile.body;
}

TEST_F(ControlApiAuthzTest, DaemonSeesKernelIdentity) {
  Answer operator_a = CallAs(kOperatorA, socket_, "GET", "/v1/status");
  ASSERT_EQ(operator_a.status, 200) << operator_a.body;
  EXPECT_NE(operator_a.body.find("\"role\":\"operator\""), std::string::npos) << operator_a.body;
  EXPECT_NE(operator_a.body.find(std::string("\"tenant\":\"") + kTenantA + "\""), std::string::npos);
  EXPECT_NE(operator_a.body.find("\"uid\":4001"), std::string::npos);
  Answer auditor = CallAs(kAuditor, socket_, "GET", "/v1/status");
  ASSERT_EQ(auditor.status, 200) << auditor.body;
  EXPECT_NE(auditor.body.find("\"role\":\"auditor\""), std::string::npos) << auditor.body;
  EXPECT_NE(auditor.body.find("\"gid\":4100"), std::string::npos) << auditor.body;
  Answer root = CallAs({"root", 0, 0}, socket_, "GET", "/v1/status");
  EXPECT_EQ(root.status, 403) << "root is not in the role map: " << root.body;
}

TEST_F(ControlApiAuthzTest, OperatorsAreConfinedToTheirTenant) {
  std::string a = std::string("/v1/tenants/") + kTenantA;
  std::string b = std::string("/v1/tenants/") + kTenantB;
  EXPECT_NE(CallAs(kOperatorB, socket_, "GET", b + "/grants").status, 403);
  EXPECT_NE(CallAs(kOperatorB, socket_, "POST", b + "/grants/g-9/revoke", "{}").status, 403);
  for (const std::string& target : {a + "/grants", a + "/grants/g-1", a + "/plan", a + "/audit"}) {
    Answer answer = CallAs(kOperatorB, socket_, "GET", target);
    EXPECT_EQ(answer.status, 403) << target;
    // It names the role that may, and the one the caller has.
    EXPECT_NE(answer.body.find(std::string("or operator of tenant ") + kTenantA), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find(std::string("has role operator of tenant ") + kTenantB), std::string::npos)
        << answer.body;
  }
  EXPECT_EQ(CallAs(kOperatorB, socket_, "POST", a + "/grants", R"({"bucket":"x"})").status, 403);
  EXPECT_EQ(CallAs(kOperatorB, socket_, "POST", a + "/grants/g-1/revoke", "{}").status, 403);
  // Path tricks do not reach tenant A either.
  EXPECT_EQ(CallAs(kOperatorB, socket_, "GET", b + "/../" + kTenantA + "/grants").status, 404);
  EXPECT_EQ(CallAs(kOperatorB, socket_, "GET", "/v1/tenants//grants").status, 400);
}

TEST(ApiRoutesTest, MatchesPathsAndPlaceholders) {
  auto found = MatchRoute("POST", "/v1/tenants/111122223333/grants/g-7/revoke?now=1");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->kind, MatchKind::kMatched);
  EXPECT_EQ(found->match.spec->endpoint, Endpoint::kGrantRevoke);
  EXPECT_EQ(found->match.tenant->str(), "111122223333");
  EXPECT_EQ(found->match.grant_id, "g-7");
  EXPECT_EQ(found->match.query, "now=1");
  auto wrong = MatchRoute("DELETE", "/v1/status");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->kind, MatchKind::kWrongMethod);
  EXPECT_EQ(wrong->allowed_method, "GET");
  EXPECT_EQ(MatchRoute("GET", "/v1/statusx")->kind, MatchKind::kNoSuchPath);
  auto bad_tenant = MatchRoute("GET", "/v1/tenants/acme/grants");
  ASSERT_FALSE(bad_tenant);
  EXPECT_EQ(bad_tenant.error().code(), ErrorCode::kInvalidArgument);
}

// Regression (control_api_fuzz): a target holding bytes that are not UTF-8 was quoted raw in the
// 404 and 400 messages, so the JSON answer (and the log line) could not carry it faithfully.
TEST(ApiRoutesTest, ErrorsQuoteTheClientsTargetAsPrintableAscii) {
  RoleBinding admin{RoleBinding::Subject::kUid, 0, Role::kAdmin, std::nullopt};
  ApiDispatcher dispatcher(RoleMap::Build({admin}, "test").value(), ManagedTenants{"111122223333"});
  const PeerCredentials root{0, 0, 1, "root"};
  const std::string crash_target = "/v0/tenants/111122223333/auditi?snce=2026-\xb0" "1-01&limit=10";
  struct Case {
    std::string target;
    int status;
    std::string quoted;
  };
  for (const Case& c : {Case{crash_target, 404, "2026-%B01-01"}, Case{"/v1/tenants/\xff\x01/grants", 400, "%FF%01"},
                        Case{"/v1/x y\r\n", 404, "/v1/x%20y%0D%0A"}}) {
    std::optional<ApiResponse> answered;
    dispatcher.Dispatch(root, "GET", c.target, "", [&](ApiResponse reply) { answered = std::move(reply); });
    ASSERT_TRUE(answered) << "no handler is asynchronous here, so the answer comes before Dispatch returns";
    const ApiResponse& response = *answered;
    EXPECT_EQ(response.status, c.status) << c.quoted;
    const std::string message = response.body["error"]["message"].asString();
    EXPECT_NE(message.find(c.quoted), std::string::npos) << message;
    for (unsigned char byte : message) EXPECT_TRUE(byte >= 0x20 && byte < 0x7f) << message;
    auto printed = ParseJsonBody(WriteJson(response.body));
    ASSERT_TRUE(printed);
    EXPECT_EQ(*printed, response.body) << "the answer carries the message unchanged";
  }
  EXPECT_EQ(QuotableText(std::string(300, 'a')).size(), 200U);
}

// Issue 16: a shared database login let one tenant's daemon act on a tenant another daemon
// manages. Every tenant-scoped endpoint refuses such a tenant before its handler runs.
TEST(ApiRoutesTest, EveryTenantEndpointRefusesATenantThisGovdDoesNotManage) {
  RoleBinding admin{RoleBinding::Subject::kUid, 0, Role::kAdmin, std::nullopt};
  ApiDispatcher dispatcher(RoleMap::Build({admin}, "test").value(), ManagedTenants{"111122223333"});
  int handled = 0;
  for (const RouteSpec& route : kRoutes) {
    dispatcher.Handle(route.endpoint, [&handled](const ApiRequest&) -> Result<ApiResponse> {
      ++handled;
      return ApiResponse{};
    });
  }
  const PeerCredentials root{0, 0, 1, "root"};
  int tenant_routes = 0;
  for (const RouteSpec& route : kRoutes) {
    std::string path(route.pattern);
    if (path.find("{tenant}") == std::string::npos) continue;
    ++tenant_routes;
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"{tenant}", "333333333333"},
                                   {"{grant}", "3"},
                                   {"{finding}", "4"}}) {
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
    }
    std::optional<ApiResponse> answered;
    dispatcher.Dispatch(root, route.method, path, "{}",
                        [&](ApiResponse reply) { answered = std::move(reply); });
    ASSERT_TRUE(answered) << path;
    EXPECT_EQ(answered->status, 404) << route.method << " " << path;
    EXPECT_NE(answered->body["error"]["message"].asString().find("does not manage tenant 333333333333"),
              std::string::npos)
        << WriteJson(answered->body);
  }
  EXPECT_GT(tenant_routes, 10);
  EXPECT_EQ(handled, 0) << "no handler ran for an unmanaged tenant";
  std::optional<ApiResponse> own;
  dispatcher.Dispatch(root, "GET", "/v1/tenants/111122223333/grants", "",
                      [&](ApiResponse reply) { own = reply; });
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  EXPECT_EQ(handled, 1);
}

}  // namespace
}  // namespace govd::daemon

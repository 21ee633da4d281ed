// The grant endpoints of the control API against a real govd and PostgreSQL, over the real unix
// socket: who may call what on which tenant (role x endpoint x tenant), another tenant's grant
// answering exactly like a missing one (also where only row-level security hides it), request
// bodies refused with the field named, conditions and history in `show`, and approvals waking
// the reconciler.
#include <unistd.h>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "accounts/store/tenant_admin.h"
#include "daemon/server/api_dispatcher.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/grant_test_env.h"

namespace govd::daemon {
namespace {

using accounts::GrantState;
using testing::kTenantA;
using testing::kTenantB;
using testing::kTenantC;

std::string GrantsOf(const std::string& tenant) { return std::string("/v1/tenants/") + tenant + "/grants"; }

std::string RequestBodyFor(const std::string& tenant, const std::string& prefix) {
  return R"({"bucket":")" + testing::BucketOf(tenant) + R"(","prefix":")" + prefix + R"(","grantee":")" +
         testing::kReaderRole + R"(","reason":"quarterly statistics"})";
}

std::string Describe(const Result<ControlResponse>& response) {
  return response ? std::to_string(response->status) + " " + WriteJson(response->body) : response.error().ToString();
}

class GrantApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GOVD_REQUIRE_PG(accounts::testing::ServerConninfo());
    daemon_.Start("admin");
  }

  GrantState StateOf(const std::string& tenant, std::int64_t id) const {
    return daemon_.OpenStore(tenant)->GetGrant(id)->state;
  }

  testing::GrantDaemon daemon_;
};

// --- Who may do what: an independent statement of the rules, not read from kRoutes ---

enum class Who { kAdmin, kOperatorA, kOperatorB, kAuditor, kNobody };

struct Identity {
  Who who;
  const char* binding;  // what the config binds this process's uid to
};

constexpr std::array<Identity, 5> kIdentities{{
    {Who::kAdmin, "admin"},
    {Who::kOperatorA, "operator 111122223333"},
    {Who::kOperatorB, "operator 222222222222"},
    {Who::kAuditor, "auditor"},
    {Who::kNobody, ""},
}};

enum class Op { kList, kRequest, kShow, kApprove, kReject, kRevoke };

struct OpRule {
  Op op;
  const char* name;
  int success;  // the status when allowed
  bool admin, own_operator, auditor;
};

constexpr std::array<OpRule, 6> kRules{{
    {Op::kList, "list", 200, true, true, true},
    {Op::kRequest, "request", 201, true, true, false},
    {Op::kShow, "show", 200, true, true, true},
    {Op::kApprove, "approve", 200, true, false, false},
    {Op::kReject, "reject", 200, true, false, false},
    {Op::kRevoke, "revoke", 200, true, true, false},
}};

bool Allowed(Who who, const OpRule& rule, const std::string& tenant) {
  switch (who) {
    case Who::kAdmin: return rule.admin;
    case Who::kOperatorA: return tenant == kTenantA && rule.own_operator;
    case Who::kOperatorB: return tenant == kTenantB && rule.own_operator;
    case Who::kAuditor: return rule.auditor;
    case Who::kNobody: return false;
  }
  return false;
}

// Grants of one tenant in the states each operation needs.
struct Targets {
  accounts::Grant requested_for_approve;
  accounts::Grant requested_for_reject;
  accounts::Grant approved_for_revoke;
};

struct Call {
  std::string method;
  std::string target;
  std::string body;
  std::int64_t changes = 0;  // the grant the call would change, 0 for none
  GrantState before = GrantState::kRequested;
};

Call CallFor(const OpRule& rule, const std::string& tenant, const Targets& targets, std::int64_t id_override = 0) {
  auto id = [&](const accounts::Grant& grant) { return std::to_string(id_override != 0 ? id_override : grant.id); };
  const std::string grants = GrantsOf(tenant);
  switch (rule.op) {
    case Op::kList: return {"GET", grants, ""};
    case Op::kRequest: return {"POST", grants, RequestBodyFor(tenant, "matrix/")};
    case Op::kShow: return {"GET", grants + "/" + id(targets.requested_for_approve), ""};
    case Op::kApprove:
      return {"POST", grants + "/" + id(targets.requested_for_approve) + "/approve", "{}",
              targets.requested_for_approve.id, GrantState::kRequested};
    case Op::kReject:
      return {"POST", grants + "/" + id(targets.requested_for_reject) + "/reject", R"({"reason":"not needed"})",
              targets.requested_for_reject.id, GrantState::kRequested};
    case Op::kRevoke:
      return {"POST", grants + "/" + id(targets.approved_for_revoke) + "/revoke", R"({"reason":"done"})",
              targets.approved_for_revoke.id, GrantState::kApproved};
  }
  return {};
}

TEST_F(GrantApiTest, EveryRoleOnEveryGrantEndpointOfBothTenants) {
  for (const Identity& identity : kIdentities) {
    daemon_.Rebind(identity.binding);
    if (HasFatalFailure()) return;
    for (const std::string tenant : {kTenantA, kTenantB}) {
      Targets targets{daemon_.SeedGrant(tenant, "approve/"), daemon_.SeedGrant(tenant, "reject/"),
                      daemon_.SeedGrant(tenant, "revoke/", /*approve=*/true)};
      for (const OpRule& rule : kRules) {
        Call call = CallFor(rule, tenant, targets);
        auto response = daemon_.Call(call.method, call.target, call.body);
        ASSERT_TRUE(response) << response.error().ToString();
        const bool allowed = Allowed(identity.who, rule, tenant);
        SCOPED_TRACE(std::string("\"") + identity.binding + "\" " + rule.name + " on tenant " + tenant + ": " +
                     Describe(response));
        EXPECT_EQ(response->status, allowed ? rule.success : 403);
        if (call.changes != 0 && !allowed) {
          EXPECT_EQ(StateOf(tenant, call.changes), call.before) << "a refused call changed the grant";
        }
      }
    }
  }
}

// Issue 16: with a shared database login, a grant approved through this govd's socket for a
// tenant another govd manages was applied by that one. Every tenant endpoint answers 404 for a
// tenant this govd does not manage, naming it, and changes nothing.
TEST_F(GrantApiTest, TenantThisGovdDoesNotManageIsRefusedOnEveryEndpoint) {
  Targets theirs{daemon_.SeedGrant(kTenantC, "approve/"), daemon_.SeedGrant(kTenantC, "reject/"),
                 daemon_.SeedGrant(kTenantC, "revoke/", /*approve=*/true)};
  std::vector<Call> calls;
  for (const OpRule& rule : kRules) calls.push_back(CallFor(rule, kTenantC, theirs));
  const std::string base = std::string("/v1/tenants/") + kTenantC;
  for (const char* path : {"/plan", "/audit", "/findings", "/access/who?resource=s3://b/p"}) {
    calls.push_back({"GET", base + path, ""});
  }
  calls.push_back({"POST", base + "/audit/verify", ""});
  for (const Call& call : calls) {
    auto response = daemon_.Call(call.method, call.target, call.body);
    ASSERT_TRUE(response) << response.error().ToString();
    SCOPED_TRACE(call.method + " " + call.target + ": " + Describe(response));
    EXPECT_EQ(response->status, 404);
    EXPECT_NE(
        response->body["error"]["message"].asString().find(std::string("does not manage tenant ") + kTenantC),
        std::string::npos);
    if (call.changes != 0) {
      EXPECT_EQ(StateOf(kTenantC, call.changes), call.before);
    }
  }
  EXPECT_EQ(daemon_.OpenStore(kTenantC)->ListGrants({}).value().size(), 3U) << "no grant was requested in C";
}

// A grant id of tenant B under tenant A's path: whoever may use A's path gets 404, as for an id
// that exists nowhere; whoever may not gets 403 before any grant is looked up.
TEST_F(GrantApiTest, TenantBsGrantUnderTenantAsPathIsNotFoundOr403) {
  for (const Identity& identity : kIdentities) {
    daemon_.Rebind(identity.binding);
    if (HasFatalFailure()) return;
    Targets theirs{daemon_.SeedGrant(kTenantB, "x/"), daemon_.SeedGrant(kTenantB, "y/"),
                   daemon_.SeedGrant(kTenantB, "z/", /*approve=*/true)};
    for (const OpRule& rule : kRules) {
      if (rule.op == Op::kList || rule.op == Op::kRequest) continue;
      Call call = CallFor(rule, kTenantA, theirs);
      auto response = daemon_.Call(call.method, call.target, call.body);
      ASSERT_TRUE(response) << response.error().ToString();
      SCOPED_TRACE(std::string("\"") + identity.binding + "\" " + rule.name + ": " + Describe(response));
      EXPECT_EQ(response->status, Allowed(identity.who, rule, kTenantA) ? 404 : 403);
      EXPECT_EQ(StateOf(kTenantB, call.changes == 0 ? theirs.requested_for_approve.id : call.changes),
                call.changes == 0 ? GrantState::kRequested : call.before);
    }
  }
}

// The answer for another tenant's grant and for a grant that does not exist differ only in the id.
TEST_F(GrantApiTest, AnotherTenantsGrantAnswersExactlyLikeAMissingOne) {
  accounts::Grant theirs = daemon_.SeedGrant(kTenantB, "reports/", /*approve=*/true);
  const std::int64_t missing = theirs.id + 1000;
  auto without_id = [](const Json::Value& body, std::int64_t id) {
    std::string text = WriteJson(body);
    for (std::size_t at = 0; (at = text.find("grant " + std::to_string(id), at)) != std::string::npos;) {
      text.replace(at, 6 + std::to_string(id).size(), "grant ID");
    }
    return text;
  };
  for (const OpRule& rule : kRules) {
    if (rule.op == Op::kList || rule.op == Op::kRequest) continue;
    Targets targets{theirs, theirs, theirs};
    Call foreign = CallFor(rule, kTenantA, targets);
    Call absent = CallFor(rule, kTenantA, targets, missing);
    auto a = daemon_.Call(foreign.method, foreign.target, foreign.body);
    auto b = daemon_.Call(absent.method, absent.target, absent.body);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->status, 404) << rule.name << ": " << Describe(a);
    EXPECT_EQ(b->status, 404) << rule.name << ": " << Describe(b);
    EXPECT_EQ(without_id(a->body, theirs.id), without_id(b->body, missing));
    EXPECT_EQ(without_id(a->body, theirs.id).find(kTenantB), std::string::npos) << "B is not even named";
  }
  EXPECT_EQ(StateOf(kTenantB, theirs.id), GrantState::kApproved);
}

// --- Bodies ---

struct BadBody {
  const char* what;
  std::string method;
  std::string target_suffix;  // after /v1/tenants/A/grants
  std::string body;
  std::string field;  // the "where" of the error
};

TEST_F(GrantApiTest, BadBodiesAnswer400NamingTheField) {
  accounts::Grant grant = daemon_.SeedGrant(kTenantA, "reports/");
  const std::string id = "/" + std::to_string(grant.id);
  const std::string bucket = testing::BucketOf(kTenantA);
  const std::string reader = testing::kReaderRole;
  const std::vector<BadBody> cases{
      {"missing bucket", "POST", "", R"({"prefix":"a/","grantee":")" + reader + R"(","reason":"r"})", "bucket"},
      {"missing reason", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/","grantee":")" + reader + R"("})",
       "reason"},
      {"prefix a number", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":7,"grantee":")" + reader +
                                          R"(","reason":"r"})", "prefix"},
      {"bucket a list", "POST", "", R"({"bucket":["b"],"prefix":"a/","grantee":")" + reader + R"(","reason":"r"})",
       "bucket"},
      {"unknown actions", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/","grantee":")" + reader +
                                          R"(","actions":"write","reason":"r"})", "actions"},
      {"misspelt field", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/","grantee":")" + reader +
                                         R"(","expires":"2030-01-01T00:00:00Z","reason":"r"})", "expires"},
      {"expiry not ISO-8601", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/","grantee":")" + reader +
                                              R"(","expires_at":"tomorrow","reason":"r"})", "expires_at"},
      {"grantee not an ARN", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/","grantee":"bob","reason":"r"})",
       "grantee"},
      {"prefix with ..", "POST", "", R"({"bucket":")" + bucket + R"(","prefix":"a/../b/","grantee":")" + reader +
                                         R"(","reason":"r"})", "prefix"},
      {"body an array", "POST", "", "[1,2]", "body"},
      {"no body", "POST", "", "", "body"},
      {"revoke without reason", "POST", id + "/revoke", "{}", "reason"},
      {"reject reason a boolean", "POST", id + "/reject", R"({"reason":true})", "reason"},
      {"approve with unknown field", "POST", id + "/approve", R"({"why":"x"})", "why"},
      {"grant id not a number", "GET", "/g-1", "", "grant_id"},
      {"unknown list filter", "GET", "?colour=red", "", "colour"},
      {"unknown state filter", "GET", "?state=pending", "", "state"},
  };
  for (const BadBody& c : cases) {
    auto response = daemon_.Call(c.method, GrantsOf(kTenantA) + c.target_suffix, c.body);
    ASSERT_TRUE(response) << c.what;
    EXPECT_EQ(response->status, 400) << c.what << ": " << Describe(response);
    EXPECT_EQ(response->body["error"]["where"].asString(), c.field) << c.what << ": " << Describe(response);
    EXPECT_NE(response->body["error"]["message"].asString().find(c.field), std::string::npos)
        << c.what << ": the message should name the field: " << Describe(response);
  }
  EXPECT_EQ(StateOf(kTenantA, grant.id), GrantState::kRequested);
  auto listed = daemon_.Call("GET", GrantsOf(kTenantA));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->body["grants"].size(), 1U) << "a refused request stored a grant: " << Describe(listed);
}

// Issue 16: 2800-01-01 was stored as 2215-06-13, 2027-02-30 as 2027-03-02, and a date-only
// expiry was refused while --since took one. One parser now takes both forms everywhere.
TEST_F(GrantApiTest, DatesAreCheckedAgainstTheCalendarAndTheRangeGovdCanHold) {
  auto body = [](const std::string& expires) {
    return R"({"bucket":")" + testing::BucketOf(kTenantA) + R"(","prefix":"dates/","grantee":")" +
           testing::kReaderRole + R"(","expires_at":")" + expires + R"(","reason":"r"})";
  };
  for (const auto& [expires, says] : std::vector<std::pair<std::string, std::string>>{
           {"2800-01-01", "the latest time govd can hold"},
           {"2800-01-01T00:00:00Z", "the latest time govd can hold"},
           {"2027-02-30", "2027-02 has 28 days"},
           {"2027-02-30T00:00:00Z", "2027-02 has 28 days"}}) {
    auto response = daemon_.Call("POST", GrantsOf(kTenantA), body(expires));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << expires << ": " << Describe(response);
    EXPECT_NE(response->body["error"]["message"].asString().find(says), std::string::npos)
        << Describe(response);
  }
  auto date_only = daemon_.Call("POST", GrantsOf(kTenantA), body("2099-01-31"));
  ASSERT_TRUE(date_only);
  ASSERT_EQ(date_only->status, 201) << Describe(date_only);
  EXPECT_EQ(date_only->body["expires_at"].asString(), "2099-01-31T00:00:00Z");
  auto since = daemon_.Call("GET", std::string("/v1/tenants/") + kTenantA + "/audit?since=2027-02-30");
  ASSERT_TRUE(since);
  EXPECT_EQ(since->status, 400) << Describe(since);
  auto since_full =
      daemon_.Call("GET", std::string("/v1/tenants/") + kTenantA + "/audit?since=2026-01-01T00:00:00Z");
  ASSERT_TRUE(since_full);
  EXPECT_EQ(since_full->status, 200) << Describe(since_full);
}

// Issue 16: a reason holding "\e[31m" or newlines was stored and printed raw by `grant show`;
// blank and endless reasons were taken too. The API refuses them before the store sees them.
TEST_F(GrantApiTest, ReasonsWithControlCharactersBlankOrTooLongAreRefused) {
  accounts::Grant grant = daemon_.SeedGrant(kTenantA, "reasons/");
  auto request_with = [](const std::string& reason_json) {
    return R"({"bucket":")" + testing::BucketOf(kTenantA) + R"(","prefix":"r/","grantee":")" +
           testing::kReaderRole + R"(","reason":)" + reason_json + "}";
  };
  struct Case {
    std::string reason_json;
    std::string says;
  };
  const std::vector<Case> cases{
      {R"("\u001b[31mred")", "U+001B"}, {R"("line one\nforged: approved")", "U+000A"},
      {R"("bell\u0007")", "U+0007"},    {R"("txt.\u202eexe")", "U+202E"},
      {R"("   ")", "must say why"},     {"\"" + std::string(1001, 'x') + "\"", "at most 1000"}};
  const std::string id = "/" + std::to_string(grant.id);
  for (const Case& c : cases) {
    for (const auto& [target, body] : std::vector<std::pair<std::string, std::string>>{
             {"", request_with(c.reason_json)},
             {id + "/approve", R"({"reason":)" + c.reason_json + "}"},
             {id + "/reject", R"({"reason":)" + c.reason_json + "}"}}) {
      auto response = daemon_.Call("POST", GrantsOf(kTenantA) + target, body);
      ASSERT_TRUE(response);
      SCOPED_TRACE(c.says + " on POST " + (target.empty() ? "grants" : target) + ": " + Describe(response));
      EXPECT_EQ(response->status, 400);
      EXPECT_EQ(response->body["error"]["where"].asString(), "reason");
      EXPECT_NE(response->body["error"]["message"].asString().find(c.says), std::string::npos);
    }
  }
  EXPECT_EQ(StateOf(kTenantA, grant.id), GrantState::kRequested);
  auto listed = daemon_.Call("GET", GrantsOf(kTenantA));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->body["grants"].size(), 1U) << Describe(listed);
  auto long_but_fine =
      daemon_.Call("POST", GrantsOf(kTenantA), request_with("\"" + std::string(1000, 'x') + "\""));
  ASSERT_TRUE(long_but_fine);
  EXPECT_EQ(long_but_fine->status, 201) << Describe(long_but_fine);
}

// --- show: conditions and history ---

const Json::Value& Condition(const Json::Value& shown, const std::string& type) {
  for (const Json::Value& condition : shown["conditions"]) {
    if (condition["type"].asString() == type) return condition;
  }
  static const Json::Value kNone;
  return kNone;
}

TEST_F(GrantApiTest, ShowDerivesConditionsFromTheGrantAndItsHistory) {
  auto requested = daemon_.Call("POST", GrantsOf(kTenantA), RequestBodyFor(kTenantA, "reports/"));
  ASSERT_TRUE(requested);
  ASSERT_EQ(requested->status, 201) << Describe(requested);
  const std::string path = GrantsOf(kTenantA) + "/" + std::to_string(requested->body["id"].asInt64());

  auto shown = daemon_.Call("GET", path);
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->status, 200) << Describe(shown);
  EXPECT_EQ(Condition(shown->body, "Ready")["status"].asString(), "False");
  EXPECT_EQ(Condition(shown->body, "Ready")["reason"].asString(), "AwaitingApproval");
  EXPECT_EQ(Condition(shown->body, "Progressing")["status"].asString(), "False");
  EXPECT_EQ(Condition(shown->body, "Failed")["status"].asString(), "False");
  const std::string requested_at = Condition(shown->body, "Ready")["lastTransitionTime"].asString();

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // timestamps have whole seconds
  auto approved = daemon_.Call("POST", path + "/approve", R"({"reason":"ticket 42"})");
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << Describe(approved);
  shown = daemon_.Call("GET", path);
  ASSERT_TRUE(shown);
  const Json::Value progressing = Condition(shown->body, "Progressing");  // a copy: `shown` is reassigned
  EXPECT_EQ(progressing["status"].asString(), "True");
  EXPECT_EQ(progressing["reason"].asString(), "WaitingForReconcile");
  EXPECT_NE(progressing["message"].asString().find("ticket 42"), std::string::npos) << WriteJson(progressing);
  EXPECT_EQ(progressing["observedGeneration"].asInt64(), shown->body["generation"].asInt64());
  EXPECT_GT(progressing["lastTransitionTime"].asString(), requested_at) << "Progressing just became True";
  EXPECT_EQ(Condition(shown->body, "Ready")["lastTransitionTime"].asString(), requested_at)
      << "Ready has been False since the request";
  EXPECT_EQ(Condition(shown->body, "Ready")["status"].asString(), "False");

  auto revoked = daemon_.Call("POST", path + "/revoke", R"({"reason":"project over"})");
  ASSERT_TRUE(revoked);
  ASSERT_EQ(revoked->status, 200) << Describe(revoked);
  shown = daemon_.Call("GET", path);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->body["state"].asString(), "revoking");
  EXPECT_EQ(Condition(shown->body, "Progressing")["reason"].asString(), "Revoking");
  EXPECT_EQ(Condition(shown->body, "Progressing")["lastTransitionTime"].asString(), progressing["lastTransitionTime"].asString())
      << "still Progressing since the approval";
  const Json::Value& history = shown->body["history"];
  ASSERT_EQ(history.size(), 3U) << Describe(shown);
  EXPECT_EQ(history[0]["action"].asString(), "grant.request");
  EXPECT_EQ(history[1]["action"].asString(), "grant.approve");
  EXPECT_EQ(history[2]["action"].asString(), "grant.revoke");
  EXPECT_EQ(history[2]["state"].asString(), "revoking");
  EXPECT_EQ(history[2]["actor"].asString(), testing::ExpectedActor(getuid(), "admin"));
}

TEST_F(GrantApiTest, ListFiltersByStateAndBucket) {
  daemon_.SeedGrant(kTenantA, "one/");
  accounts::Grant approved = daemon_.SeedGrant(kTenantA, "two/", /*approve=*/true);
  daemon_.SeedGrant(kTenantB, "three/");
  auto all = daemon_.Call("GET", GrantsOf(kTenantA));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << Describe(all);
  EXPECT_EQ(all->body["grants"].size(), 2U) << "tenant B's grant must not appear: " << Describe(all);
  auto only_approved = daemon_.Call("GET", GrantsOf(kTenantA) + "?state=approved&bucket=" + testing::BucketOf(kTenantA));
  ASSERT_TRUE(only_approved);
  ASSERT_EQ(only_approved->body["grants"].size(), 1U) << Describe(only_approved);
  EXPECT_EQ(only_approved->body["grants"][0]["id"].asInt64(), approved.id);
  auto other_bucket = daemon_.Call("GET", GrantsOf(kTenantA) + "?bucket=elsewhere");
  ASSERT_TRUE(other_bucket);
  EXPECT_EQ(other_bucket->body["grants"].size(), 0U) << Describe(other_bucket);
  auto paged = daemon_.Call("GET", GrantsOf(kTenantA) + "?limit=1");
  ASSERT_TRUE(paged);
  ASSERT_EQ(paged->body["grants"].size(), 1U);
  EXPECT_EQ(paged->body["next_after"].asInt64(), paged->body["grants"][0]["id"].asInt64());
}

// --- waking the reconciler ---

std::uint64_t PassesStarted(const testing::GrantDaemon& daemon) {
  auto status = daemon.Call("GET", "/v1/status");
  return status ? status->body["reconcile"]["passes_started"].asUInt64() : 0;
}

TEST_F(GrantApiTest, ApproveAndRevokeStartAReconcilePass) {
  // The first pass (at start) must be over, and the periodic one is an hour away.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (daemon_.Call("GET", "/v1/status")->body["reconcile"]["passes_finished"].asUInt64() < 1) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the first reconcile pass never finished";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  accounts::Grant grant = daemon_.SeedGrant(kTenantA, "reports/");
  const std::string path = GrantsOf(kTenantA) + "/" + std::to_string(grant.id);
  for (const auto& [action, body] : {std::pair<std::string, std::string>{"approve", "{}"}, {"revoke", R"({"reason":"r"})"}}) {
    auto answer = daemon_.Call("POST", path + "/" + action, body);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << Describe(answer);
    const std::uint64_t pass = answer->body["reconcile_pass"].asUInt64();
    ASSERT_GE(pass, 2U) << action << ": " << Describe(answer);
    auto started = std::chrono::steady_clock::now();
    while (PassesStarted(daemon_) < pass) {
      // The periodic pass is an hour away: any pass within a generous limit was woken.
      ASSERT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60))
          << action << ": pass " << pass << " did not start";
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

// --- row-level security ---

// govd connected as a database role bound to tenant A only (the usual one-account deployment):
// even an admin asking on tenant B's own path finds nothing of B, because PostgreSQL hides B's
// rows from that role, whatever the query says.
class GrantApiRlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GOVD_REQUIRE_PG(accounts::testing::ServerConninfo());
    const std::string owner = testing::DatabaseConninfo();
    const std::string role = "govd_grant_rls_" + std::to_string(getpid());
    {
      pqxx::connection connection(owner);
      pqxx::nontransaction tx(connection);
      tx.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
    }
    ASSERT_TRUE(accounts::AddTenantRole(owner, role, kTenantA));
    role_ = role;
    daemon_.Start("admin", owner + " user=" + role + " password=pw-" + role);
  }

  void TearDown() override {
    if (role_.empty()) return;
    pqxx::connection connection(testing::DatabaseConninfo());
    pqxx::nontransaction tx(connection);
    tx.exec("DROP OWNED BY " + role_);
    tx.exec("DROP ROLE " + role_);
  }

  std::string role_;
  testing::GrantDaemon daemon_;
};

TEST_F(GrantApiRlsTest, TenantBoundDatabaseRoleSeesNoOtherTenant) {
  accounts::Grant ours = daemon_.SeedGrant(kTenantA, "reports/");
  accounts::Grant theirs = daemon_.SeedGrant(kTenantB, "reports/");
  auto own = daemon_.Call("GET", GrantsOf(kTenantA) + "/" + std::to_string(ours.id));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << Describe(own);
  auto hidden = daemon_.Call("GET", GrantsOf(kTenantB) + "/" + std::to_string(theirs.id));
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404) << "RLS must hide tenant B's row: " << Describe(hidden);
  auto listed = daemon_.Call("GET", GrantsOf(kTenantB));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << Describe(listed);
  EXPECT_EQ(listed->body["grants"].size(), 0U) << Describe(listed);
  auto revoke = daemon_.Call("POST", GrantsOf(kTenantB) + "/" + std::to_string(theirs.id) + "/reject", R"({"reason":"x"})");
  ASSERT_TRUE(revoke);
  EXPECT_EQ(revoke->status, 404) << Describe(revoke);
  auto request = daemon_.Call("POST", GrantsOf(kTenantB), RequestBodyFor(kTenantB, "more/"));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->status, 404) << "tenant B's account is invisible: " << Describe(request);
  EXPECT_EQ(daemon_.OpenStore(kTenantB)->GetGrant(theirs.id)->state, GrantState::kRequested);
}

}  // namespace
}  // namespace govd::daemon

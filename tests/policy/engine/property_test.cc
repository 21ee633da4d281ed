// Properties of the evaluator over thousands of random policy sets and requests (seeded, so a
// failure reproduces): adding a Deny never yields an Allow, removing an Allow never yields an
// Allow, and the compiled (indexed) evaluator agrees with the reference scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

constexpr const char* kActions[] = {"\"s3:GetObject\"", "\"s3:Get*\"", "\"s3:*\"", "\"*\"", "\"S3:ListBucket\"",
                                    "\"sts:AssumeRole\"", "\"iam:*\"", "\"s3:Put?bject\"",
                                    "[\"s3:GetObject\",\"sts:AssumeRole\"]"};
constexpr const char* kResources[] = {"\"*\"", "\"arn:aws:s3:::b/*\"", "\"arn:aws:s3:::b/r/*\"", "\"arn:aws:s3:::b\"",
                                      "\"arn:aws:s3:::b/home/${aws:username}/*\"",
                                      "\"arn:aws:iam::222222222222:role/r\"", "[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"]"};
constexpr const char* kPrincipals[] = {
    "\"*\"", "{\"AWS\":\"111111111111\"}", "{\"AWS\":\"arn:aws:iam::111111111111:role/c\"}",
    "{\"AWS\":\"arn:aws:sts::222222222222:assumed-role/r/s\"}", "{\"AWS\":\"arn:aws:iam::222222222222:user/u\"}",
    "{\"AWS\":\"arn:aws:iam::222222222222:root\"}", "{\"AWS\":[\"arn:aws:iam::222222222222:role/r\",\"222222222222\"]}"};
constexpr const char* kConditions[] = {
    "\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-1\"}", "\"Bool\":{\"aws:SecureTransport\":\"true\"}",
    "\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}",
    "\"StringNotEqualsIfExists\":{\"aws:SourceVpce\":\"vpce-1\"}",
    "\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":\"o-1/*/ou-2/*\"}",
    "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}", "\"Null\":{\"aws:username\":\"true\"}",
    "\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":3600}",
    "\"DateLessThan\":{\"aws:CurrentTime\":\"2026-06-01T00:00:00Z\"}",
    "\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/r*\"}",
    "\"StringLike\":{\"s3:prefix\":\"${aws:username}/*\"}"};
constexpr const char* kRequesters[] = {"arn:aws:iam::111111111111:role/c", "arn:aws:sts::111111111111:assumed-role/c/x",
                                       "arn:aws:iam::222222222222:user/u", "arn:aws:iam::222222222222:role/r",
                                       "arn:aws:sts::222222222222:assumed-role/r/s", "anonymous"};
constexpr const char* kRequestActions[] = {"s3:GetObject", "s3:ListBucket", "s3:PutObject", "sts:AssumeRole",
                                           "iam:PassRole"};
constexpr const char* kRequestResources[] = {"arn:aws:s3:::b/r/x", "arn:aws:s3:::b", "arn:aws:s3:::b/home/u/x",
                                             "arn:aws:iam::222222222222:role/r"};

class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  template <typename T, std::size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(random_)];
  }
  bool Chance(int percent) { return std::uniform_int_distribution<int>(0, 99)(random_) < percent; }
  int Count(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::string StatementJson(PolicyKind kind, const char* effect) {
    std::string s = std::string("{\"Effect\":\"") + effect + "\"";
    if (kind == PolicyKind::kResource || kind == PolicyKind::kTrust) {
      s += std::string(Chance(15) ? ",\"NotPrincipal\":" : ",\"Principal\":") + Pick(kPrincipals);
    }
    s += std::string(Chance(15) ? ",\"NotAction\":" : ",\"Action\":") + Pick(kActions);
    if (kind != PolicyKind::kTrust) s += std::string(Chance(10) ? ",\"NotResource\":" : ",\"Resource\":") + Pick(kResources);
    if (Chance(50)) {
      const char* first = Pick(kConditions);
      const char* second = Pick(kConditions);
      s += std::string(",\"Condition\":{") + first;
      if (second != first) s += std::string(",") + second;  // an operator may appear once
      s += "}";
    }
    return s + "}";
  }

  Policy MakePolicy(PolicyKind kind) {
    std::string json = "{\"Version\":\"2012-10-17\",\"Statement\":[";
    int n = Count(1, 4);
    for (int i = 0; i < n; ++i) json += std::string(i > 0 ? "," : "") + StatementJson(kind, Chance(70) ? "Allow" : "Deny");
    auto policy = ParsePolicy(json + "]}", kind);
    if (!policy) ADD_FAILURE() << policy.error().ToString() << " in " << json;
    return policy ? std::move(policy).value() : Policy{};
  }

  NamedPolicy Named(PolicyKind kind, std::string name) { return {std::move(name), MakePolicy(kind)}; }

  PolicySet MakeSet(const std::string& action) {
    PolicySet set;
    bool trust = action.starts_with("sts:");
    for (int i = Count(0, 2); i > 0; --i) set.identity.push_back(Named(PolicyKind::kIdentity, "identity"));
    if (Chance(70)) set.resource = Named(trust ? PolicyKind::kTrust : PolicyKind::kResource, "resource");
    if (Chance(25)) set.boundary.push_back(Named(PolicyKind::kBoundary, "boundary"));
    if (Chance(20)) set.session = Named(PolicyKind::kSession, "session");
    if (Chance(30)) {
      for (int level = Count(1, 3); level > 0; --level) set.scps.push_back({Named(PolicyKind::kScp, "scp")});
    }
    return set;
  }

  AuthzRequest MakeRequest() {
    AuthzRequest request{Pick(kRequesters), Pick(kRequestActions), Pick(kRequestResources), "222222222222", {}};
    if (Chance(50)) request.context.Set("aws:PrincipalOrgID", Chance(70) ? "o-1" : "o-2");
    if (Chance(50)) request.context.Set("aws:SecureTransport", Chance(70) ? "true" : "false");
    if (Chance(50)) request.context.Set("aws:SourceIp", Chance(50) ? "10.1.2.3" : "2001:db8::1");
    if (Chance(30)) request.context.Set("aws:SourceVpce", "vpce-1");
    if (Chance(40)) request.context.SetMultivalued("aws:PrincipalOrgPaths", {"o-1/r-1/ou-2/"});
    if (Chance(40)) request.context.SetMultivalued("aws:TagKeys", Chance(50) ? std::vector<std::string>{"a"} : std::vector<std::string>{"a", "c"});
    if (Chance(40)) request.context.Set("aws:username", "u");
    if (Chance(40)) request.context.Set("aws:MultiFactorAuthAge", Chance(50) ? "300" : "7200");
    if (Chance(40)) request.context.Set("aws:CurrentTime", Chance(50) ? "2026-03-01T12:00:00Z" : "2027-01-01T00:00:00Z");
    if (Chance(40)) request.context.Set("aws:PrincipalArn", "arn:aws:iam::222222222222:role/r");
    if (Chance(40)) request.context.Set("s3:prefix", "u/x");
    return request;
  }

  // Every policy of a set, so that a statement can be added to or removed from any of them.
  static std::vector<Policy*> PoliciesOf(PolicySet& set) {
    std::vector<Policy*> out;
    for (auto& level : set.scps) {
      for (auto& p : level) out.push_back(&p.policy);
    }
    if (set.resource) out.push_back(&set.resource->policy);
    for (auto& p : set.identity) out.push_back(&p.policy);
    for (auto& p : set.boundary) out.push_back(&p.policy);
    if (set.session) out.push_back(&set.session->policy);
    return out;
  }

 private:
  std::mt19937 random_;
};

Decision Decide(const PolicySet& set, const AuthzRequest& request) {
  auto compiled = CompiledPolicySet(set).Evaluate(request);
  auto reference = EvaluateReference(set, request);
  EXPECT_TRUE(compiled && reference);
  if (!compiled || !reference) return Decision::kImplicitDeny;
  EXPECT_EQ(compiled->decision, *reference) << "compiled and reference evaluators disagree";
  return compiled->decision;
}

constexpr int kRounds = 3000;

TEST(EvaluatorProperty, AddingADenyNeverAllows) {
  Generator gen(20261124);
  int allows = 0;
  for (int round = 0; round < kRounds; ++round) {
    AuthzRequest request = gen.MakeRequest();
    PolicySet set = gen.MakeSet(request.action);
    Decision before = Decide(set, request);
    allows += before == Decision::kAllow ? 1 : 0;
    auto policies = Generator::PoliciesOf(set);
    if (policies.empty()) continue;
    Policy& target = *policies[static_cast<std::size_t>(gen.Count(0, static_cast<int>(policies.size()) - 1))];
    Policy deny = gen.MakePolicy(target.kind);
    for (auto& statement : deny.statements) statement.effect = Effect::kDeny;
    target.statements.push_back(deny.statements.front());
    Decision after = Decide(set, request);
    if (before != Decision::kAllow) {
      EXPECT_NE(after, Decision::kAllow) << "round " << round;
    }
    if (before == Decision::kExplicitDeny) {
      EXPECT_EQ(after, Decision::kExplicitDeny) << "round " << round;
    }
  }
  EXPECT_GT(allows, kRounds / 50) << "the generator should produce some Allows, or the property is vacuous";
}

TEST(EvaluatorProperty, RemovingAnAllowNeverAllows) {
  Generator gen(42);
  int changed = 0;
  for (int round = 0; round < kRounds; ++round) {
    AuthzRequest request = gen.MakeRequest();
    PolicySet set = gen.MakeSet(request.action);
    Decision before = Decide(set, request);
    for (Policy* policy : Generator::PoliciesOf(set)) {
      auto& statements = policy->statements;
      auto allow = std::find_if(statements.begin(), statements.end(),
                                [](const Statement& s) { return s.effect == Effect::kAllow; });
      if (allow == statements.end()) continue;
      statements.erase(allow);
      Decision after = Decide(set, request);
      if (before != Decision::kAllow) {
        EXPECT_NE(after, Decision::kAllow) << "round " << round;
      }
      changed += after != before ? 1 : 0;
      break;
    }
  }
  EXPECT_GT(changed, 0) << "removing Allows should change some decisions, or the property is vacuous";
}

// A resource-policy Deny whose NotPrincipal lists the requester and its account.
Statement ListingDeny(const AuthzRequest& request) {
  bool trust = request.action.starts_with("sts:");
  std::string account = request.principal.substr(13, 12);  // arn:aws:iam::ACCOUNT:... (or sts)
  std::string not_principal = "{\"AWS\":[\"" + request.principal + "\",\"" + account + "\"]}";
  std::string statement = "{\"Effect\":\"Deny\",\"NotPrincipal\":" + not_principal + ",\"Action\":\"*\"" +
                          (trust ? "" : ",\"Resource\":\"*\"") + "}";
  std::string json = "{\"Version\":\"2012-10-17\",\"Statement\":" + statement + "}";
  auto policy = ParsePolicy(json, trust ? PolicyKind::kTrust : PolicyKind::kResource);
  EXPECT_TRUE(policy) << json;
  return policy ? policy->statements.front() : Statement{};
}

void AddToResourcePolicy(PolicySet& set, const AuthzRequest& request, Statement statement) {
  if (!set.resource) {
    PolicyKind kind = request.action.starts_with("sts:") ? PolicyKind::kTrust : PolicyKind::kResource;
    set.resource = NamedPolicy{"resource", Policy{}};
    set.resource->policy.kind = kind;
  }
  set.resource->policy.statements.push_back(std::move(statement));
}

// "AWS JSON policy elements: NotPrincipal": a Deny with NotPrincipal exempts a listed principal
// (with its account) only when it has no permissions boundary; with one, it always denies.
TEST(EvaluatorProperty, NotPrincipalDenyExemptsNoPrincipalWithABoundary) {
  Generator gen(19);
  int exempted_allows = 0;
  for (int round = 0; round < kRounds; ++round) {
    AuthzRequest request = gen.MakeRequest();
    if (request.principal == kAnonymousPrincipal) continue;
    PolicySet set = gen.MakeSet(request.action);
    set.boundary.clear();
    Decision without = Decide(set, request);
    AddToResourcePolicy(set, request, ListingDeny(request));
    EXPECT_EQ(Decide(set, request), without)
        << "round " << round << ": without a boundary the listing exempts";
    exempted_allows += without == Decision::kAllow ? 1 : 0;
    set.boundary.push_back(gen.Named(PolicyKind::kBoundary, "boundary"));
    EXPECT_EQ(Decide(set, request), Decision::kExplicitDeny) << "round " << round << ": with a boundary";
  }
  EXPECT_GT(exempted_allows, 0) << "some listed principals should stay allowed without a boundary";
}

TEST(EvaluatorProperty, CompiledAgreesWithReferenceAcrossRequests) {
  Generator gen(7);
  int decisions[3] = {0, 0, 0};
  for (int round = 0; round < kRounds; ++round) {
    AuthzRequest first = gen.MakeRequest();
    CompiledPolicySet compiled(gen.MakeSet(first.action));
    for (int i = 0; i < 4; ++i) {
      AuthzRequest request = i == 0 ? first : gen.MakeRequest();
      auto evaluation = compiled.Evaluate(request);
      auto reference = EvaluateReference(compiled.policies(), request);
      ASSERT_TRUE(evaluation && reference);
      ASSERT_EQ(evaluation->decision, *reference) << "round " << round << ": " << evaluation->reason;
      ++decisions[static_cast<int>(*reference)];
    }
  }
  EXPECT_GT(decisions[static_cast<int>(Decision::kAllow)], 0);
  EXPECT_GT(decisions[static_cast<int>(Decision::kExplicitDeny)], 0);
  EXPECT_GT(decisions[static_cast<int>(Decision::kImplicitDeny)], 0);
}

// The decision path: a request prepared once and evaluated against several sets (with and without a
// boundary) into one Evaluation reused across every round gives what Evaluate(request) gives, the
// reason text included, and agrees with the reference scan.
TEST(EvaluatorProperty, PreparedRequestAgreesAcrossSetsWithOneReusedEvaluation) {
  Generator gen(11);
  Evaluation reused;
  int with_boundary = 0;
  for (int round = 0; round < kRounds; ++round) {
    AuthzRequest request = gen.MakeRequest();
    auto prepared = PrepareRequest(request);
    ASSERT_TRUE(prepared) << prepared.error().ToString();
    PolicySet bounded = gen.MakeSet(request.action);
    PolicySet unbounded = bounded;
    unbounded.boundary.clear();
    with_boundary += bounded.boundary.empty() ? 0 : 1;
    for (const PolicySet* set : {&bounded, &unbounded, &bounded}) {
      CompiledPolicySet compiled(*set);
      compiled.Evaluate(*prepared, reused);
      auto fresh = compiled.Evaluate(request);
      auto reference = EvaluateReference(compiled.policies(), request);
      ASSERT_TRUE(fresh && reference);
      ASSERT_EQ(reused.decision, *reference) << "round " << round << ": " << reused.DescribeRule();
      EXPECT_EQ(reused.decision, fresh->decision) << "round " << round;
      EXPECT_TRUE(reused.reason.empty()) << "round " << round << ": the decision path writes no text";
      EXPECT_EQ(reused.DescribeRule(), fresh->reason) << "round " << round;
      EXPECT_EQ(reused.deciding, fresh->deciding) << "round " << round;
      ASSERT_EQ(reused.matches.size(), fresh->matches.size()) << "round " << round;
      for (std::size_t i = 0; i < reused.matches.size(); ++i) {
        EXPECT_EQ(reused.matches[i].Label(), fresh->matches[i].Label()) << "round " << round;
        EXPECT_EQ(reused.matches[i].principal, fresh->matches[i].principal) << "round " << round;
      }
    }
  }
  EXPECT_GT(with_boundary, 0) << "some sets should have a boundary";
}

}  // namespace
}  // namespace govd::policy

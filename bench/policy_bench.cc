// Policy engine speed: decisions per second, time and allocations per decision for
//   (a) a 50-statement bucket policy with conditions (the request matches statement 37),
//   (b) a full cross-account request: 3 SCP levels, identity policies, a boundary, a bucket policy,
//       an RCP level;
// each from the request (Evaluate(AuthzRequest): prepare, then decide) and on the decision path
// alone (..Prepared: the request prepared once, one Evaluation reused);
// plus parsing and compiling the 50-statement policy, the reconciler's guardrail check of one
// read+list grant (3 SCP levels of 10 Deny statements each), and planning a reader role's trust
// policy (10 foreign statements). Run from a Release build.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/allocation_counter.h"
#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"
#include "policy/managed/guardrail_check.h"
#include "policy/managed/reader_trust.h"

namespace govd::policy {
namespace {

std::string Num(int i) { return std::to_string(i); }

std::string BucketStatement(int i) {
  std::string role = "arn:aws:iam::111111111111:role/reader-" + Num(i);
  return R"({"Sid":"govdGrant)" + Num(i) + R"(","Effect":"Allow","Principal":{"AWS":")" + role +
         R"("},"Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::la1-shared/prefix-)" + Num(i) +
         R"(/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-la1exmpl42"},"Bool":{"aws:SecureTransport":"true"},)"
         R"("IpAddress":{"aws:SourceIp":["10.20.0.0/16","2001:db8::/32"]}}})";
}

std::string BucketPolicy50() {
  std::string json = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 48; ++i) json += BucketStatement(i) + ",";
  json += R"({"Sid":"List","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::la1-shared","Condition":{"StringLike":{"s3:prefix":["prefix-*"]}}},)";
  json += R"({"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::la1-shared","arn:aws:s3:::la1-shared/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";
  return json;
}

Policy MustParse(const std::string& json, PolicyKind kind) {
  auto policy = ParsePolicy(json, kind);
  if (!policy) {
    std::cerr << policy.error().ToString() << "\n";
    std::abort();
  }
  return std::move(policy).value();
}

AuthzRequest CentralRequest() {
  AuthzRequest request{"arn:aws:sts::111111111111:assumed-role/reader-37/sync", "s3:GetObject",
                       "arn:aws:s3:::la1-shared/prefix-37/2025/q3.csv", "222222222222", {}};
  RequestContext& c = request.context;
  c.Set("aws:PrincipalArn", "arn:aws:iam::111111111111:role/reader-37");
  c.Set("aws:PrincipalAccount", "111111111111");
  c.Set("aws:PrincipalOrgID", "o-la1exmpl42");
  c.SetMultivalued("aws:PrincipalOrgPaths", {"o-la1exmpl42/r-la1r/ou-la1r-central1/"});
  c.Set("aws:SecureTransport", "true");
  c.Set("aws:SourceIp", "10.20.1.10");
  c.Set("aws:RequestedRegion", "eu-west-1");
  c.Set("aws:CurrentTime", "2026-03-01T12:00:00Z");
  c.Set("aws:ViaAWSService", "false");
  c.Set("aws:ResourceAccount", "222222222222");
  c.Set("aws:ResourceOrgID", "o-la1exmpl42");
  return request;
}

void Expect(const CompiledPolicySet& set, const AuthzRequest& request, Decision want) {
  auto evaluation = set.Evaluate(request);
  if (!evaluation || evaluation->decision != want) {
    std::cerr << "benchmark setup: unexpected decision\n";
    std::abort();
  }
}

void Count(benchmark::State& state, std::uint64_t allocations_before) {
  auto iterations = static_cast<double>(state.iterations());
  state.counters["decisions/s"] = benchmark::Counter(iterations, benchmark::Counter::kIsRate);
  state.counters["allocs/decision"] =
      static_cast<double>(bench::AllocationCount() - allocations_before) / iterations;
}

void RunDecisions(benchmark::State& state, const CompiledPolicySet& set, const AuthzRequest& request) {
  std::uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    auto evaluation = set.Evaluate(request);
    benchmark::DoNotOptimize(evaluation);
  }
  Count(state, before);
}

// The decision path: the request prepared once, one Evaluation reused.
void RunPreparedDecisions(benchmark::State& state, const CompiledPolicySet& set,
                          const AuthzRequest& request) {
  auto prepared = PrepareRequest(request);
  if (!prepared) std::abort();
  Evaluation evaluation;
  std::uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    set.Evaluate(*prepared, evaluation);
    benchmark::DoNotOptimize(evaluation);
  }
  Count(state, before);
}

void BM_BucketPolicy50Statements(benchmark::State& state) {
  PolicySet policies;
  policies.resource = NamedPolicy{"bucket", MustParse(BucketPolicy50(), PolicyKind::kResource)};
  AuthzRequest request = CentralRequest();
  request.resource_account = "111111111111";  // same account: the bucket policy decides alone
  CompiledPolicySet set(std::move(policies));
  Expect(set, request, Decision::kAllow);
  RunDecisions(state, set, request);
}
BENCHMARK(BM_BucketPolicy50Statements);

void BM_BucketPolicy50StatementsPrepared(benchmark::State& state) {
  PolicySet policies;
  policies.resource = NamedPolicy{"bucket", MustParse(BucketPolicy50(), PolicyKind::kResource)};
  AuthzRequest request = CentralRequest();
  request.resource_account = "111111111111";
  CompiledPolicySet set(std::move(policies));
  Expect(set, request, Decision::kAllow);
  RunPreparedDecisions(state, set, request);
}
BENCHMARK(BM_BucketPolicy50StatementsPrepared);

PolicySet FullCrossAccountSet() {
  PolicySet p;
  const std::string full = R"({"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]})";
  p.scps.push_back({{"root", MustParse(full, PolicyKind::kScp)}});
  p.scps.push_back({{"ou-central", MustParse(full, PolicyKind::kScp)},
                    {"ou-guardrails", MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"DenyOutsideEu","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*"],"Resource":"*",
       "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}},
      {"Sid":"ProtectBucketPolicies","Effect":"Deny","Action":["s3:PutBucketPolicy","s3:DeleteBucketPolicy"],"Resource":"*",
       "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/governance-admin"}}},
      {"Sid":"DataPerimeter","Effect":"Deny","Action":"s3:*","Resource":"*",
       "Condition":{"StringNotEqualsIfExists":{"aws:ResourceOrgID":"o-la1exmpl42"}}}]})", PolicyKind::kScp)}});
  p.scps.push_back({{"account", MustParse(full, PolicyKind::kScp)}});
  p.identity.push_back({"central-reader-inline", MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"ReadShared","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:ListBucket"],
       "Resource":["arn:aws:s3:::la1-shared","arn:aws:s3:::la1-shared/*"]},
      {"Sid":"AssumeChildren","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/la1-*"},
      {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
      {"Sid":"NoWrites","Effect":"Deny","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"*"}]})", PolicyKind::kIdentity)});
  p.identity.push_back({"managed-readonly", MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:Get*","s3:List*","dynamodb:Get*","dynamodb:Query"],"Resource":"*"}]})", PolicyKind::kIdentity)});
  p.boundary.push_back({"boundary", MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:Get*","s3:List*","sts:AssumeRole","logs:*"],"Resource":"*"},
      {"Effect":"Deny","Action":"iam:*","Resource":"*"}]})", PolicyKind::kBoundary)});
  p.rcps.push_back({});
  p.rcps.push_back({{"rcp-perimeter", MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
       "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-la1exmpl42"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]})", PolicyKind::kRcp)}});
  p.resource = NamedPolicy{"bucket", MustParse(BucketPolicy50(), PolicyKind::kResource)};
  return p;
}

void BM_FullCrossAccountRequest(benchmark::State& state) {
  CompiledPolicySet set(FullCrossAccountSet());
  AuthzRequest request = CentralRequest();
  Expect(set, request, Decision::kAllow);
  RunDecisions(state, set, request);
}
BENCHMARK(BM_FullCrossAccountRequest);

void BM_FullCrossAccountPrepared(benchmark::State& state) {
  CompiledPolicySet set(FullCrossAccountSet());
  AuthzRequest request = CentralRequest();
  Expect(set, request, Decision::kAllow);
  RunPreparedDecisions(state, set, request);
}
BENCHMARK(BM_FullCrossAccountPrepared);

void BM_FullCrossAccountReference(benchmark::State& state) {
  PolicySet set = FullCrossAccountSet();
  AuthzRequest request = CentralRequest();
  std::uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    auto decision = EvaluateReference(set, request);
    benchmark::DoNotOptimize(decision);
  }
  Count(state, before);
}
BENCHMARK(BM_FullCrossAccountReference);

void BM_ParseBucketPolicy50(benchmark::State& state) {
  std::string json = BucketPolicy50();
  for (auto _ : state) {
    auto policy = ParsePolicy(json, PolicyKind::kResource);
    benchmark::DoNotOptimize(policy);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ParseBucketPolicy50);

// Root -> ou-central -> account 111111111111; each level FullAWSAccess and 10 Deny statements
// on other prefixes (none refuses the grant, so every statement is looked at).
OrgSnapshot GuardrailOrg() {
  auto level = [](const std::string& name) {
    std::string json = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"})";
    for (int i = 0; i < 10; ++i) {
      json += R"(,{"Sid":"Deny)" + Num(i) + R"(","Effect":"Deny","Action":["s3:GetObject","s3:ListBucket"],)"
              R"("Resource":"arn:aws:s3:::*/)" + name + "-" + Num(i) + R"(/*",)"
              R"("Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-other"}}})";
    }
    return std::vector<NamedPolicy>{{name, MustParse(json + "]}", PolicyKind::kScp)}};
  };
  OrgSnapshot org;
  org.org_id = "o-la1exmpl42";
  org.units = {{"r-root", "Root", "", level("root")}, {"ou-central", "Central", "r-root", level("ou")}};
  org.accounts = {{"111111111111", "central", "ou-central", level("account")}};
  return org;
}

void BM_GuardrailCheckOfOneGrant(benchmark::State& state) {
  OrgSnapshot org = GuardrailOrg();
  BucketShare share{"la1-shared", "shared/reports/", "arn:aws:iam::111111111111:role/govd-central-reader", true};
  for (auto _ : state) {
    auto denial = GuardrailDenial(org, share, "222222222222");
    if (!denial || denial->has_value()) std::abort();
    benchmark::DoNotOptimize(denial);
  }
}
BENCHMARK(BM_GuardrailCheckOfOneGrant);

void BM_PlanReaderTrust10Foreign(benchmark::State& state) {
  Json::Value actual(Json::objectValue);
  actual["Version"] = "2012-10-17";
  for (int i = 0; i < 10; ++i) {
    Json::Value statement(Json::objectValue);
    statement["Sid"] = "Foreign" + Num(i);
    statement["Effect"] = "Allow";
    statement["Principal"]["AWS"] = "arn:aws:iam::222222222222:role/admin-" + Num(i);
    statement["Action"] = "sts:AssumeRole";
    actual["Statement"].append(statement);
  }
  auto granted = PlanReaderTrust(actual, true, "arn:aws:iam::111111111111:role/govd-central", "leeds-7");
  if (!granted) std::abort();
  for (auto _ : state) {
    auto plan = PlanReaderTrust(granted->document, true, "arn:aws:iam::111111111111:role/govd-central", "leeds-7");
    if (!plan || plan->change) std::abort();  // in sync: the steady state of every pass
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_PlanReaderTrust10Foreign);

}  // namespace
}  // namespace govd::policy

// Who-can-access over a large synthetic organisation: 1,000 accounts in 10 OUs, 5,000 roles,
// 2,000 buckets. Each account has five roles (a govd role, staff, an auditor with s3:Get* on every
// bucket, a role assumable by the central analyst, and an app role) and two buckets whose
// policies grant the central reader a prefix. Target: a query well under 50 ms.
#include <benchmark/benchmark.h>

#include <string>

#include "policy/analysis/access_analysis.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

constexpr int kAccounts = 1000;
constexpr int kUnits = 10;

std::string AccountId(int i) {
  return std::to_string(200000000000LL + i);
}

NamedPolicy Parse(std::string name, const std::string& json, PolicyKind kind) {
  auto policy = ParsePolicy(json, kind);
  if (!policy) std::abort();
  return {std::move(name), std::move(policy).value()};
}

std::string Doc(const std::string& statements) { return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}"; }

std::string Allow(const std::string& action, const std::string& resource) {
  return R"({"Effect":"Allow","Action":")" + action + R"(","Resource":")" + resource + R"("})";
}

void AddUnits(OrgSnapshot& org) {
  const std::string full = Doc(Allow("*", "*"));
  org.units.push_back({"r-root", "Root", "", {Parse("FullAWSAccess", full, PolicyKind::kScp)}});
  const std::string guardrail = Doc(
      R"({"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/govd-*"}}})");
  for (int u = 0; u < kUnits; ++u) {
    org.units.push_back({"ou-" + std::to_string(u), "Unit" + std::to_string(u), "r-root",
                         {Parse("FullAWSAccess", full, PolicyKind::kScp), Parse("Guardrail", guardrail, PolicyKind::kScp)}});
  }
}

void AddAccount(OrgSnapshot& org, int i, const std::string& central) {
  const std::string id = AccountId(i);
  const std::string role = "arn:aws:iam::" + id + ":role/";
  org.accounts.push_back({id, "account" + std::to_string(i), "ou-" + std::to_string(i % kUnits),
                          {Parse("FullAWSAccess", Doc(Allow("*", "*")), PolicyKind::kScp)}});
  for (int b = 0; b < 2; ++b) {
    std::string bucket = "bucket-" + id + "-" + std::to_string(b);
    std::string grant = R"({"Sid":"GovdManagedRead","Effect":"Allow","Principal":{"AWS":")" + central +
                        R"(:role/govd-central-reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + bucket +
                        R"(/shared/*"})";
    org.buckets.push_back({bucket, id, Parse(bucket + " policy", Doc(grant), PolicyKind::kResource)});
  }
  std::string own = "arn:aws:s3:::bucket-" + id + "-*";
  org.roles.push_back({role + "govd-daemon", {Parse("govd", Doc(Allow("s3:*", own)), PolicyKind::kIdentity)}, {}, {}});
  org.roles.push_back({role + "staff", {Parse("staff", Doc(Allow("s3:GetObject", own + "/*")), PolicyKind::kIdentity)}, {}, {}});
  org.roles.push_back({role + "auditor", {Parse("auditor", Doc(Allow("s3:Get*", "*")), PolicyKind::kIdentity)}, {}, {}});
  std::string trust = Doc(R"({"Effect":"Allow","Principal":{"AWS":")" + central +
                          R"(:role/analyst"},"Action":"sts:AssumeRole"})");
  org.roles.push_back({role + "analysis", {Parse("analysis", Doc(Allow("s3:GetObject", own + "/*")), PolicyKind::kIdentity)},
                       {}, Parse("analysis trust", trust, PolicyKind::kTrust)});
  org.roles.push_back({role + "app", {Parse("app", Doc(Allow("dynamodb:*", "*")), PolicyKind::kIdentity)}, {}, {}});
}

OrgSnapshot LargeOrg() {
  OrgSnapshot org;
  org.org_id = "o-bench00000";
  AddUnits(org);
  const std::string central = "arn:aws:iam::" + AccountId(0);
  for (int i = 0; i < kAccounts; ++i) AddAccount(org, i, central);
  return org;
}

void BM_WhoCanAccess(benchmark::State& state) {
  auto analyzer = AccessAnalyzer::Build(LargeOrg());
  if (!analyzer) {
    state.SkipWithError(analyzer.error().ToString().c_str());
    return;
  }
  int i = 0;
  std::size_t principals = 0;
  for (auto _ : state) {
    std::string bucket = "bucket-" + AccountId(1 + (i++ % (kAccounts - 1))) + "-0";
    auto paths = analyzer->WhoCanAccess({bucket, "shared/", "s3:GetObject"});
    if (!paths) {
      state.SkipWithError(paths.error().ToString().c_str());
      return;
    }
    principals = paths->size();
    benchmark::DoNotOptimize(paths);
  }
  state.counters["principals"] = static_cast<double>(principals);
}
BENCHMARK(BM_WhoCanAccess)->Unit(benchmark::kMillisecond);

void BM_WhatCanAccess(benchmark::State& state) {
  auto analyzer = AccessAnalyzer::Build(LargeOrg());
  if (!analyzer) {
    state.SkipWithError(analyzer.error().ToString().c_str());
    return;
  }
  int i = 0;
  std::size_t reached = 0;
  for (auto _ : state) {
    std::string auditor = "arn:aws:iam::" + AccountId(1 + (i++ % (kAccounts - 1))) + ":role/auditor";
    auto found = analyzer->WhatCanAccess(auditor, "s3:GetObject");
    if (!found) {
      state.SkipWithError(found.error().ToString().c_str());
      return;
    }
    reached = found->size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["prefixes"] = static_cast<double>(reached);
}
BENCHMARK(BM_WhatCanAccess)->Unit(benchmark::kMillisecond);

void BM_BuildAnalyzer(benchmark::State& state) {
  OrgSnapshot org = LargeOrg();
  for (auto _ : state) {
    auto analyzer = AccessAnalyzer::Build(org);
    benchmark::DoNotOptimize(analyzer);
  }
}
BENCHMARK(BM_BuildAnalyzer)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace govd::policy

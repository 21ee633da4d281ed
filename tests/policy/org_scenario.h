// tests/policy/org_scenario.h
// Test helper: the scenario organisation of the access-analysis and findings tests.
//   Root (FullAWSAccess)
//   +- Central (FullAWSAccess): 111111111111 central
//   +- LocalAuthorities (FullAWSAccess + guardrail: only govd-* roles may change bucket policies)
//        222222222222 la-north, 333333333333 la-south, 444444444444 la-east
// la-north-shared's bucket policy has govd's statement for the central reader on reports/ and a
// hand-added statement for an outside consultant (999999999999); la-north's vendor-access role
// trusts the outside account 999999999999 without an ExternalId.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "policy/engine/org_snapshot.h"
#include "policy/engine/parser.h"

namespace govd::policy::testing {

inline NamedPolicy Named(std::string name, std::string_view json, PolicyKind kind) {
  auto policy = ParsePolicy(json, kind);
  EXPECT_TRUE(policy.has_value()) << name << ": " << (policy ? "" : policy.error().ToString());
  return {std::move(name), policy ? *policy : Policy{}};
}

inline constexpr std::string_view kFullAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
inline constexpr std::string_view kGuardrail = R"({"Version":"2012-10-17","Statement":[{
  "Sid":"OnlyGovdWritesBucketPolicies","Effect":"Deny",
  "Action":["s3:PutBucketPolicy","s3:DeleteBucketPolicy"],"Resource":"*",
  "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/govd-*"}}}]})";

inline NamedPolicy Scp(std::string name) { return Named(std::move(name), kFullAccess, PolicyKind::kScp); }

inline NamedPolicy Identity(std::string name, std::string_view json) {
  return Named(std::move(name), json, PolicyKind::kIdentity);
}
inline NamedPolicy Trust(std::string name, std::string_view json) {
  return Named(std::move(name), json, PolicyKind::kTrust);
}

inline OrgSnapshot ScenarioUnitsAndAccounts() {
  OrgSnapshot org;
  org.org_id = "o-govd12345";
  org.units = {{"r-root", "Root", "", {Scp("FullAWSAccess@root")}},
               {"ou-central", "Central", "r-root", {Scp("FullAWSAccess@central")}},
               {"ou-la", "LocalAuthorities", "r-root",
                {Scp("FullAWSAccess@la"), Named("LaGuardrail", kGuardrail, PolicyKind::kScp)}}};
  org.accounts = {{"111111111111", "central", "ou-central", {Scp("FullAWSAccess@111111111111")}},
                  {"222222222222", "la-north", "ou-la", {Scp("FullAWSAccess@222222222222")}},
                  {"333333333333", "la-south", "ou-la", {Scp("FullAWSAccess@333333333333")}},
                  {"444444444444", "la-east", "ou-la", {Scp("FullAWSAccess@444444444444")}}};
  return org;
}

inline void AddScenarioRoles(OrgSnapshot& org) {
  org.roles.push_back({"arn:aws:iam::111111111111:role/govd-central-reader",
                       {Identity("central-reader-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"ReadShares","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],
                           "Resource":["arn:aws:s3:::la-*-shared","arn:aws:s3:::la-*-shared/*"]}]})")},
                       {},
                       Trust("central-reader-trust", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"Analysts","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/analyst"},
                           "Action":"sts:AssumeRole"}]})")});
  org.roles.push_back({"arn:aws:iam::111111111111:role/analyst",
                       {Identity("analyst-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"AssumeReader","Effect":"Allow","Action":"sts:AssumeRole",
                           "Resource":"arn:aws:iam::111111111111:role/govd-central-reader"}]})")},
                       {},
                       std::nullopt});
  org.roles.push_back({"arn:aws:iam::222222222222:role/govd-daemon",
                       {Identity("la-north-govd-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"ManageShare","Effect":"Allow","Action":"s3:*",
                           "Resource":["arn:aws:s3:::la-north-shared","arn:aws:s3:::la-north-shared/*"]}]})")},
                       {},
                       std::nullopt});
  org.roles.push_back({"arn:aws:iam::222222222222:role/la-north-staff",
                       {Identity("la-north-staff-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::la-north-shared/*"},
                          {"Sid":"EditPolicy","Effect":"Allow","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::la-north-shared"}]})")},
                       {},
                       std::nullopt});
  org.roles.push_back({"arn:aws:iam::222222222222:role/vendor-access",
                       {Identity("vendor-access-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"Exports","Effect":"Allow","Action":"s3:GetObject",
                           "Resource":"arn:aws:s3:::la-north-shared/exports/*"}]})")},
                       {},
                       Trust("vendor-access-trust", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]})")});
  org.roles.push_back({"arn:aws:iam::333333333333:role/la-south-staff",
                       {Identity("la-south-staff-identity", R"({"Version":"2012-10-17","Statement":[
                          {"Sid":"ReadAnything","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})")},
                       {},
                       std::nullopt});
}

inline void AddScenarioBuckets(OrgSnapshot& org) {
  org.buckets.push_back({"la-north-shared", "222222222222",
                         Named("la-north-shared bucket policy", R"({"Version":"2012-10-17","Statement":[
                            {"Sid":"GovdManagedRead111111111111","Effect":"Allow",
                             "Principal":{"AWS":"arn:aws:iam::111111111111:role/govd-central-reader"},
                             "Action":"s3:GetObject","Resource":"arn:aws:s3:::la-north-shared/reports/*"},
                            {"Sid":"Consultant","Effect":"Allow",
                             "Principal":{"AWS":"arn:aws:iam::999999999999:user/consultant"},
                             "Action":"s3:GetObject","Resource":"arn:aws:s3:::la-north-shared/*"}]})",
                               PolicyKind::kResource)});
  org.buckets.push_back({"la-south-shared", "333333333333",
                         Named("la-south-shared bucket policy", R"({"Version":"2012-10-17","Statement":[
                            {"Sid":"GovdManagedRead111111111111","Effect":"Allow",
                             "Principal":{"AWS":"arn:aws:iam::111111111111:role/govd-central-reader"},
                             "Action":"s3:GetObject","Resource":"arn:aws:s3:::la-south-shared/*"}]})",
                               PolicyKind::kResource)});
  org.buckets.push_back({"central-archive", "111111111111", std::nullopt});
}

inline OrgSnapshot ScenarioOrg() {
  OrgSnapshot org = ScenarioUnitsAndAccounts();
  AddScenarioRoles(org);
  AddScenarioBuckets(org);
  return org;
}

}  // namespace govd::policy::testing

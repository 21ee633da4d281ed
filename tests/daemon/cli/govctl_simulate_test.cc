// govctl simulate, driven through RunSimulateCommand with the files in tests/daemon/data/simulate.
#include "daemon/cli/govctl_simulate.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace govd::daemon {
namespace {

const std::string kData = GOVD_SIMULATE_DATA_DIR;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Simulate(std::vector<std::string> args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  int code = RunSimulateCommand(CommandArgs(argv.data(), argv.size()), out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(GovctlSimulateCases, OneLinePerCaseInOrderAndErrorsDoNotStopTheRun) {
  Outcome run = Simulate({"--cases", kData + "/cases.jsonl"});
  EXPECT_EQ(run.code, kExitOk) << run.err;
  auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 5U) << run.out;
  EXPECT_EQ(lines[0], R"({"id":"allow-same-account","decision":"Allow"})");
  EXPECT_EQ(lines[1].rfind(R"({"id":"malformed-policy","line":3,"decision":"Error","error":")", 0), 0U) << lines[1];
  EXPECT_NE(lines[1].find("/identityPolicies/0/Statement/0/Effect"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind(R"({"line":4,"decision":"Error","error":")", 0), 0U) << lines[2];
  EXPECT_EQ(lines[3], R"({"id":"deny-cross-account","decision":"ExplicitDeny"})");
  EXPECT_EQ(lines[4], R"({"id":"implicit-cross-account","decision":"ImplicitDeny"})");
}

TEST(GovctlSimulateCases, ExplainNamesTheDecidingStatement) {
  Outcome run = Simulate({"--cases", kData + "/cases.jsonl", "--explain"});
  auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 5U);
  EXPECT_NE(lines[3].find(R"("explanation":{"reason":"explicitly denied by resourcePolicy statement TlsOnly")"),
            std::string::npos)
      << lines[3];
  EXPECT_NE(lines[3].find(R"({"policy":"resourcePolicy","source":"resource","statement":1,"sid":"TlsOnly","effect":"Deny","deciding":true})"),
            std::string::npos)
      << lines[3];
  EXPECT_NE(lines[0].find(R"("sid":"Read","effect":"Allow","deciding":true)"), std::string::npos) << lines[0];
}

TEST(GovctlSimulateCases, UnreadableFileIsAUsageError) {
  Outcome run = Simulate({"--cases", kData + "/no-such-file.jsonl"});
  EXPECT_EQ(run.code, kExitUsage);
  EXPECT_NE(run.err.find("cannot read"), std::string::npos);
}

std::vector<std::string> Question(std::vector<std::string> extra, const std::string& region = "eu-west-1") {
  std::vector<std::string> args = {"--principal", "arn:aws:iam::111111111111:role/central-reader",
                                   "--action", "s3:GetObject",
                                   "--resource", "arn:aws:s3:::la1-shared/reports/q3.csv",
                                   "--resource-account", "222222222222",
                                   "--identity-policy", kData + "/identity.json",
                                   "--resource-policy", kData + "/bucket.json",
                                   "--scp-level", kData + "/scp-root.json",
                                   "--scp-level", kData + "/scp-root.json," + kData + "/scp-ou.json",
                                   "--context", "aws:RequestedRegion=" + region};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(GovctlSimulateQuestion, CrossAccountAllowIsExplainedForPeople) {
  Outcome run = Simulate(Question({"--context", "aws:PrincipalOrgID=o-la1"}));
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_NE(run.out.find("decision: Allow\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  * Allow resource: " + kData + "/bucket.json statement CentralReads"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("  * Allow scp level 1: " + kData + "/scp-root.json statement FullAWSAccess"),
            std::string::npos)
      << run.out;
}

TEST(GovctlSimulateQuestion, JsonAndDenyExitCode) {
  Outcome run = Simulate(Question({"--json"}));  // no aws:PrincipalOrgID: the bucket grant does not apply
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_EQ(run.out.rfind(R"({"decision":"ImplicitDeny","explanation":{"reason":"cross-account: no statement)", 0), 0U)
      << run.out;
}

TEST(GovctlSimulateQuestion, ScpLevelDenyOutsideRegion) {
  Outcome run = Simulate(Question({"--context", "aws:PrincipalOrgID=o-la1"}, "us-east-1"));
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_NE(run.out.find("decision: ExplicitDeny"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("scp-ou.json statement DenyOutsideEu"), std::string::npos) << run.out;
}

TEST(GovctlSimulateQuestion, RepeatedContextKeyIsMultivalued) {
  // [eu-west-1, us-east-1] under an unqualified StringNotEquals: a value equals eu-west-1, so the
  // OU's Deny does not apply (negated operators need every value to differ).
  Outcome run = Simulate(Question({"--context", "aws:PrincipalOrgID=o-la1", "--context", "aws:RequestedRegion=us-east-1"}));
  EXPECT_EQ(run.code, kExitOk) << run.out;
  auto list = Simulate(Question({"--context", "aws:PrincipalOrgID=o-la1", "--context-list", "aws:RequestedRegion=us-east-1"}));
  EXPECT_EQ(list.code, kExitOk) << list.out;
}

TEST(GovctlSimulateQuestion, BadFlagsAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--principal", "arn:aws:iam::111111111111:role/r"}, "give --cases FILE, or --principal, --action and --resource"},
      {{"--frobnicate", "x"}, "unknown flag \"--frobnicate\""},
      {{"--cases"}, "--cases needs a value"},
      {{"--cases", "a", "--principal", "p"}, "cannot be combined"},
      {Question({"--context", "novalue"}), "--context needs KEY=VALUE"},
      {Question({"--resource-policy", "x.json"}), "--resource-policy may be given only once"},
      {{"stray"}, "unexpected argument \"stray\""},
  };
  for (const Case& c : cases) {
    Outcome run = Simulate(c.args);
    EXPECT_EQ(run.code, kExitUsage) << c.message;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
  }
}

TEST(GovctlSimulateQuestion, InvalidPolicyFileNamesFileAndPointer) {
  auto args = Question({});
  args[11] = kData + "/bad-bucket.json";
  Outcome run = Simulate(args);
  EXPECT_EQ(run.code, kExitUsage);
  EXPECT_NE(run.err.find("bad-bucket.json"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("/Statement/0/Condition/IpAddress/aws:SourceIp"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("not an IPv4 or IPv6 address"), std::string::npos) << run.err;
}

TEST(GovctlSimulateQuestion, MalformedRequestIsAUsageError) {
  Outcome run = Simulate({"--principal", "bob", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                      "--resource-account", "222222222222"});
  EXPECT_EQ(run.code, kExitUsage);
  EXPECT_NE(run.err.find("request principal"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace govd::daemon

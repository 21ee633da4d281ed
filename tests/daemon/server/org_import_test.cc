// Organisation provisioning on the real PostgreSQL: the organisation file (daemon/server/org_file.h),
// roles included, is imported idempotently, a bad element is refused by JSON pointer with nothing written, and the
// `govd org import` command and `govctl org show` (GET /v1/org) work as processes.
#include "daemon/server/org_import.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "base/iso8601.h"
#include "daemon/api/json_body.h"
#include "daemon/server/api_dispatcher.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using accounts::testing::FakeClock;
using accounts::testing::TestDb;
using std::chrono::milliseconds;

constexpr const char* kTenant = "222222222222";

std::string ExampleDir() { return std::string(GOVD_SOURCE_DIR) + "/docs/examples"; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::string> ReadExampleDocument(const std::string& path) {
  std::string text = ReadText(ExampleDir() + "/" + path);
  if (text.empty()) return InvalidArgument("cannot read " + path);
  return text;
}

class OrgImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<TestDb>(server_);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kTenant, clock_);
  }

  Result<OrgImportPlan> Plan(const std::string& text) {
    GOVD_ASSIGN_OR_RETURN(OrgSpec spec, ParseOrgFile(text, ReadExampleDocument));
    GOVD_ASSIGN_OR_RETURN(accounts::Organisation stored, store_->ReadOrganisation());
    return PlanOrgImport(spec, stored);
  }

  // Plans and applies `text`; the number of elements created.
  Result<int> Import(const std::string& text) {
    GOVD_ASSIGN_OR_RETURN(OrgImportPlan plan, Plan(text));
    GOVD_TRY(ApplyOrgImport(*store_, plan, [](const std::string&) {}));
    return plan.creations();
  }

  std::int64_t Rows() const {
    return db_->Count("SELECT (SELECT count(*) FROM govd.ous) + (SELECT count(*) FROM govd.accounts) + "
                      "(SELECT count(*) FROM govd.guardrails) + (SELECT count(*) FROM govd.roles) + "
                      "(SELECT count(*) FROM govd.buckets) + "
                      "(SELECT count(*) FROM govd.prefixes) + (SELECT count(*) FROM govd.audit_log)");
  }

  std::string Example() const { return ReadText(ExampleDir() + "/org.json"); }

  // The example with `from` replaced by `to` (which must occur).
  std::string ExampleWith(const std::string& from, const std::string& to) const {
    std::string text = Example();
    std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<TestDb> db_;
  std::unique_ptr<accounts::Store> store_;
};

TEST_F(OrgImportTest, ExampleImportsOnceAndTheSecondRunChangesNothing) {
  auto created = Import(Example());
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(*created, 10);  // root, 2 OUs, 2 accounts, 2 guardrails, 1 bucket, 2 prefixes
  auto org = store_->ReadOrganisation();
  ASSERT_TRUE(org);
  EXPECT_EQ(org->ous.size(), 3U);
  EXPECT_EQ(org->ous.front().id, "r-root") << "the root comes first";
  ASSERT_EQ(org->prefixes.size(), 2U);
  EXPECT_EQ(org->prefixes[0].prefix, "shared/budget-2027/");
  ASSERT_TRUE(org->prefixes[0].embargo_until.has_value());
  EXPECT_EQ(govd::FormatIso8601(*org->prefixes[0].embargo_until), "2027-04-01T00:00:00Z");
  EXPECT_FALSE(org->prefixes[1].embargo_until.has_value());
  ASSERT_EQ(org->guardrails.size(), 2U);
  EXPECT_EQ(org->guardrails[0].spec.target_id, "r-root") << "a root guardrail's target defaults to the root";

  std::int64_t rows = Rows();
  auto again = Plan(Example());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->creations(), 0);
  EXPECT_EQ(again->unchanged, 10);
  ASSERT_TRUE(Import(Example()));
  EXPECT_EQ(Rows(), rows) << "a second import wrote something";
}

TEST_F(OrgImportTest, WhatOrgShowWritesImportsBackAsNoChange) {
  ASSERT_TRUE(Import(Example()));
  auto org = store_->ReadOrganisation();
  ASSERT_TRUE(org);
  auto plan = Plan(WriteJson(OrganisationJson(*org)));
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->creations(), 0);
  EXPECT_EQ(plan->unchanged, 10);
}

TEST_F(OrgImportTest, OusMayBeListedBeforeTheirParents) {
  std::string text = R"({"root":{"id":"r","name":"Root"},
    "ous":[{"id":"ou-c","parent":"ou-b","name":"C"},{"id":"ou-b","parent":"r","name":"B"}]})";
  auto plan = Plan(text);
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(plan->ous.size(), 2U);
  EXPECT_EQ(plan->ous[0].id, "ou-b");
  ASSERT_TRUE(Import(text));
}

struct BadFile {
  const char* name;
  std::string from;
  std::string to;
  std::string where;
};

TEST_F(OrgImportTest, BadElementsAreRefusedByJsonPointerWithNothingWritten) {
  const BadFile cases[] = {
      {"unknown parent", R"("parent": "r-root", "name": "Local)", R"("parent": "ou-nowhere", "name": "Local)",
       "/ous/1/parent"},
      {"unknown OU of an account", R"("ou": "ou-las")", R"("ou": "ou-gone")", "/accounts/1/ou"},
      {"bad account id", R"("id": "222222222222")", R"("id": "2222")", "/accounts/1/id"},
      {"guardrail SCP invalid", R"("Effect": "Deny")", R"("Effect": "Maybe")",
       "/guardrails/1/document/Statement/0/Effect"},
      {"bucket owned by the central account", R"("owner": "222222222222")", R"("owner": "111111111111")",
       "/buckets/0/owner"},
      {"prefix of an unknown bucket", R"("bucket": "la1-shared", "prefix": "shared/reports/")",
       R"("bucket": "la1-other", "prefix": "shared/reports/")", "/prefixes/0/bucket"},
      {"bad embargo", "2027-04-01T00:00:00Z", "next spring", "/prefixes/1/embargo_until"},
      {"unknown member", R"("kind": "central")", R"("kind": "central", "colour": "red")", "/accounts/0/colour"},
      {"duplicate bucket", R"({"name": "la1-shared", "owner": "222222222222"})",
       R"({"name": "la1-shared", "owner": "222222222222"}, {"name": "la1-shared", "owner": "222222222222"})",
       "/buckets/1"},
  };
  std::int64_t rows = Rows();
  for (const BadFile& bad : cases) {
    auto created = Import(ExampleWith(bad.from, bad.to));
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().where(), bad.where) << bad.name << ": " << created.error().ToString();
    EXPECT_EQ(Rows(), rows) << bad.name << ": something was written";
  }
}

// Issue 16: names holding NUL, BEL or a right-to-left override were stored and echoed raw.
TEST_F(OrgImportTest, NamesWithControlOrBidiCharactersAreRefusedByJsonPointer) {
  const BadFile cases[] = {
      {"NUL in an account name", R"("name": "la1")", R"("name": "la\u00001")", "/accounts/1/name"},
      {"BEL in an OU name", R"("name": "Central")", R"("name": "Central\u0007")", "/ous/0/name"},
      {"right-to-left override in the root's name", R"("name": "Organisation")",
       R"("name": "\u202enoitasinagrO")", "/root/name"},
      {"escape sequence in a guardrail name", R"("name": "deny-public-bucket-policies")",
       R"("name": "deny\u001b[2J")", "/guardrails/1/name"},
      {"newline in an account name", R"("name": "central")", R"("name": "central\nforged line")",
       "/accounts/0/name"},
  };
  std::int64_t rows = Rows();
  for (const BadFile& bad : cases) {
    auto created = Import(ExampleWith(bad.from, bad.to));
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().where(), bad.where) << bad.name << ": " << created.error().ToString();
    EXPECT_NE(created.error().message().find("are not allowed"), std::string::npos)
        << created.error().ToString();
    EXPECT_EQ(Rows(), rows) << bad.name << ": something was written";
  }
  EXPECT_TRUE(Import(ExampleWith(R"("name": "la1")", R"("name": "Zürich \u6771\u4eac")")))
      << "letters are fine";
}

// Issue 16: "document_file": "/dev/zero" ended in bad_alloc, a FIFO hung the import. Only regular
// files are read, each up to a limit, and the error says so.
TEST_F(OrgImportTest, DocumentFileThatIsNotARegularFileIsRefusedAtOnce) {
  std::string govd = std::getenv("GOVD_BINARY");
  testing::TempDir dir;
  const std::string fifo = dir.File("policy.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string guardrail = "guardrails/deny-leave-organisation.json";
  for (const auto& [document, says] : std::vector<std::pair<std::string, std::string>>{
           {"/dev/zero", "not a regular file (it is a character device)"},
           {fifo, "not a regular file (it is a FIFO)"},
           {dir.path(), "not a regular file (it is a directory)"}}) {
    std::string text = Example();
    text.replace(text.find(guardrail), guardrail.size(), document);
    testing::WriteFile(dir.File("org.json"), text);
    auto started = std::chrono::steady_clock::now();
    auto run = testing::RunProgram(
        govd, {"org", "import", "--db", db_->conninfo(), "--tenant", kTenant, dir.File("org.json")});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60)) << document;
    EXPECT_EQ(run.exit_code, 1) << document << ": " << run.err;
    EXPECT_NE(run.err.find(says), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("nothing written"), std::string::npos) << run.err;
  }
  const std::string big = dir.File("big.json");
  testing::WriteFile(big, std::string((1 << 20) + 1, ' '));
  std::string text = Example();
  text.replace(text.find(guardrail), guardrail.size(), big);
  testing::WriteFile(dir.File("org.json"), text);
  auto run = testing::RunProgram(
      govd, {"org", "import", "--db", db_->conninfo(), "--tenant", kTenant, dir.File("org.json")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("policy document is longer than 1 MiB"), std::string::npos) << run.err;
  EXPECT_EQ(Rows(), 0);
}

TEST_F(OrgImportTest, ContradictingTheStoreIsAConflictNotAnUpdate) {
  ASSERT_TRUE(Import(Example()));
  std::int64_t rows = Rows();
  const BadFile cases[] = {
      {"renamed account", R"("name": "la1")", R"("name": "la-one")", "/accounts/1/name"},
      {"moved OU", R"("id": "ou-las", "parent": "r-root")", R"("id": "ou-las", "parent": "ou-central")",
       "/ous/1/parent"},
      {"other root", R"("root": {"id": "r-root")", R"("root": {"id": "r-other")", "/root/id"},
      {"changed guardrail document", R"("Effect": "Deny")", R"("Effect": "Allow")", "/guardrails/1"},
      {"lifted embargo", R"(, "embargo_until": "2027-04-01T00:00:00Z")", "", "/prefixes/1/embargo_until"},
  };
  for (const BadFile& bad : cases) {
    auto created = Import(ExampleWith(bad.from, bad.to));
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().code(), ErrorCode::kFailedPrecondition) << bad.name;
    EXPECT_EQ(created.error().where(), bad.where) << bad.name << ": " << created.error().ToString();
  }
  EXPECT_EQ(Rows(), rows);
}

// The example with two roles of the child: the central's reader (trust pinned to an ExternalId)
// and a vendor's support role with a permissions boundary.
std::string WithRoles(const std::string& example, const std::string& vendor_trust_action = "sts:AssumeRole") {
  const std::string roles = R"("roles": [
    {"arn": "arn:aws:iam::222222222222:role/vendor-support",
     "trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": ")" + vendor_trust_action + R"("}]},
     "policies": [{"name": "read-all", "document": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::la1-shared/*"}]}}],
     "boundary": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}},
    {"arn": "arn:aws:iam::222222222222:role/govd-central-reader",
     "trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111111111111:role/govd-central"}, "Action": "sts:AssumeRole",
       "Condition": {"StringEquals": {"sts:ExternalId": "la1-2026"}}}]},
     "policies": [{"name": "read-shared", "document_file": "iam/reader-role-permissions.json"}]}
  ],
  "buckets": [)";
  std::string text = example;
  std::size_t at = text.find("\"buckets\": [");
  return at == std::string::npos ? text : text.replace(at, std::string("\"buckets\": [").size(), roles);
}

TEST_F(OrgImportTest, RolesAreRecordedOnceWithTheirPoliciesAndShownBack) {
  auto created = Import(WithRoles(Example()));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(*created, 12);
  auto org = store_->ReadOrganisation();
  ASSERT_TRUE(org);
  ASSERT_EQ(org->roles.size(), 2U);
  const accounts::RoleRecord& reader = org->roles[0];  // by ARN
  EXPECT_EQ(reader.arn, "arn:aws:iam::222222222222:role/govd-central-reader");
  ASSERT_EQ(reader.identity.size(), 1U);
  EXPECT_EQ(reader.identity[0].name, "read-shared");
  EXPECT_NE(reader.identity[0].document.find("s3:GetObject"), std::string::npos) << "read from the example file";
  EXPECT_FALSE(reader.boundary.has_value());
  ASSERT_TRUE(org->roles[1].boundary.has_value());
  EXPECT_NE(org->roles[1].trust.find("999999999999"), std::string::npos);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'role.record'"), 2);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'role.record' AND "
                       "after_json LIKE '%999999999999%'"),
            0)
      << "the audit row holds hashes of the documents, not their text";

  auto again = Plan(WithRoles(Example()));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->creations(), 0);
  auto shown = Plan(WriteJson(OrganisationJson(*org)));
  ASSERT_TRUE(shown) << shown.error().ToString();
  EXPECT_EQ(shown->creations(), 0) << "org show --json gives the roles back";
  EXPECT_EQ(shown->unchanged, 12);
}

TEST_F(OrgImportTest, BadRolesAreRefusedByJsonPointerAndAChangedRoleIsReplaced) {
  const BadFile cases[] = {
      {"not a role ARN", "role/vendor-support", "user/vendor-support", "/roles/0/arn"},
      {"role of an account outside the organisation", "arn:aws:iam::222222222222:role/vendor-support",
       "arn:aws:iam::333333333333:role/vendor-support", "/roles/0/arn"},
      {"trust without a principal", R"("Principal": {"AWS": "arn:aws:iam::999999999999:root"}, )", "",
       "/roles/0/trust/Statement/0"},
      {"identity policy without a resource", R"(, "Resource": "arn:aws:s3:::la1-shared/*")", "",
       "/roles/0/policies/0/document/Statement/0"},
      {"inline and file document both given", R"("name": "read-all")", R"("name": "read-all", "document_file": "x")",
       "/roles/0/policies/0"},
  };
  std::int64_t rows = Rows();
  for (const BadFile& bad : cases) {
    std::string text = WithRoles(Example());
    std::size_t at = text.find(bad.from);
    ASSERT_NE(at, std::string::npos) << bad.name;
    auto created = Import(text.replace(at, bad.from.size(), bad.to));
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().where(), bad.where) << bad.name << ": " << created.error().ToString();
    EXPECT_EQ(Rows(), rows) << bad.name << ": something was written";
  }
  ASSERT_TRUE(Import(WithRoles(Example())));
  // Roles follow IAM: a changed trust policy replaces the stored one, audited before and after.
  auto plan = Plan(WithRoles(Example(), "sts:AssumeRole*"));
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->creations(), 0);
  ASSERT_EQ(plan->role_updates.size(), 1U);
  EXPECT_EQ(plan->role_updates[0].arn, "arn:aws:iam::222222222222:role/vendor-support");
  ASSERT_TRUE(Import(WithRoles(Example(), "sts:AssumeRole*")));
  auto org = store_->ReadOrganisation();
  ASSERT_TRUE(org);
  EXPECT_NE(org->roles[1].trust.find("sts:AssumeRole*"), std::string::npos);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'role.update' AND "
                       "before_json <> after_json"),
            1);
  EXPECT_EQ(Plan(WithRoles(Example(), "sts:AssumeRole*"))->changes(), 0) << "the import is idempotent again";
}

// The command as an admin runs it, and the daemon showing the result.
TEST_F(OrgImportTest, GovdOrgImportTwiceThenGovctlOrgShow) {
  std::string govd = std::getenv("GOVD_BINARY");
  std::vector<std::string> args{"org", "import", "--db", db_->conninfo(), "--tenant", kTenant, ExampleDir() + "/org.json"};
  auto first = testing::RunProgram(govd, args);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("10 created"), std::string::npos) << first.out;
  auto second = testing::RunProgram(govd, args);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("nothing to change"), std::string::npos) << second.out;
  // The same run for scripts: one JSON object on stdout.
  std::vector<std::string> as_json = args;
  as_json.insert(as_json.end() - 1, {"--output", "json"});
  auto third = testing::RunProgram(govd, as_json);
  EXPECT_EQ(third.exit_code, 0) << third.err;
  auto report = ParseJsonBody(third.out);
  ASSERT_TRUE(report) << third.out;
  EXPECT_EQ((*report)["outcome"].asString(), "unchanged") << third.out;
  EXPECT_EQ((*report)["unchanged"].asInt(), 10) << third.out;
  EXPECT_EQ((*report)["created"].asInt(), 0) << third.out;

  testing::TempDir dir;
  std::string guardrail = "guardrails/deny-leave-organisation.json";
  std::string bad = ExampleWith(R"("ou": "ou-las")", R"("ou": "ou-gone")");
  bad.replace(bad.find(guardrail), guardrail.size(), ExampleDir() + "/" + guardrail);  // an absolute path
  testing::WriteFile(dir.File("bad.json"), bad);
  args.back() = dir.File("bad.json");
  auto refused = testing::RunProgram(govd, args);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("/accounts/1/ou"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing written"), std::string::npos) << refused.err;
  as_json.back() = args.back();
  auto refused_json = testing::RunProgram(govd, as_json);
  EXPECT_EQ(refused_json.exit_code, 1);
  auto refusal = ParseJsonBody(refused_json.out);
  ASSERT_TRUE(refusal) << refused_json.out;
  EXPECT_EQ((*refusal)["outcome"].asString(), "refused");
  EXPECT_NE((*refusal)["error"].asString().find("/accounts/1/ou"), std::string::npos) << refused_json.out;
  std::vector<std::string> bad_format = args;
  bad_format.insert(bad_format.end() - 1, {"--output", "yaml"});
  auto unknown_format = testing::RunProgram(govd, bad_format);
  EXPECT_EQ(unknown_format.exit_code, 2);
  EXPECT_NE(unknown_format.err.find("--output: unknown format \"yaml\"; choose text or json"), std::string::npos)
      << unknown_format.err;
  EXPECT_EQ(testing::RunProgram(govd, {"org", "import", "--db", db_->conninfo()}).exit_code, 2);

  testing::WriteFile(dir.File("govd.conf"), testing::ConfigWithDatabase(dir, db_->conninfo(), kTenant,
                                                                        "role = uid:" + std::to_string(getuid()) + " admin\n"));
  testing::GovdProcess daemon({"--config", dir.File("govd.conf")}, {});
  ASSERT_TRUE(testing::WaitForSocket(dir.File("govd.sock"), milliseconds(10'000)));
  auto table = testing::RunProgram(testing::GovctlBinary(), {"--socket", dir.File("govd.sock"), "org", "show"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  for (const char* expected : {"ou-las  Local authorities", "222222222222  child", "deny-public-bucket-policies",
                               "la1-shared", "2027-04-01T00:00:00Z"}) {
    EXPECT_NE(table.out.find(expected), std::string::npos) << expected << " missing in\n" << table.out;
  }
  auto json = testing::RunProgram(testing::GovctlBinary(), {"--socket", dir.File("govd.sock"), "org", "show", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto plan = Plan(json.out);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->creations(), 0) << "org show --json is an import file of the same organisation";
}

}  // namespace
}  // namespace govd::daemon

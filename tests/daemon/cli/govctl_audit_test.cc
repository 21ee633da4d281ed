// `govctl audit` against a real govd (central mode, no S3 client: bucket policies from desired
// state) on a fresh PostgreSQL database per test, seeded through the Store as the daemon's tenant:
// the audit log's filters and formats (a CSV field with a comma and a quote round-trips), the
// hash-chain check before and after a row is altered by the database owner, findings raised and
// resolved (their status kept across a daemon restart), archiving, who/what-can-access, the HTML
// report, archive reasons, unarchive and archive rules, the actor named by uid and user name, and an
// auditor who reads all of it (rules too) but cannot archive, unarchive or manage rules.
#include "daemon/cli/govctl_audit.h"

#include <gtest/gtest.h>
#include <json/reader.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "accounts/store/audit_seal.h"
#include "tests/accounts/store/test_db.h"
#include "tests/daemon/support/govd_test_process.h"
#include "tests/daemon/support/grant_test_env.h"

namespace govd::daemon {
namespace {

using accounts::testing::FakeClock;
using std::chrono::milliseconds;
using testing::GovctlRun;
using testing::RunGovctl;

constexpr const char* kTenant = "111122223333";  // the daemon's account: its store tenant
constexpr const char* kOutsider = "arn:aws:iam::999999999999:role/consultant";
constexpr uid_t kAuditorUid = 4103;

// An RFC 4180 reader, independent of the writer under test: rows of fields.
std::vector<std::vector<std::string>> ReadCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

Json::Value ParseJson(const std::string& text) {
  Json::Value value;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors)) << errors << ": " << text;
  return value;
}

std::vector<Json::Value> JsonLines(const std::string& text) {
  std::vector<Json::Value> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(ParseJson(line));
  return out;
}

class GovctlAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = accounts::testing::ServerConninfo();
    GOVD_REQUIRE_PG(server_);
    db_ = std::make_unique<accounts::testing::TestDb>(server_);
    store_ = accounts::testing::OpenStore(db_->conninfo(), kTenant, clock_);
    accounts::testing::SeedOrganisation(*store_);
    StartGovd();
  }

  void StartGovd() {
    std::string roles = "role = uid:" + std::to_string(getuid()) + " admin\nrole = uid:" +
                        std::to_string(kAuditorUid) + " auditor\n";
    testing::WriteFile(dir_.File("govd.conf"),
                       "mode = central\naccount-id = " + std::string(kTenant) +
                           "\nregion = eu-west-2\n[database]\nconninfo = " + db_->conninfo() +
                           "\n[control]\nsocket = " + socket_ + "\n" + roles + audit_config_);
    govd_.emplace(std::vector<std::string>{"--config", dir_.File("govd.conf")}, std::vector<std::string>{});
    ASSERT_TRUE(testing::WaitForSocket(socket_, milliseconds(10'000)));
    ASSERT_TRUE(testing::LetEveryUidConnect(socket_));  // authorization decides, not the file mode
  }

  void RestartGovd() {
    govd_->Signal(SIGTERM);
    ASSERT_TRUE(govd_->WaitExit(milliseconds(5000)).has_value());
    govd_.reset();
    StartGovd();
  }

  GovctlRun Audit(std::vector<std::string> args, std::optional<uid_t> uid = std::nullopt) {
    args.insert(args.begin(), {"--socket", socket_, "audit"});
    return RunGovctl(args, uid);
  }

  // A grant moved to active as the reconciler would; returns its id.
  std::int64_t ActiveGrant(const std::string& grantee, const std::string& prefix, const std::string& reason) {
    accounts::GrantRequest request = accounts::testing::ReadRequest(prefix);
    request.grantee = grantee;
    request.reason = reason;
    auto grant = store_->RequestGrant(request);
    EXPECT_TRUE(grant) << grant.error().ToString();
    auto approved = store_->ApproveGrant(grant->id);
    auto applying = store_->MarkApplying(grant->id, approved->generation);
    auto active = store_->MarkActive(grant->id, applying->generation);
    EXPECT_TRUE(active) << active.error().ToString();
    return grant->id;
  }

  // Gives govd and store_ one audit key (a 0400 file) and anchor directory, and restarts govd:
  // from now on every row carries a MAC and the head is anchored outside the database.
  void SealAudit() {
    std::string key_file = dir_.File("audit.key");
    testing::WriteFile(key_file, std::string(64, 'c') + "\n", 0400);
    std::string anchors = dir_.File("anchors");
    audit_config_ = "[audit]\nkey-file = " + key_file + "\nanchor-dir = " + anchors + "\n";
    auto seal = accounts::AuditSeal::Open(key_file, anchors);
    ASSERT_TRUE(seal) << seal.error().ToString();
    accounts::StoreOptions options;
    options.clock = &clock_;
    options.audit_seal = *seal;
    auto store = accounts::Store::Open(db_->conninfo(), {kTenant, "uid:1000"}, options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(store).value();
    RestartGovd();
  }

  FakeClock clock_;
  std::string server_;
  std::unique_ptr<accounts::testing::TestDb> db_;
  std::unique_ptr<accounts::Store> store_;
  std::string audit_config_;  // the [audit] section, once SealAudit() ran
  testing::TempDir dir_;
  std::string socket_ = dir_.File("govd.sock");
  std::optional<testing::GovdProcess> govd_;
};

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST_F(GovctlAuditTest, CsvFieldWithCommaAndQuoteRoundTrips) {
  const std::string reason = "quarterly, \"final\" figures";
  std::int64_t id = ActiveGrant(accounts::testing::kReader, "reports/", reason);
  GovctlRun csv = Audit({"log", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  GovctlRun jsonl = Audit({"log", "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  auto rows = ReadCsv(csv.out);
  auto entries = JsonLines(jsonl.out);
  ASSERT_EQ(rows.size(), entries.size() + 1) << csv.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"seq", "at", "actor", "action", "object", "before", "after",
                                               "prev_hash", "row_hash"}));
  bool found = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& row = rows[i + 1];
    ASSERT_EQ(row.size(), 9U) << "row " << i;
    EXPECT_EQ(row[0], std::to_string(entries[i]["seq"].asInt64()));
    EXPECT_EQ(row[6], entries[i]["after"].asString());
    EXPECT_EQ(row[8], entries[i]["row_hash"].asString());
    if (row[3] == "grant.request" && row[4] == "grant/" + std::to_string(id)) {
      found = true;
      EXPECT_EQ(ParseJson(row[6])["reason"].asString(), reason);
    }
  }
  EXPECT_TRUE(found) << csv.out;
}

TEST_F(GovctlAuditTest, LogFiltersBySinceAndGrant) {
  std::int64_t early = ActiveGrant(accounts::testing::kReader, "reports/", "early");
  clock_.Set(WallTime(std::chrono::seconds(1'800'000'000 + 10 * 86'400)));  // 2027-01-25
  std::int64_t late = ActiveGrant(accounts::testing::kReader, "minutes/", "late");
  GovctlRun all = Audit({"log", "--format", "jsonl"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  GovctlRun since = Audit({"log", "--since", "2027-01-20", "--format", "jsonl"});
  ASSERT_EQ(since.exit_code, 0) << since.err;
  auto late_rows = JsonLines(since.out);
  ASSERT_EQ(late_rows.size(), 4U) << since.out;  // request, approve, applying, active
  for (const auto& row : late_rows) EXPECT_EQ(row["object"].asString(), "grant/" + std::to_string(late));
  EXPECT_GT(JsonLines(all.out).size(), late_rows.size() + 4);
  GovctlRun grant = Audit({"log", "--grant", std::to_string(early), "--format", "jsonl"});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;
  auto early_rows = JsonLines(grant.out);
  ASSERT_EQ(early_rows.size(), 4U) << grant.out;
  EXPECT_EQ(early_rows[0]["action"].asString(), "grant.request");
  GovctlRun table = Audit({"log", "--tenant", kTenant, "--grant", std::to_string(early)});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("SEQ", 0), 0U) << table.out;
  EXPECT_NE(table.out.find("grant.request"), std::string::npos) << table.out;
  EXPECT_EQ(Audit({"log", "--since", "yesterday"}).exit_code, 1);
  EXPECT_EQ(Audit({"log", "--format", "xml"}).exit_code, 2);
}

TEST_F(GovctlAuditTest, VerifyDetectsARowAlteredByTheDatabaseOwner) {
  ActiveGrant(accounts::testing::kReader, "reports/", "to be tampered with");
  GovctlRun ok = Audit({"verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("intact"), std::string::npos) << ok.out;
  std::int64_t victim = db_->Count("SELECT seq FROM govd.audit_log WHERE action = 'grant.approve'");
  db_->Exec("ALTER TABLE govd.audit_log DISABLE TRIGGER audit_log_append_only;"
            "UPDATE govd.audit_log SET actor = 'uid:0/nobody' WHERE seq = " + std::to_string(victim) + ";"
            "ALTER TABLE govd.audit_log ENABLE TRIGGER audit_log_append_only");
  GovctlRun broken = Audit({"verify", "--tenant", kTenant});
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_NE(broken.out.find("BROKEN at seq " + std::to_string(victim)), std::string::npos) << broken.out;
  GovctlRun json = Audit({"verify", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(ParseJson(json.out)["first_broken_seq"].asInt64(), victim) << json.out;
}

// Issue 16: a tenant without audit rows verified as "intact: 0 rows checked", and so did a
// tenant this govd has never heard of. Both now say that nothing was checked and exit non-zero.
TEST_F(GovctlAuditTest, VerifyOfATenantWithNothingToCheckSaysSoAndFails) {
  GovctlRun unknown = Audit({"verify", "--tenant", "999999999999"});
  EXPECT_NE(unknown.exit_code, 0) << unknown.out;
  EXPECT_EQ(unknown.out.find("intact"), std::string::npos) << unknown.out;
  EXPECT_NE(unknown.err.find("999999999999"), std::string::npos) << unknown.err;
  db_->Exec(std::string("ALTER TABLE govd.audit_log DISABLE TRIGGER audit_log_append_only;"
                        "DELETE FROM govd.audit_log WHERE tenant = '") +
            kTenant + "'; ALTER TABLE govd.audit_log ENABLE TRIGGER audit_log_append_only");
  GovctlRun empty = Audit({"verify"});
  EXPECT_NE(empty.exit_code, 0) << empty.out;
  EXPECT_EQ(empty.out.find("intact"), std::string::npos) << empty.out;
  EXPECT_NE(empty.err.find("nothing was checked"), std::string::npos) << empty.err;
}

TEST_F(GovctlAuditTest, VerifySaysAChainWithoutAKeyIsNotAuthenticated) {
  GovctlRun ok = Audit({"verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("NOT AUTHENTICATED"), std::string::npos) << ok.out;
}

// The tenant's own database role appends a row that chains and hashes correctly, naming root as
// the approver: only the MAC, under a key the database never sees, tells it apart.
TEST_F(GovctlAuditTest, VerifyDetectsARowForgedByTheTenantRole) {
  SealAudit();
  ActiveGrant(accounts::testing::kReader, "reports/", "sealed");
  GovctlRun ok = Audit({"verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  EXPECT_NE(ok.out.find("authenticated: MACs verify"), std::string::npos) << ok.out;

  std::string role = db_->CreateTenantRole("forger", kTenant);
  std::int64_t forged = 0;
  {
    pqxx::connection c(db_->RoleConninfo(role));
    pqxx::work tx(c);
    pqxx::row head =
        tx.exec1("SELECT govd.to_us(at), row_hash FROM govd.audit_log ORDER BY seq DESC LIMIT 1");
    accounts::AuditRecord r{tx.exec1("SELECT nextval('govd.audit_log_seq_seq')")[0].as<std::int64_t>(),
                            kTenant,
                            "uid:0/admin",
                            "grant.approve",
                            "grant/1",
                            "null",
                            "{}",
                            head[0].as<std::int64_t>() + 1,
                            head[1].as<std::string>(),
                            "",
                            ""};
    r.row_hash = accounts::AuditRowHash(r);
    tx.exec_params(
        "INSERT INTO govd.audit_log (seq, tenant, actor, action, object, before_json, after_json, at, "
        "prev_hash, row_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, govd.from_us($8), $9, $10)",
        r.seq, r.tenant, r.actor, r.action, r.object, r.before_json, r.after_json, r.at_us, r.prev_hash,
        r.row_hash);
    tx.commit();
    forged = r.seq;
  }
  GovctlRun broken = Audit({"verify"});
  EXPECT_EQ(broken.exit_code, 1) << broken.err << broken.out;
  EXPECT_NE(broken.out.find("BROKEN at seq " + std::to_string(forged)), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("MAC"), std::string::npos) << broken.out;
}

// The database's owner deletes the newest rows with the triggers off: the chain that is left is
// intact, but shorter than the head govd anchored in its own directory.
TEST_F(GovctlAuditTest, VerifyDetectsATailDeletedByTheDatabaseOwner) {
  SealAudit();
  ActiveGrant(accounts::testing::kReader, "reports/", "to be truncated");
  ASSERT_EQ(Audit({"verify"}).exit_code, 0);
  std::int64_t last = db_->Count("SELECT max(seq) FROM govd.audit_log");
  db_->Exec(
      "ALTER TABLE govd.audit_log DISABLE TRIGGER audit_log_append_only;"
      "DELETE FROM govd.audit_log WHERE seq >= " +
      std::to_string(last - 2) +
      ";"
      "ALTER TABLE govd.audit_log ENABLE TRIGGER audit_log_append_only");
  GovctlRun broken = Audit({"verify"});
  EXPECT_EQ(broken.exit_code, 1) << broken.err << broken.out;
  EXPECT_NE(broken.out.find("BROKEN at seq " + std::to_string(last)), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("truncated"), std::string::npos) << broken.out;
  GovctlRun json = Audit({"verify", "--json"});
  EXPECT_EQ(ParseJson(json.out)["first_broken_seq"].asInt64(), last) << json.out;
}

TEST_F(GovctlAuditTest, FindingIsResolvedWhenItsCauseIsGoneAndKeptAcrossRestart) {
  std::int64_t outside = ActiveGrant(kOutsider, "reports/", "external consultant");
  GovctlRun raised = Audit({"findings", "--json"});
  ASSERT_EQ(raised.exit_code, 0) << raised.err;
  Json::Value body = ParseJson(raised.out);
  EXPECT_EQ(body["policy_source"].asString(), "desired state");
  ASSERT_EQ(body["findings"].size(), 1U) << raised.out;
  const Json::Value finding = body["findings"][0];
  EXPECT_EQ(finding["type"].asString(), "outside-organisation");
  EXPECT_EQ(finding["severity"].asString(), "high");
  EXPECT_EQ(finding["principal"].asString(), kOutsider);
  EXPECT_EQ(finding["status"].asString(), "active");
  EXPECT_NE(finding["statement"].asString().find("la-data bucket policy statement GovdManaged"), std::string::npos);
  GovctlRun table = Audit({"findings"});
  EXPECT_NE(table.out.find("desired state"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(finding["id"].asString()), std::string::npos) << table.out;

  ASSERT_TRUE(store_->RevokeGrant(outside, "consultant left"));  // the cause is gone
  RestartGovd();
  GovctlRun resolved = Audit({"findings", "--status", "resolved", "--json"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  Json::Value after = ParseJson(resolved.out);
  ASSERT_EQ(after["findings"].size(), 1U) << resolved.out;
  EXPECT_EQ(after["findings"][0]["id"], finding["id"]);
  EXPECT_EQ(after["findings"][0]["first_seen"], finding["first_seen"]);
  EXPECT_FALSE(after["findings"][0]["resolved_at"].isNull());
  EXPECT_EQ(after["refresh"]["resolved"].asInt(), 1);
  EXPECT_EQ(ParseJson(Audit({"findings", "--status", "active", "--json"}).out)["findings"].size(), 0U);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.findings"), 1);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'finding.resolve'"), 1);

  GovctlRun no_reason = Audit({"archive", finding["id"].asString()});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.err;
  EXPECT_NE(no_reason.err.find("--reason"), std::string::npos) << no_reason.err;
  GovctlRun archive = Audit({"archive", finding["id"].asString(), "--reason", "consultant under contract C-7"});
  EXPECT_EQ(archive.exit_code, 0) << archive.err;
  EXPECT_NE(archive.out.find("archived: consultant under contract C-7"), std::string::npos) << archive.out;
  ActiveGrant(kOutsider, "reports/", "consultant is back");  // found again: stays archived
  Json::Value archived = ParseJson(Audit({"findings", "--json"}).out);
  ASSERT_EQ(archived["findings"].size(), 1U);
  EXPECT_EQ(archived["findings"][0]["status"].asString(), "archived");
  EXPECT_EQ(archived["findings"][0]["archive_reason"].asString(), "consultant under contract C-7");
  GovctlRun shown = Audit({"findings"});
  EXPECT_NE(shown.out.find("    archived: consultant under contract C-7\n"), std::string::npos) << shown.out;
  EXPECT_EQ(Audit({"archive", "0000000000000000", "--reason", "r"}).exit_code, 1);

  GovctlRun unarchive = Audit({"unarchive", finding["id"].asString()});
  EXPECT_EQ(unarchive.exit_code, 0) << unarchive.err;
  EXPECT_NE(unarchive.out.find("is active"), std::string::npos) << unarchive.out;
  Json::Value active = ParseJson(Audit({"findings", "--json"}).out);
  EXPECT_EQ(active["findings"][0]["status"].asString(), "active");
  EXPECT_EQ(active["findings"][0]["archive_reason"].asString(), "");
  // The audit log names the person (uid and user name) beside the role.
  GovctlRun log = Audit({"log", "--format", "jsonl"});
  bool named = false;
  for (const Json::Value& row : JsonLines(log.out)) {
    if (row["action"].asString() == "finding.unarchive") {
      named = true;
      EXPECT_EQ(row["actor"].asString(), testing::ExpectedActor(getuid(), "admin"));
    }
  }
  EXPECT_TRUE(named) << log.out;
}

TEST_F(GovctlAuditTest, ArchiveRulesArchiveNewMatchingFindings) {
  GovctlRun no_reason = Audit({"archive-rule", "create", "consultants", "--principal", kOutsider});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.err;
  GovctlRun no_criterion = Audit({"archive-rule", "create", "everything", "--reason", "noise"});
  EXPECT_EQ(no_criterion.exit_code, 1) << no_criterion.err;
  EXPECT_NE(no_criterion.err.find("no criterion"), std::string::npos) << no_criterion.err;
  GovctlRun bad_type = Audit({"archive-rule", "create", "t", "--type", "nonsense", "--reason", "r"});
  EXPECT_NE(bad_type.err.find("public-access"), std::string::npos) << "lists the types: " << bad_type.err;
  GovctlRun created = Audit({"archive-rule", "create", "consultants", "--type", "outside-organisation", "--bucket",
                             "la-data", "--principal", kOutsider, "--reason", "consultants under contract"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(Audit({"archive-rule", "create", "consultants", "--bucket", "la-data", "--reason", "again"}).exit_code, 1);

  ActiveGrant(kOutsider, "reports/", "external consultant");
  GovctlRun findings = Audit({"findings", "--json"});
  Json::Value listed = ParseJson(findings.out);
  ASSERT_EQ(listed["findings"].size(), 1U) << findings.out;
  EXPECT_EQ(listed["findings"][0]["status"].asString(), "archived");
  EXPECT_EQ(listed["findings"][0]["archive_reason"].asString(), "archive rule consultants: consultants under contract");
  EXPECT_EQ(listed["refresh"]["archived_by_rule"].asInt(), 1);

  GovctlRun rules = Audit({"archive-rule", "list"});
  ASSERT_EQ(rules.exit_code, 0) << rules.err;
  EXPECT_NE(rules.out.find("consultants"), std::string::npos) << rules.out;
  EXPECT_NE(rules.out.find("1 archive rule(s)"), std::string::npos) << rules.out;
  GovctlRun deleted = Audit({"archive-rule", "delete", "consultants"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(Audit({"archive-rule", "delete", "consultants"}).exit_code, 1) << "gone";
  EXPECT_EQ(ParseJson(Audit({"archive-rule", "list", "--json"}).out)["rules"].size(), 0U);
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action IN ('archive-rule.create', "
                       "'archive-rule.delete') AND object = 'archive-rule/consultants'"),
            2);
}

TEST_F(GovctlAuditTest, WhoAndWhatCanAccessWithExplanations) {
  ActiveGrant(accounts::testing::kReader, "reports/", "statistics");
  GovctlRun who = Audit({"who-can-access", "s3://la-data/reports/2026/", "--json"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  Json::Value body = ParseJson(who.out);
  EXPECT_EQ(body["resource"].asString(), "arn:aws:s3:::la-data/reports/2026/*");
  ASSERT_EQ(body["principals"].size(), 1U) << who.out;
  const Json::Value& path = body["principals"][0];
  EXPECT_EQ(path["principal"].asString(), accounts::testing::kReader);
  ASSERT_EQ(path["steps"].size(), 1U);
  const Json::Value& statements = path["steps"][0]["statements"];
  EXPECT_TRUE(std::any_of(statements.begin(), statements.end(), [](const Json::Value& s) {
    return s.asString().starts_with("la-data bucket policy statement GovdManagedRead");
  })) << who.out;
  EXPECT_EQ(path["origin"].asString(), "member account whose roles govd does not know (identity side assumed to allow)");
  GovctlRun outside_prefix = Audit({"who-can-access", "s3://la-data/minutes/", "--json"});
  EXPECT_EQ(ParseJson(outside_prefix.out)["principals"].size(), 0U) << outside_prefix.out;
  GovctlRun table = Audit({"who-can-access", "s3://la-data/reports/"});
  EXPECT_NE(table.out.find(accounts::testing::kReader), std::string::npos) << table.out;

  GovctlRun what = Audit({"what-can-access", accounts::testing::kReader, "--json"});
  ASSERT_EQ(what.exit_code, 0) << what.err;
  Json::Value reach = ParseJson(what.out);
  ASSERT_EQ(reach["resources"].size(), 1U) << what.out;
  EXPECT_EQ(reach["resources"][0]["bucket"].asString(), "la-data");
  EXPECT_EQ(reach["resources"][0]["prefix"].asString(), "reports/");
  EXPECT_EQ(Audit({"who-can-access", "la-data"}).exit_code, 2);
}

// Roles recorded in the store (as `govd org import` records them) give role chains and trust
// findings: a vendor's account may assume a role of the child, without an ExternalId, whose
// identity policy reads the child's bucket.
TEST_F(GovctlAuditTest, RecordedRolesGiveRoleChainsAndTrustFindings) {
  const std::string role = "arn:aws:iam::222222222222:role/vendor-support";
  const std::string vendor = "arn:aws:iam::999999999999:root";
  accounts::RoleRecord record;
  record.arn = role;
  record.trust = R"({"Version":"2012-10-17","Statement":[{"Sid":"Vendor","Effect":"Allow",)"
                 R"("Principal":{"AWS":")" + vendor + R"("},"Action":"sts:AssumeRole"}]})";
  record.identity.push_back({"read-la-data", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                             R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::la-data/*"}]})"});
  ASSERT_TRUE(store_->RecordRole(record));
  EXPECT_EQ(store_->RecordRole(record).error().code(), ErrorCode::kAlreadyExists);

  GovctlRun who = Audit({"who-can-access", "s3://la-data/reports/", "--json"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  const Json::Value principals = ParseJson(who.out)["principals"];
  const Json::Value* direct = nullptr;
  const Json::Value* chained = nullptr;
  for (const Json::Value& path : principals) {
    if (path["principal"].asString() == role) direct = &path;
    if (path["chain"].size() == 2U && path["chain"][1].asString() == role) chained = &path;
  }
  ASSERT_NE(direct, nullptr) << who.out;
  EXPECT_EQ((*direct)["origin"].asString(), "organisation role");
  ASSERT_NE(chained, nullptr) << who.out;
  EXPECT_EQ((*chained)["origin"].asString(), "outside (identity side assumed to allow)");
  ASSERT_EQ((*chained)["steps"].size(), 2U) << who.out;
  EXPECT_EQ((*chained)["steps"][0]["action"].asString(), "sts:AssumeRole");
  EXPECT_EQ((*chained)["steps"][0]["resource"].asString(), role);
  EXPECT_EQ((*chained)["steps"][1]["principal"].asString(), role);
  GovctlRun what = Audit({"what-can-access", role, "--json"});
  ASSERT_EQ(what.exit_code, 0) << what.err;
  ASSERT_EQ(ParseJson(what.out)["resources"].size(), 1U) << what.out;
  EXPECT_EQ(ParseJson(what.out)["resources"][0]["bucket"].asString(), "la-data");

  Json::Value findings = ParseJson(Audit({"findings", "--json"}).out)["findings"];
  const Json::Value* trust = nullptr;
  for (const Json::Value& f : findings) {
    if (f["type"].asString() == "trust-without-external-id") trust = &f;
  }
  ASSERT_NE(trust, nullptr) << findings.toStyledString();
  EXPECT_EQ((*trust)["resource"].asString(), role);
  EXPECT_EQ((*trust)["principal"].asString(), vendor);
  EXPECT_EQ((*trust)["severity"].asString(), "high");
  EXPECT_EQ(db_->Count("SELECT count(*) FROM govd.audit_log WHERE action = 'role.record'"), 1);

  // The child pins an ExternalId in IAM and the role is imported again: the finding is resolved.
  record.trust = R"({"Version":"2012-10-17","Statement":[{"Sid":"Vendor","Effect":"Allow",)"
                 R"("Principal":{"AWS":")" + vendor + R"("},"Action":"sts:AssumeRole",)"
                 R"("Condition":{"StringEquals":{"sts:ExternalId":"vendor-2026"}}}]})";
  ASSERT_TRUE(store_->ReplaceRole(record));
  Json::Value after = ParseJson(Audit({"findings", "--status", "resolved", "--json"}).out)["findings"];
  EXPECT_TRUE(std::any_of(after.begin(), after.end(), [&](const Json::Value& f) {
    return f["type"].asString() == "trust-without-external-id" && f["resource"].asString() == role;
  })) << after.toStyledString();
}

TEST_F(GovctlAuditTest, ReportIsWritten) {
  ActiveGrant(kOutsider, "reports/", "external consultant");
  std::string path = dir_.File("report.html");
  GovctlRun report = Audit({"report", "--out", path});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::ifstream in(path);
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U) << html.substr(0, 100);
  EXPECT_NE(html.find("outside-organisation"), std::string::npos);
  EXPECT_NE(html.find("la-data"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"drift-period\">From 2027-01-15"), std::string::npos)
      << "without --since the period starts at the first audit-log entry (the test clock's time)";

  GovctlRun since = Audit({"report", "--out", path, "--since", "2027-02-01"});
  ASSERT_EQ(since.exit_code, 0) << since.err;
  std::ifstream again(path);
  html.assign((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<p id=\"drift-period\">From 2027-02-01 00:00 UTC"), std::string::npos) << html;
  GovctlRun bad = Audit({"report", "--out", path, "--since", "last week"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.err.find("since"), std::string::npos) << bad.err;
}

TEST_F(GovctlAuditTest, ReportShowsEachFindingsStatusAndArchiveReason) {
  ActiveGrant(kOutsider, "reports/", "external consultant");
  std::string path = dir_.File("report.html");
  auto read = [&path] {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  ASSERT_EQ(Audit({"report", "--out", path}).exit_code, 0);
  EXPECT_NE(read().find("<td>active</td><td>outside-organisation</td>"), std::string::npos) << read();
  std::string id = ParseJson(Audit({"findings", "--json"}).out)["findings"][0]["id"].asString();
  ASSERT_EQ(Audit({"archive", id, "--reason", "consultant <under> contract"}).exit_code, 0);
  ASSERT_EQ(Audit({"report", "--out", path}).exit_code, 0);
  EXPECT_NE(read().find("<td class=\"archived\">archived: consultant &lt;under&gt; contract</td>"), std::string::npos)
      << read();
}

// One report over every tenant of the database: each tenant's buckets, grants and findings.
TEST_F(GovctlAuditTest, AllTenantsReportHoldsEveryTenant) {
  ActiveGrant(kOutsider, "reports/", "external consultant");
  constexpr const char* kOther = "444455556666";
  auto other = accounts::testing::OpenStore(db_->conninfo(), kOther, clock_);
  accounts::testing::SeedOrganisation(*other, "555566667777", "york-data");
  if (HasFatalFailure()) return;
  accounts::GrantRequest request = accounts::testing::ReadRequest("minutes/", "york-data");
  request.owner = accounts::testing::Account("555566667777");
  auto grant = other->RequestGrant(request);
  ASSERT_TRUE(grant) << grant.error().ToString();
  auto approved = other->ApproveGrant(grant->id);
  auto applying = other->MarkApplying(grant->id, approved->generation);
  ASSERT_TRUE(other->MarkActive(grant->id, applying->generation));
  std::string path = dir_.File("all.html");
  GovctlRun report = Audit({"report", "--all-tenants", "--out", path});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("(2 tenant(s), 1 current finding(s)"), std::string::npos) << report.out;
  std::ifstream in(path);
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& expected : {std::string("2 tenant(s)"), std::string(kTenant) + " (desired state)",
                                     std::string(kOther) + " (desired state)", std::string("la-data"),
                                     std::string("york-data"), std::string("outside-organisation")}) {
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
  }
  GovctlRun both = Audit({"report", "--all-tenants", "--tenant", kTenant, "--out", path});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

TEST_F(GovctlAuditTest, AuditorReadsEverythingButCannotArchiveOrManageRules) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to run govctl as the auditor's uid";
  ActiveGrant(kOutsider, "reports/", "external consultant");
  std::string writable = dir_.File("auditor");
  ASSERT_EQ(mkdir(writable.c_str(), 0777), 0);
  chmod(writable.c_str(), 0777);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"log"}, {"log", "--tenant", kTenant, "--format", "csv"}, {"verify"},
        {"findings"}, {"who-can-access", "s3://la-data/"}, {"what-can-access", kOutsider},
        {"report", "--out", writable + "/report.html"}}) {
    GovctlRun run = Audit(args, kAuditorUid);
    EXPECT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
  }
  std::string id = ParseJson(Audit({"findings", "--json"}).out)["findings"][0]["id"].asString();
  GovctlRun archive = Audit({"archive", id, "--reason", "auditor tries"}, kAuditorUid);
  EXPECT_EQ(archive.exit_code, 4) << archive.out << archive.err;
  EXPECT_NE(archive.err.find("permission denied"), std::string::npos) << archive.err;
  EXPECT_EQ(ParseJson(Audit({"findings", "--json"}).out)["findings"][0]["status"].asString(), "active");
  ASSERT_EQ(Audit({"archive", id, "--reason", "admin decides"}).exit_code, 0);
  EXPECT_EQ(Audit({"unarchive", id}, kAuditorUid).exit_code, 4);
  EXPECT_EQ(ParseJson(Audit({"findings", "--json"}).out)["findings"][0]["status"].asString(), "archived");
  // Rules: the auditor may list them, not create or delete them.
  ASSERT_EQ(Audit({"archive-rule", "create", "partner", "--bucket", "la-data", "--reason", "r"}).exit_code, 0);
  GovctlRun listed = Audit({"archive-rule", "list"}, kAuditorUid);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("partner"), std::string::npos) << listed.out;
  EXPECT_EQ(Audit({"archive-rule", "create", "mine", "--bucket", "la-data", "--reason", "r"}, kAuditorUid).exit_code, 4);
  EXPECT_EQ(Audit({"archive-rule", "delete", "partner"}, kAuditorUid).exit_code, 4);
  EXPECT_EQ(ParseJson(Audit({"archive-rule", "list", "--json"}).out)["rules"].size(), 1U);
}

}  // namespace
}  // namespace govd::daemon

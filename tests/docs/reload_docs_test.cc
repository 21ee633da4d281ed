// The reload tables of the docs against the code that decides them. For every key govd knows
// (kConfigKeys, and the keys of the [source.NAME] and [tenant.ACCOUNT] sections) the test changes
// that one key in a valid configuration and asks PlanReload whether a SIGHUP applies the change or
// keeps the running value until a restart. Each doc holds the same answer between a marker and an
// end marker (docs/daemon.md, docs/operations.md: "<!-- reload-keys ... -->" ...
// "<!-- end reload-keys -->"; govd.conf(5): "; reload-keys ..." ... "; end reload-keys"): a line
// that says "applied at once" starts the keys applied on reload, one that says "restart" the keys
// kept until a restart; keys are `code` (Markdown) or *bold* (scdoc) names, a "*" matching any
// text (`aws.*`, `tenant.*`). Every key must be matched in its right list and every name listed
// must match a key, so a key added, moved or renamed in the code fails here until the docs follow.
#include <fnmatch.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/service/config.h"
#include "daemon/service/config_reload.h"

namespace govd::daemon {
namespace {

enum class OnReload { kApplied, kRestart };

const char* Name(OnReload effect) { return effect == OnReload::kApplied ? "applied at once" : "kept until restart"; }

// Valid child and central configurations that set every key, each once.
RawConfig Base(const std::map<std::string, std::string>& values) {
  RawConfig raw;
  for (const auto& [key, value] : values) raw.values[key] = RawValue{.values = {value}, .source = ValueSource::kFile};
  raw.file_path = "/etc/govd/111122223333.conf";
  raw.file_mode = 0600;
  return raw;
}

const std::map<std::string, std::string> kCommon{
    {"account-id", "111122223333"},
    {"region", "eu-west-2"},
    {"database.conninfo", "dbname=govd"},
    {"database.migrate-at-start", "true"},
    {"aws.s3-endpoint", "http://127.0.0.1:7480"},
    {"aws.sts-endpoint", "http://127.0.0.1:7480"},
    {"aws.iam-endpoint", "http://127.0.0.1:7480"},
    {"aws.organizations-endpoint", "http://127.0.0.1:7480"},
    {"aws.access-key-id", "AKIAAAAAAAAAAAAAAAAA"},
    {"aws.secret-access-key", "secret-one"},
    {"aws.timeout", "30s"},
    {"aws.max-attempts", "4"},
    {"aws.retry-budget", "500"},
    {"reconcile.interval", "5m"},
    {"reconcile.jitter", "0.1"},
    {"reconcile.lease", "2m"},
    {"reconcile.concurrency", "4"},
    {"control.socket", "/run/govd/111122223333.sock"},
    {"control.read-timeout", "10s"},
    {"control.max-body-bytes", "1048576"},
    {"control.max-header-bytes", "8192"},
    {"control.role", "uid:0 admin"},
    {"control.four-eyes", "false"},
    {"metrics.address", "127.0.0.1:9464"},
    {"log.level", "info"},
};

RawConfig Child() {
  auto values = kCommon;
  values.insert({{"mode", "child"},
                 {"reader-role.name", "govd-central-reader"},
                 {"reader-role.trusted", "arn:aws:iam::999988887777:role/govd-central"},
                 {"reader-role.external-id", "ext-one"},
                 {"tenant.333333333333.role-arn", "arn:aws:iam::333333333333:role/govd-manager"},
                 {"tenant.333333333333.external-id", "ext-one"},
                 {"tenant.444444444444.access-key-id", "AKIABBBBBBBBBBBBBBBB"},
                 {"tenant.444444444444.secret-access-key", "secret-one"},
                 {"audit.key-file", "/etc/govd/audit.key"}});  // audit.anchor-dir needs one
  return Base(values);
}

RawConfig Central() {
  auto values = kCommon;
  values.insert({{"mode", "central"},
                 {"source.la1.account", "222222222222"},
                 {"source.la1.bucket", "la1-shared"},
                 {"source.la1.prefix", "shared/reports/"},
                 {"source.la1.role-arn", "arn:aws:iam::222222222222:role/govd-central-reader"},
                 {"source.la1.external-id", "ext-one"},
                 {"source.la1.destination", "/var/lib/govd/la1"}});
  return Base(values);
}

// The keys every mode accepts, and no section: the configuration `mode` changes in.
RawConfig Plain() {
  auto values = kCommon;
  values.insert({"mode", "central"});
  return Base(values);
}

// One key's change: in which configuration, and the value it changes to.
enum class In { kChild, kCentral, kPlain };
struct Change {
  In in = In::kChild;
  std::string key;  // as in the file
  std::string value;
};

// A different valid value for each key; a key missing here fails KeysOfTheCode below.
const std::map<std::string, Change> kChanges{
    {"mode", {.in = In::kPlain, .key = "mode", .value = "child"}},
    {"account-id", {.key = "account-id", .value = "555566667777"}},
    {"region", {.key = "region", .value = "eu-west-1"}},
    {"database.conninfo", {.key = "database.conninfo", .value = "dbname=other"}},
    {"database.migrate-at-start", {.key = "database.migrate-at-start", .value = "false"}},
    {"aws.s3-endpoint", {.key = "aws.s3-endpoint", .value = "http://127.0.0.1:7481"}},
    {"aws.sts-endpoint", {.key = "aws.sts-endpoint", .value = "http://127.0.0.1:7481"}},
    {"aws.iam-endpoint", {.key = "aws.iam-endpoint", .value = "http://127.0.0.1:7481"}},
    {"aws.organizations-endpoint", {.key = "aws.organizations-endpoint", .value = "http://127.0.0.1:7481"}},
    {"aws.access-key-id", {.key = "aws.access-key-id", .value = "AKIACCCCCCCCCCCCCCCC"}},
    {"aws.secret-access-key", {.key = "aws.secret-access-key", .value = "secret-two"}},
    {"aws.timeout", {.key = "aws.timeout", .value = "20s"}},
    {"aws.max-attempts", {.key = "aws.max-attempts", .value = "3"}},
    {"aws.retry-budget", {.key = "aws.retry-budget", .value = "400"}},
    {"reconcile.interval", {.key = "reconcile.interval", .value = "1m"}},
    {"reconcile.jitter", {.key = "reconcile.jitter", .value = "0.2"}},
    {"reconcile.lease", {.key = "reconcile.lease", .value = "3m"}},
    {"reconcile.concurrency", {.key = "reconcile.concurrency", .value = "8"}},
    {"control.socket", {.key = "control.socket", .value = "/run/govd/other.sock"}},
    {"control.socket-group", {.key = "control.socket-group", .value = "daemon"}},
    {"control.read-timeout", {.key = "control.read-timeout", .value = "20s"}},
    {"control.max-body-bytes", {.key = "control.max-body-bytes", .value = "2048"}},
    {"control.max-header-bytes", {.key = "control.max-header-bytes", .value = "2048"}},
    {"control.role", {.key = "control.role", .value = "uid:0 auditor"}},
    {"control.four-eyes", {.key = "control.four-eyes", .value = "true"}},
    {"metrics.address", {.key = "metrics.address", .value = "127.0.0.1:9465"}},
    {"reader-role.name", {.key = "reader-role.name", .value = "other-reader"}},
    {"reader-role.trusted", {.key = "reader-role.trusted", .value = "arn:aws:iam::999988887777:role/other"}},
    {"reader-role.external-id", {.key = "reader-role.external-id", .value = "ext-two"}},
    {"log.level", {.key = "log.level", .value = "debug"}},
    {"audit.key-file", {.key = "audit.key-file", .value = "/etc/govd/other-audit.key"}},
    {"audit.anchor-dir", {.key = "audit.anchor-dir", .value = "/var/lib/govd/other-anchors"}},
    {"source.NAME.account", {.in = In::kCentral, .key = "source.la1.account", .value = "333333333333"}},
    {"source.NAME.bucket", {.in = In::kCentral, .key = "source.la1.bucket", .value = "la1-other"}},
    {"source.NAME.prefix", {.in = In::kCentral, .key = "source.la1.prefix", .value = "shared/other/"}},
    {"source.NAME.role-arn",
     {.in = In::kCentral, .key = "source.la1.role-arn", .value = "arn:aws:iam::222222222222:role/other"}},
    {"source.NAME.external-id", {.in = In::kCentral, .key = "source.la1.external-id", .value = "ext-two"}},
    {"source.NAME.destination", {.in = In::kCentral, .key = "source.la1.destination", .value = "/var/lib/govd/other"}},
    {"tenant.ACCOUNT.role-arn",
     {.key = "tenant.333333333333.role-arn", .value = "arn:aws:iam::333333333333:role/other"}},
    {"tenant.ACCOUNT.external-id", {.key = "tenant.333333333333.external-id", .value = "ext-two"}},
    {"tenant.ACCOUNT.access-key-id", {.key = "tenant.444444444444.access-key-id", .value = "AKIADDDDDDDDDDDDDDDD"}},
    {"tenant.ACCOUNT.secret-access-key", {.key = "tenant.444444444444.secret-access-key", .value = "secret-two"}},
};

// Every key name the code knows, sections' keys as "source.NAME.KEY" and "tenant.ACCOUNT.KEY".
std::vector<std::string> KeysOfTheCode() {
  std::vector<std::string> keys;
  for (const ConfigKey& key : kConfigKeys) keys.emplace_back(key.name);
  for (const ConfigKey& key : kSourceKeys) keys.push_back(std::string(kSourceSection) + ".NAME." + std::string(key.name));
  for (const ConfigKey& key : kTenantKeys) keys.push_back(std::string(kTenantSection) + ".ACCOUNT." + std::string(key.name));
  return keys;
}

// What PlanReload does with a change of `key` alone; fails the test when no change is known.
std::optional<OnReload> EffectInCode(const std::string& key) {
  auto change = kChanges.find(key);
  if (change == kChanges.end()) {
    ADD_FAILURE() << key << ": no other value to change it to; add one to kChanges";
    return std::nullopt;
  }
  const In in = change->second.in;
  RawConfig before = in == In::kCentral ? Central() : in == In::kPlain ? Plain() : Child();
  RawConfig after = before;
  after.values[change->second.key].values = {change->second.value};
  auto running = ValidateConfig(before);
  auto fresh = ValidateConfig(after);
  if (!running || !fresh) {
    ADD_FAILURE() << key << ": " << (running ? fresh : running).error().ToString();
    return std::nullopt;
  }
  return PlanReload(*running, *fresh).needs_restart.empty() ? OnReload::kApplied : OnReload::kRestart;
}

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(GOVD_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct DocTable {
  std::vector<std::pair<std::string, OnReload>> names;  // as written, "*" for any text
  std::string problem;                                  // not empty: the table could not be read
};

// The names between the doc's markers, each with the list it stands in.
DocTable ReadDocTable(const std::string& relative) {
  const bool scdoc = relative.ends_with(".scd");
  const std::string start = scdoc ? "; reload-keys" : "<!-- reload-keys";
  const std::string end = scdoc ? "; end reload-keys" : "<!-- end reload-keys -->";
  const std::regex name = scdoc ? std::regex(R"(\*((?:[a-z0-9.-]|\\\*)+)\*)") : std::regex(R"(`([a-z][a-z0-9.*-]*)`)");
  DocTable table;
  std::istringstream lines(ReadSource(relative));
  std::string line;
  enum { kBefore, kInside, kAfter } where = kBefore;
  std::optional<OnReload> list;
  while (where != kAfter && std::getline(lines, line)) {
    if (where == kBefore) {
      if (line.starts_with(start)) where = kInside;
      continue;
    }
    if (line.starts_with(end)) {
      where = kAfter;
      break;
    }
    std::string lower = line;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("applied at once") != std::string::npos) list = OnReload::kApplied;
    if (lower.find("restart") != std::string::npos) list = OnReload::kRestart;
    if (!list) continue;
    for (std::sregex_iterator it(line.begin(), line.end(), name), done; it != done; ++it) {
      std::string text = (*it)[1];
      for (std::size_t at = text.find("\\*"); at != std::string::npos; at = text.find("\\*")) text.erase(at, 1);
      table.names.emplace_back(text, *list);
    }
  }
  if (where == kBefore) table.problem = "no line starting with \"" + start + "\"";
  if (where == kInside) table.problem = "no line starting with \"" + end + "\" after \"" + start + "\"";
  return table;
}

bool Matches(const std::string& pattern, const std::string& key) {
  return fnmatch(pattern.c_str(), key.c_str(), 0) == 0;
}

class ReloadDocsTest : public testing::TestWithParam<const char*> {};

TEST(ReloadKeysTest, EveryKeyIsEitherAppliedOrKeptByPlanReload) {
  // The sample values themselves must differ from the bases' and be valid; and the two lists in
  // the docs must not be empty, which they would be if PlanReload flagged everything or nothing.
  std::set<OnReload> seen;
  for (const std::string& key : KeysOfTheCode()) {
    if (auto effect = EffectInCode(key)) seen.insert(*effect);
  }
  EXPECT_EQ(seen.size(), 2U);
}

TEST_P(ReloadDocsTest, TableMatchesPlanReload) {
  const std::string doc = GetParam();
  DocTable table = ReadDocTable(doc);
  ASSERT_TRUE(table.problem.empty()) << doc << ": " << table.problem;
  ASSERT_FALSE(table.names.empty()) << doc << ": no key names between the reload-keys markers";
  std::vector<std::string> keys = KeysOfTheCode();
  for (const std::string& key : keys) {
    auto effect = EffectInCode(key);
    if (!effect) continue;
    std::set<OnReload> listed;
    for (const auto& [pattern, list] : table.names) {
      if (Matches(pattern, key)) listed.insert(list);
    }
    if (listed.empty()) {
      ADD_FAILURE() << doc << ": " << key << " is in neither list; on reload the code has it " << Name(*effect);
    } else if (listed.size() > 1) {
      ADD_FAILURE() << doc << ": " << key << " is in both lists; on reload the code has it " << Name(*effect);
    } else if (*listed.begin() != *effect) {
      ADD_FAILURE() << doc << ": " << key << " is listed as " << Name(*listed.begin()) << ", but the code has it "
                    << Name(*effect);
    }
  }
  for (const auto& [pattern, list] : table.names) {
    bool known = std::any_of(keys.begin(), keys.end(), [&](const std::string& key) { return Matches(pattern, key); });
    EXPECT_TRUE(known) << doc << ": " << pattern << " (" << Name(list) << ") matches no key govd knows";
  }
}

INSTANTIATE_TEST_SUITE_P(Docs, ReloadDocsTest,
                         testing::Values("docs/daemon.md", "docs/operations.md", "packaging/man/govd.conf.5.scd"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace govd::daemon

// Unit tests of ValidateConfig, ParseDuration, role bindings, PlanReload and the loader's
// file/command-line precedence. Each invalid case checks the key named in the error.
#include "daemon/service/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "daemon/service/config_loader.h"
#include "daemon/service/config_reload.h"
#include "tests/daemon/support/govd_test_process.h"

namespace govd::daemon {
namespace {

using std::chrono::milliseconds;

RawConfig Minimal() {
  RawConfig raw;
  raw.values["mode"].values = {"child"};
  raw.values["account-id"].values = {"111122223333"};
  raw.values["region"].values = {"eu-west-2"};
  raw.values["database.conninfo"].values = {"dbname=govd"};
  raw.file_path = "/etc/govd/111122223333.conf";
  raw.file_mode = 0600;
  return raw;
}

RawConfig With(const std::string& key, std::vector<std::string> values,
               ValueSource source = ValueSource::kFile) {
  RawConfig raw = Minimal();
  raw.values[key] = RawValue{.values = std::move(values), .source = source};
  return raw;
}

// The key the validation error names, or "" when the config is valid.
std::string FailingKey(const RawConfig& raw) {
  auto config = ValidateConfig(raw);
  return config ? "" : config.error().where();
}

TEST(ConfigTest, MinimalConfigGetsDefaults) {
  auto config = ValidateConfig(Minimal());
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->mode, Mode::kChild);
  EXPECT_EQ(config->account_id.str(), "111122223333");
  EXPECT_EQ(config->control_socket, "/run/govd/111122223333.sock");
  EXPECT_EQ(config->reconcile_interval, std::chrono::minutes(5));
  EXPECT_EQ(config->concurrency, 4);
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
  EXPECT_FALSE(config->static_keys.has_value());
  EXPECT_FALSE(config->control_four_eyes) << "four eyes is opt-in";
  EXPECT_TRUE(config->database_migrate_at_start) << "upgrades migrate unless forbidden";
  EXPECT_TRUE(config->roles.bindings().empty());
}

TEST(ConfigTest, EveryKeyAccepted) {
  RawConfig raw = Minimal();
  raw.values["mode"].values = {"central"};
  raw.values["aws.s3-endpoint"].values = {"http://127.0.0.1:7480"};
  raw.values["aws.sts-endpoint"].values = {"https://sts.eu-west-2.amazonaws.com"};
  raw.values["aws.timeout"].values = {"2s"};
  raw.values["aws.max-attempts"].values = {"3"};
  raw.values["aws.retry-budget"].values = {"60"};
  raw.values["reconcile.interval"].values = {"30s"};
  raw.values["reconcile.jitter"].values = {"0.25"};
  raw.values["reconcile.lease"].values = {"3s"};
  raw.values["reconcile.concurrency"].values = {"8"};
  raw.values["control.read-timeout"].values = {"500ms"};
  raw.values["control.max-body-bytes"].values = {"4096"};
  raw.values["control.four-eyes"].values = {"true"};
  raw.values["database.migrate-at-start"].values = {"false"};
  raw.values["control.socket-group"].values = {"4242"};
  raw.values["control.role"].values = {"uid:0 admin", "gid:100 operator 444455556666", "uid:7 auditor"};
  raw.values["metrics.address"].values = {"127.0.0.1:9464"};
  raw.values["log.level"].values = {"debug"};
  auto config = ValidateConfig(raw);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->mode, Mode::kCentral);
  EXPECT_EQ(config->endpoints.s3, "http://127.0.0.1:7480");
  EXPECT_EQ(config->aws_timeout, milliseconds(2000));
  EXPECT_EQ(config->aws_max_attempts, 3);
  EXPECT_EQ(config->aws_retry_budget, 60);
  EXPECT_EQ(config->reconcile_interval, milliseconds(30'000));
  EXPECT_DOUBLE_EQ(config->reconcile_jitter, 0.25);
  EXPECT_EQ(config->reconcile_lease, milliseconds(3000));
  EXPECT_EQ(config->concurrency, 8);
  EXPECT_TRUE(config->control_four_eyes);
  EXPECT_FALSE(config->database_migrate_at_start);
  EXPECT_EQ(config->control_socket_group, std::optional<gid_t>(4242));
  EXPECT_EQ(config->control_read_timeout, milliseconds(500));
  EXPECT_EQ(config->control_max_body_bytes, 4096U);
  ASSERT_EQ(config->roles.bindings().size(), 3U);
  EXPECT_EQ(config->roles.bindings()[1].tenant->str(), "444455556666");
  EXPECT_EQ(config->log_level, LogLevel::kDebug);
}

TEST(ConfigTest, SwitchesAreTrueOrFalseAndNamedWhenNot) {
  for (const char* key : {"database.migrate-at-start", "control.four-eyes"}) {
    for (const char* bad : {"yes", "1", "TRUE", ""}) {
      RawConfig raw = Minimal();
      raw.values[key].values = {bad};
      auto config = ValidateConfig(raw);
      ASSERT_FALSE(config) << key << " = " << bad;
      EXPECT_EQ(config.error().where(), key);
      EXPECT_NE(config.error().message().find("must be true or false"), std::string::npos);
    }
  }
}

TEST(ConfigTest, RequiredKeysAreNamed) {
  for (const char* key : {"mode", "account-id", "region", "database.conninfo"}) {
    RawConfig raw = Minimal();
    raw.values.erase(key);
    EXPECT_EQ(FailingKey(raw), key);
  }
}

struct BadValue {
  const char* key;
  const char* value;
};

class ConfigBadValueTest : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigBadValueTest, NamesTheKey) {
  EXPECT_EQ(FailingKey(With(GetParam().key, {GetParam().value})), GetParam().key) << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    AllKeys, ConfigBadValueTest,
    ::testing::Values(BadValue{"mode", "parent"}, BadValue{"account-id", "12345"},
                      BadValue{"account-id", "11112222333a"}, BadValue{"region", "Europe"},
                      BadValue{"aws.s3-endpoint", "ftp://x"}, BadValue{"aws.iam-endpoint", "localhost:80"},
                      BadValue{"aws.timeout", "100ms"}, BadValue{"aws.max-attempts", "0"},
                      BadValue{"aws.max-attempts", "11"}, BadValue{"aws.retry-budget", "-1"},
                      BadValue{"reconcile.lease", "500ms"},
                      BadValue{"reconcile.interval", "5"}, BadValue{"reconcile.interval", "500ms"},
                      BadValue{"reconcile.interval", "25h"}, BadValue{"reconcile.interval", "-5s"},
                      BadValue{"reconcile.jitter", "1.0"}, BadValue{"reconcile.jitter", "-0.1"},
                      BadValue{"reconcile.jitter", "lots"}, BadValue{"reconcile.concurrency", "0"},
                      BadValue{"reconcile.concurrency", "65"}, BadValue{"reconcile.concurrency", "4x"},
                      BadValue{"control.socket", "run/govd.sock"},
                      BadValue{"control.socket-group", "no-such-group-x"},
                      BadValue{"control.socket", "/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
                      BadValue{"control.read-timeout", "10ms"}, BadValue{"control.max-body-bytes", "10"},
                      BadValue{"control.max-header-bytes", "1000000"}, BadValue{"control.four-eyes", "yes"},
                      BadValue{"metrics.address", "9464"},
                      BadValue{"metrics.address", "localhost:99999"}, BadValue{"log.level", "verbose"},
                      BadValue{"control.role", "uid:0 root"}, BadValue{"control.role", "uid:x admin"},
                      BadValue{"control.role", "user:0 admin"}, BadValue{"control.role", "uid:5 operator"},
                      BadValue{"control.role", "uid:5 admin 111122223333"},
                      BadValue{"control.role", "uid:5 operator 42"}, BadValue{"no.such-key", "1"},
                      BadValue{"audit.key-file", "etc/govd/audit.key"},
                      BadValue{"audit.anchor-dir", "/var/lib/govd/anchors"}));  // without a key file

TEST(ConfigTest, AuditAnchorsDefaultToTheStateDirectoryAndMustBeAbsolute) {
  RawConfig raw = With("audit.key-file", {"/etc/govd/audit.key"});
  auto config = ValidateConfig(raw);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->audit_key_file, "/etc/govd/audit.key");
  EXPECT_EQ(config->audit_anchor_dir, "/var/lib/govd/" + config->account_id.str() + "/audit-anchors");
  raw.values["audit.anchor-dir"] = RawValue{.values = {"anchors"}, .source = ValueSource::kFile};
  EXPECT_EQ(FailingKey(raw), "audit.anchor-dir");
  EXPECT_TRUE(ValidateConfig(Minimal())->audit_key_file.empty());
}

TEST(ConfigTest, KeyGivenTwiceIsRefused) { EXPECT_EQ(FailingKey(With("region", {"eu-west-2", "eu-west-1"})), "region"); }

TEST(ConfigTest, SameUidBoundTwiceIsRefused) {
  EXPECT_EQ(FailingKey(With("control.role", {"uid:5 admin", "uid:5 auditor"})), "control.role");
  EXPECT_EQ(FailingKey(With("control.role", {"uid:5 admin", "gid:5 auditor"})), "");
}

TEST(ConfigTest, StaticKeysOnlyFromAProtectedFile) {
  RawConfig raw = With("aws.access-key-id", {"AKIAIOSFODNN7EXAMPLE"});
  raw.values["aws.secret-access-key"].values = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  EXPECT_EQ(FailingKey(raw), "");
  raw.file_mode = 0644;
  auto refused = ValidateConfig(raw);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().where(), "aws.access-key-id");
  EXPECT_NE(refused.error().message().find("readable by others"), std::string::npos);
  EXPECT_EQ(refused.error().message().find("EXAMPLEKEY"), std::string::npos) << "the secret leaked into the error";
  raw.file_mode = 0640;
  EXPECT_EQ(FailingKey(raw), "aws.access-key-id");
  raw.file_mode = 0600;
  raw.values["aws.secret-access-key"].source = ValueSource::kCommandLine;
  EXPECT_EQ(FailingKey(raw), "aws.secret-access-key");
}

TEST(ConfigTest, StaticKeysComeInPairs) {
  EXPECT_EQ(FailingKey(With("aws.secret-access-key", {"secret"})), "aws.access-key-id");
  EXPECT_EQ(FailingKey(With("aws.access-key-id", {"AKIAIOSFODNN7EXAMPLE"})), "aws.secret-access-key");
}

TEST(ConfigTest, ParseDuration) {
  EXPECT_EQ(*ParseDuration("250ms", "k"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("30s", "k"), milliseconds(30'000));
  EXPECT_EQ(*ParseDuration("5m", "k"), milliseconds(300'000));
  EXPECT_EQ(*ParseDuration("2h", "k"), milliseconds(7'200'000));
  for (const char* bad : {"", "s", "5", "5d", "1.5s", "5 s", "ms"}) {
    auto parsed = ParseDuration(bad, "k");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().where(), "k");
  }
}

TEST(RoleMapTest, UidBindingWinsOverGidBinding) {
  auto config = ValidateConfig(With("control.role", {"gid:50 auditor", "uid:7 operator 444455556666"}));
  ASSERT_TRUE(config) << config.error().ToString();
  auto by_uid = config->roles.Resolve({.uid = 7, .gid = 50, .pid = 1, .user_name = ""});
  ASSERT_TRUE(by_uid);
  EXPECT_EQ(by_uid->role, Role::kOperator);
  auto by_gid = config->roles.Resolve({.uid = 8, .gid = 50, .pid = 1, .user_name = ""});
  ASSERT_TRUE(by_gid);
  EXPECT_EQ(by_gid->role, Role::kAuditor);
  EXPECT_FALSE(config->roles.Resolve({.uid = 8, .gid = 51, .pid = 1, .user_name = ""}));
}

TEST(ConfigReloadTest, AppliesLiveKeysAndKeepsIdentity) {
  auto running = ValidateConfig(Minimal());
  RawConfig changed = With("control.role", {"uid:9 admin"});
  changed.values["account-id"].values = {"999988887777"};
  changed.values["log.level"].values = {"debug"};
  auto fresh = ValidateConfig(changed);
  ASSERT_TRUE(running && fresh);
  ReloadPlan plan = PlanReload(*running, *fresh);
  EXPECT_EQ(plan.config.account_id.str(), "111122223333");
  EXPECT_EQ(plan.config.control_socket, "/run/govd/111122223333.sock");
  EXPECT_EQ(plan.config.log_level, LogLevel::kDebug);
  EXPECT_EQ(plan.config.roles.bindings().size(), 1U);
  EXPECT_EQ(plan.needs_restart, (std::vector<std::string>{"account-id", "control.socket"}));
}

TEST(ConfigReloadTest, ChangedSecretNeedsARestartAndTheRunningKeysStay) {
  RawConfig keys = With("aws.access-key-id", {"AKIAIOSFODNN7EXAMPLE"});
  keys.values["aws.secret-access-key"].values = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  RawConfig rotated = keys;
  rotated.values["aws.secret-access-key"].values = {"rotatedSecretKeyAAAAAAAAAAAAAAAAAAAAAAAA"};
  auto running = ValidateConfig(keys);
  auto same = ValidateConfig(keys);
  auto fresh = ValidateConfig(rotated);
  ASSERT_TRUE(running && same && fresh);
  ASSERT_TRUE(running->static_keys);
  EXPECT_EQ(running->static_keys->secret_access_key(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_TRUE(PlanReload(*running, *same).needs_restart.empty());
  ReloadPlan plan = PlanReload(*running, *fresh);
  EXPECT_EQ(plan.needs_restart, (std::vector<std::string>{"aws.access-key-id"}));
  ASSERT_TRUE(plan.config.static_keys);
  EXPECT_EQ(plan.config.static_keys->secret_access_key(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

TEST(ConfigReloadTest, AChangedReaderRoleNeedsARestartAndTheRunningOneStays) {
  RawConfig with_role = With("reader-role.name", {"govd-central-reader"});
  with_role.values["reader-role.trusted"].values = {"arn:aws:iam::111111111111:role/govd-central"};
  RawConfig other = with_role;
  other.values["reader-role.trusted"].values = {"arn:aws:iam::111111111111:root"};
  auto running = ValidateConfig(with_role);
  auto fresh = ValidateConfig(other);
  ASSERT_TRUE(running && fresh) << (running ? fresh.error() : running.error()).ToString();
  ReloadPlan plan = PlanReload(*running, *fresh);
  EXPECT_EQ(plan.needs_restart, (std::vector<std::string>{"reader-role.*"}));
  ASSERT_TRUE(plan.config.reader_role);
  EXPECT_EQ(plan.config.reader_role->trusted, "arn:aws:iam::111111111111:role/govd-central");
}

TEST(ConfigLoaderTest, CommandLineOverridesFileAndUnknownFileKeysAreNamed) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  testing::WriteFile(path, testing::MinimalConfig(dir, "[log]\nlevel = warning\n"), 0644);
  std::vector<const char*> argv{"govd", "--config", path.c_str(), "--log.level", "error"};
  auto command_line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(command_line) << command_line.error().ToString();
  auto config = LoadConfig(*command_line);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->log_level, LogLevel::kError);
  EXPECT_EQ(config->region, "eu-west-2");

  testing::WriteFile(path, testing::MinimalConfig(dir, "[log]\nlevle = warning\n"));
  auto typo = LoadConfig(*command_line);
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().ToString().find("log.levle"), std::string::npos) << typo.error().ToString();
}

TEST(ConfigLoaderTest, StaticKeysInWorldReadableFileAreRefused) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  testing::WriteFile(path,
                     testing::MinimalConfig(dir, "[aws]\naccess-key-id = AKIAIOSFODNN7EXAMPLE\n"
                                                 "secret-access-key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"),
                     0644);
  std::vector<const char*> argv{"govd", "--config", path.c_str()};
  auto command_line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(command_line);
  auto config = LoadConfig(*command_line);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where(), "aws.access-key-id");
  testing::WriteFile(path, testing::MinimalConfig(dir, "[aws]\naccess-key-id = AKIAIOSFODNN7EXAMPLE\n"
                                                       "secret-access-key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"));
  EXPECT_TRUE(LoadConfig(*command_line));
}

// A central config file with [source.NAME] sections; MinimalConfig's mode is replaced.
std::string CentralConfig(const testing::TempDir& dir, const std::string& sources) {
  std::string text = testing::MinimalConfig(dir, sources);
  text.replace(text.find("mode = child"), 12, "mode = central");
  return text;
}

Result<Config> LoadFile(const std::string& path) {
  std::vector<const char*> argv{"govd", "--config", path.c_str()};
  auto command_line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  if (!command_line) return command_line.error();
  return LoadConfig(*command_line);
}

constexpr const char* kLa1Source =
    "[source.la1]\naccount = 222222222222\nbucket = 222222222222:la1-shared\nprefix = shared/reports/\n"
    "prefix = shared/maps/\ndestination = /var/lib/govd/pulled/la1\n";

TEST(ConfigLoaderTest, CentralSourcesAreReadFromTheirSections) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  testing::WriteFile(path, CentralConfig(dir, std::string(kLa1Source) +
                                                  "[source.la2]\naccount = 333333333333\nbucket = la2-shared\n"
                                                  "prefix = open/\nrole-arn = arn:aws:iam::333333333333:role/govd-reader\n"
                                                  "external-id = central-7\ndestination = /srv/la2\n"));
  auto config = LoadFile(path);
  ASSERT_TRUE(config) << config.error().ToString();
  ASSERT_EQ(config->sources.size(), 2U);
  const PullSource& la1 = config->sources[0];
  EXPECT_EQ(la1.name, "la1");
  EXPECT_EQ(la1.account.str(), "222222222222");
  EXPECT_EQ(la1.bucket, "222222222222:la1-shared");
  EXPECT_EQ(la1.prefixes, (std::vector<std::string>{"shared/reports/", "shared/maps/"}));
  EXPECT_TRUE(la1.role_arn.empty());
  EXPECT_EQ(la1.destination, "/var/lib/govd/pulled/la1");
  EXPECT_EQ(config->sources[1].role_arn, "arn:aws:iam::333333333333:role/govd-reader");
  EXPECT_EQ(config->sources[1].external_id, "central-7");
  EXPECT_TRUE(la1.destination_bucket.empty()) << "a local directory";
}

TEST(ConfigLoaderTest, ASourceMayCopyIntoABucketOfTheCentralAccount) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  std::string la1 = kLa1Source;
  auto with_destination = [&](const std::string& destination) {
    std::string text = la1;
    const std::string from = "/var/lib/govd/pulled/la1";
    text.replace(text.find(from), from.size(), destination);
    testing::WriteFile(path, CentralConfig(dir, text));
    return LoadFile(path);
  };
  auto config = with_destination("s3://central-archive/from-la1/");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->sources[0].destination_bucket, "central-archive");
  EXPECT_EQ(config->sources[0].destination_prefix, "from-la1/");
  config = with_destination("s3://central-archive");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->sources[0].destination_prefix, "");
  for (const char* bad : {"s3://Central_Archive/x/", "s3://central-archive/from-la1", "s3:///x/",
                          "s3://central-archive/a/../b/"}) {
    auto refused = with_destination(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().where(), "source.la1.destination") << bad;
    const std::string& why = refused.error().message();
    EXPECT_TRUE(why.find("bucket name") != std::string::npos || why.find("prefix") != std::string::npos)
        << bad << ": " << why;
  }
  // Two sources whose copies would mix: one prefix inside the other in the same bucket.
  std::string la2 =
      "[source.la2]\naccount = 333333333333\nbucket = la2-shared\nprefix = open/\n"
      "destination = s3://central-archive/from-la1/la2/\n";
  std::string text = la1;
  text.replace(text.find("/var/lib/govd/pulled/la1"), 24, "s3://central-archive/from-la1/");
  testing::WriteFile(path, CentralConfig(dir, text + la2));
  auto overlapping = LoadFile(path);
  ASSERT_FALSE(overlapping);
  EXPECT_EQ(overlapping.error().where(), "source.la2.destination");
  EXPECT_NE(overlapping.error().message().find("overlaps source la1"), std::string::npos)
      << overlapping.error().message();
}

constexpr const char* kTenantSections =
    "[tenant.333333333333]\nrole-arn = arn:aws:iam::333333333333:role/govd-manager\nexternal-id = hosted-3\n"
    "[tenant.222222222222]\naccess-key-id = AKIAIOSFODNN7EXAMPLE\n"
    "secret-access-key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n";

TEST(ConfigLoaderTest, ChildTenantsAreReadFromTheirSectionsInAccountOrder) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  testing::WriteFile(path, testing::MinimalConfig(dir, kTenantSections));
  auto config = LoadFile(path);
  ASSERT_TRUE(config) << config.error().ToString();
  ASSERT_EQ(config->tenants.size(), 2U);
  EXPECT_EQ(config->tenants[0].account.str(), "222222222222");
  ASSERT_TRUE(config->tenants[0].static_keys);
  EXPECT_EQ(config->tenants[0].static_keys->access_key_id(), "AKIAIOSFODNN7EXAMPLE");
  EXPECT_TRUE(config->tenants[0].role_arn.empty());
  EXPECT_EQ(config->tenants[1].account.str(), "333333333333");
  EXPECT_EQ(config->tenants[1].role_arn, "arn:aws:iam::333333333333:role/govd-manager");
  EXPECT_EQ(config->tenants[1].external_id, "hosted-3");
  EXPECT_FALSE(config->tenants[1].static_keys);
}

TEST(ConfigLoaderTest, AChildsReaderRoleIsReadWhole) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  auto load = [&](const std::string& text) {
    testing::WriteFile(path, text);
    return LoadFile(path);
  };
  const std::string role =
      "[reader-role]\nname = govd-central-reader\ntrusted = arn:aws:iam::111111111111:role/govd-central\n"
      "external-id = leeds-central-7\n";
  auto config = load(testing::MinimalConfig(dir, role));
  ASSERT_TRUE(config) << config.error().ToString();
  ASSERT_TRUE(config->reader_role.has_value());
  EXPECT_EQ(config->reader_role->name, "govd-central-reader");
  EXPECT_EQ(config->reader_role->trusted, "arn:aws:iam::111111111111:role/govd-central");
  EXPECT_EQ(config->reader_role->external_id, "leeds-central-7");
  config = load(testing::MinimalConfig(dir, ""));
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->reader_role.has_value()) << "unset: govd changes no IAM role";

  auto failing_key = [&](const std::string& text) {
    auto refused = load(text);
    return refused ? std::string("(valid)") : refused.error().where();
  };
  EXPECT_EQ(failing_key(CentralConfig(dir, role)), "reader-role.name");  // a central daemon has none
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, "[reader-role]\nname = govd-central-reader\n")),
            "reader-role.trusted");
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, "[reader-role]\ntrusted = arn:aws:iam::111111111111:root\n")),
            "reader-role.trusted");  // without a name
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, "[reader-role]\nname = bad name\n"
                                                    "trusted = arn:aws:iam::111111111111:root\n")),
            "reader-role.name");
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, "[reader-role]\nname = r\ntrusted = central\n")),
            "reader-role.trusted");
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, "[reader-role]\nname = r\n"
                                                    "trusted = arn:aws:iam::111111111111:root\nexternal-id = x\n")),
            "reader-role.external-id");  // too short
}

TEST(ConfigLoaderTest, BadTenantsNameTheirKey) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  auto failing_key = [&](const std::string& file_text, unsigned mode = 0600) {
    testing::WriteFile(path, file_text, mode);
    auto config = LoadFile(path);
    return config ? std::string("(valid)") : config.error().where();
  };
  auto child = [&](const std::string& sections) { return testing::MinimalConfig(dir, sections); };
  const std::string role = "role-arn = arn:aws:iam::333333333333:role/r\n";
  EXPECT_EQ(failing_key(CentralConfig(dir, "[tenant.333333333333]\n" + role)),
            "tenant.333333333333");  // central: none
  EXPECT_EQ(failing_key(child("[tenant.33]\nrole-arn = arn:aws:iam::333333333333:role/r\n")), "tenant.33");
  EXPECT_EQ(failing_key(child("[tenant.111122223333]\n" + role)),
            "tenant.111122223333");  // the daemon's own account
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\nexternal-id = \n")),
            "tenant.333333333333");  // no identity
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\nrole-arn = arn:aws:s3:::bucket\n")),
            "tenant.333333333333.role-arn");
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\nexternal-id = x1y2\n")),
            "tenant.333333333333.external-id");
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\naccess-key-id = AKIAIOSFODNN7EXAMPLE\n")),
            "tenant.333333333333.secret-access-key");
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\nrole = x\n")), "tenant.333333333333.role");
  EXPECT_EQ(failing_key(child(kTenantSections), 0644),
            "tenant.222222222222.access-key-id");  // readable by others
  EXPECT_EQ(failing_key(child("[tenant.333333333333]\nrole-arn = arn:aws:iam::333333333333:role/r\n"
                              "access-key-id = AKIAIOSFODNN7EXAMPLE\nsecret-access-key = abcdefgh\n")),
            "tenant.333333333333.role-arn");  // one identity, not two
}

TEST(ConfigLoaderTest, BadSourcesNameTheirKey) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  auto failing_key = [&](const std::string& file_text) {
    testing::WriteFile(path, file_text);
    auto config = LoadFile(path);
    return config ? std::string("(valid)") : config.error().where();
  };
  std::string la1 = kLa1Source;
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = la1;
    text.replace(text.find(from), from.size(), to);
    return CentralConfig(dir, text);
  };
  EXPECT_EQ(failing_key(testing::MinimalConfig(dir, la1)), "source.la1");  // a child daemon does not pull
  EXPECT_EQ(failing_key(replaced("account = 222222222222", "account = 22")), "source.la1.account");
  EXPECT_EQ(failing_key(replaced("bucket = 222222222222:", "bucket = 333333333333:")), "source.la1.bucket");
  EXPECT_EQ(failing_key(replaced("prefix = shared/maps/", "prefix = ../etc/")), "source.la1.prefix");
  EXPECT_EQ(failing_key(replaced("destination = /var", "destination = var")), "source.la1.destination");
  EXPECT_EQ(failing_key(replaced("destination = /var/lib/govd/pulled/la1\n", "")), "source.la1.destination");
  EXPECT_EQ(failing_key(replaced("prefix = shared/maps/", "external-id = x1")), "source.la1.external-id");
  EXPECT_EQ(failing_key(replaced("prefix = shared/maps/", "role-arn = arn:aws:s3:::bucket")), "source.la1.role-arn");
  EXPECT_EQ(failing_key(replaced("prefix = shared/maps/", "prefx = shared/maps/")), "source.la1.prefx");
  EXPECT_EQ(failing_key(CentralConfig(dir, la1 + "[source.La-2]\naccount = 222222222222\n")), "source.La-2");
  std::string twin = la1;
  twin.replace(twin.find("[source.la1]"), 12, "[source.la1b]");
  EXPECT_EQ(failing_key(CentralConfig(dir, la1 + twin)), "source.la1b.destination");  // two sources, one folder
}

// Regression (config_fuzz): Boost's error text for an option named with one of its own
// placeholders ("%canonical_option%"), or for an invalid line holding one ("%invalid_line%"), never
// finished; govd hung at startup or on SIGHUP. In a file
// such names are kept as read and refused by govd's own check; on the command line by govd's text.
TEST(ConfigLoaderTest, OptionNamesHoldingPercentPlaceholdersAreRefusedPromptly) {
  testing::TempDir dir;
  std::string path = dir.File("govd.conf");
  struct Case {
    const char* text;
    const char* key;
  };
  for (const Case& c : {Case{"%canonical_option% = 1\n", "%canonical_option%"},
                        Case{"[%canonical_option%]\nx = 1\n", "%canonical_option%.x"},
                        Case{"%option% = 1\n", "%option%"},
                        Case{"region = a\n%prefix%%canonical_option% = b\n", "%prefix%%canonical_option%"}}) {
    testing::WriteFile(path, c.text);
    auto config = LoadFile(path);
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().where(), c.key);
    EXPECT_EQ(config.error().message(), "unknown key");
  }
  // A line that is not key = value is quoted by Boost's message: one holding a placeholder too.
  for (const char* text : {"%invalid_line%\n", "region = a\n%prefix%%invalid_line%\n"}) {
    auto raw = ParseConfigText(text, "la.conf");
    ASSERT_FALSE(raw) << text;
    EXPECT_EQ(raw.error().where(), "la.conf");
    EXPECT_EQ(raw.error().message(), "invalid line: neither a [section] nor key = value");
  }
  std::vector<const char*> argv{"govd", "--%canonical_option%=1"};
  auto command_line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  ASSERT_FALSE(command_line);
  EXPECT_EQ(command_line.error().where(), "command line");
  EXPECT_NE(command_line.error().message().find("'%'"), std::string::npos) << command_line.error().message();
}

// Secrets do not outlive their use: a RawConfig wipes the secret keys' values (also when it goes),
// and only those.
TEST(ConfigLoaderTest, WipingARawConfigEmptiesOnlyTheSecretValues) {
  auto raw = ParseConfigText("region = eu-west-2\n[aws]\naccess-key-id = AKIAWIPETEST00000001\n"
                             "secret-access-key = wipe-me-please-0123456789\n[tenant.222222222222]\n"
                             "access-key-id = AKIAWIPETEST00000002\nsecret-access-key = tenant-secret-0123456789\n",
                             "t.conf");
  ASSERT_TRUE(raw) << raw.error().ToString();
  EXPECT_EQ(raw->values.at("aws.secret-access-key").values, std::vector<std::string>{"wipe-me-please-0123456789"});
  WipeSecretValues(*raw);
  EXPECT_TRUE(raw->values.at("aws.secret-access-key").values.empty());
  EXPECT_TRUE(raw->values.at("tenant.222222222222.secret-access-key").values.empty());
  EXPECT_EQ(raw->values.at("aws.access-key-id").values.front(), "AKIAWIPETEST00000001");
  EXPECT_EQ(raw->values.at("tenant.222222222222.access-key-id").values.front(), "AKIAWIPETEST00000002");
  EXPECT_EQ(raw->values.at("region").values.front(), "eu-west-2");
  EXPECT_TRUE(IsSecretKey("aws.secret-access-key"));
  EXPECT_FALSE(IsSecretKey("aws.access-key-id"));
  EXPECT_FALSE(IsSecretKey("secret-access-key")) << "only where govd reads one";
}

// Boost's parser never sees a secret (it would free copies of it unwiped): govd reads the secret
// keys' values itself, by Boost's rules, and gives the rest of the text to Boost. The values must
// be what Boost would read. (secret_memory_test checks that no copy is left in freed memory.)
TEST(ConfigLoaderTest, SecretsAreReadByBoostsRulesWithoutBoost) {
  auto raw = ParseConfigText(
      "aws.secret-access-key = top level \t # comment = x\n"
      "[tenant.222222222222]  # the first tenant\n"
      "secret-access-key=a=b#c\r\n"
      "[tenant.333333333333.]\n  secret-access-key =   \n"
      "[control]\nrole = uid:0 admin # secret-access-key = no\n",
      "t.conf");
  ASSERT_TRUE(raw) << raw.error().ToString();
  EXPECT_EQ(raw->values.at("aws.secret-access-key").values, std::vector<std::string>{"top level"});
  EXPECT_EQ(raw->values.at("tenant.222222222222.secret-access-key").values, std::vector<std::string>{"a=b"});
  EXPECT_EQ(raw->values.at("tenant.333333333333.secret-access-key").values, std::vector<std::string>{""});
  EXPECT_EQ(raw->values.at("control.role").values, std::vector<std::string>{"uid:0 admin"});
  EXPECT_FALSE(raw->values.contains("secret-access-key"));
  // A secret given twice stays twice, in order, for ValidateConfig to refuse.
  auto twice =
      ParseConfigText("[tenant.222222222222]\nsecret-access-key = one\nsecret-access-key = two\n", "t.conf");
  ASSERT_TRUE(twice) << twice.error().ToString();
  EXPECT_EQ(twice->values.at("tenant.222222222222.secret-access-key").values,
            (std::vector<std::string>{"one", "two"}));
  // Boost would read the byte before an empty section name.
  auto nameless = ParseConfigText("region = eu-west-2\n\n  [] # none\nsecret-access-key = x\n", "t.conf");
  ASSERT_FALSE(nameless);
  EXPECT_EQ(nameless.error().where(), "t.conf");
  EXPECT_EQ(nameless.error().message(), "line 3: a [section] needs a name");
}

TEST(ConfigLoaderTest, AConfigPathThatIsNotARegularFileIsRefused) {
  testing::TempDir dir;
  auto config = LoadFile(dir.path());
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where(), dir.path());
  EXPECT_NE(config.error().message().find("not a regular file"), std::string::npos) << config.error().message();
}

// Issue 16: `govd --check-config` on a FIFO hung in open(2) waiting for a writer; /dev/zero
// would be read until memory ran out. Only a regular file of at most 1 MiB is read.
TEST(ConfigLoaderTest, AFifoOrADeviceAsConfigIsRefusedAtOnce) {
  testing::TempDir dir;
  const std::string fifo = dir.File("govd.conf");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto started = std::chrono::steady_clock::now();
  auto from_fifo = LoadFile(fifo);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));  // a hang never returns
  ASSERT_FALSE(from_fifo);
  EXPECT_EQ(from_fifo.error().where(), fifo);
  EXPECT_NE(from_fifo.error().message().find("not a regular file (it is a FIFO)"), std::string::npos)
      << from_fifo.error().message();
  auto from_zero = LoadFile("/dev/zero");
  ASSERT_FALSE(from_zero);
  EXPECT_NE(from_zero.error().message().find("it is a character device"), std::string::npos)
      << from_zero.error().message();
  const std::string big = dir.File("big.conf");
  testing::WriteFile(big, "# " + std::string((1 << 20) + 10, 'x') + "\n");
  auto too_big = LoadFile(big);
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message().find("longer than 1 MiB"), std::string::npos)
      << too_big.error().message();
}

TEST(ConfigLoaderTest, ConfigTextParsesWithoutAFile) {
  auto raw = ParseConfigText("region = eu-west-2\n[control]\nrole = uid:0 admin\nrole = gid:7 auditor\n", "t.conf");
  ASSERT_TRUE(raw) << raw.error().ToString();
  EXPECT_TRUE(raw->file_path.empty());
  EXPECT_EQ(raw->values.at("region").values, std::vector<std::string>{"eu-west-2"});
  EXPECT_EQ(raw->values.at("control.role").values.size(), 2U);
  EXPECT_EQ(raw->values.at("control.role").source, ValueSource::kFile);
  // Keys are kept as read ([source.NAME] sections cannot be registered up front); validation
  // refuses the unknown ones.
  auto unknown = ParseConfigText("regoin = x\n", "t.conf");
  ASSERT_TRUE(unknown) << unknown.error().ToString();
  EXPECT_EQ(unknown->values.at("regoin").values, std::vector<std::string>{"x"});
  auto malformed = ParseConfigText("[control\nrole = uid:0 admin\n", "t.conf");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().where(), "t.conf");
}

}  // namespace
}  // namespace govd::daemon

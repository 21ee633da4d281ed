// daemon/service/config.h
// govd's configuration: the raw key/value form read from the INI file and the command line
// (RawConfig), and the checked, typed form the daemon runs with (Config). ValidateConfig is the
// one place that decides what is acceptable; it is pure (no file or environment access), so unit
// tests cover every rule. Errors name the key (Error::where) and the rule broken.
// Thread safety: values. Never put a credential into an error message or a log line.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "daemon/api/role_map.h"
#include "policy/engine/arn.h"
#include "signer/credentials.h"

namespace govd::daemon {

enum class Mode { kCentral, kChild };
enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError };

std::string_view ModeName(Mode mode);
std::string_view LogLevelName(LogLevel level);

// Where a raw value came from: secrets are only accepted from a protected file.
enum class ValueSource { kFile, kCommandLine };

struct RawConfig;
// "aws.secret-access-key" and every "tenant.NAME.secret-access-key".
bool IsSecretKey(std::string_view key);
// Overwrites and empties the values of the secret keys of `raw`; the other values stay.
void WipeSecretValues(RawConfig& raw) noexcept;

struct RawValue {
  std::vector<std::string> values;  // one per occurrence; most keys allow exactly one
  ValueSource source = ValueSource::kFile;
};

// The values of secret keys (aws.secret-access-key, tenant.NAME.secret-access-key) are wiped when
// a RawConfig goes or is assigned over, so that no copy of a secret outlives its use
// (ValidateConfig puts the secret into signer::Credentials, which wipe their own).
struct RawConfig {
  RawConfig() = default;
  RawConfig(const RawConfig&) = default;
  RawConfig(RawConfig&&) noexcept = default;
  RawConfig& operator=(const RawConfig& other) {
    if (this == &other) return *this;
    WipeSecretValues(*this);
    values = other.values;
    file_path = other.file_path;
    file_mode = other.file_mode;
    return *this;
  }
  RawConfig& operator=(RawConfig&& other) noexcept {
    if (this == &other) return *this;
    WipeSecretValues(*this);
    values = std::move(other.values);
    file_path = std::move(other.file_path);
    file_mode = other.file_mode;
    return *this;
  }
  ~RawConfig() { WipeSecretValues(*this); }

  std::map<std::string, RawValue> values;  // key as in the file: "reconcile.interval"
  std::string file_path;                   // empty when no file was read
  unsigned file_mode = 0;                  // permission bits of the file (st_mode & 07777)
};

// Overrides of the AWS endpoints (for RadosGW or LocalStack); empty means the AWS default.
struct AwsEndpoints {
  std::string s3;
  std::string sts;
  std::string iam;
  std::string organizations;
};

// One [source.NAME] section of a central daemon's config: a bucket of a child account, the
// prefixes it granted to the central account, how to read them, and where they go locally.
struct PullSource {
  std::string name;             // NAME of the section: [a-z0-9][a-z0-9_-]{0,62}
  policy::AccountId account;    // the child account that owns the bucket (TENANT= in logs)
  std::string bucket;           // as S3 addresses it; RadosGW's "ACCOUNT:BUCKET" for another tenant's
  std::vector<std::string> prefixes;  // at least one; each as accounts::ValidatePrefix accepts
  std::string role_arn;         // the child's reader role to assume; empty: the daemon's own identity
  std::string external_id;      // sent with AssumeRole; only with role_arn
  // Where the objects go, one per source: an absolute local directory (DESTINATION/<key>), or
  // s3://BUCKET/PREFIX, a bucket of the central account itself (BUCKET/PREFIX<key>).
  std::string destination;
  std::string destination_bucket;  // for s3://: BUCKET; empty for a local directory
  std::string destination_prefix;  // for s3://: PREFIX, "" or ending in "/"
};

// One [tenant.ACCOUNT] section of a child daemon's config: another child account whose shared
// buckets this daemon reconciles besides its own (a hosted operator's daemon for many small
// tenants). Its identity, exactly one of: a role in that account to assume with the daemon's own
// credentials (the usual way on AWS), or static keys of its own (file only).
struct ManagedTenant {
  policy::AccountId account;
  std::string role_arn;     // assumed with AssumeRole; empty: no role
  std::string external_id;  // sent with AssumeRole; only with role_arn
  std::optional<signer::Credentials> static_keys;  // wiped when dropped
};

// [reader-role] of a child daemon: the role of its account that the central account assumes to
// read what was granted. govd owns one statement of the role's trust policy (Sid GovdManagedReaderTrust):
// it lets `trusted` assume the role while a live grant names the role as its grantee, and is
// removed when the last such grant is revoked (reconcile.md, "The reader role").
struct ReaderRole {
  std::string name;         // the role's name in this account, e.g. govd-central-reader
  std::string trusted;      // the principal ARN allowed to assume it, e.g. the central govd's role
  std::string external_id;  // required of `trusted` as sts:ExternalId; empty: none
};

struct Config {
  // The two members without a meaningful default; everything else is set by ValidateConfig.
  Config(policy::AccountId account, RoleMap role_map) : account_id(std::move(account)), roles(std::move(role_map)) {}

  Mode mode = Mode::kChild;
  policy::AccountId account_id;
  std::string region;
  std::string database_conninfo;
  // database.migrate-at-start: apply pending schema migrations before opening the store (the
  // `govd migrate` code, under its advisory lock); false: refuse a database behind this build.
  bool database_migrate_at_start = true;
  AwsEndpoints endpoints;
  // aws.access-key-id and aws.secret-access-key (no session token); the secret is wiped with the Config.
  std::optional<signer::Credentials> static_keys;
  // One AWS call: how long it may take, how often it is tried, and the retry budget shared by all
  // calls (accounts::RetryOptions: a retry costs 5 tokens, a timed-out one 10, a success returns 1).
  std::chrono::milliseconds aws_timeout{std::chrono::seconds(30)};
  int aws_max_attempts = 4;
  int aws_retry_budget = 500;
  std::chrono::milliseconds reconcile_interval{std::chrono::minutes(5)};
  double reconcile_jitter = 0.1;  // each wait is interval * (1 +- jitter)
  std::chrono::milliseconds reconcile_lease{std::chrono::minutes(2)};  // a crashed daemon's buckets wait this long
  int concurrency = 4;
  std::string control_socket;
  // The group a self-bound control socket belongs to (mode 0660); nullopt: the daemon's own group.
  std::optional<gid_t> control_socket_group;
  std::chrono::milliseconds control_read_timeout{std::chrono::seconds(10)};
  std::size_t control_max_body_bytes = 1U << 20U;
  std::size_t control_max_header_bytes = 8U << 10U;
  // Four eyes: whoever requested a grant (by uid) cannot approve it; another uid must.
  bool control_four_eyes = false;
  std::string metrics_address;  // "host:port"; empty: no metrics listener
  LogLevel log_level = LogLevel::kInfo;
  RoleMap roles;
  std::vector<PullSource> sources;  // central mode only; in file order of their names
  std::vector<ManagedTenant> tenants;  // child mode only: accounts managed besides account_id, in id order
  std::optional<ReaderRole> reader_role;  // child mode only: the own account's reader role
  // The audit key file (read at start, accounts/store/audit_seal.h) and the anchors' directory;
  // empty key file: audit rows carry no MAC and nothing is anchored (docs/store.md).
  std::string audit_key_file;
  std::string audit_anchor_dir;  // default /var/lib/govd/ACCOUNT/audit-anchors with a key file
};

// Every key govd knows, with a one-line description (for --help and docs).
struct ConfigKey {
  std::string_view name;
  std::string_view help;
  bool multiple;  // may be given more than once
};

inline constexpr std::array<ConfigKey, 32> kConfigKeys{{
    {"mode", "central or child", false},
    {"account-id", "the 12-digit AWS account this daemon governs", false},
    {"region", "AWS region, e.g. eu-west-2", false},
    {"database.conninfo", "PostgreSQL connection string (libpq conninfo)", false},
    {"database.migrate-at-start",
     "true (default): apply pending schema migrations at start; false: refuse an older schema", false},
    {"aws.s3-endpoint", "S3 endpoint URL override", false},
    {"aws.sts-endpoint", "STS endpoint URL override", false},
    {"aws.iam-endpoint", "IAM endpoint URL override", false},
    {"aws.organizations-endpoint", "Organizations endpoint URL override", false},
    {"aws.access-key-id", "static access key id (file only, file must not be readable by others)", false},
    {"aws.secret-access-key", "static secret key (file only, file must not be readable by others)", false},
    {"aws.timeout", "longest time one AWS call may take, each try (e.g. 30s)", false},
    {"aws.max-attempts", "tries of one AWS call that fails transiently, the first included (1-10)", false},
    {"aws.retry-budget", "retry tokens shared by all AWS calls (a retry costs 5, a success returns 1)", false},
    {"reconcile.interval", "time between periodic reconcile passes (e.g. 5m)", false},
    {"reconcile.jitter", "random spread of the interval, a fraction in [0, 1)", false},
    {"reconcile.lease", "how long a bucket stays claimed by a daemon that may have crashed (e.g. 2m)", false},
    {"reconcile.concurrency", "child mode: tenants reconciled at once, each one's buckets in turn (1-64)", false},
    {"control.socket", "path of the control API unix socket", false},
    {"control.socket-group", "group (name or gid) of a socket govd binds itself, mode 0660", false},
    {"control.read-timeout", "time a client has to send one whole request (e.g. 10s)", false},
    {"control.max-body-bytes", "largest request body accepted", false},
    {"control.max-header-bytes", "largest request header block accepted", false},
    {"control.role", "\"uid:N|gid:N ROLE [TENANT]\", ROLE admin|operator|auditor; repeatable", true},
    {"control.four-eyes", "true: the uid that requested a grant cannot approve it (default false)", false},
    {"metrics.address", "host:port of the metrics listener (empty: none)", false},
    {"reader-role.name", "child mode: the reader role whose trust policy govd manages (empty: none)", false},
    {"reader-role.trusted", "the principal ARN the reader role's trust lets assume it (with reader-role.name)", false},
    {"reader-role.external-id", "sts:ExternalId the trusted principal must send (optional)", false},
    {"log.level", "debug, info, notice, warning or error", false},
    {"audit.key-file",
     "file holding the audit log's MAC key, hex, 32+ bytes, owner root or govd, mode 0400 (empty: no MAC)",
     false},
    {"audit.anchor-dir",
     "directory of the audit log's anchors, one file per tenant (default "
     "/var/lib/govd/ACCOUNT/audit-anchors)",
     false},
}};

// The keys of a [source.NAME] section; in the file they read "source.NAME.KEY" (file only).
inline constexpr std::string_view kSourceSection = "source";
inline constexpr std::array<ConfigKey, 6> kSourceKeys{{
    {"account", "the 12-digit child account that owns the bucket (required)", false},
    {"bucket", "the bucket, as S3 addresses it (RadosGW: ACCOUNT:BUCKET) (required)", false},
    {"prefix", "a granted prefix to pull, e.g. shared/reports/; repeatable (at least one)", true},
    {"role-arn", "the child's reader role to assume; empty: read with govd's own credentials", false},
    {"external-id", "ExternalId sent when assuming role-arn", false},
    {"destination", "absolute local directory, or s3://BUCKET/PREFIX/ of the central account, the objects are copied into (required)", false},
}};

// The keys of a [tenant.ACCOUNT] section; in the file they read "tenant.ACCOUNT.KEY" (file only).
inline constexpr std::string_view kTenantSection = "tenant";
inline constexpr std::array<ConfigKey, 4> kTenantKeys{{
    {"role-arn", "a role in the tenant's account that govd assumes to manage its buckets", false},
    {"external-id", "ExternalId sent when assuming role-arn", false},
    {"access-key-id", "the tenant's own static access key id (file must not be readable by others)", false},
    {"secret-access-key", "the tenant's own static secret key (file must not be readable by others)", false},
}};

// Checks every key and builds the Config, or names the first key that is wrong and why.
Result<Config> ValidateConfig(const RawConfig& raw);

// "500ms", "30s", "5m", "2h" -> milliseconds. `where` names the key for errors.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text, const std::string& where);

}  // namespace govd::daemon

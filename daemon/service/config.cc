#include "daemon/service/config.h"

#include <grp.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <utility>

#include "accounts/store/grant.h"
#include "daemon/service/listen_address.h"

namespace govd::daemon {
namespace {

// Bits that make a file readable by someone other than its owner.
constexpr unsigned kReadableByOthers = 0044;
constexpr std::size_t kMaxUnixSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1

// Answers questions about the raw values; each accessor names the key on error.
class RawReader {
 public:
  explicit RawReader(const RawConfig& raw) : raw_(raw) {}

  const RawValue* Find(const std::string& key) const {
    auto it = raw_.values.find(key);
    return it == raw_.values.end() || it->second.values.empty() ? nullptr : &it->second;
  }

  // The one value of `key` (nullopt when unset), without a copy: a secret is read this way, as a
  // copy would be freed without being wiped.
  Result<std::optional<std::string_view>> SingleView(const std::string& key) const {
    const RawValue* value = Find(key);
    if (value == nullptr) return std::optional<std::string_view>();
    if (value->values.size() > 1) return InvalidArgument("given more than once", key);
    return std::optional<std::string_view>(value->values.front());
  }

  Result<std::optional<std::string>> Single(const std::string& key) const {
    GOVD_ASSIGN_OR_RETURN(std::optional<std::string_view> view, SingleView(key));
    return view ? std::optional<std::string>(*view) : std::nullopt;
  }

  Result<std::string> Required(const std::string& key) const {
    GOVD_ASSIGN_OR_RETURN(std::optional<std::string> value, Single(key));
    if (!value || value->empty()) return InvalidArgument("is required", key);
    return *value;
  }

  Result<std::string> Optional(const std::string& key, const std::string& fallback) const {
    GOVD_ASSIGN_OR_RETURN(std::optional<std::string> value, Single(key));
    return value ? *value : fallback;
  }

  const RawConfig& raw() const { return raw_; }

 private:
  const RawConfig& raw_;
};

Result<long long> ParseInteger(std::string_view text, long long min, long long max, const std::string& where) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return InvalidArgument("\"" + std::string(text) + "\" is not an integer", where);
  }
  if (value < min || value > max) {
    return InvalidArgument("must be between " + std::to_string(min) + " and " + std::to_string(max), where);
  }
  return value;
}

Result<std::chrono::milliseconds> DurationInRange(const RawReader& reader, const std::string& key,
                                                  std::chrono::milliseconds fallback, std::chrono::milliseconds min,
                                                  std::chrono::milliseconds max) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, reader.Single(key));
  if (!text) return fallback;
  GOVD_ASSIGN_OR_RETURN(std::chrono::milliseconds value, ParseDuration(*text, key));
  if (value < min || value > max) {
    return InvalidArgument("must be between " + std::to_string(min.count()) + "ms and " +
                               std::to_string(max.count()) + "ms",
                           key);
  }
  return value;
}

// A key whose value is "true" or "false".
Result<bool> ReadBool(const RawReader& reader, const std::string& key, bool fallback) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Optional(key, fallback ? "true" : "false"));
  if (text != "true" && text != "false") return InvalidArgument("must be true or false", key);
  return text == "true";
}

Result<long long> IntegerInRange(const RawReader& reader, const std::string& key, long long fallback, long long min,
                                 long long max) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, reader.Single(key));
  if (!text) return fallback;
  return ParseInteger(*text, min, max, key);
}

Result<Mode> ReadMode(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Required("mode"));
  if (text == "central") return Mode::kCentral;
  if (text == "child") return Mode::kChild;
  return InvalidArgument("must be \"central\" or \"child\", got \"" + text + "\"", "mode");
}

Result<std::string> ReadRegion(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Required("region"));
  static constexpr const char* kPattern = "[a-z]{2}(-[a-z]+)+-[0-9]+";
  if (!std::regex_match(text, std::regex(kPattern))) {
    return InvalidArgument("\"" + text + "\" is not an AWS region name like eu-west-2", "region");
  }
  return text;
}

Result<std::string> ReadEndpoint(const RawReader& reader, const std::string& key) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Optional(key, ""));
  if (text.empty()) return text;
  static constexpr const char* kPattern = "https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/.*)?";
  if (!std::regex_match(text, std::regex(kPattern))) {
    return InvalidArgument("\"" + text + "\" is not an http(s)://host[:port] URL", key);
  }
  return text;
}

Result<AwsEndpoints> ReadEndpoints(const RawReader& reader) {
  AwsEndpoints endpoints;
  GOVD_ASSIGN_OR_RETURN(endpoints.s3, ReadEndpoint(reader, "aws.s3-endpoint"));
  GOVD_ASSIGN_OR_RETURN(endpoints.sts, ReadEndpoint(reader, "aws.sts-endpoint"));
  GOVD_ASSIGN_OR_RETURN(endpoints.iam, ReadEndpoint(reader, "aws.iam-endpoint"));
  GOVD_ASSIGN_OR_RETURN(endpoints.organizations, ReadEndpoint(reader, "aws.organizations-endpoint"));
  return endpoints;
}

// A secret may only come from a file that nobody but its owner can read: the command line is
// visible in /proc to every user, and a world-readable file leaks the key the same way.
Status CheckSecretSource(const RawReader& reader, const std::string& key) {
  const RawValue* value = reader.Find(key);
  if (value == nullptr) return Ok();
  if (value->source == ValueSource::kCommandLine) {
    return InvalidArgument("static AWS keys are refused on the command line (visible to every user)", key);
  }
  if ((reader.raw().file_mode & kReadableByOthers) != 0) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", reader.raw().file_mode);
    return InvalidArgument("config file " + reader.raw().file_path + " holds static AWS keys but is readable by others (mode " +
                               mode + "); chmod 600 it",
                           key);
  }
  return Ok();
}

// The pair of keys `id_key` and `secret_key`: both or neither, from a protected file only.
Result<std::optional<signer::Credentials>> ReadStaticKeys(const RawReader& reader, const std::string& id_key,
                                                    const std::string& secret_key) {
  GOVD_TRY(CheckSecretSource(reader, id_key));
  GOVD_TRY(CheckSecretSource(reader, secret_key));
  GOVD_ASSIGN_OR_RETURN(std::string id, reader.Optional(id_key, ""));
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string_view> secret_value, reader.SingleView(secret_key));
  const std::string_view secret = secret_value.value_or("");
  if (id.empty() && secret.empty()) return std::optional<signer::Credentials>();
  if (id.empty()) return InvalidArgument("is required when " + secret_key + " is set", id_key);
  if (secret.empty()) return InvalidArgument("is required when " + id_key + " is set", secret_key);
  if (!std::regex_match(id, std::regex("[A-Z0-9]{16,128}"))) {
    return InvalidArgument("must be 16 to 128 upper-case letters or digits", id_key);
  }
  return std::optional<signer::Credentials>(std::in_place, std::move(id), std::string(secret));
}

Result<std::string> ReadSocketPath(const RawReader& reader, const policy::AccountId& account) {
  GOVD_ASSIGN_OR_RETURN(std::string path, reader.Optional("control.socket", "/run/govd/" + account.str() + ".sock"));
  if (!path.starts_with('/')) return InvalidArgument("must be an absolute path", "control.socket");
  if (path.size() > kMaxUnixSocketPath) {
    return InvalidArgument("is longer than a unix socket path may be (107 bytes)", "control.socket");
  }
  return path;
}

// control.socket-group: a group name, or a numeric gid; the group must exist.
Result<std::optional<gid_t>> ReadSocketGroup(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string name, reader.Optional("control.socket-group", ""));
  if (name.empty()) return std::optional<gid_t>();
  unsigned long gid = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), gid);
  if (error == std::errc() && end == name.data() + name.size())
    return std::optional<gid_t>(static_cast<gid_t>(gid));
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return InvalidArgument("no such group: \"" + name + "\"", "control.socket-group");
  }
  return std::optional<gid_t>(found->gr_gid);
}

Result<std::string> ReadMetricsAddress(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Optional("metrics.address", ""));
  if (text.empty()) return text;
  GOVD_TRY(ParseListenAddress(text, "metrics.address"));
  return text;
}

Result<LogLevel> ReadLogLevel(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Optional("log.level", "info"));
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kNotice, LogLevel::kWarning, LogLevel::kError}) {
    if (text == LogLevelName(level)) return level;
  }
  return InvalidArgument("must be debug, info, notice, warning or error, got \"" + text + "\"", "log.level");
}

Result<RoleMap> ReadRoles(const RawReader& reader) {
  const std::string kKey = "control.role";
  std::vector<RoleBinding> bindings;
  if (const RawValue* value = reader.Find(kKey)) {
    for (const std::string& text : value->values) {
      GOVD_ASSIGN_OR_RETURN(RoleBinding binding, ParseRoleBinding(text, kKey));
      bindings.push_back(std::move(binding));
    }
  }
  return RoleMap::Build(std::move(bindings), kKey);
}

Result<double> ReadJitter(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::optional<std::string> text, reader.Single("reconcile.jitter"));
  if (!text) return 0.1;
  char* end = nullptr;
  double value = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !(value >= 0.0 && value < 1.0)) {
    return InvalidArgument("must be a fraction in [0, 1), got \"" + *text + "\"", "reconcile.jitter");
  }
  return value;
}

Status ReadAwsCalls(const RawReader& reader, Config& config) {
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  GOVD_ASSIGN_OR_RETURN(config.aws_timeout,
                        DurationInRange(reader, "aws.timeout", config.aws_timeout, milliseconds(500), minutes(10)));
  GOVD_ASSIGN_OR_RETURN(long long attempts, IntegerInRange(reader, "aws.max-attempts", config.aws_max_attempts, 1, 10));
  GOVD_ASSIGN_OR_RETURN(long long budget, IntegerInRange(reader, "aws.retry-budget", config.aws_retry_budget, 0, 100000));
  config.aws_max_attempts = static_cast<int>(attempts);
  config.aws_retry_budget = static_cast<int>(budget);
  return Ok();
}

Status ReadReconcile(const RawReader& reader, Config& config) {
  using std::chrono::hours;
  using std::chrono::seconds;
  GOVD_ASSIGN_OR_RETURN(config.reconcile_interval,
                        DurationInRange(reader, "reconcile.interval", config.reconcile_interval, seconds(1), hours(24)));
  GOVD_ASSIGN_OR_RETURN(config.reconcile_jitter, ReadJitter(reader));
  GOVD_ASSIGN_OR_RETURN(config.reconcile_lease,
                        DurationInRange(reader, "reconcile.lease", config.reconcile_lease, seconds(1), hours(1)));
  GOVD_ASSIGN_OR_RETURN(long long concurrency, IntegerInRange(reader, "reconcile.concurrency", 4, 1, 64));
  config.concurrency = static_cast<int>(concurrency);
  return Ok();
}

Status ReadControl(const RawReader& reader, Config& config) {
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  GOVD_ASSIGN_OR_RETURN(config.control_socket, ReadSocketPath(reader, config.account_id));
  GOVD_ASSIGN_OR_RETURN(config.control_socket_group, ReadSocketGroup(reader));
  GOVD_ASSIGN_OR_RETURN(config.control_read_timeout, DurationInRange(reader, "control.read-timeout",
                                                                     config.control_read_timeout, milliseconds(100),
                                                                     minutes(5)));
  GOVD_ASSIGN_OR_RETURN(long long body, IntegerInRange(reader, "control.max-body-bytes", 1LL << 20, 1024, 16LL << 20));
  GOVD_ASSIGN_OR_RETURN(long long header,
                        IntegerInRange(reader, "control.max-header-bytes", 8LL << 10, 1024, 64LL << 10));
  config.control_max_body_bytes = static_cast<std::size_t>(body);
  config.control_max_header_bytes = static_cast<std::size_t>(header);
  GOVD_ASSIGN_OR_RETURN(config.control_four_eyes, ReadBool(reader, "control.four-eyes", false));
  GOVD_ASSIGN_OR_RETURN(config.roles, ReadRoles(reader));
  return Ok();
}

// "SECTION.NAME.KEY" -> {NAME, KEY}; nullopt for keys of other sections.
std::optional<std::pair<std::string, std::string>> SplitSectionKey(std::string_view section_name,
                                                                   const std::string& key) {
  std::string section = std::string(section_name) + ".";
  auto last_dot = key.rfind('.');
  if (!key.starts_with(section) || last_dot <= section.size()) return std::nullopt;
  return std::pair{key.substr(section.size(), last_dot - section.size()), key.substr(last_dot + 1)};
}

template <std::size_t N>
bool IsSectionKey(std::string_view section, const std::array<ConfigKey, N>& keys, const std::string& key) {
  auto section_key = SplitSectionKey(section, key);
  return section_key && std::any_of(keys.begin(), keys.end(), [&](const ConfigKey& known) {
           return known.name == section_key->second;
         });
}

bool IsKnownKey(const std::string& key) {
  for (const ConfigKey& config_key : kConfigKeys) {
    if (config_key.name == key) return true;
  }
  return IsSectionKey(kSourceSection, kSourceKeys, key) || IsSectionKey(kTenantSection, kTenantKeys, key);
}

Status CheckKeysKnown(const RawConfig& raw) {
  for (const auto& [key, value] : raw.values) {
    if (!IsKnownKey(key)) return InvalidArgument("unknown key", key);
  }
  return Ok();
}

Result<policy::AccountId> ParseAccountKey(const std::string& text, const std::string& key) {
  auto account = policy::AccountId::Parse(text);
  if (!account) return InvalidArgument(account.error().message(), key);
  return *account;
}

// BUCKET, or RadosGW's ACCOUNT:BUCKET whose ACCOUNT must be the source's account.
Status CheckSourceBucket(const PullSource& source, const std::string& key) {
  static constexpr const char* kPattern = "([0-9]{12}:)?[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
  if (!std::regex_match(source.bucket, std::regex(kPattern))) {
    return InvalidArgument("\"" + source.bucket + "\" is not a bucket name (or ACCOUNT:BUCKET)", key);
  }
  auto colon = source.bucket.find(':');
  if (colon != std::string::npos && source.bucket.substr(0, colon) != source.account.str()) {
    return InvalidArgument("names account " + source.bucket.substr(0, colon) + " but the source's account is " +
                               source.account.str(),
                           key);
  }
  return Ok();
}

// An absolute local directory, or s3://BUCKET/PREFIX (a bucket of the central account).
Status ReadDestination(PullSource& source, const std::string& key) {
  constexpr std::string_view kScheme = "s3://";
  if (!source.destination.starts_with(kScheme)) {
    if (!source.destination.starts_with('/')) {
      return InvalidArgument("must be an absolute path or s3://BUCKET/PREFIX/", key);
    }
    return Ok();
  }
  std::string rest = source.destination.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  source.destination_bucket = rest.substr(0, slash);
  source.destination_prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (Status valid = accounts::ValidateBucketName(source.destination_bucket); !valid) {
    return InvalidArgument("\"" + source.destination_bucket + "\" is not a bucket name: " + valid.error().message(),
                           key);
  }
  if (source.destination_prefix.empty()) return Ok();
  if (!source.destination_prefix.ends_with('/')) {
    return InvalidArgument("the prefix \"" + source.destination_prefix + "\" must end with \"/\"", key);
  }
  if (Status valid = accounts::ValidatePrefix(source.destination_prefix); !valid) {
    return InvalidArgument("the prefix \"" + source.destination_prefix + "\": " + valid.error().message(), key);
  }
  return Ok();
}

Result<std::vector<std::string>> ReadSourcePrefixes(const RawReader& reader, const std::string& key) {
  const RawValue* value = reader.Find(key);
  if (value == nullptr) return InvalidArgument("is required (at least one granted prefix)", key);
  for (const std::string& prefix : value->values) {
    Status valid = accounts::ValidatePrefix(prefix);
    if (!valid) return InvalidArgument("\"" + prefix + "\": " + valid.error().message(), key);
  }
  return value->values;
}

// SECTION.role-arn and SECTION.external-id: an IAM role ARN, and an ExternalId only with it.
Status ReadAssumedRole(const RawReader& reader, const std::string& section, std::string& role_arn,
                       std::string& external_id) {
  GOVD_ASSIGN_OR_RETURN(role_arn, reader.Optional(section + "role-arn", ""));
  GOVD_ASSIGN_OR_RETURN(external_id, reader.Optional(section + "external-id", ""));
  if (!role_arn.empty()) {
    auto arn = policy::ParseArn(role_arn);
    if (!arn || arn->service != "iam" || !arn->resource.starts_with("role/")) {
      return InvalidArgument("\"" + role_arn + "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
                             section + "role-arn");
    }
  } else if (!external_id.empty()) {
    return InvalidArgument("is only used with role-arn", section + "external-id");
  }
  if (!external_id.empty() && !std::regex_match(external_id, std::regex("[\\w+=,.@:/-]{2,1224}"))) {
    return InvalidArgument("must be 2 to 1224 of letters, digits and +=,.@:/-", section + "external-id");
  }
  return Ok();
}

Result<PullSource> ReadSource(const RawReader& reader, const std::string& name) {
  std::string section = std::string(kSourceSection) + "." + name + ".";
  if (!std::regex_match(name, std::regex("[a-z0-9][a-z0-9_-]{0,62}"))) {
    return InvalidArgument("section name must be [a-z0-9][a-z0-9_-]{0,62}", section.substr(0, section.size() - 1));
  }
  GOVD_ASSIGN_OR_RETURN(std::string account_text, reader.Required(section + "account"));
  GOVD_ASSIGN_OR_RETURN(policy::AccountId account, ParseAccountKey(account_text, section + "account"));
  PullSource source{.name = name, .account = std::move(account), .bucket = {}, .prefixes = {}, .role_arn = {},
                    .external_id = {}, .destination = {}, .destination_bucket = {}, .destination_prefix = {}};
  GOVD_ASSIGN_OR_RETURN(source.bucket, reader.Required(section + "bucket"));
  GOVD_TRY(CheckSourceBucket(source, section + "bucket"));
  GOVD_ASSIGN_OR_RETURN(source.prefixes, ReadSourcePrefixes(reader, section + "prefix"));
  GOVD_TRY(ReadAssumedRole(reader, section, source.role_arn, source.external_id));
  GOVD_ASSIGN_OR_RETURN(source.destination, reader.Required(section + "destination"));
  GOVD_TRY(ReadDestination(source, section + "destination"));
  return source;
}

// Every [source.NAME] section, in name order; only a central daemon pulls.
Result<std::vector<PullSource>> ReadSources(const RawReader& reader, Mode mode) {
  std::set<std::string> names;
  for (const auto& [key, value] : reader.raw().values) {
    if (auto source_key = SplitSectionKey(kSourceSection, key)) names.insert(source_key->first);
  }
  std::vector<PullSource> sources;
  std::set<std::string> destinations;
  for (const std::string& name : names) {
    std::string where = std::string(kSourceSection) + "." + name;
    if (mode != Mode::kCentral) return InvalidArgument("[source.*] sections are read by a central daemon only", where);
    GOVD_ASSIGN_OR_RETURN(PullSource source, ReadSource(reader, name));
    if (!destinations.insert(source.destination).second) {
      return InvalidArgument("destination " + source.destination + " is already another source's", where + ".destination");
    }
    for (const PullSource& other : sources) {
      if (!source.destination_bucket.empty() && other.destination_bucket == source.destination_bucket &&
          accounts::PrefixesOverlap(other.destination_prefix, source.destination_prefix)) {
        return InvalidArgument("destination " + source.destination + " overlaps source " + other.name + "'s (" +
                                   other.destination + ")",
                               where + ".destination");
      }
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

Result<ManagedTenant> ReadTenant(const RawReader& reader, const std::string& name) {
  std::string section = std::string(kTenantSection) + "." + name + ".";
  GOVD_ASSIGN_OR_RETURN(policy::AccountId account,
                        ParseAccountKey(name, section.substr(0, section.size() - 1)));
  ManagedTenant tenant{.account = std::move(account), .role_arn = {}, .external_id = {}, .static_keys = {}};
  GOVD_TRY(ReadAssumedRole(reader, section, tenant.role_arn, tenant.external_id));
  GOVD_ASSIGN_OR_RETURN(tenant.static_keys,
                        ReadStaticKeys(reader, section + "access-key-id", section + "secret-access-key"));
  if (tenant.static_keys && !tenant.role_arn.empty()) {
    return InvalidArgument("give either static keys or role-arn, not both", section + "role-arn");
  }
  if (!tenant.static_keys && tenant.role_arn.empty()) {
    return InvalidArgument("needs role-arn or static keys: the identity govd manages the tenant with",
                           section.substr(0, section.size() - 1));
  }
  return tenant;
}

// Every [tenant.ACCOUNT] section, in account order; only a child daemon reconciles tenants, and
// its own account is always its first tenant, never a section.
Result<std::vector<ManagedTenant>> ReadTenants(const RawReader& reader, Mode mode,
                                               const policy::AccountId& own) {
  std::set<std::string> names;
  for (const auto& [key, value] : reader.raw().values) {
    if (auto tenant_key = SplitSectionKey(kTenantSection, key)) names.insert(tenant_key->first);
  }
  std::vector<ManagedTenant> tenants;
  for (const std::string& name : names) {
    std::string where = std::string(kTenantSection) + "." + name;
    if (mode != Mode::kChild)
      return InvalidArgument("[tenant.*] sections are read by a child daemon only", where);
    if (name == own.str()) return InvalidArgument("is this daemon's own account-id, a tenant already", where);
    GOVD_ASSIGN_OR_RETURN(ManagedTenant tenant, ReadTenant(reader, name));
    tenants.push_back(std::move(tenant));
  }
  return tenants;
}

Result<policy::AccountId> ReadAccountId(const RawReader& reader) {
  GOVD_ASSIGN_OR_RETURN(std::string text, reader.Required("account-id"));
  return ParseAccountKey(text, "account-id");
}

}  // namespace

std::string_view ModeName(Mode mode) { return mode == Mode::kCentral ? "central" : "child"; }

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kNotice: return "notice";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text, const std::string& where) {
  struct Unit {
    std::string_view suffix;
    long long millis;
  };
  static constexpr std::array<Unit, 4> kUnits{{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    GOVD_ASSIGN_OR_RETURN(long long value, ParseInteger(number, 0, 1'000'000'000, where));
    return std::chrono::milliseconds(value * unit.millis);
  }
  return InvalidArgument("\"" + std::string(text) + "\" is not a duration like 500ms, 30s, 5m or 2h", where);
}

bool IsSecretKey(std::string_view key) {
  return key == "aws.secret-access-key" || (key.starts_with("tenant.") && key.ends_with(".secret-access-key"));
}

void WipeSecretValues(RawConfig& raw) noexcept {
  for (auto& [key, value] : raw.values) {
    if (!IsSecretKey(key)) continue;
    for (std::string& text : value.values) signer::WipeString(text);
    value.values.clear();
  }
}

// [reader-role]: all of it or nothing, in child mode only.
Result<std::optional<ReaderRole>> ReadReaderRole(const RawReader& reader, Mode mode) {
  ReaderRole role;
  GOVD_ASSIGN_OR_RETURN(role.name, reader.Optional("reader-role.name", ""));
  GOVD_ASSIGN_OR_RETURN(role.trusted, reader.Optional("reader-role.trusted", ""));
  GOVD_ASSIGN_OR_RETURN(role.external_id, reader.Optional("reader-role.external-id", ""));
  if (role.name.empty()) {
    if (!role.trusted.empty()) return InvalidArgument("needs reader-role.name", "reader-role.trusted");
    if (!role.external_id.empty()) return InvalidArgument("needs reader-role.name", "reader-role.external-id");
    return std::optional<ReaderRole>();
  }
  if (mode != Mode::kChild) return InvalidArgument("a reader role is managed by a child daemon only", "reader-role.name");
  // Lengths first: std::regex matches recursively, and a value may be up to the file's size.
  if (role.name.size() > 64 || !std::regex_match(role.name, std::regex(R"([\w+=,.@-]{1,64})"))) {
    return InvalidArgument("\"" + role.name + "\" is not an IAM role name ([A-Za-z0-9+=,.@_-], 1-64)", "reader-role.name");
  }
  if (role.trusted.empty()) return InvalidArgument("is required with reader-role.name", "reader-role.trusted");
  static const std::regex kPrincipalArn(R"(arn:aws[a-z-]*:iam::[0-9]{12}:(root|(user|role)/[\w+=,.@/-]{1,512}))");
  if (role.trusted.size() > 2048 || !std::regex_match(role.trusted, kPrincipalArn)) {
    return InvalidArgument("\"" + role.trusted + "\" is not the ARN of an account, user or role", "reader-role.trusted");
  }
  if (!role.external_id.empty() &&
      (role.external_id.size() > 1224 || !std::regex_match(role.external_id, std::regex(R"([\w+=,.@:/-]{2,1224})")))) {
    return InvalidArgument("must be 2-1224 of [A-Za-z0-9+=,.@:/_-]", "reader-role.external-id");
  }
  return std::optional<ReaderRole>(std::move(role));
}

// audit.key-file and audit.anchor-dir: absolute paths; the anchors only with a key file. The key
// file itself is read (and its mode checked) when the daemon starts, not here.
static Status ReadAudit(const RawReader& reader, Config& config) {
  GOVD_ASSIGN_OR_RETURN(config.audit_key_file, reader.Optional("audit.key-file", ""));
  GOVD_ASSIGN_OR_RETURN(config.audit_anchor_dir, reader.Optional("audit.anchor-dir", ""));
  if (config.audit_key_file.empty()) {
    if (!config.audit_anchor_dir.empty()) return InvalidArgument("needs audit.key-file", "audit.anchor-dir");
    return Ok();
  }
  if (!config.audit_key_file.starts_with('/'))
    return InvalidArgument("must be an absolute path", "audit.key-file");
  if (config.audit_anchor_dir.empty()) {
    config.audit_anchor_dir = "/var/lib/govd/" + config.account_id.str() + "/audit-anchors";
  }
  if (!config.audit_anchor_dir.starts_with('/')) {
    return InvalidArgument("must be an absolute path", "audit.anchor-dir");
  }
  return Ok();
}

Result<Config> ValidateConfig(const RawConfig& raw) {
  GOVD_TRY(CheckKeysKnown(raw));
  RawReader reader(raw);
  GOVD_ASSIGN_OR_RETURN(Mode mode, ReadMode(reader));
  GOVD_ASSIGN_OR_RETURN(policy::AccountId account, ReadAccountId(reader));
  GOVD_ASSIGN_OR_RETURN(RoleMap no_roles, RoleMap::Build({}, "control.role"));
  Config config(std::move(account), std::move(no_roles));
  config.mode = mode;
  GOVD_ASSIGN_OR_RETURN(config.region, ReadRegion(reader));
  GOVD_ASSIGN_OR_RETURN(config.database_conninfo, reader.Required("database.conninfo"));
  GOVD_ASSIGN_OR_RETURN(config.database_migrate_at_start,
                        ReadBool(reader, "database.migrate-at-start", true));
  GOVD_ASSIGN_OR_RETURN(config.endpoints, ReadEndpoints(reader));
  GOVD_ASSIGN_OR_RETURN(config.static_keys,
                        ReadStaticKeys(reader, "aws.access-key-id", "aws.secret-access-key"));
  GOVD_TRY(ReadAwsCalls(reader, config));
  GOVD_TRY(ReadReconcile(reader, config));
  GOVD_TRY(ReadControl(reader, config));
  GOVD_ASSIGN_OR_RETURN(config.metrics_address, ReadMetricsAddress(reader));
  GOVD_ASSIGN_OR_RETURN(config.log_level, ReadLogLevel(reader));
  GOVD_ASSIGN_OR_RETURN(config.sources, ReadSources(reader, config.mode));
  GOVD_ASSIGN_OR_RETURN(config.tenants, ReadTenants(reader, config.mode, config.account_id));
  GOVD_ASSIGN_OR_RETURN(config.reader_role, ReadReaderRole(reader, config.mode));
  GOVD_TRY(ReadAudit(reader, config));
  return config;
}

}  // namespace govd::daemon

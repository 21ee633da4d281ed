#include "daemon/service/config_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <istream>
#include <map>
#include <sstream>
#include <streambuf>

#include "base/bounded_file.h"
#include "signer/credentials.h"

namespace govd::daemon {
namespace {

namespace po = boost::program_options;

po::options_description ConfigOptions() {
  po::options_description options("configuration (INI keys; each also a --flag that overrides the file)");
  for (const ConfigKey& key : kConfigKeys) {
    std::string name(key.name);
    if (key.multiple) {
      options.add_options()(name.c_str(), po::value<std::vector<std::string>>(), std::string(key.help).c_str());
    } else {
      options.add_options()(name.c_str(), po::value<std::string>(), std::string(key.help).c_str());
    }
  }
  return options;
}

po::options_description ActionOptions() {
  po::options_description options("govd options");
  options.add_options()("help,h", "show this help and exit")("version", "print the version and exit")(
      "check-config", "validate the configuration, print the first problem, exit 0 if valid")(
      "dry-run", "child mode: print what a reconcile pass would change for every tenant, change nothing, exit")(
      "config", po::value<std::string>(), "INI config file (default /etc/govd/<account-id>.conf)");
  return options;
}

po::options_description AllOptions() {
  po::options_description all;
  all.add(ActionOptions()).add(ConfigOptions());
  return all;
}

// Copies what program_options stored into the raw form; the first store of a key wins.
void Collect(const po::variables_map& vm, ValueSource source, RawConfig& raw) {
  for (const ConfigKey& key : kConfigKeys) {
    std::string name(key.name);
    if (vm.count(name) == 0 || raw.values.contains(name)) continue;
    RawValue value{.values = {}, .source = source};
    if (key.multiple) {
      value.values = vm[name].as<std::vector<std::string>>();
    } else {
      value.values.push_back(vm[name].as<std::string>());
    }
    raw.values.emplace(name, std::move(value));
  }
}

// Keys of sections whose names the file chooses ([source.NAME]) cannot be registered up front;
// they are kept as read, and ValidateConfig refuses the ones it does not know.
void CollectUnregistered(const po::parsed_options& parsed, RawConfig& raw) {
  for (const po::option& option : parsed.options) {
    if (!option.unregistered) continue;
    RawValue& value = raw.values[option.string_key];
    value.source = ValueSource::kFile;
    value.values.insert(value.values.end(), option.value.begin(), option.value.end());
  }
}

// Boost's what() substitutes placeholders such as %canonical_option% into its message and then
// looks for them again, inside the substituted text too: an option name or a config line holding
// one (e.g. a line "%invalid_line%") makes what() loop forever, growing the message (found by
// config_fuzz). No valid key or line holds '%' outside a value, so such errors get govd's own
// message, without what().
std::string OptionErrorText(const po::error& error) {
  if (const auto* syntax = dynamic_cast<const po::invalid_config_file_syntax*>(&error);
      syntax != nullptr && syntax->tokens().find('%') != std::string::npos) {
    return "invalid line: neither a [section] nor key = value";
  }
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&error);
  if (named != nullptr && named->get_option_name().find('%') != std::string::npos) {
    return "unrecognised option: option names never contain '%'";
  }
  return error.what();
}

Result<po::variables_map> ParseArgs(const std::vector<std::string>& args) {
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(AllOptions()).run(), vm);
    return vm;
  } catch (const po::error& e) {
    return InvalidArgument(OptionErrorText(e), "command line");
  }
}

// Boost keeps its own copies of every value it reads in the variables map. The command line's
// secrets (which ValidateConfig refuses) are overwritten there before Boost frees them.
void WipeSecrets(po::variables_map& vm) noexcept {
  for (auto& [key, value] : vm) {
    if (!IsSecretKey(key)) continue;
    if (auto* text = boost::any_cast<std::string>(&value.value())) signer::WipeString(*text);
  }
}

// A read-only stream over text that the caller owns, without copying it. Nothing writes through
// the pointers: the buffer only gets.
class TextStreamBuf : public std::streambuf {
 public:
  explicit TextStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// Boost's config parser copies every line it reads, several times (the line, its trimmed forms,
// the key and value, the parsed options, the variables map), and frees the copies without wiping
// them. So Boost never sees a secret: RedactConfigSecrets finds the secret keys' values by the
// rules Boost applies, and hands Boost the text with each of them replaced by kRedacted. The
// secrets stay views into the caller's text (which the caller wipes) until RestoreSecrets writes
// each into its one place in the RawConfig, which wipes its secrets when it goes.
constexpr std::string_view kRedacted = "(redacted)";

// One secret key's value, in the order of the file.
struct SecretValue {
  std::string key;
  std::string_view value;  // into the text given to RedactConfigSecrets
};

struct RedactedConfigText {
  std::string text;
  std::vector<SecretValue> secrets;
};

// Boost's trim: " \t\r\n" on both ends.
std::string_view TrimConfigSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// Boost's rules, line by line: a line ends at '\n'; '#' starts a comment; a line is then trimmed,
// and is empty, "[NAME]" (the prefix "NAME." for the keys after it) or "KEY = VALUE" (both
// trimmed, the first '=' splits). Anything else is left to Boost's own error. Each line is passed
// on as Boost would read it: trimmed and without its comment. "[]" is refused here: Boost would
// read the byte before an empty prefix.
Result<RedactedConfigText> RedactConfigSecrets(std::string_view text, const std::string& origin) {
  RedactedConfigText redacted;
  redacted.text.reserve(text.size());
  std::string prefix;
  for (std::size_t line_number = 1; !text.empty(); ++line_number) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const std::string_view rest = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::string_view content = TrimConfigSpace(line.substr(0, line.find('#')));
    const std::size_t equals = content.find('=');
    const bool section = !content.empty() && content.front() == '[' && content.back() == ']';
    if (section && content.size() == 2) {
      return InvalidArgument("line " + std::to_string(line_number) + ": a [section] needs a name", origin);
    }
    if (section) {
      prefix = content.substr(1, content.size() - 2);
      if (prefix.back() != '.') prefix += '.';
    }
    std::string key;
    if (!section && equals != std::string_view::npos)
      key = prefix + std::string(TrimConfigSpace(content.substr(0, equals)));
    if (IsSecretKey(key)) {
      redacted.secrets.push_back(
          {.key = std::move(key), .value = TrimConfigSpace(content.substr(equals + 1))});
      redacted.text.append(content.substr(0, equals + 1)).append(kRedacted);
    } else {
      redacted.text.append(content);  // without its comment, which may hold anything
    }
    redacted.text.push_back('\n');
    text = rest;
  }
  return redacted;
}

// Puts each secret, in file order, where Boost put its kRedacted.
Status RestoreSecrets(const std::vector<SecretValue>& secrets, RawConfig& raw) {
  std::map<std::string_view, std::size_t> restored;  // per key
  for (const SecretValue& secret : secrets) {
    auto found = raw.values.find(secret.key);
    std::size_t& index = restored[secret.key];
    if (found == raw.values.end() || index >= found->second.values.size() ||
        found->second.values[index] != kRedacted) {
      return Internal("a secret's place was not found after parsing", secret.key);
    }
    found->second.values[index++].assign(secret.value);
  }
  return Ok();
}

constexpr std::size_t kMaxConfigBytes = 1 << 20;

// The whole file with one descriptor (its mode from the same open file) and no stdio buffer, so
// the only copy of a secret in it is `text`, wiped once parsed.
Status ReadFile(const std::string& path, RawConfig& raw) {
  GOVD_ASSIGN_OR_RETURN(BoundedFile read, ReadBoundedRegularFile(path, kMaxConfigBytes, "config file"));
  std::string& text = read.text;
  Result<RawConfig> file = ParseConfigText(text, path);
  signer::WipeString(text);
  if (!file) return file.error();
  raw.file_path = path;
  raw.file_mode = read.mode;
  raw.values.merge(file->values);  // keys already set on the command line stay as they are
  return Ok();
}

}  // namespace

Result<RawConfig> ParseConfigText(std::string_view text, const std::string& origin) {
  GOVD_ASSIGN_OR_RETURN(RedactedConfigText redacted, RedactConfigSecrets(text, origin));
  try {
    TextStreamBuf buffer(redacted.text);
    std::istream in(&buffer);
    po::variables_map vm;
    const po::options_description options = ConfigOptions();  // `parsed` points into it
    po::parsed_options parsed = po::parse_config_file(in, options, /*allow_unregistered=*/true);
    po::store(parsed, vm);
    RawConfig raw;
    Collect(vm, ValueSource::kFile, raw);
    CollectUnregistered(parsed, raw);
    GOVD_TRY(RestoreSecrets(redacted.secrets, raw));
    return raw;
  } catch (const po::error& e) {
    return InvalidArgument(OptionErrorText(e), origin);
  }
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  CommandLine command_line;
  for (int i = 1; i < argc; ++i) command_line.args.emplace_back(argv[i]);
  GOVD_ASSIGN_OR_RETURN(po::variables_map vm, ParseArgs(command_line.args));
  command_line.help = vm.count("help") != 0;
  command_line.version = vm.count("version") != 0;
  command_line.check_config = vm.count("check-config") != 0;
  command_line.dry_run = vm.count("dry-run") != 0;
  std::ostringstream help;
  help << AllOptions();
  command_line.help_text = help.str();
  return command_line;
}

Result<RawConfig> LoadRawConfig(const CommandLine& command_line) {
  GOVD_ASSIGN_OR_RETURN(po::variables_map vm, ParseArgs(command_line.args));
  RawConfig raw;
  Collect(vm, ValueSource::kCommandLine, raw);
  WipeSecrets(vm);  // a secret on the command line is refused by ValidateConfig; no copy stays
  if (vm.count("config") != 0) {
    GOVD_TRY(ReadFile(vm["config"].as<std::string>(), raw));
    return raw;
  }
  // Only a valid account id names a file: "../x" must not pick a path.
  std::string default_path;
  if (vm.count("account-id") != 0 && policy::AccountId::Parse(vm["account-id"].as<std::string>())) {
    default_path = "/etc/govd/" + vm["account-id"].as<std::string>() + ".conf";
    struct stat info {};
    if (::stat(default_path.c_str(), &info) == 0) GOVD_TRY(ReadFile(default_path, raw));
  }
  // Everything on the command line is a valid way to run govd; nothing at all is not, and
  // "mode: is required" would not say that the file is what is missing.
  if (raw.file_path.empty() && !raw.values.contains("mode")) {
    std::string what = default_path.empty()
                           ? "no configuration file: give --config FILE, or --account-id ID to read /etc/govd/ID.conf"
                           : default_path + " does not exist: write it, or give --config FILE";
    return NotFound(what + " (/etc/govd/example.conf is an example; see govd.conf(5))");
  }
  return raw;
}

Result<Config> LoadConfig(const CommandLine& command_line) {
  GOVD_ASSIGN_OR_RETURN(RawConfig raw, LoadRawConfig(command_line));
  return ValidateConfig(raw);
}

}  // namespace govd::daemon

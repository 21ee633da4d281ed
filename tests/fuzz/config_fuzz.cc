// libFuzzer target for govd's config file path without the file system: INI text ->
// ParseConfigText -> ValidateConfig. Any text must give a Config or an Error (never a crash or an
// escaping exception), and no error may repeat the static secret key: when the secret's value
// appears only once in the text (on its own line), it must not appear in any error message, unless
// it is part of the message's own wording (the same error for a different secret still holds it).
// ParseConfigText keeps secrets away from Boost's parser: the secret keys' values it reads must be
// exactly those Boost itself reads from the same text.
#include <boost/program_options.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/service/config.h"
#include "daemon/service/config_loader.h"

namespace govd::daemon {
namespace {

constexpr std::string_view kSecretKey = "aws.secret-access-key";

void Require(bool holds) {
  if (!holds) std::abort();
}

// The secret as written in the text, when it is long enough that finding it elsewhere is no accident.
std::string DistinctSecret(const RawConfig& raw, std::string_view text) {
  auto it = raw.values.find(std::string(kSecretKey));
  if (it == raw.values.end() || it->second.values.size() != 1) return {};
  const std::string& secret = it->second.values.front();
  if (secret.size() < 8) return {};
  const std::size_t first = text.find(secret);
  if (first == std::string_view::npos || text.find(secret, first + 1) != std::string_view::npos) return {};
  return secret;
}

// The same secret length, different in every character, so a copied secret cannot be mistaken for
// the wording of a message.
std::string OtherSecret(const std::string& secret) {
  std::string other = secret;
  for (char& c : other) c = c == 'Z' ? 'Y' : 'Z';
  return other;
}

bool Holds(const Error& error, const std::string& text) {
  return error.message().find(text) != std::string::npos || error.where().find(text) != std::string::npos;
}

// `error` came from validating `raw`; when it shows the secret, validating `raw` with another secret
// must show it too (the secret's value is then part of the fixed wording, e.g. "file fuzz.conf
// holds static AWS keys but..." chosen as the secret by the fuzzer).
void RequireNoSecret(const Error& error, const RawConfig& raw, const std::string& secret) {
  if (secret.empty() || !Holds(error, secret)) return;
  RawConfig other = raw;
  other.values.at(std::string(kSecretKey)).values.front() = OtherSecret(secret);
  Result<Config> again = ValidateConfig(other);
  Require(!again.has_value() && Holds(again.error(), secret));
}

// Boost, given the text itself with every key unregistered, reads the same secret values.
void RequireSecretsAsBoostReadsThem(std::string_view text, const RawConfig& raw) {
  namespace po = boost::program_options;
  std::map<std::string, std::vector<std::string>> boost_secrets;
  std::istringstream in{std::string(text)};
  for (const po::option& option :
       po::parse_config_file(in, po::options_description(), /*allow_unregistered=*/true).options) {
    if (!IsSecretKey(option.string_key)) continue;
    auto& values = boost_secrets[option.string_key];
    values.insert(values.end(), option.value.begin(), option.value.end());
  }
  std::map<std::string, std::vector<std::string>> govd_secrets;
  for (const auto& [key, value] : raw.values) {
    if (IsSecretKey(key)) govd_secrets[key] = value.values;
  }
  Require(govd_secrets == boost_secrets);
}

void Check(std::string_view text) {
  Result<RawConfig> raw = ParseConfigText(text, "fuzz.conf");
  if (!raw) return;
  RequireSecretsAsBoostReadsThem(text, *raw);
  for (const auto& [key, value] : raw->values)
    Require(value.source == ValueSource::kFile && !value.values.empty());
  const std::string secret = DistinctSecret(*raw, text);
  Result<Config> config = ValidateConfig(*raw);
  if (!config) {
    RequireNoSecret(config.error(), *raw, secret);
    return;
  }
  if (!secret.empty())
    Require(config->static_keys.has_value() && config->static_keys->secret_access_key() == secret);
  // The same text read again through a readable-by-others file must be refused when it holds keys.
  raw->file_path = "fuzz.conf";
  raw->file_mode = 0644;
  Result<Config> exposed = ValidateConfig(*raw);
  if (config->static_keys) {
    Require(!exposed.has_value());
    RequireNoSecret(exposed.error(), *raw, secret);
  }
}

}  // namespace
}  // namespace govd::daemon

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  govd::daemon::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

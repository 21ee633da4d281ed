// tests/accounts/rgw_env.h
// Reads the env file written by scripts/rgw-test-server (`export KEY=VALUE` lines) for end-to-end tests
// and benches, and builds clients for the two test tenants on it.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace govd::accounts::testing {

using RgwEnv = std::map<std::string, std::string>;

// The parsed file named by $GOVD_RGW_ENV, or nullopt when the variable is unset (the test was
// not started by CTest with the rgw fixture). An unreadable file gives an empty map.
inline std::optional<RgwEnv> LoadRgwEnv() {
  const char* path = std::getenv("GOVD_RGW_ENV");
  if (path == nullptr || *path == '\0') return std::nullopt;
  RgwEnv env;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("export ")) line.erase(0, 7);
    auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

}  // namespace govd::accounts::testing

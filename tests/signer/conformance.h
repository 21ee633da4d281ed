// tests/signer/conformance.h
// Finds and reads the reference data of the signer tests (the AWS SigV4 suite and the S3
// workloads) at run time. The directory comes from $GOVD_CONFORMANCE_DIR, else from the CMake
// cache value compiled in (ctest lists tests without the test environment, and the list must
// match the run). Tests GTEST_SKIP when it is absent.
#pragma once

#include <json/json.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace govd::signer::testing {

inline std::filesystem::path ConformanceDir() {
  if (const char* env = std::getenv("GOVD_CONFORMANCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return GOVD_CONFORMANCE_DIR_DEFAULT;
}

inline std::filesystem::path SigV4Dir() { return ConformanceDir() / "sigv4"; }

// The whole file, or nullopt when it cannot be read.
inline std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses JSON text; a null Value when it is not JSON (the caller's assertions then fail).
inline Json::Value ParseJson(const std::string& text) {
  Json::Value root;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream in(text);
  if (!Json::parseFromStream(builder, in, &root, &errors)) return Json::Value();
  return root;
}

}  // namespace govd::signer::testing

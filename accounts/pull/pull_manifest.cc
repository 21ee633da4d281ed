// accounts/pull/pull_manifest.cc: the pull manifest's JSON form, its atomic file, and file digests.
#include "accounts/pull/pull_manifest.h"

#include <json/value.h>
#include <json/writer.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include "base/json_text.h"
#include "signer/crypto.h"

namespace govd::accounts {
namespace {

constexpr int kManifestVersion = 1;
constexpr std::size_t kHashBlockBytes = std::size_t{64} * 1024;

Result<std::string> StringField(const Json::Value& object, const char* name, const std::string& where) {
  const Json::Value& value = object[name];
  if (!value.isString()) return InvalidArgument(std::string("\"") + name + "\" must be a string", where + "/" + name);
  return value.asString();
}

Result<PullManifestEntry> ParseEntry(const Json::Value& value, const std::string& where) {
  if (!value.isObject()) return InvalidArgument("an entry must be an object", where);
  PullManifestEntry entry;
  GOVD_ASSIGN_OR_RETURN(entry.etag, StringField(value, "etag", where));
  GOVD_ASSIGN_OR_RETURN(entry.sha256, StringField(value, "sha256", where));
  if (!value["size"].isUInt64()) return InvalidArgument("\"size\" must be a non-negative integer", where + "/size");
  entry.size = value["size"].asUInt64();
  if (value.isMember("copy_etag")) {
    GOVD_ASSIGN_OR_RETURN(entry.copy_etag, StringField(value, "copy_etag", where));
  }
  return entry;
}

}  // namespace

bool operator==(const PullManifestEntry& a, const PullManifestEntry& b) {
  return a.etag == b.etag && a.size == b.size && a.sha256 == b.sha256 && a.copy_etag == b.copy_etag;
}

std::string SerializePullManifest(const PullManifest& manifest) {
  Json::Value root(Json::objectValue);
  root["version"] = kManifestVersion;
  Json::Value& objects = root["objects"] = Json::Value(Json::objectValue);
  for (const auto& [key, entry] : manifest) {
    Json::Value& out = objects[key];
    out["etag"] = entry.etag;
    out["size"] = Json::UInt64{entry.size};
    out["sha256"] = entry.sha256;
    if (!entry.copy_etag.empty()) out["copy_etag"] = entry.copy_etag;
  }
  Json::StreamWriterBuilder builder;
  builder["indentation"] = " ";
  return Json::writeString(builder, root) + "\n";
}

Result<PullManifest> ParsePullManifest(std::string_view text) {
  GOVD_ASSIGN_OR_RETURN(Json::Value root, ParseJsonText(text, "the pull manifest", {.strict = true}));
  if (!root.isObject()) return InvalidArgument("the pull manifest must be a JSON object", "");
  if (!root["version"].isInt() || root["version"].asInt() != kManifestVersion) {
    return InvalidArgument("unsupported pull manifest version (expected 1)", "/version");
  }
  const Json::Value& objects = root["objects"];
  if (!objects.isObject()) return InvalidArgument("\"objects\" must be an object", "/objects");
  PullManifest manifest;
  for (const auto& key : objects.getMemberNames()) {
    GOVD_ASSIGN_OR_RETURN(manifest[key], ParseEntry(objects[key], "/objects/" + key));
  }
  return manifest;
}

Result<PullManifest> LoadPullManifest(const std::filesystem::path& dir) {
  std::filesystem::path path = dir / kPullManifestName;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return PullManifest{};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Unavailable("cannot read the pull manifest " + path.string());
  auto manifest = ParsePullManifest(text.str());
  if (!manifest) {
    return manifest.error().WithContext("pull manifest " + path.string() + " (delete it to fetch everything again)");
  }
  return manifest;
}

Status SavePullManifest(const std::filesystem::path& dir, const PullManifest& manifest) {
  std::filesystem::path path = dir / kPullManifestName;
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << SerializePullManifest(manifest);
    out.flush();
    if (!out) return Unavailable("cannot write the pull manifest " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return Unavailable("cannot rename " + temporary.string() + " to " + path.string() + ": " + error.message());
  return Ok();
}

Result<std::string> Sha256OfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path.string() + " to hash it");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return Internal("OpenSSL could not start a SHA-256 digest");
  }
  std::array<char, kHashBlockBytes> block{};
  while (in.read(block.data(), block.size()) || in.gcount() > 0) {
    EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return Unavailable("error while reading " + path.string() + " to hash it");
  signer::Sha256Digest digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  return signer::HexEncode(digest);
}

Result<bool> LocalFileMatches(const std::filesystem::path& path, const PullManifestEntry& entry) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  auto size = std::filesystem::file_size(path, error);
  if (error || size != entry.size) return false;
  GOVD_ASSIGN_OR_RETURN(std::string sha256, Sha256OfFile(path));
  return sha256 == entry.sha256;
}

}  // namespace govd::accounts

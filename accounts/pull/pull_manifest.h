// accounts/pull/pull_manifest.h
// What a pull (prefix_pull.h) remembers about the files it already fetched: for each S3 key, the
// object's ETag and size as S3 reported them when it was downloaded, and the SHA-256 of the local
// file. Kept as JSON in DEST_DIR/.govd-pull.json, so that the next pull skips an object only when
// S3 still has the same version AND the local file is still the one that was downloaded.
// Also where a local file's SHA-256 is computed (streamed, so large files need little memory).
// Thread safety: values; the file functions must not run concurrently on the same directory.
// Never stores object data or credentials; only keys, ETags, sizes and digests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "base/result.h"

namespace govd::accounts {

inline constexpr std::string_view kPullManifestName = ".govd-pull.json";

struct PullManifestEntry {
  std::string etag;
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex of the local file's SHA-256
  // Copies into a bucket (prefix_copy.h): the ETag S3 gave the copy; empty for local files.
  std::string copy_etag;
};

bool operator==(const PullManifestEntry& a, const PullManifestEntry& b);

// Key -> what was fetched for it.
using PullManifest = std::map<std::string, PullManifestEntry>;

// {"version":1,"objects":{"reports/q3.csv":{"etag":"..","size":22,"sha256":".."}}}
// ("copy_etag" too, for an entry that has one)
std::string SerializePullManifest(const PullManifest& manifest);
// kInvalidArgument naming the JSON pointer of the first malformed field.
Result<PullManifest> ParsePullManifest(std::string_view text);

// The manifest in `dir`; empty when the directory has none yet.
Result<PullManifest> LoadPullManifest(const std::filesystem::path& dir);
// Writes the manifest to a temporary file and renames it over the old one, so that a crash
// leaves either the old or the new manifest, never a torn one.
Status SavePullManifest(const std::filesystem::path& dir, const PullManifest& manifest);

// Lower-case hex SHA-256 of a file's content, read in blocks.
Result<std::string> Sha256OfFile(const std::filesystem::path& path);

// True when `path` exists and has exactly the size and SHA-256 recorded in `entry` (a file edited,
// truncated or replaced since the pull gives false). Errors only for files that cannot be read.
Result<bool> LocalFileMatches(const std::filesystem::path& path, const PullManifestEntry& entry);

}  // namespace govd::accounts

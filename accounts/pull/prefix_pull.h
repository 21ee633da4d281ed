// accounts/pull/prefix_pull.h
// Central mode's pull: copies the objects under a prefix that a child account shared with the
// central account into a local directory, DEST_DIR/<key>. Resumable (an object already fetched
// with the same ETag and size, whose local file still has the recorded size and SHA-256, is
// skipped; see pull_manifest.h), atomic per file (S3Client::GetObject writes KEY.part and renames
// it), checksummed (the SHA-256 of every downloaded file is recorded in the manifest).
// When S3 answers 403 in the middle of a pull, the grant was revoked: the pull stops at once
// with kPermissionDenied; the files fetched before stay, and the manifest describes exactly them.
// Thread safety: one pull per destination directory at a time; blocks for the whole transfer.
// Never deletes local files, never writes outside DEST_DIR, never logs (progress goes to the sink).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "accounts/aws/s3_client.h"
#include "base/result.h"

namespace govd::accounts {

struct PullProgress {
  std::size_t objects_done = 0;  // downloaded, skipped or failed
  std::size_t objects_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::string current_key;  // the object being fetched; empty once the pull is over
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Called before each object and once at the end. Must not throw.
  virtual void OnProgress(const PullProgress& progress) = 0;
};

struct PullOptions {
  // Re-hash local files before skipping them. Off: a file whose size still matches is trusted.
  bool verify_local_files = true;
};

struct PullFailure {
  std::string key;
  Error error;
};

struct PullReport {
  std::size_t downloaded = 0;
  std::size_t skipped = 0;  // already present and verified
  std::uint64_t bytes = 0;  // downloaded in this run
  std::vector<PullFailure> failures;  // objects not fetched (unsafe key, network error); others continued
};

// The local file for `key` under `dest_dir`. kInvalidArgument naming the key when it would
// escape dest_dir or cannot be a file name: empty, absolute, a "..", "." or empty segment, a
// NUL or backslash, a directory marker ending in "/", or the manifest's own name.
Result<std::filesystem::path> LocalPathForKey(const std::filesystem::path& dest_dir, std::string_view key);

// Pulls every object listed under `prefix` in `bucket` into `dest_dir` (created if missing).
// Errors: kPermissionDenied when S3 refuses the listing or a download (access revoked or never
// granted); kInvalidArgument / kUnavailable for an unreadable manifest or destination. A failed
// object that is not a refusal is recorded in PullReport::failures and the pull goes on.
Result<PullReport> PullPrefix(S3Client& s3, const S3BucketRef& bucket, std::string prefix, std::string dest_dir,
                              PullOptions options, ProgressSink& progress);

}  // namespace govd::accounts

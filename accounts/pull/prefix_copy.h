// accounts/pull/prefix_copy.h
// Central mode's pull into a bucket of the central account instead of a local directory: copies
// the objects under a prefix that a child shared into DEST_BUCKET/DEST_PREFIX<key>, reading with
// the source's credentials and writing with the destination's (two S3 clients). Each object goes
// through a private staging file: downloaded, hashed (SHA-256), uploaded with that hash signed
// as its payload hash, so that S3 refuses a copy whose bytes differ from what was read.
// Resumable: the manifest (pull_manifest.h) lives next to the copies, as the object
// DEST_PREFIX.govd-pull.json; an object is skipped when the source still has the recorded ETag
// and size and the destination still holds the copy with the ETag S3 gave it.
// When the source answers 403, the grant was revoked: the copy stops at once with
// kPermissionDenied; the copies made before stay, and the manifest describes exactly them.
// Thread safety: one copy per destination prefix at a time; blocks for the whole transfer.
// Never deletes objects, never writes outside DEST_PREFIX, never logs (progress goes to the sink).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "accounts/aws/s3_client.h"
#include "accounts/pull/prefix_pull.h"
#include "base/result.h"

namespace govd::accounts {

// An object is held in memory while it is uploaded; larger ones are recorded as failures.
inline constexpr std::uint64_t kMaxCopiedObjectBytes = std::uint64_t{1} << 30;  // 1 GiB

struct BucketDestination {
  S3Client* s3 = nullptr;  // the central account's own client
  S3BucketRef bucket;      // with expected_owner: the central account
  std::string prefix;      // "" or ending in "/"
};

// Copies every object listed under `prefix` in `source_bucket` (read with `source`) into
// `destination`. `staging_dir` must exist; a private directory is made in it for the duration
// of the copy and removed afterwards. Errors: kPermissionDenied when the source refuses the
// listing or a download (revoked or never granted); the destination's refusals and an
// unreadable manifest come back as they are. A failed object that is not a refusal is recorded
// in PullReport::failures and the copy goes on.
Result<PullReport> CopyPrefixToBucket(S3Client& source, const S3BucketRef& source_bucket, std::string prefix,
                                      const BucketDestination& destination, const std::filesystem::path& staging_dir,
                                      ProgressSink& progress);

}  // namespace govd::accounts

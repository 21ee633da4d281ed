// accounts/pull/prefix_copy.cc: list both sides, then for each object skip (verified) or download to
// the staging file, upload, record; the manifest object is written after every copied object.
#include "accounts/pull/prefix_copy.h"

#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): mkdtemp is POSIX, not in <cstdlib>

#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>

#include "accounts/pull/pull_manifest.h"

namespace govd::accounts {
namespace {

// A directory only this process uses, removed with everything in it when the copy ends.
class StagingDirectory {
 public:
  static Result<StagingDirectory> Make(const std::filesystem::path& parent) {
    std::string pattern = (parent / "govd-copy.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {  // mode 0700
      return Unavailable("cannot make a staging directory in " + parent.string() + ": " +
                         std::error_code(errno, std::generic_category()).message());
    }
    return StagingDirectory(pattern);
  }
  StagingDirectory(StagingDirectory&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  StagingDirectory& operator=(StagingDirectory&&) = delete;
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;
  ~StagingDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit StagingDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Unavailable("cannot read the staging file " + path.string());
  return std::move(text).str();
}

// What the copy of one prefix into one destination needs while it runs.
class PrefixCopier {
 public:
  PrefixCopier(S3Client& source, const S3BucketRef& source_bucket, std::string prefix,
               const BucketDestination& destination, std::filesystem::path staging, ProgressSink& sink)
      : source_(source),
        source_bucket_(source_bucket),
        prefix_(std::move(prefix)),
        destination_(destination),
        staging_(std::move(staging)),
        manifest_key_(destination.prefix + std::string(kPullManifestName)),
        sink_(sink) {}

  Result<PullReport> Run() {
    GOVD_TRY(LoadManifest());
    GOVD_ASSIGN_OR_RETURN(std::vector<S3Object> objects, ListSource());
    GOVD_TRY(ListDestination());
    for (const auto& object : objects) progress_.bytes_total += object.size;
    progress_.objects_total = objects.size();
    for (const auto& object : objects) GOVD_TRY(Copy(object));
    progress_.current_key.clear();
    sink_.OnProgress(progress_);
    return report_;
  }

 private:
  std::string Where(const std::string& key) const { return "s3://" + destination_.bucket.name + "/" + key; }

  Status LoadManifest() {
    std::filesystem::path file = staging_ / "manifest";
    auto fetched = destination_.s3->GetObject(destination_.bucket, manifest_key_, file.string());
    if (!fetched && fetched.error().code() == ErrorCode::kNotFound) return Ok();  // a first copy
    if (!fetched) return DestinationError(fetched.error(), "reading the pull manifest " + Where(manifest_key_));
    GOVD_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
    auto manifest = ParsePullManifest(text);
    if (!manifest) {
      return manifest.error().WithContext("pull manifest " + Where(manifest_key_) +
                                          " (delete it to copy everything again)");
    }
    manifest_ = std::move(*manifest);
    return Ok();
  }

  // The listing without directory markers ("reports/2026/"), which are no objects to copy.
  Result<std::vector<S3Object>> ListSource() {
    auto listed = source_.ListAllObjects(source_bucket_, prefix_);
    if (!listed) return Refused(listed.error(), "listing");
    std::vector<S3Object> objects;
    for (auto& object : *listed) {
      if (!object.key.ends_with('/')) objects.push_back(std::move(object));
    }
    return objects;
  }

  Status ListDestination() {
    auto listed = destination_.s3->ListAllObjects(destination_.bucket, destination_.prefix);
    if (!listed) return DestinationError(listed.error(), "listing the destination " + Where(destination_.prefix));
    for (S3Object& object : *listed) copies_[object.key] = std::move(object);
    return Ok();
  }

  Status Copy(const S3Object& object) {
    progress_.current_key = object.key;
    sink_.OnProgress(progress_);
    Status copied = CopyOrSkip(object);
    ++progress_.objects_done;
    progress_.bytes_done += object.size;
    if (copied || copied.error().code() == ErrorCode::kPermissionDenied || destination_refused_) return copied;
    report_.failures.push_back({object.key, copied.error()});
    return Ok();
  }

  Status CopyOrSkip(const S3Object& object) {
    if (object.key == kPullManifestName) {
      return InvalidArgument("object key \"" + object.key + "\" would overwrite the pull manifest; it is not copied",
                             object.key);
    }
    if (IsCurrent(object)) {
      ++report_.skipped;
      return Ok();
    }
    if (object.size > kMaxCopiedObjectBytes) {
      return Error(ErrorCode::kResourceExhausted, "object " + object.key + " has " + std::to_string(object.size) +
                                   " bytes, more than the 1 GiB a copy into a bucket holds in memory; "
                                   "pull it into a directory instead",
                               object.key);
    }
    return Transfer(object);
  }

  // Already copied: the same version at the source, and the copy S3 made of it still in place.
  bool IsCurrent(const S3Object& object) const {
    auto entry = manifest_.find(object.key);
    if (entry == manifest_.end() || entry->second.etag != object.etag || entry->second.size != object.size) {
      return false;
    }
    auto copy = copies_.find(destination_.prefix + object.key);
    return copy != copies_.end() && copy->second.size == object.size && copy->second.etag == entry->second.copy_etag;
  }

  Status Transfer(const S3Object& object) {
    std::filesystem::path file = staging_ / "object";
    auto info = source_.GetObject(source_bucket_, object.key, file.string());
    if (!info) return Refused(info.error(), "downloading " + object.key);
    GOVD_ASSIGN_OR_RETURN(std::string sha256, Sha256OfFile(file));
    GOVD_ASSIGN_OR_RETURN(std::string body, ReadWholeFile(file));
    std::uint64_t size = body.size();
    std::string content_type = info->content_type.empty() ? "application/octet-stream" : info->content_type;
    std::string key = destination_.prefix + object.key;
    auto copy_etag = destination_.s3->PutObject(destination_.bucket, key, std::move(body), content_type);
    if (!copy_etag) return DestinationError(copy_etag.error(), "writing " + Where(key));
    manifest_[object.key] =
        PullManifestEntry{info->etag.empty() ? object.etag : info->etag, size, std::move(sha256), *copy_etag};
    GOVD_TRY(SaveManifest());
    ++report_.downloaded;
    report_.bytes += size;
    return Ok();
  }

  Status SaveManifest() {
    auto saved = destination_.s3->PutObject(destination_.bucket, manifest_key_, SerializePullManifest(manifest_),
                                            "application/json");
    if (!saved) return DestinationError(saved.error(), "writing the pull manifest " + Where(manifest_key_));
    return Ok();
  }

  // A 403 from the destination is the central account's own setup (its bucket, its permissions),
  // not a revocation: it ends the copy, as kFailedPrecondition, so that it is not reported as one.
  Error DestinationError(const Error& error, const std::string& doing) {
    if (error.code() != ErrorCode::kPermissionDenied) return error.WithContext(doing);
    destination_refused_ = true;
    return FailedPrecondition("the destination refused " + doing + " (is the bucket the central account's own, and "
                              "may govd write to it?): " + error.message());
  }

  // A 403 from the source means the child revoked the grant (or never gave it): say so, and stop.
  Error Refused(const Error& error, const std::string& doing) const {
    if (error.code() != ErrorCode::kPermissionDenied) return error.WithContext(doing);
    return PermissionDenied("access to s3://" + source_bucket_.name + "/" + prefix_ + " was revoked or denied (" +
                            doing + ": " + error.message() + "); " + std::to_string(report_.downloaded) +
                            " objects copied in this run are kept and recorded in " + Where(manifest_key_));
  }

  S3Client& source_;
  const S3BucketRef& source_bucket_;
  std::string prefix_;
  const BucketDestination& destination_;
  std::filesystem::path staging_;
  std::string manifest_key_;
  ProgressSink& sink_;
  PullManifest manifest_;
  std::map<std::string, S3Object> copies_;  // the destination's objects, by key
  PullProgress progress_;
  PullReport report_;
  bool destination_refused_ = false;
};

}  // namespace

Result<PullReport> CopyPrefixToBucket(S3Client& source, const S3BucketRef& source_bucket, std::string prefix,
                                      const BucketDestination& destination, const std::filesystem::path& staging_dir,
                                      ProgressSink& progress) {
  if (destination.s3 == nullptr) return InvalidArgument("the destination has no S3 client", "destination");
  if (!destination.prefix.empty() && !destination.prefix.ends_with('/')) {
    return InvalidArgument("the destination prefix must end with \"/\"", "destination");
  }
  GOVD_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::Make(staging_dir));
  return PrefixCopier(source, source_bucket, std::move(prefix), destination, staging.path(), progress).Run();
}

}  // namespace govd::accounts

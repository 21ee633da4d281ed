// accounts/pull/prefix_pull.cc: list, then for each object skip (verified) or download, record, report.
#include "accounts/pull/prefix_pull.h"

#include <system_error>
#include <utility>

#include "accounts/pull/pull_manifest.h"

namespace govd::accounts {
namespace {

Error RefuseKey(std::string_view key, std::string_view rule) {
  return InvalidArgument("object key \"" + std::string(key) + "\" " + std::string(rule) + "; it is not pulled",
                         std::string(key));
}

Status CheckKeySegments(std::string_view key) {
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = std::min(key.find('/', start), key.size());
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return RefuseKey(key, "has an empty path segment (\"//\" or a trailing \"/\")");
    if (segment == "..") return RefuseKey(key, "has a \"..\" segment that would escape the destination");
    if (segment == ".") return RefuseKey(key, "has a \".\" segment");
    start = end + 1;
  }
  return Ok();
}

// What the pull of one prefix into one directory needs while it runs.
class PrefixPuller {
 public:
  PrefixPuller(S3Client& s3, const S3BucketRef& bucket, std::string prefix, std::filesystem::path dest,
               PullOptions options, ProgressSink& sink)
      : s3_(s3), bucket_(bucket), prefix_(std::move(prefix)), dest_(std::move(dest)), options_(options), sink_(sink) {}

  Result<PullReport> Run() {
    GOVD_TRY(PrepareDestination());
    GOVD_ASSIGN_OR_RETURN(manifest_, LoadPullManifest(dest_));
    GOVD_ASSIGN_OR_RETURN(std::vector<S3Object> objects, ListFiles());
    for (const auto& object : objects) {
      progress_.bytes_total += object.size;
    }
    progress_.objects_total = objects.size();
    for (const auto& object : objects) {
      GOVD_TRY(Pull(object));
    }
    progress_.current_key.clear();
    sink_.OnProgress(progress_);
    return report_;
  }

 private:
  Status PrepareDestination() {
    std::error_code error;
    std::filesystem::create_directories(dest_, error);
    if (error) return Unavailable("cannot create the destination " + dest_.string() + ": " + error.message());
    return Ok();
  }

  // The listing without directory markers ("reports/2026/"), which are no files.
  Result<std::vector<S3Object>> ListFiles() {
    auto listed = s3_.ListAllObjects(bucket_, prefix_);
    if (!listed) return Refused(listed.error(), "listing");
    std::vector<S3Object> files;
    for (auto& object : *listed) {
      if (!object.key.ends_with('/')) files.push_back(std::move(object));
    }
    return files;
  }

  Status Pull(const S3Object& object) {
    progress_.current_key = object.key;
    sink_.OnProgress(progress_);
    Status pulled = FetchOrSkip(object);
    ++progress_.objects_done;
    progress_.bytes_done += object.size;
    if (pulled || pulled.error().code() == ErrorCode::kPermissionDenied) return pulled;
    report_.failures.push_back({object.key, pulled.error()});
    return Ok();
  }

  Status FetchOrSkip(const S3Object& object) {
    GOVD_ASSIGN_OR_RETURN(std::filesystem::path path, LocalPathForKey(dest_, object.key));
    GOVD_ASSIGN_OR_RETURN(bool current, IsCurrent(object, path));
    if (current) {
      ++report_.skipped;
      return Ok();
    }
    return Download(object, path);
  }

  // Already fetched: same version on S3, and the local file is still the one downloaded.
  Result<bool> IsCurrent(const S3Object& object, const std::filesystem::path& path) {
    auto entry = manifest_.find(object.key);
    if (entry == manifest_.end() || entry->second.etag != object.etag || entry->second.size != object.size) {
      return false;
    }
    if (options_.verify_local_files) return LocalFileMatches(path, entry->second);
    std::error_code error;
    return std::filesystem::file_size(path, error) == object.size && !error;
  }

  Status Download(const S3Object& object, const std::filesystem::path& path) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) return Unavailable("cannot create " + path.parent_path().string() + ": " + error.message());
    auto info = s3_.GetObject(bucket_, object.key, path.string());
    if (!info) return Refused(info.error(), "downloading " + object.key);
    GOVD_ASSIGN_OR_RETURN(std::string sha256, Sha256OfFile(path));
    manifest_[object.key] = PullManifestEntry{info->etag.empty() ? object.etag : info->etag, info->size, sha256, ""};
    GOVD_TRY(SavePullManifest(dest_, manifest_));
    ++report_.downloaded;
    report_.bytes += info->size;
    return Ok();
  }

  // A 403 means the child revoked the grant (or never gave it): say so, and stop.
  Error Refused(const Error& error, const std::string& doing) const {
    if (error.code() != ErrorCode::kPermissionDenied) return error.WithContext(doing);
    return PermissionDenied("access to s3://" + bucket_.name + "/" + prefix_ + " was revoked or denied (" + doing +
                            ": " + error.message() + "); " + std::to_string(report_.downloaded) +
                            " objects fetched in this run are kept and recorded in " +
                            (dest_ / kPullManifestName).string());
  }

  S3Client& s3_;
  const S3BucketRef& bucket_;
  std::string prefix_;
  std::filesystem::path dest_;
  PullOptions options_;
  ProgressSink& sink_;
  PullManifest manifest_;
  PullProgress progress_;
  PullReport report_;
};

}  // namespace

Result<std::filesystem::path> LocalPathForKey(const std::filesystem::path& dest_dir, std::string_view key) {
  if (key.empty()) return RefuseKey(key, "is empty");
  if (key.find('\0') != std::string_view::npos) return RefuseKey(key, "contains a NUL byte");
  if (key.find('\\') != std::string_view::npos) return RefuseKey(key, "contains a backslash");
  if (key.front() == '/') return RefuseKey(key, "is an absolute path");
  GOVD_TRY(CheckKeySegments(key));
  if (key.starts_with(kPullManifestName)) return RefuseKey(key, "would overwrite the pull manifest");
  return dest_dir / std::filesystem::path(std::string(key));
}

Result<PullReport> PullPrefix(S3Client& s3, const S3BucketRef& bucket, std::string prefix, std::string dest_dir,
                              PullOptions options, ProgressSink& progress) {
  return PrefixPuller(s3, bucket, std::move(prefix), std::move(dest_dir), options, progress).Run();
}

}  // namespace govd::accounts

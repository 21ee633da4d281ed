// accounts/store/audit_seal.cc: the audit key file and the per-tenant anchor files.
#include "accounts/store/audit_seal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "signer/credentials.h"

namespace govd::accounts {
namespace {

constexpr unsigned kGroupOrOtherBits = 0077;
constexpr std::size_t kMaxKeyFileBytes = 4096;
constexpr std::size_t kMaxAnchorBytes = 1024;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r\n";
  std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

Error Errno(std::string_view doing, const std::string& path) {
  return Unavailable(std::string(doing) + " " + path + ": " + std::strerror(errno));
}

// Reads a whole small file opened with `fd` into out; closes fd.
Status ReadAll(int fd, std::string& out, std::size_t max, const std::string& path) {
  std::array<char, 512> buffer{};
  Status status = Ok();
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) status = Errno("reading", path);
    if (n <= 0) break;
    out.append(buffer.data(), static_cast<std::size_t>(n));
    if (out.size() > max) {
      status = InvalidArgument(path + " is larger than " + std::to_string(max) + " bytes");
      break;
    }
  }
  std::memset(buffer.data(), 0, buffer.size());
  ::close(fd);
  return status;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("writing", path);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("syncing", dir);
  return Ok();
}

// tmp: written, fsynced and closed; then renamed over path and the directory fsynced.
Status ReplaceFile(const std::string& dir, const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("creating", tmp);
  Status written = WriteAll(fd, text, tmp);
  if (written && ::fsync(fd) != 0) written = Errno("syncing", tmp);
  ::close(fd);
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0) written = Errno("renaming over", path);
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  return FsyncDir(dir);
}

Result<std::string> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Errno("opening the audit key file", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("the audit key file " + path + " is not a regular file");
  }
  if (Status mode = CheckAuditKeyFileMode(st.st_mode & 07777, st.st_uid, ::geteuid(), path); !mode) {
    ::close(fd);
    return mode.error();
  }
  std::string text;
  if (Status read = ReadAll(fd, text, kMaxKeyFileBytes, path); !read) {
    signer::WipeString(text);
    return read.error();
  }
  return text;
}

}  // namespace

Result<signer::HmacSha256Key> ParseAuditKey(std::string_view text, const std::string& where) {
  text = Trim(text);
  if (text.size() % 2 != 0 || text.size() < 2 * kMinAuditKeyBytes) {
    return InvalidArgument("the audit key must be at least " + std::to_string(kMinAuditKeyBytes) +
                               " bytes, written as hex (e.g. `openssl rand -hex 32`)",
                           where);
  }
  std::vector<std::uint8_t> bytes(text.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    int high = HexDigit(text[2 * i]);
    int low = HexDigit(text[2 * i + 1]);
    if (high < 0 || low < 0) {
      std::memset(bytes.data(), 0, bytes.size());
      return InvalidArgument("the audit key is not hex", where);
    }
    bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  signer::HmacSha256Key key(bytes);
  std::memset(bytes.data(), 0, bytes.size());
  return key;
}

Status CheckAuditKeyFileMode(unsigned mode, unsigned owner, unsigned self, const std::string& path) {
  if ((mode & kGroupOrOtherBits) != 0) {
    char text[16];
    std::snprintf(text, sizeof text, "%04o", mode);
    return PermissionDenied("the audit key file " + path + " may be read or written by others (mode " + text +
                            "); chmod 400 it");
  }
  if (owner != 0 && owner != self) {
    return PermissionDenied("the audit key file " + path + " belongs to uid " + std::to_string(owner) +
                            ", neither root nor govd's uid " + std::to_string(self));
  }
  return Ok();
}

Result<signer::HmacSha256Key> ReadAuditKeyFile(const std::string& path) {
  GOVD_ASSIGN_OR_RETURN(std::string text, ReadKeyFile(path));
  Result<signer::HmacSha256Key> key = ParseAuditKey(text, "audit.key-file");
  signer::WipeString(text);
  return key;
}

Result<std::shared_ptr<AuditSeal>> AuditSeal::Open(const std::string& key_file,
                                                   const std::string& anchor_dir) {
  Result<signer::HmacSha256Key> key = ReadAuditKeyFile(key_file);
  if (!key) return key.error();
  if (anchor_dir.empty() || anchor_dir.front() != '/') {
    return InvalidArgument("must be an absolute directory", "audit.anchor-dir");
  }
  if (::mkdir(anchor_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("creating the audit anchor directory", anchor_dir);
  }
  return std::shared_ptr<AuditSeal>(new AuditSeal(std::move(key).value(), anchor_dir));
}

Result<std::shared_ptr<AuditSeal>> AuditSeal::ForTest(std::span<const std::uint8_t> key,
                                                      const std::string& anchor_dir) {
  if (::mkdir(anchor_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("creating the audit anchor directory", anchor_dir);
  }
  return std::shared_ptr<AuditSeal>(new AuditSeal(signer::HmacSha256Key(key), anchor_dir));
}

std::string AuditSeal::AnchorPath(const std::string& tenant) const {
  return anchor_dir_ + "/" + tenant + ".anchor";
}

Result<std::optional<AuditAnchor>> AuditSeal::Anchor(const std::string& tenant) const {
  std::string path = AnchorPath(tenant);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) return std::optional<AuditAnchor>();
  if (fd < 0) return Errno("opening the audit anchor", path);
  std::string text;
  GOVD_TRY(ReadAll(fd, text, kMaxAnchorBytes, path));
  GOVD_ASSIGN_OR_RETURN(AuditAnchor anchor, ParseAuditAnchor(key_, tenant, text));
  return std::optional<AuditAnchor>(std::move(anchor));
}

Status AuditSeal::Advance(const AuditAnchor& head) {
  std::lock_guard<std::mutex> lock(advance_);
  Result<std::optional<AuditAnchor>> current = Anchor(head.tenant);
  // An unreadable or invalid anchor is not replaced here: verification reports it.
  if (!current) return current.error();
  if (*current && (*current)->seq >= head.seq) return Ok();
  return ReplaceFile(anchor_dir_, AnchorPath(head.tenant), FormatAuditAnchor(key_, head));
}

}  // namespace govd::accounts

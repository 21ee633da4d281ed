#include "base/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace govd {
namespace {

// Closes the descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string Limit(std::size_t bytes) {
  if (bytes % (1U << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (1U << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  return "another kind of file";
}

// Up to max_bytes + 1 bytes, so that a longer file is seen as such whatever stat said.
Result<std::string> ReadUpTo(int fd, std::size_t max_bytes, const std::string& path, std::string_view what) {
  std::string text(max_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return NotFound("cannot read " + std::string(what) + ": " + std::strerror(errno), path);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace

Result<BoundedFile> ReadBoundedRegularFile(const std::string& path, std::size_t max_bytes,
                                           std::string_view what) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return NotFound("cannot open " + std::string(what) + ": " + std::strerror(errno), path);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return NotFound("cannot stat " + std::string(what) + ": " + std::strerror(errno), path);
  }
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgument(std::string(what) + " is not a regular file (it is " + KindOf(info.st_mode) +
                               "); govd reads only regular files",
                           path);
  }
  const std::string too_long =
      std::string(what) + " is longer than " + Limit(max_bytes) + ", the most govd reads";
  if (static_cast<std::size_t>(info.st_size) > max_bytes) return InvalidArgument(too_long, path);
  GOVD_ASSIGN_OR_RETURN(std::string text, ReadUpTo(fd.get(), max_bytes, path, what));
  if (text.size() > max_bytes) return InvalidArgument(too_long, path);
  return BoundedFile{std::move(text), static_cast<mode_t>(info.st_mode & 07777U)};
}

}  // namespace govd

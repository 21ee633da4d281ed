// base/bounded_file.h
// Reads a whole file that govd was told to read (its config file, an org file and the policy
// documents it names, the AWS CLI's config, credentials and token files) without letting the path decide how long that takes or how much memory it
// costs: only a regular file is read (a FIFO would block forever, /dev/zero never ends, a
// directory has no text), and never more than a stated number of bytes.
// Thread safety: stateless. Never follows the file's size as given by stat alone (files in /proc
// say 0): the read itself stops one byte past the limit.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace govd {

struct BoundedFile {
  std::string text;
  mode_t mode = 0;  // st_mode & 07777 of the file that was read (the same open file)
};

// The file at `path`, read through one descriptor opened without blocking. `what` names the file
// in errors ("config file", "policy document"), which also name the path: kNotFound when it cannot
// be opened (with the reason), kInvalidArgument when it is not a regular file or is longer than
// `max_bytes` (saying which and the limit).
Result<BoundedFile> ReadBoundedRegularFile(const std::string& path, std::size_t max_bytes,
                                           std::string_view what);

}  // namespace govd

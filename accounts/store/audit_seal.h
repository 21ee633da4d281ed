// accounts/store/audit_seal.h
// What makes the audit chain hold against whoever holds the database: the audit key (read once
// from a file only root or govd can read; the database never sees it) that MACs every row, and
// the anchors, one file per tenant in a directory the database role cannot write, that record the
// last head govd wrote or verified. docs/store.md ("Authenticated chain").
//
//   GOVD_ASSIGN_OR_RETURN(auto seal, AuditSeal::Open("/etc/govd/123.audit-key", "/var/lib/govd/123/audit"));
//   options.audit_seal = seal;  // StoreOptions: each Store MACs its rows and advances the anchor
//
// Thread safety: one AuditSeal is shared by every Store of a process; Anchor() and Advance() may
// be called from any thread (a mutex keeps an anchor from moving backwards). Never puts the key,
// or the key file's contents, into an error, a log line or the audit log.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "accounts/store/audit_chain.h"
#include "base/result.h"
#include "signer/crypto.h"

namespace govd::accounts {

// The key is at least this many bytes (given as twice as many hex digits).
inline constexpr std::size_t kMinAuditKeyBytes = 32;

// The key from `text` (hex, surrounding white space ignored); kInvalidArgument naming `where`
// when it is not hex or too short. The message never quotes the text.
Result<signer::HmacSha256Key> ParseAuditKey(std::string_view text, const std::string& where);

// REQUIRES: mode is st_mode & 07777 of the key file, owner its st_uid.
// kPermissionDenied when a group or other permission bit is set, or the owner is neither root nor
// `self` (the effective uid of govd).
Status CheckAuditKeyFileMode(unsigned mode, unsigned owner, unsigned self, const std::string& path);

// The key from the file at `path`, checked as AuditSeal::Open does (for `govd --check-config`).
Result<signer::HmacSha256Key> ReadAuditKeyFile(const std::string& path);

class AuditSeal {
 public:
  // Reads the key file (a regular file, not a symlink, mode checked as above) and creates
  // anchor_dir (mode 0700) when it is missing.
  static Result<std::shared_ptr<AuditSeal>> Open(const std::string& key_file, const std::string& anchor_dir);
  // A seal over `key`, without a key file: for tests and tools.
  static Result<std::shared_ptr<AuditSeal>> ForTest(std::span<const std::uint8_t> key,
                                                    const std::string& anchor_dir);

  const signer::HmacSha256Key& key() const { return key_; }
  const std::string& anchor_dir() const { return anchor_dir_; }

  // The tenant's anchor; nullopt when none was written yet. kFailedPrecondition when the file is
  // there but not a valid anchor of that tenant under this key.
  Result<std::optional<AuditAnchor>> Anchor(const std::string& tenant) const;
  // Records `head` as the tenant's anchor, unless the anchor already names a later row: written
  // to a temporary file, fsynced, renamed over the old one, and the directory fsynced.
  Status Advance(const AuditAnchor& head);

 private:
  AuditSeal(signer::HmacSha256Key key, std::string anchor_dir)
      : key_(std::move(key)), anchor_dir_(std::move(anchor_dir)) {}
  std::string AnchorPath(const std::string& tenant) const;

  const signer::HmacSha256Key key_;
  const std::string anchor_dir_;
  std::mutex advance_;  // one Advance at a time in this process
};

}  // namespace govd::accounts

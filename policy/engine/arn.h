// policy/engine/arn.h
// Amazon Resource Names and account ids as validated values: parsed once at the edge, then
// passed around typed (never as raw strings). Pure, thread safe.
//
//   arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE     (RESOURCE may itself hold ':' and '/')
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace govd::policy {

// A 12-digit AWS account id.
class AccountId {
 public:
  static Result<AccountId> Parse(std::string_view text);
  const std::string& str() const { return id_; }
  friend bool operator==(const AccountId&, const AccountId&) = default;
  friend auto operator<=>(const AccountId&, const AccountId&) = default;

 private:
  explicit AccountId(std::string id) : id_(std::move(id)) {}
  std::string id_;
};

struct Arn {
  std::string partition;  // "aws", "aws-cn", "aws-us-gov"
  std::string service;    // "s3", "iam", "sts"
  std::string region;     // empty for global services (IAM, S3 bucket ARNs)
  std::string account;    // 12 digits, or empty (S3), or "aws" (AWS managed policies)
  std::string resource;   // "role/path/name", "bucket/key", ...

  std::string ToString() const;
  friend bool operator==(const Arn&, const Arn&) = default;
};

// Parses an ARN without wildcards. Errors name the field that is wrong.
Result<Arn> ParseArn(std::string_view text);

// The kinds of IAM principal govd grants to and evaluates.
enum class PrincipalKind { kAccountRoot, kRole, kUser, kAssumedRoleSession };

struct PrincipalArn {
  Arn arn;
  PrincipalKind kind;
  std::string name;     // role or user name (without path); session's role name
  std::string session;  // only for kAssumedRoleSession
};

// Parses arn:aws:iam::ACCT:root | role/[path/]NAME | user/[path/]NAME and
// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION. Anything else is refused with a clear error.
Result<PrincipalArn> ParsePrincipalArn(std::string_view text);

}  // namespace govd::policy

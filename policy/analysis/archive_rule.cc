// policy/analysis/archive_rule.cc
#include "policy/analysis/archive_rule.h"

#include <array>

#include "base/display_text.h"

namespace govd::policy {
namespace {

constexpr std::array kTypes{FindingType::kOutsideOrganisation,   FindingType::kPublicAccess,
                            FindingType::kUnexplainedAccess,     FindingType::kEmbargoedGrant,
                            FindingType::kExpiredGrantEffective, FindingType::kTrustWithoutExternalId};

constexpr std::size_t kMaxName = 63;
constexpr std::size_t kMaxPrincipal = 2048;

bool LowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || !LowerAlnum(name.front())) return false;
  for (char c : name) {
    if (!LowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// S3's rules for bucket names, as far as a filter needs them: 3-63 of [a-z0-9.-], starting and
// ending with a letter or digit.
bool ValidBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63 || !LowerAlnum(bucket.front()) || !LowerAlnum(bucket.back())) {
    return false;
  }
  for (char c : bucket) {
    if (!LowerAlnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

Status ValidateArchiveRule(const ArchiveRule& rule) {
  if (!ValidName(rule.name)) {
    return InvalidArgument("archive rule name must be 1-63 of [a-z0-9-], starting with a letter or digit", "name");
  }
  if (!rule.type && rule.bucket.empty() && rule.principal.empty()) {
    return InvalidArgument("archive rule " + rule.name + " sets no criterion (type, bucket or principal): it would "
                               "archive every new finding",
                           "criteria");
  }
  if (!rule.bucket.empty() && !ValidBucket(rule.bucket)) {
    return InvalidArgument("archive rule " + rule.name + ": bucket is not an S3 bucket name (3-63 of [a-z0-9.-])",
                           "bucket");
  }
  if (rule.principal.size() > kMaxPrincipal) {
    return InvalidArgument("archive rule " + rule.name + ": principal is longer than 2048 bytes", "principal");
  }
  GOVD_TRY(CheckDisplayText(rule.principal, "principal"));
  return CheckReason(rule.reason, "reason");
}

bool ArchiveRuleMatches(const ArchiveRule& rule, const Finding& finding) {
  if (rule.type && *rule.type != finding.type) return false;
  if (!rule.principal.empty() && rule.principal != finding.principal) return false;
  if (rule.bucket.empty()) return true;
  const std::string arn = "arn:aws:s3:::" + rule.bucket;
  return finding.resource == arn || finding.resource.starts_with(arn + "/");
}

Result<FindingType> ParseFindingType(std::string_view name) {
  std::string names;
  for (FindingType type : kTypes) {
    if (FindingTypeName(type) == name) return type;
    names += (names.empty() ? "" : ", ") + std::string(FindingTypeName(type));
  }
  return InvalidArgument("finding type \"" + std::string(name.substr(0, 64)) + "\" is not one of " + names, "type");
}

Json::Value ArchiveRuleJson(const ArchiveRule& rule) {
  Json::Value v;
  v["name"] = rule.name;
  v["type"] = rule.type ? Json::Value(std::string(FindingTypeName(*rule.type))) : Json::Value();
  v["bucket"] = rule.bucket;
  v["principal"] = rule.principal;
  v["reason"] = rule.reason;
  return v;
}

}  // namespace govd::policy

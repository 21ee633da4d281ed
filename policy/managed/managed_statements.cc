#include "policy/managed/managed_statements.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

#include "policy/engine/arn.h"
#include "policy/engine/parser.h"
#include "policy/engine/policy_canonical.h"

namespace govd::policy {
namespace {

struct GranteeShares {
  std::set<std::string> read_prefixes;
  std::set<std::string> list_prefixes;
};

// Characters that would make a rendered Resource or s3:prefix pattern match more than the prefix:
// wildcards and the start of a policy variable. Control characters are never part of a key.
Status CheckPrefix(const BucketShare& share) {
  for (unsigned char c : share.prefix) {
    if (c == '*' || c == '?' || c == '$' || c < 0x20 || c == 0x7f) {
      return InvalidArgument("prefix \"" + share.prefix + "\" of bucket " + share.bucket +
                             " contains a wildcard, '$' or a control character, which would widen access");
    }
  }
  if (share.prefix.starts_with('/')) {
    return InvalidArgument("prefix \"" + share.prefix + "\" of bucket " + share.bucket + " starts with '/'");
  }
  return Ok();
}

// A principal with a wildcard would name every role or user it matches (if AWS took it at all).
Status CheckPrincipal(const BucketShare& share) {
  if (share.principal.find_first_of("*?") != std::string::npos) {
    return InvalidArgument("grantee \"" + share.principal + "\" of bucket " + share.bucket +
                           " contains a wildcard ('*' or '?'); an IAM principal ARN names one principal");
  }
  auto principal = ParsePrincipalArn(share.principal);
  if (!principal) return principal.error().WithContext("grantee of bucket " + share.bucket);
  return Ok();
}

// Drops every prefix that a shorter prefix in the set already covers.
std::vector<std::string> MinimalPrefixes(const std::set<std::string>& prefixes) {
  std::vector<std::string> kept;
  for (const auto& prefix : prefixes) {  // sorted: a covering prefix comes before what it covers
    bool covered = std::any_of(kept.begin(), kept.end(),
                               [&](const std::string& shorter) { return prefix.starts_with(shorter); });
    if (!covered) kept.push_back(prefix);
  }
  return kept;
}

// A stable, alphanumeric tag for a principal (FNV-1a 64), so a grantee's Sids never change.
std::string PrincipalTag(std::string_view principal) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : principal) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

bool IsUniqueId(const std::string& principal) {
  return principal.size() > 4 && (principal.starts_with("AROA") || principal.starts_with("AIDA"));
}

bool NamesUniqueId(const Json::Value& statement) {
  const Json::Value& aws = statement["Principal"].isObject() ? statement["Principal"]["AWS"] : Json::Value();
  if (aws.isString()) return IsUniqueId(aws.asString());
  for (const auto& value : aws) {
    if (value.isString() && IsUniqueId(value.asString())) return true;
  }
  return false;
}

}  // namespace

Json::Value WithoutUniqueIdPrincipals(const Json::Value& document) {
  if (!document.isObject() || !document["Statement"].isArray()) return document;
  Json::Value checked = document;
  Json::Value statements(Json::arrayValue);
  for (Json::Value statement : document["Statement"]) {
    if (!NamesUniqueId(statement)) {
      statements.append(statement);
      continue;
    }
    Json::Value& aws = statement["Principal"]["AWS"];
    Json::Value kept(Json::arrayValue);
    if (aws.isArray()) {
      for (const auto& value : aws) {
        if (!value.isString() || !IsUniqueId(value.asString())) kept.append(value);
      }
    }
    if (kept.empty()) continue;
    aws = kept;
    statements.append(statement);
  }
  checked["Statement"] = statements;
  return checked;
}

namespace {

bool ParsesAlone(const Json::Value& statement) {
  Json::Value document(Json::objectValue);
  document["Version"] = "2012-10-17";
  document["Statement"].append(statement);
  return ParsePolicyValue(document, PolicyKind::kResource).has_value();
}

}  // namespace

Json::Value WithoutUnparseableManagedAllows(const Json::Value& document) {
  if (!document.isObject() || !document["Statement"].isArray()) return document;
  Json::Value checked = document;
  Json::Value statements(Json::arrayValue);
  for (const auto& statement : document["Statement"]) {
    bool managed_allow = IsManagedStatement(statement) && statement["Effect"] == "Allow";
    if (!managed_allow || ParsesAlone(statement)) statements.append(statement);
  }
  checked["Statement"] = statements;
  return checked;
}

namespace {

Json::Value Statement(std::string_view kind, const std::string& principal, const char* action) {
  Json::Value statement(Json::objectValue);
  statement["Sid"] = ManagedSid(kind, principal);
  statement["Effect"] = "Allow";
  statement["Principal"]["AWS"] = principal;
  statement["Action"] = action;
  return statement;
}

std::string ObjectPattern(const std::string& bucket, const std::string& prefix) {
  return "arn:aws:s3:::" + bucket + "/" + prefix + "*";
}

Json::Value ReadStatement(const std::string& bucket, const std::string& principal,
                          const std::vector<std::string>& prefixes) {
  Json::Value statement = Statement("Read", principal, "s3:GetObject");
  Json::Value resources(Json::arrayValue);
  for (const auto& prefix : prefixes) resources.append(ObjectPattern(bucket, prefix));
  statement["Resource"] = resources;
  return statement;
}

Json::Value ListStatement(const std::string& bucket, const std::string& principal,
                          const std::vector<std::string>& prefixes) {
  Json::Value statement = Statement("List", principal, "s3:ListBucket");
  statement["Resource"] = "arn:aws:s3:::" + bucket;
  bool whole_bucket = prefixes.size() == 1 && prefixes.front().empty();
  if (!whole_bucket) {  // listing the whole bucket sends no s3:prefix, so it takes no condition
    Json::Value patterns(Json::arrayValue);
    for (const auto& prefix : prefixes) patterns.append(prefix + "*");
    statement["Condition"]["StringLike"]["s3:prefix"] = patterns;
  }
  return statement;
}

Result<std::map<std::string, GranteeShares>> GroupByGrantee(std::span<const BucketShare> shares) {
  std::map<std::string, GranteeShares> grantees;
  for (const auto& share : shares) {
    if (share.bucket != shares.front().bucket) {
      return Internal("shares of buckets " + shares.front().bucket + " and " + share.bucket +
                      " rendered together");
    }
    GOVD_TRY(CheckRenderable(share));
    auto& grantee = grantees[share.principal];
    grantee.read_prefixes.insert(share.prefix);
    if (share.list) grantee.list_prefixes.insert(share.prefix);
  }
  return grantees;
}

}  // namespace

Status CheckRenderable(const BucketShare& share) {
  GOVD_TRY(CheckPrefix(share));
  return CheckPrincipal(share);
}

std::string ManagedSid(std::string_view kind, std::string_view principal) {
  return std::string(kManagedSidPrefix) + std::string(kind) + PrincipalTag(principal);
}

std::vector<std::string> DeletedGrantees(const Json::Value& actual, std::span<const std::string> principals) {
  std::set<std::string> stale_sids;
  for (const auto& statement : SplitByOwner(actual).managed) {
    if (NamesUniqueId(statement)) stale_sids.insert(statement["Sid"].asString());
  }
  std::vector<std::string> deleted;
  for (const auto& principal : principals) {
    if (stale_sids.count(ManagedSid("Read", principal)) != 0 || stale_sids.count(ManagedSid("List", principal)) != 0) {
      deleted.push_back(principal);
    }
  }
  return deleted;
}

bool IsManagedStatement(const Json::Value& statement) {
  if (!statement.isObject()) return false;
  const Json::Value& sid = statement["Sid"];
  return sid.isString() && std::string_view(sid.asCString()).starts_with(kManagedSidPrefix);
}

SplitStatements SplitByOwner(const Json::Value& document) {
  SplitStatements split;
  if (!document.isObject()) return split;
  const Json::Value& statements = document["Statement"];
  auto place = [&split](const Json::Value& statement) {
    (IsManagedStatement(statement) ? split.managed : split.foreign).push_back(statement);
  };
  if (statements.isArray()) {
    for (const auto& statement : statements) place(statement);
  } else if (statements.isObject()) {
    place(statements);
  }
  return split;
}

Result<std::vector<Json::Value>> RenderBucketStatements(std::span<const BucketShare> shares) {
  std::vector<Json::Value> statements;
  if (shares.empty()) return statements;
  GOVD_ASSIGN_OR_RETURN(auto grantees, GroupByGrantee(shares));
  const std::string& bucket = shares.front().bucket;
  for (const auto& [principal, grantee] : grantees) {
    statements.push_back(ReadStatement(bucket, principal, MinimalPrefixes(grantee.read_prefixes)));
    if (!grantee.list_prefixes.empty()) {
      statements.push_back(ListStatement(bucket, principal, MinimalPrefixes(grantee.list_prefixes)));
    }
  }
  return statements;
}

Result<Json::Value> ComposeBucketPolicy(const Json::Value& actual, std::span<const Json::Value> managed) {
  std::vector<Json::Value> foreign = SplitByOwner(actual).foreign;
  if (foreign.empty() && managed.empty()) return Json::Value(Json::nullValue);
  Json::Value document(Json::objectValue);
  document["Version"] = actual.isObject() && actual["Version"].isString() ? actual["Version"] : "2012-10-17";
  if (actual.isObject() && actual.isMember("Id")) document["Id"] = actual["Id"];
  Json::Value& statements = document["Statement"] = Json::Value(Json::arrayValue);
  for (auto& statement : foreign) statements.append(std::move(statement));
  for (const auto& statement : managed) statements.append(statement);
  std::size_t size = CompactJson(document).size();
  if (size > kMaxBucketPolicyBytes) {
    return Error(ErrorCode::kResourceExhausted,
                 "the bucket policy would be " + std::to_string(size) + " bytes, over the AWS limit of " +
                     std::to_string(kMaxBucketPolicyBytes) + " bytes");
  }
  return document;
}

}  // namespace govd::policy

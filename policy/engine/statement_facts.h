// policy/engine/statement_facts.h
// Questions about one parsed statement that lints, findings and access analysis all ask: does it
// name everyone, does a condition narrow who can use it, which accounts does it name, which
// actions does it cover, does one pattern cover another. Answers are conservative in the
// direction of safety for security reports: "narrowing" is claimed only when a condition that
// must hold pins the caller to named values.
// Pure, thread safe. Never evaluates a request.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/policy.h"

namespace govd::policy {

// The account of an AWS principal entry: a 12-digit id, or the account field of an ARN.
// nullopt for "*" and for entries without an account.
std::optional<std::string> PrincipalAccountId(std::string_view principal);

// True when the statement applies to anyone: Principal "*" / {"AWS": "*"}, or NotPrincipal.
bool NamesEveryone(const Statement& statement);

// True for the condition keys that identify the caller or its origin (lowercased input).
bool IsNarrowingConditionKey(std::string_view key_lower);

// True when some condition of the statement must hold and pins the caller's identity or origin
// (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceArn, aws:SourceAccount,
// aws:SourceIp, aws:SourceVpc(e), aws:userid, ...) with a positive operator, without
// ...IfExists or ForAllValues:, and with no match-everything value ("*", "0.0.0.0/0").
bool HasNarrowingCondition(const Statement& statement);

// The values of the positive, non-IfExists clauses on `key_lower` ("aws:principalorgid") that
// name no match-everything value;
// nullopt when no such clause exists. Several clauses intersect, so each must hold.
std::optional<std::vector<std::string>> PinnedConditionValues(const Statement& statement,
                                                              std::string_view key_lower);

// True when the statement's conditions restrict callers to the organisation: aws:PrincipalOrgID
// pinned to `org_id` only, or aws:PrincipalAccount pinned to members of `org_accounts` only.
bool RestrictedToOrganisation(const Statement& statement, std::string_view org_id,
                              std::span<const std::string> org_accounts);

// True when the statement's Action (or NotAction) element covers `action_lower` ("s3:getobject").
bool CoversAction(const Statement& statement, std::string_view action_lower);

// True when every text `narrower` matches is also matched by `wider` (globs with '*' and '?').
// Sound but not complete: a '?' in `wider` never covers a wildcard in `narrower`.
bool GlobCovers(std::string_view wider, std::string_view narrower, bool ignore_case);

// The key prefix an S3 resource pattern grants in `bucket`: "reports/" for
// "arn:aws:s3:::bucket/reports/*", "" for "arn:aws:s3:::bucket/*", "*" and "arn:aws:s3:::*";
// nullopt for patterns of other buckets or of the bucket itself.
std::optional<std::string> S3KeyPrefix(const Pattern& pattern, std::string_view bucket);

// True when one of the statement's action patterns is "*" (every action of every service).
bool HasFullWildcardAction(const Statement& statement);
// True when one of the statement's Resource entries is "*".
bool HasFullWildcardResource(const Statement& statement);

}  // namespace govd::policy

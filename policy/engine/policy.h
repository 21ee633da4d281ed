// policy/engine/policy.h
// The IAM policy document model: what ParsePolicy (policy/engine/parser.h) produces and what the
// evaluator compiles. Values only, already validated: every Policy in this form is one AWS would
// accept for its PolicyKind. Thread safety: plain values. Never holds credentials.
#pragma once

#include <string>
#include <vector>

#include "policy/engine/arn.h"
#include "policy/engine/condition.h"
#include "policy/engine/pattern.h"

namespace govd::policy {

// Where a policy document is attached; decides which elements it may and must have.
enum class PolicyKind {
  kIdentity,  // inline/managed/group policy of a user or role: no Principal, needs Resource
  kResource,  // S3 bucket policy: needs Principal and Resource
  kTrust,     // role trust policy: needs Principal, has no Resource (the role is the resource)
  kScp,       // service control policy: no Principal, needs Resource
  kRcp,       // resource control policy: Deny with Principal "*", needs Resource
  kBoundary,  // permissions boundary: like kIdentity
  kSession,   // session policy passed to AssumeRole: like kIdentity
};

std::string_view PolicyKindName(PolicyKind kind);

enum class Effect { kAllow, kDeny };

// "2012-10-17" interprets policy variables; "2008-10-17" (also the default when Version is
// absent) takes "${...}" literally, as AWS does.
enum class PolicyVersion { k2008_10_17, k2012_10_17 };

// One entry of {"AWS": ...}: an account (12 digits or arn:...:root), role, user or session ARN.
struct AwsPrincipal {
  std::string text;     // as written
  PrincipalKind kind;   // kAccountRoot for both account forms
  std::string account;  // 12 digits
  std::string name;     // role or user name without path; the role of a session
  std::string session;  // only for kAssumedRoleSession
};

// The contents of a Principal or NotPrincipal element.
struct PrincipalSet {
  bool any = false;                     // "*" or {"AWS": "*"}
  std::vector<AwsPrincipal> aws;
  std::vector<std::string> service;     // "s3.amazonaws.com"
  std::vector<std::string> federated;   // "cognito-identity.amazonaws.com", SAML provider ARNs
  std::vector<std::string> canonical_user;
};

struct Statement {
  std::string sid;  // empty when absent
  Effect effect = Effect::kDeny;
  bool has_principal = false;  // Principal or NotPrincipal present
  bool not_principal = false;  // the element was NotPrincipal
  PrincipalSet principals;
  bool not_action = false;
  std::vector<ActionPattern> actions;
  bool has_resource = false;  // Resource or NotResource present (absent only in trust policies)
  bool not_resource = false;
  std::vector<Pattern> resources;
  std::vector<ConditionClause> conditions;  // all must hold
};

struct Policy {
  PolicyKind kind = PolicyKind::kIdentity;
  PolicyVersion version = PolicyVersion::k2008_10_17;
  std::string id;  // the optional Id element
  std::vector<Statement> statements;
};

}  // namespace govd::policy

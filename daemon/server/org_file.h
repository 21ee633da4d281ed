// daemon/server/org_file.h
// The organisation file that `govd org import` reads and `GET /v1/org` writes (docs/govctl.md,
// "Organisation file"): the root, OUs with their parents, accounts with kind and OU, guardrails
// with target and SCP document, IAM roles of member accounts with their trust, identity and
// boundary policies (for audits), shared buckets with their owner, and declared prefixes with an
// optional embargo. ParseOrgFile checks each element on its own (types, ids, names, documents,
// duplicates) and names a bad one by its JSON pointer; references between elements and to what
// the store already holds are checked by org_import.h.
// Pure apart from the document reader passed in; thread safe. Never logs.
#pragma once

#include <json/value.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/store/store.h"
#include "base/result.h"

namespace govd::daemon {

// An element of the file and its JSON pointer ("/ous/2"), for errors found after parsing.
template <typename T>
struct Located {
  T value;
  std::string where;
};

struct OrgSpec {
  Located<accounts::OuRecord> root;
  std::vector<Located<accounts::OuRecord>> ous;
  std::vector<Located<accounts::AccountSpec>> accounts;
  std::vector<Located<accounts::GuardrailSpec>> guardrails;
  std::vector<Located<accounts::RoleRecord>> roles;
  std::vector<Located<accounts::BucketRecord>> buckets;
  std::vector<Located<accounts::PrefixRecord>> prefixes;
};

// Reads a "document_file", "trust_file" or "boundary_file" (relative paths resolved by the reader).
using DocumentReader = std::function<Result<std::string>(const std::string& path)>;

// kInvalidArgument with the JSON pointer of the first bad element or member.
Result<OrgSpec> ParseOrgFile(std::string_view text, const DocumentReader& read_document);

// The stored organisation in the file's format, guardrail documents inline: what
// `govctl org show --json` prints, and a file `govd org import` accepts back.
Json::Value OrganisationJson(const accounts::Organisation& org);

}  // namespace govd::daemon

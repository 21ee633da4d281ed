// daemon/server/org_import.h
// Imports an organisation file (org_file.h) into the store, idempotently: PlanOrgImport compares
// the whole file with what the tenant already holds and returns only what is missing, or refuses
// the file (nothing written) with the JSON pointer of the first element that references something
// that exists nowhere, or that contradicts a stored element (the store has no updates, so a
// different name, parent, owner, embargo or guardrail document is a conflict). Roles are the
// exception: they follow IAM, where they change, so a stored role whose policies differ from the
// file's is replaced (audited). ApplyOrgImport
// then creates the missing elements in dependency order (root, OUs parents first, accounts,
// guardrails, roles, buckets, prefixes).
// Atomicity: everything is validated before the first write, but each element is its own store
// transaction; a failure in between (the database goes away) leaves a prefix of the plan written,
// and running the import again completes it.
// Thread safety: PlanOrgImport is pure; ApplyOrgImport uses the store from the calling thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/store/store.h"
#include "base/result.h"
#include "daemon/server/org_file.h"

namespace govd::daemon {

struct OrgImportPlan {
  std::optional<accounts::OuRecord> root;  // to create
  std::vector<accounts::OuRecord> ous;     // parents before children
  std::vector<accounts::AccountSpec> accounts;
  std::vector<accounts::GuardrailSpec> guardrails;
  std::vector<accounts::RoleRecord> roles;
  std::vector<accounts::RoleRecord> role_updates;  // recorded roles whose policies changed
  std::vector<accounts::BucketRecord> buckets;
  std::vector<accounts::PrefixRecord> prefixes;
  int unchanged = 0;  // elements of the file the store already holds, equal

  int creations() const;
  int changes() const;  // creations and role updates
};

Result<OrgImportPlan> PlanOrgImport(const OrgSpec& file, const accounts::Organisation& stored);

// One line per element the plan creates ("create OU ou-las (parent r-root)"), in apply order.
std::vector<std::string> DescribeOrgImport(const OrgImportPlan& plan);

// Creates the plan's elements in order; `created` gets each one's line after its commit.
// Stops at the first failure.
Status ApplyOrgImport(accounts::Store& store, const OrgImportPlan& plan,
                      const std::function<void(const std::string&)>& created);

}  // namespace govd::daemon

#include "daemon/server/org_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/iso8601.h"
#include "daemon/api/json_body.h"
#include "daemon/server/org_file.h"
#include "policy/engine/arn.h"
#include "policy/engine/policy_canonical.h"

namespace govd::daemon {
namespace {

using accounts::AccountKind;
using accounts::GuardrailTarget;
using accounts::Organisation;

// What exists once the import is done: the stored elements and the file's, by key.
struct Known {
  std::string root;
  std::set<std::string> ous;                       // the root included
  std::map<std::string, AccountKind> accounts;     // id -> kind
  std::set<std::string> buckets;
};

Status Conflict(const std::string& what, const std::string& stored, const std::string& file, const std::string& where) {
  return FailedPrecondition(what + " is \"" + stored + "\" in the store but \"" + file +
                                "\" in the file; govd org import only adds, it never changes a stored element",
                            where);
}

Status PlanRoot(const OrgSpec& file, const Organisation& stored, OrgImportPlan& plan) {
  const auto& root = file.root.value;
  for (const auto& ou : stored.ous) {
    if (!ou.parent_id.empty()) continue;
    if (ou.id != root.id) return Conflict("the root's id", ou.id, root.id, "/root/id");
    if (ou.name != root.name) return Conflict("the name of root " + ou.id, ou.name, root.name, "/root/name");
    ++plan.unchanged;
    return Ok();
  }
  plan.root = root;
  return Ok();
}

// OUs whose parent exists (stored or created earlier in the plan) go first, so the store's
// foreign keys hold at every step.
Status PlanOus(const OrgSpec& file, const Organisation& stored, Known& known, OrgImportPlan& plan) {
  std::map<std::string, const accounts::OuRecord*> in_store;
  for (const auto& ou : stored.ous) in_store[ou.id] = &ou;
  std::vector<const Located<accounts::OuRecord>*> pending;
  for (const auto& ou : file.ous) {
    auto it = in_store.find(ou.value.id);
    if (it == in_store.end()) {
      pending.push_back(&ou);
      continue;
    }
    if (it->second->parent_id != ou.value.parent_id) {
      return Conflict("the parent of OU " + ou.value.id, it->second->parent_id, ou.value.parent_id, ou.where + "/parent");
    }
    if (it->second->name != ou.value.name) return Conflict("the name of OU " + ou.value.id, it->second->name, ou.value.name, ou.where + "/name");
    ++plan.unchanged;
  }
  while (!pending.empty()) {
    std::vector<const Located<accounts::OuRecord>*> blocked;
    for (const auto* ou : pending) {
      if (known.ous.count(ou->value.parent_id) == 0) {
        blocked.push_back(ou);
        continue;
      }
      plan.ous.push_back(ou->value);
      known.ous.insert(ou->value.id);
    }
    if (blocked.size() == pending.size()) {
      const auto& first = *blocked.front();
      return NotFound("parent OU \"" + first.value.parent_id + "\" of OU " + first.value.id +
                          " is neither in the file nor in the store (or the OUs form a cycle)",
                      first.where + "/parent");
    }
    pending = std::move(blocked);
  }
  return Ok();
}

Status PlanAccounts(const OrgSpec& file, const Organisation& stored, Known& known, OrgImportPlan& plan) {
  std::map<std::string, const accounts::AccountSpec*> in_store;
  for (const auto& a : stored.accounts) in_store[a.id.str()] = &a;
  for (const auto& [a, where] : file.accounts) {
    auto it = in_store.find(a.id.str());
    if (it != in_store.end()) {
      const accounts::AccountSpec& s = *it->second;
      auto kind = [](AccountKind k) { return std::string(k == AccountKind::kCentral ? "central" : "child"); };
      if (s.name != a.name) return Conflict("the name of account " + a.id.str(), s.name, a.name, where + "/name");
      if (s.kind != a.kind) return Conflict("the kind of account " + a.id.str(), kind(s.kind), kind(a.kind), where + "/kind");
      if (s.ou_id != a.ou_id) return Conflict("the OU of account " + a.id.str(), s.ou_id, a.ou_id, where + "/ou");
      ++plan.unchanged;
      continue;
    }
    if (known.ous.count(a.ou_id) == 0) {
      return NotFound("OU \"" + a.ou_id + "\" is neither in the file nor in the store", where + "/ou");
    }
    plan.accounts.push_back(a);
    known.accounts[a.id.str()] = a.kind;
  }
  return Ok();
}

// Stored and file documents were both checked as policies, so they parse.
Json::Value JsonOf(const std::string& text) {
  auto value = ParseJsonText(text, "policy document");
  return value ? *value : Json::Value();
}

bool SameDocument(const std::string& a, const std::string& b) { return policy::EquivalentPolicies(JsonOf(a), JsonOf(b)); }

Status CheckGuardrailTarget(const accounts::GuardrailSpec& g, const Known& known, const std::string& where) {
  bool found = false;
  switch (g.target) {
    case GuardrailTarget::kRoot: found = g.target_id == known.root; break;
    case GuardrailTarget::kOu: found = known.ous.count(g.target_id) != 0 && g.target_id != known.root; break;
    case GuardrailTarget::kAccount: found = known.accounts.count(g.target_id) != 0; break;
  }
  if (found) return Ok();
  return NotFound("guardrail target \"" + g.target_id + "\" is not the root, an OU or an account of the organisation",
                  where + "/target_id");
}

// A guardrail is known by its target and name; the same one with another document is a conflict.
Status PlanGuardrails(const OrgSpec& file, const Organisation& stored, const Known& known, OrgImportPlan& plan) {
  for (const auto& [g, where] : file.guardrails) {
    const accounts::Guardrail* same = nullptr;
    for (const auto& s : stored.guardrails) {
      if (s.spec.target == g.target && s.spec.target_id == g.target_id && s.spec.name == g.name) same = &s;
    }
    if (same == nullptr) {
      GOVD_TRY(CheckGuardrailTarget(g, known, where));
      plan.guardrails.push_back(g);
    } else if (SameDocument(same->spec.document, g.document)) {
      ++plan.unchanged;
    } else {
      return FailedPrecondition("guardrail \"" + g.name + "\" on " + g.target_id +
                                    " is stored with another document; govd org import never changes a stored element",
                                where);
    }
  }
  return Ok();
}

bool SameRole(const accounts::RoleRecord& a, const accounts::RoleRecord& b) {
  if (!SameDocument(a.trust, b.trust) || a.boundary.has_value() != b.boundary.has_value()) return false;
  if (a.boundary && !SameDocument(*a.boundary, *b.boundary)) return false;
  if (a.identity.size() != b.identity.size()) return false;
  for (const auto& p : a.identity) {
    auto same = std::find_if(b.identity.begin(), b.identity.end(), [&p](const accounts::NamedDocument& q) {
      return q.name == p.name && SameDocument(q.document, p.document);
    });
    if (same == b.identity.end()) return false;
  }
  return true;
}

// A role is known by its ARN; the same one with other documents replaces the stored one (roles
// follow IAM). Its account must be an account of the organisation (the audits follow roles of
// member accounts only).
Status PlanRoles(const OrgSpec& file, const Organisation& stored, const Known& known, OrgImportPlan& plan) {
  for (const auto& [r, where] : file.roles) {
    const std::string& arn_text = r.arn;
    auto same = std::find_if(stored.roles.begin(), stored.roles.end(),
                             [&arn_text](const accounts::RoleRecord& s) { return s.arn == arn_text; });
    if (same == stored.roles.end()) {
      auto arn = policy::ParsePrincipalArn(r.arn);  // checked by ParseOrgFile
      if (!arn || known.accounts.count(arn->arn.account) == 0) {
        return NotFound("the account of role " + r.arn + " is not an account of the organisation", where + "/arn");
      }
      plan.roles.push_back(r);
    } else if (SameRole(*same, r)) {
      ++plan.unchanged;
    } else {
      plan.role_updates.push_back(r);
    }
  }
  return Ok();
}

Status PlanBuckets(const OrgSpec& file, const Organisation& stored, Known& known, OrgImportPlan& plan) {
  for (const auto& [b, where] : file.buckets) {
    const accounts::BucketRecord* same = nullptr;
    for (const auto& s : stored.buckets) same = s.bucket == b.bucket ? &s : same;
    if (same != nullptr) {
      if (same->owner != b.owner) return Conflict("the owner of bucket " + b.bucket, same->owner.str(), b.owner.str(), where + "/owner");
      ++plan.unchanged;
      continue;
    }
    auto owner = known.accounts.find(b.owner.str());
    if (owner == known.accounts.end() || owner->second != AccountKind::kChild) {
      return NotFound("owner " + b.owner.str() + " is not a child account of the organisation", where + "/owner");
    }
    plan.buckets.push_back(b);
    known.buckets.insert(b.bucket);
  }
  return Ok();
}

std::string EmbargoText(const std::optional<accounts::TimePoint>& when) { return when ? govd::FormatIso8601(*when) : "none"; }

Status PlanPrefixes(const OrgSpec& file, const Organisation& stored, const Known& known, OrgImportPlan& plan) {
  for (const auto& [p, where] : file.prefixes) {
    const accounts::PrefixRecord* same = nullptr;
    for (const auto& s : stored.prefixes) same = s.bucket == p.bucket && s.prefix == p.prefix ? &s : same;
    if (same != nullptr) {
      if (same->embargo_until != p.embargo_until) {
        return Conflict("the embargo of " + p.bucket + "/" + p.prefix, EmbargoText(same->embargo_until),
                        EmbargoText(p.embargo_until), where + "/embargo_until");
      }
      ++plan.unchanged;
      continue;
    }
    if (known.buckets.count(p.bucket) == 0) {
      return NotFound("bucket \"" + p.bucket + "\" is neither in the file nor in the store", where + "/bucket");
    }
    plan.prefixes.push_back(p);
  }
  return Ok();
}

Known KnownFromStore(const OrgSpec& file, const Organisation& stored) {
  Known known;
  known.root = file.root.value.id;
  known.ous.insert(known.root);
  for (const auto& ou : stored.ous) known.ous.insert(ou.id);
  for (const auto& a : stored.accounts) known.accounts[a.id.str()] = a.kind;
  for (const auto& b : stored.buckets) known.buckets.insert(b.bucket);
  return known;
}

struct Step {
  std::string line;
  std::function<Status(accounts::Store&)> run;
};

std::vector<Step> Steps(const OrgImportPlan& plan) {
  std::vector<Step> steps;
  if (plan.root) {
    const auto& r = *plan.root;
    steps.push_back({"create root " + r.id + " \"" + r.name + "\"", [&r](accounts::Store& s) { return s.CreateRoot(r.id, r.name); }});
  }
  for (const auto& ou : plan.ous) {
    steps.push_back({"create OU " + ou.id + " \"" + ou.name + "\" under " + ou.parent_id,
                     [&ou](accounts::Store& s) { return s.CreateOu(ou.id, ou.parent_id, ou.name); }});
  }
  for (const auto& a : plan.accounts) {
    std::string kind = a.kind == AccountKind::kCentral ? "central" : "child";
    steps.push_back({"register " + kind + " account " + a.id.str() + " \"" + a.name + "\" in " + a.ou_id,
                     [&a](accounts::Store& s) { return s.RegisterAccount(a); }});
  }
  for (const auto& g : plan.guardrails) {
    steps.push_back({"attach guardrail \"" + g.name + "\" to " + std::string(accounts::GuardrailTargetName(g.target)) + " " + g.target_id,
                     [&g](accounts::Store& s) -> Status {
                       GOVD_TRY(s.AttachGuardrail(g));
                       return Ok();
                     }});
  }
  for (const auto& r : plan.roles) {
    steps.push_back({"record role " + r.arn + " (" + std::to_string(r.identity.size()) + " identity policies" +
                         (r.boundary ? ", a boundary)" : ")"),
                     [&r](accounts::Store& s) { return s.RecordRole(r); }});
  }
  for (const auto& r : plan.role_updates) {
    steps.push_back({"update role " + r.arn + " (its policies changed)",
                     [&r](accounts::Store& s) { return s.ReplaceRole(r); }});
  }
  for (const auto& b : plan.buckets) {
    steps.push_back({"register bucket " + b.bucket + " owned by " + b.owner.str(),
                     [&b](accounts::Store& s) { return s.RegisterBucket(b.bucket, b.owner); }});
  }
  for (const auto& p : plan.prefixes) {
    std::string embargo = p.embargo_until ? ", embargoed until " + govd::FormatIso8601(*p.embargo_until) : "";
    steps.push_back({"declare prefix " + p.bucket + "/" + p.prefix + embargo,
                     [&p](accounts::Store& s) { return s.DeclarePrefix(p.bucket, p.prefix, p.embargo_until); }});
  }
  return steps;
}

}  // namespace

int OrgImportPlan::creations() const {
  return static_cast<int>((root ? 1 : 0) + ous.size() + accounts.size() + guardrails.size() + roles.size() +
                          buckets.size() + prefixes.size());
}

int OrgImportPlan::changes() const { return creations() + static_cast<int>(role_updates.size()); }

Result<OrgImportPlan> PlanOrgImport(const OrgSpec& file, const Organisation& stored) {
  OrgImportPlan plan;
  Known known = KnownFromStore(file, stored);
  GOVD_TRY(PlanRoot(file, stored, plan));
  GOVD_TRY(PlanOus(file, stored, known, plan));
  GOVD_TRY(PlanAccounts(file, stored, known, plan));
  GOVD_TRY(PlanGuardrails(file, stored, known, plan));
  GOVD_TRY(PlanRoles(file, stored, known, plan));
  GOVD_TRY(PlanBuckets(file, stored, known, plan));
  GOVD_TRY(PlanPrefixes(file, stored, known, plan));
  return plan;
}

std::vector<std::string> DescribeOrgImport(const OrgImportPlan& plan) {
  std::vector<std::string> lines;
  for (const auto& step : Steps(plan)) lines.push_back(step.line);
  return lines;
}

Status ApplyOrgImport(accounts::Store& store, const OrgImportPlan& plan,
                      const std::function<void(const std::string&)>& created) {
  for (const auto& step : Steps(plan)) {
    if (Status done = step.run(store); !done) return done.error().WithContext(step.line);
    created(step.line);
  }
  return Ok();
}

}  // namespace govd::daemon

// policy/engine/evaluator.h
// Answers "may principal P perform action A on resource R in context C?" as AWS's policy
// evaluation logic does: explicit deny anywhere wins; every SCP level must allow; RCPs can only
// deny; same-account requests are granted by the identity side or by a resource policy naming the
// principal; cross-account requests need both sides; role trust policies must always allow.
// Fail closed: nothing unknown turns into an Allow.
//
// CompiledPolicySet indexes every policy once by action service prefix and by the literal head of
// its Resource patterns, so a decision tests only the statements that can match. EvaluateReference is the plain scan used to check it.
// Thread safety: a CompiledPolicySet is immutable after construction; Evaluate may be called
// concurrently (each call with its own Evaluation). Pure: no clock, no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "policy/engine/authz_request.h"
#include "policy/engine/evaluation.h"
#include "policy/engine/policy_set.h"
#include "policy/engine/resource_index.h"

namespace govd::policy {

class CompiledPolicySet {
 public:
  explicit CompiledPolicySet(PolicySet policies);

  // The whole answer, its reason text included. Errors only for a malformed request (see
  // PrepareRequest). The Evaluation points into policies(), which stays valid (also across moves)
  // while this object lives.
  Result<Evaluation> Evaluate(const AuthzRequest& request) const;

  // The decision path: a request prepared once (PrepareRequest; its has_boundary is not read, this
  // set decides it) evaluated against this set, into `out`, whose previous contents are replaced
  // and whose storage is reused: once `out` has grown to fit, a decision allocates nothing. No
  // reason text is written (out.reason is left empty); out.DescribeRule() writes it on demand.
  void Evaluate(const PreparedRequest& request, Evaluation& out) const;

  const PolicySet& policies() const { return *policies_; }

  // Statements of one policy that can match an action of a service, in document order.
  class ServiceIndex {
   public:
    explicit ServiceIndex(const Policy& policy);
    const std::vector<std::uint32_t>& Candidates(std::string_view service_lower) const;

   private:
    std::vector<std::pair<std::string, std::vector<std::uint32_t>>> by_service_;  // sorted
    std::vector<std::uint32_t> any_service_;
  };

 private:
  struct Entry {
    const NamedPolicy* policy;
    ServiceIndex by_service;
    ResourceIndex by_resource;
  };
  static Entry MakeEntry(const NamedPolicy& policy);
  static std::vector<Entry> Entries(const std::vector<NamedPolicy>& policies);
  struct Walk;

  std::unique_ptr<const PolicySet> policies_;
  std::vector<std::vector<Entry>> scps_;
  std::vector<std::vector<Entry>> rcps_;
  std::vector<Entry> resource_;
  std::vector<Entry> identity_;
  std::vector<Entry> boundary_;
  std::vector<Entry> session_;
};

// The same decision by scanning every statement with the rules written out directly.
Result<Decision> EvaluateReference(const PolicySet& policies, const AuthzRequest& request);

}  // namespace govd::policy

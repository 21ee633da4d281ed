// libFuzzer target: any bytes given to ParsePolicy, for every policy kind, must give a Policy or an
// Error (never a crash, leak or undefined behaviour); a parsed policy is then compiled and asked
// a few questions, which must also not crash and must agree with the reference evaluator.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/engine/evaluator.h"
#include "policy/engine/parser.h"

namespace govd::policy {
namespace {

constexpr PolicyKind kKinds[] = {PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust,
                                 PolicyKind::kScp,      PolicyKind::kRcp,      PolicyKind::kBoundary,
                                 PolicyKind::kSession};

AuthzRequest Question(std::string_view principal, std::string_view action, std::string_view resource) {
  AuthzRequest request{std::string(principal), std::string(action), std::string(resource), "222222222222", {}};
  request.context.Set("aws:username", "bob");
  request.context.Set("aws:SourceIp", "10.20.1.10");
  request.context.Set("aws:CurrentTime", "2026-03-01T12:00:00Z");
  request.context.SetMultivalued("aws:PrincipalOrgPaths", {"o-1/r-1/ou-1/"});
  return request;
}

void Ask(Policy policy) {
  PolicySet set;
  PolicyKind kind = policy.kind;
  NamedPolicy named{"fuzz", std::move(policy)};
  if (kind == PolicyKind::kResource || kind == PolicyKind::kTrust) {
    set.resource = std::move(named);
  } else if (kind == PolicyKind::kScp) {
    set.scps.push_back({std::move(named)});
  } else {
    set.identity.push_back(std::move(named));
  }
  CompiledPolicySet compiled(std::move(set));
  const AuthzRequest questions[] = {
      Question("arn:aws:iam::111111111111:role/central-reader", "s3:GetObject", "arn:aws:s3:::b/home/bob/x"),
      Question("arn:aws:sts::222222222222:assumed-role/r/s", "sts:AssumeRole", "arn:aws:iam::222222222222:role/r"),
      Question("anonymous", "s3:ListBucket", "arn:aws:s3:::b")};
  for (const AuthzRequest& question : questions) {
    auto compiled_decision = compiled.Evaluate(question);
    auto reference = EvaluateReference(compiled.policies(), question);
    if (compiled_decision.has_value() != reference.has_value()) std::abort();
    if (compiled_decision && compiled_decision->decision != *reference) std::abort();
  }
}

}  // namespace
}  // namespace govd::policy

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  for (auto kind : govd::policy::kKinds) {
    auto policy = govd::policy::ParsePolicy(json, kind);
    if (policy) govd::policy::Ask(std::move(policy).value());
  }
  return 0;
}

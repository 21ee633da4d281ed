// libFuzzer target for the ARN and account id parsers (policy/engine/arn.h): any bytes must give a value
// or an Error, and what is accepted must hold the parsers' promises: an ARN prints back to the
// same text, a principal ARN is an ARN with a 12-digit account and no region, and its name and
// session are non-empty pieces of the resource; an account id is exactly 12 digits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/engine/arn.h"

namespace govd::policy {
namespace {

void Require(bool holds) {
  if (!holds) std::abort();
}

void CheckArn(std::string_view text) {
  Result<Arn> arn = ParseArn(text);
  if (!arn) {
    Require(!arn.error().message().empty());
    return;
  }
  Require(arn->ToString() == text);
  Result<Arn> again = ParseArn(arn->ToString());
  Require(again.has_value() && *again == *arn);
}

void CheckPrincipal(std::string_view text) {
  Result<PrincipalArn> principal = ParsePrincipalArn(text);
  if (!principal) return;
  Result<Arn> arn = ParseArn(text);
  Require(arn.has_value() && *arn == principal->arn);
  Require(principal->arn.region.empty() && AccountId::Parse(principal->arn.account).has_value());
  const std::string_view resource = principal->arn.resource;
  switch (principal->kind) {
    case PrincipalKind::kAccountRoot:
      Require(resource == "root" && principal->name.empty());
      break;
    case PrincipalKind::kRole:
    case PrincipalKind::kUser:
      Require(!principal->name.empty() && resource.ends_with("/" + principal->name));
      break;
    case PrincipalKind::kAssumedRoleSession:
      Require(!principal->name.empty() && !principal->session.empty());
      Require(resource == "assumed-role/" + principal->name + "/" + principal->session);
      break;
  }
}

void CheckAccountId(std::string_view text) {
  Result<AccountId> id = AccountId::Parse(text);
  if (!id) return;
  Require(id->str() == text && text.size() == 12);
  for (char c : text) Require(c >= '0' && c <= '9');
}

}  // namespace
}  // namespace govd::policy

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  govd::policy::CheckArn(text);
  govd::policy::CheckPrincipal(text);
  govd::policy::CheckAccountId(text);
  return 0;
}

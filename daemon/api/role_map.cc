#include "daemon/api/role_map.h"

#include <charconv>
#include <sstream>

namespace govd::daemon {
namespace {

Result<Role> ParseRole(std::string_view text, const std::string& where) {
  if (text == "admin") return Role::kAdmin;
  if (text == "operator") return Role::kOperator;
  if (text == "auditor") return Role::kAuditor;
  return InvalidArgument("unknown role \"" + std::string(text) + "\" (admin, operator or auditor)", where);
}

Result<RoleBinding> ParseSubject(std::string_view text, const std::string& where) {
  RoleBinding binding;
  std::string_view number;
  if (text.starts_with("uid:")) {
    binding.subject = RoleBinding::Subject::kUid;
    number = text.substr(4);
  } else if (text.starts_with("gid:")) {
    binding.subject = RoleBinding::Subject::kGid;
    number = text.substr(4);
  } else {
    return InvalidArgument("role binding must start with uid:N or gid:N, got \"" + std::string(text) + "\"", where);
  }
  const char* end = number.data() + number.size();
  auto [ptr, ec] = std::from_chars(number.data(), end, binding.id);
  if (number.empty() || ec != std::errc() || ptr != end) {
    return InvalidArgument("\"" + std::string(number) + "\" is not a numeric uid/gid", where);
  }
  return binding;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOperator: return "operator";
    case Role::kAuditor: return "auditor";
  }
  return "unknown";
}

Result<RoleBinding> ParseRoleBinding(std::string_view text, const std::string& where) {
  std::vector<std::string> words = SplitWords(text);
  if (words.size() < 2 || words.size() > 3) {
    return InvalidArgument("role binding must be \"uid:N|gid:N ROLE [TENANT]\", got \"" + std::string(text) + "\"",
                           where);
  }
  GOVD_ASSIGN_OR_RETURN(RoleBinding binding, ParseSubject(words[0], where));
  GOVD_ASSIGN_OR_RETURN(binding.role, ParseRole(words[1], where));
  if (binding.role == Role::kOperator && words.size() != 3) {
    return InvalidArgument("an operator needs a tenant account id: \"" + std::string(text) + "\"", where);
  }
  if (binding.role != Role::kOperator && words.size() == 3) {
    return InvalidArgument("only operators are bound to a tenant: \"" + std::string(text) + "\"", where);
  }
  if (words.size() == 3) {
    auto tenant = policy::AccountId::Parse(words[2]);
    if (!tenant) return InvalidArgument("tenant: " + tenant.error().message(), where);
    binding.tenant = *tenant;
  }
  return binding;
}

Result<RoleMap> RoleMap::Build(std::vector<RoleBinding> bindings, const std::string& where) {
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (bindings[i].subject == bindings[j].subject && bindings[i].id == bindings[j].id) {
        const char* kind = bindings[i].subject == RoleBinding::Subject::kUid ? "uid" : "gid";
        return InvalidArgument(std::string(kind) + " " + std::to_string(bindings[i].id) + " is bound twice", where);
      }
    }
  }
  return RoleMap(std::move(bindings));
}

const RoleBinding* RoleMap::Find(RoleBinding::Subject subject, std::uint32_t id) const {
  for (const auto& binding : bindings_) {
    if (binding.subject == subject && binding.id == id) return &binding;
  }
  return nullptr;
}

std::optional<Caller> RoleMap::Resolve(const PeerCredentials& peer) const {
  const RoleBinding* binding = Find(RoleBinding::Subject::kUid, peer.uid);
  if (binding == nullptr) binding = Find(RoleBinding::Subject::kGid, peer.gid);
  if (binding == nullptr) return std::nullopt;
  return Caller{.peer = peer, .role = binding->role, .tenant = binding->tenant};
}

}  // namespace govd::daemon

#include "accounts/aws/region_choice.h"

namespace govd::accounts {

Result<std::optional<RegionChoice>> ChooseRegion(const EnvLookup& env, std::string_view region_flag,
                                                 std::string_view profile_flag) {
  if (!region_flag.empty()) return std::optional<RegionChoice>({std::string(region_flag), "--region"});
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (std::string region = EnvOr(env, variable); !region.empty()) {
      return std::optional<RegionChoice>({region, variable});
    }
  }
  GOVD_ASSIGN_OR_RETURN(SharedConfig shared, LoadSharedConfig(env));
  const ProfileChoice profile = ChooseProfile(env, profile_flag);
  auto it = shared.profiles.find(profile.name);
  if (it == shared.profiles.end() || !it->second.contains("region")) return std::optional<RegionChoice>();
  return std::optional<RegionChoice>({it->second.at("region"), "profile " + profile.name});
}

}  // namespace govd::accounts

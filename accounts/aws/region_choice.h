// accounts/aws/region_choice.h
// The region as AWS CLI v2 picks it: the --region flag, then AWS_REGION, then
// AWS_DEFAULT_REGION, then the `region` key of the chosen profile (--profile, AWS_PROFILE,
// "default") in the shared config file.
// Pure apart from reading the shared files through LoadSharedConfig. Thread safe. Never logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accounts/aws/shared_config.h"

namespace govd::accounts {

struct RegionChoice {
  std::string region;
  std::string chosen_by;  // "--region", "AWS_REGION", "AWS_DEFAULT_REGION" or "profile NAME"
};

// nullopt when no source names a region; an error only when the shared files cannot be parsed.
Result<std::optional<RegionChoice>> ChooseRegion(const EnvLookup& env, std::string_view region_flag,
                                                 std::string_view profile_flag);

}  // namespace govd::accounts

// base/version.h
// The version of govd, set by the build from CMakeLists.txt (project VERSION).
#pragma once

namespace govd {

inline constexpr const char* kVersion = GOVD_VERSION_STRING;

}  // namespace govd

#pragma once
// The one source of the version: CMakeLists.txt reads these three macros.
#define CENTRALI_VERSION_MAJOR 0
#define CENTRALI_VERSION_MINOR 1
#define CENTRALI_VERSION_PATCH 0

#define CENTRALI_STRINGIFY_IMPL(x) #x
#define CENTRALI_STRINGIFY(x) CENTRALI_STRINGIFY_IMPL(x)
#define CENTRALI_VERSION_STRING                                                                    \
    CENTRALI_STRINGIFY(CENTRALI_VERSION_MAJOR)                                                     \
    "." CENTRALI_STRINGIFY(CENTRALI_VERSION_MINOR) "." CENTRALI_STRINGIFY(CENTRALI_VERSION_PATCH)

// Two libraries that each bundle a different centrali version must fail to link rather than
// silently share one definition, so every symbol lives in a versioned inline namespace.
#define CENTRALI_ABI_CONCAT_IMPL(a, b, c) v##a##_##b##_##c
#define CENTRALI_ABI_CONCAT(a, b, c) CENTRALI_ABI_CONCAT_IMPL(a, b, c)
#define CENTRALI_ABI_NAMESPACE                                                                     \
    CENTRALI_ABI_CONCAT(CENTRALI_VERSION_MAJOR, CENTRALI_VERSION_MINOR, CENTRALI_VERSION_PATCH)
#define CENTRALI_NAMESPACE_BEGIN                                                                   \
    namespace centrali {                                                                           \
    inline namespace CENTRALI_ABI_NAMESPACE {
#define CENTRALI_NAMESPACE_END                                                                     \
    }                                                                                              \
    }

// A second copy of this header with other numbers redefines the macros above, which compilers
// report; the inline namespace turns a mixed link into a link error.

CENTRALI_NAMESPACE_BEGIN
inline constexpr const char* version_string = CENTRALI_VERSION_STRING;
inline constexpr int version_major = CENTRALI_VERSION_MAJOR;
inline constexpr int version_minor = CENTRALI_VERSION_MINOR;
inline constexpr int version_patch = CENTRALI_VERSION_PATCH;
/// `centrali-cpp/<version>`: what to put in ClientOptions::user_agent to identify the SDK.
inline constexpr const char* default_user_agent = "centrali-cpp/" CENTRALI_VERSION_STRING;
CENTRALI_NAMESPACE_END

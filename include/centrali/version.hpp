#pragma once
// The one source of the version (CMakeLists.txt reads the three numbers), the versioned inline
// namespace, and the switch between the two build modes.

#define CENTRALI_VERSION_MAJOR 0
#define CENTRALI_VERSION_MINOR 2
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

// Build modes, as Asio and spdlog have them:
// - header-only (the default): every header includes its definitions (centrali/impl/*.ipp,
//   centrali/detail/impl/*.ipp), marked inline;
// - compiled (CENTRALI_SEPARATE_COMPILATION defined everywhere, which the CMake target
//   centrali::compiled does): the headers declare only, and the definitions compile once, in
//   the one translation unit that includes <centrali/impl/src.hpp>.
#if defined(CENTRALI_SEPARATE_COMPILATION)
#define CENTRALI_HEADER_ONLY 0
#define CENTRALI_DECL
#else
#define CENTRALI_HEADER_ONLY 1
#define CENTRALI_DECL inline
#endif

CENTRALI_NAMESPACE_BEGIN
/// The SDK's version, "MAJOR.MINOR.PATCH" (also the macro CENTRALI_VERSION_STRING).
inline constexpr const char* version_string = CENTRALI_VERSION_STRING;
inline constexpr int version_major = CENTRALI_VERSION_MAJOR;  ///< the major version: changes break the API
inline constexpr int version_minor = CENTRALI_VERSION_MINOR;  ///< the minor version: additions
inline constexpr int version_patch = CENTRALI_VERSION_PATCH;  ///< the patch version: fixes
/// `centrali-cpp/<version>`: what to put in ClientOptions::user_agent to identify the SDK.
inline constexpr const char* default_user_agent = "centrali-cpp/" CENTRALI_VERSION_STRING;
CENTRALI_NAMESPACE_END

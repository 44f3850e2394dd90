#pragma once
// Model conversions that compile only in the translation units that convert the model.
//
// A plain inline from_json is compiled, with every read_member<…> and nlohmann conversion it
// instantiates, by every TU that includes its header (see ManagerBase for the same reason
// behind the manager templates). Written as
//
//   template <class T, detail::only<T, FunctionRun> = 0>
//   void from_json(const nlohmann::json& j, T& run);
//
// it compiles only when a FunctionRun is decoded, and still accepts exactly what the plain
// function accepted: nlohmann finds it by ADL and deduces T = FunctionRun.

#include <centrali/version.hpp>

#include <type_traits>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

template <class T, class Model>
using only = std::enable_if_t<std::is_same_v<T, Model>, int>;

}  // namespace detail
CENTRALI_NAMESPACE_END

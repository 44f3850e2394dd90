#pragma once

#include <centrali/detail/routes.hpp>

#include <algorithm>
#include <stdexcept>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL void append_route(std::string& out, const Route& route, std::string_view workspace,
                         std::initializer_list<std::string_view> args) {
    auto next_arg = args.begin();
    std::string_view path = route.path;
    while (!path.empty()) {
        const auto open = path.find('{');
        out.append(path.substr(0, open));
        if (open == std::string_view::npos) break;
        const auto close = path.find('}', open);
        if (close == std::string_view::npos)
            throw ConfigurationError("route template " + std::string(route.path) + " has an unclosed '{'");
        const std::string_view name = path.substr(open + 1, close - open - 1);
        const bool well_formed = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '_';
        });
        if (!well_formed)
            throw ConfigurationError("route template " + std::string(route.path) + " has a malformed placeholder");
        if (name == "ws") {
            append_path_segment(out, workspace, "workspace");
        } else {
            if (next_arg == args.end())
                throw std::logic_error("centrali: route " + std::string(route.name) + " needs more arguments");
            append_path_segment(out, *next_arg++, name);
        }
        path.remove_prefix(close + 1);
    }
    if (next_arg != args.end())
        throw std::logic_error("centrali: route " + std::string(route.name) + " got too many arguments");
}

CENTRALI_DECL std::string expand_route(const Route& route, std::string_view workspace,
                                std::initializer_list<std::string_view> args) {
    std::string out;
    out.reserve(route.path.size() + 64);
    append_route(out, route, workspace, args);
    return out;
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/detail/url.hpp>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (!out.empty()) out += '&';
        append_percent_encoded(out, key);
        out += '=';
        append_percent_encoded(out, value);
    }
    return out;
}

CENTRALI_DECL ParsedUrl parse_base_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0)
        throw ConfigurationError("base_url must look like https://centrali.io (got no scheme)");
    ParsedUrl parsed;
    parsed.scheme = ascii_lower(url.substr(0, scheme_end));
    if (parsed.scheme != "http" && parsed.scheme != "https")
        throw ConfigurationError("base_url scheme must be http or https");
    std::string_view rest = url.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    if (authority_end != std::string_view::npos) {
        std::string_view tail = rest.substr(authority_end);
        if (!(tail == "/" || tail.empty()))
            throw ConfigurationError("base_url must not carry a path, query or fragment");
    }
    if (authority.find('@') != std::string_view::npos)
        throw ConfigurationError("base_url must not carry user information");
    std::string_view host = authority;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw ConfigurationError("base_url has a malformed IPv6 host");
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw ConfigurationError("base_url has a malformed port");
            parsed.port = std::string(authority.substr(close + 2));
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        parsed.port = std::string(authority.substr(colon + 1));
    }
    if (host.empty()) throw ConfigurationError("base_url has no host");
    for (char c : host)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '\\' || c == '%')
            throw ConfigurationError("base_url has a space, control or reserved character in its host");
    for (char c : parsed.port)
        if (c < '0' || c > '9') throw ConfigurationError("base_url has a malformed port");
    parsed.host = ascii_lower(host);
    return parsed;
}

CENTRALI_DECL bool is_loopback_host(std::string_view host) noexcept {
    if (host == "localhost" || host == "[::1]") return true;
    if (host.size() > 10 && host.substr(host.size() - 10) == ".localhost") return true;
    if (host.substr(0, 4) != "127.") return false;
    int parts = 2;  // "127" and the number after it
    std::size_t digits = 0;
    for (char c : host.substr(4)) {
        if (c == '.') {
            if (digits == 0 || digits > 3) return false;
            ++parts;
            digits = 0;
        } else if (c >= '0' && c <= '9') {
            ++digits;
        } else {
            return false;
        }
    }
    return parts == 4 && digits > 0 && digits <= 3;
}

inline bool starts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.substr(0, prefix.size()) == prefix;
}

CENTRALI_DECL Origins derive_origins(std::string_view base_url) {
    const ParsedUrl url = parse_base_url(base_url);
    const std::string port = url.port.empty() ? std::string() : ":" + url.port;
    Origins origins;
    origins.secure = url.scheme == "https";
    origins.loopback = is_loopback_host(url.host);
    if (origins.loopback) {
        origins.api = origins.auth = url.scheme + "://" + url.host + port;
        return origins;
    }
    std::string_view bare = url.host;
    if (starts_with(bare, "api.")) bare.remove_prefix(4);
    else if (starts_with(bare, "auth.")) bare.remove_prefix(5);
    const std::string api_host = "api." + std::string(bare);
    const std::string auth_host = "auth." + std::string(bare);
    origins.api = url.scheme + "://" + api_host + port;
    origins.auth = url.scheme + "://" + auth_host + port;
    return origins;
}

}  // namespace detail
CENTRALI_NAMESPACE_END

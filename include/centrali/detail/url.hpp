#pragma once
// URL building: one percent-encoder for every path segment and query value, query strings in
// a stable order, and the api./auth. host derivation of the JS SDK's getApiUrl/getAuthUrl.

#include <centrali/errors.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// RFC 3986's unreserved characters, as a table: the encoder tests every byte of every id.
struct UnreservedTable {
    bool allowed[256] = {};
    constexpr UnreservedTable() {
        for (int c = 'A'; c <= 'Z'; ++c) allowed[c] = true;
        for (int c = 'a'; c <= 'z'; ++c) allowed[c] = true;
        for (int c = '0'; c <= '9'; ++c) allowed[c] = true;
        allowed[static_cast<unsigned char>('-')] = allowed[static_cast<unsigned char>('.')] = true;
        allowed[static_cast<unsigned char>('_')] = allowed[static_cast<unsigned char>('~')] = true;
    }
};
inline constexpr UnreservedTable unreserved_table{};

inline bool is_unreserved(unsigned char c) noexcept { return unreserved_table.allowed[c]; }

inline void append_percent_encoded(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    // Ids and slugs are almost always all unreserved: copy each unreserved run in one append.
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (is_unreserved(c)) continue;
        out.append(text.data() + run, i - run);
        const char escaped[3] = {'%', hex[c >> 4], hex[c & 0x0F]};
        out.append(escaped, 3);
        run = i + 1;
    }
    out.append(text.data() + run, text.size() - run);
}

inline std::string percent_encode(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 2);
    append_percent_encoded(out, text);
    return out;
}

/// Encodes a user-supplied id or slug as exactly one path segment. `.` and `..` are unreserved
/// but would be collapsed by URL normalisation (libcurl does it), moving the request to another
/// resource, so they are encoded too. An empty segment would silently change the route.
inline void append_path_segment(std::string& out, std::string_view segment, std::string_view what) {
    if (segment.empty())
        throw InvalidArgument(std::string(what) + " must not be empty");
    if (segment == "." || segment == "..") {
        for (std::size_t i = 0; i < segment.size(); ++i) out += "%2E";
        return;
    }
    append_percent_encoded(out, segment);
}

/// Query parameters in the order they were added, which keeps requests reproducible.
class Query {
public:
    Query& add(std::string key, std::string value) {
        params_.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    bool empty() const noexcept { return params_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& params() const noexcept { return params_; }

    void append_to(std::string& url) const {
        char separator = url.find('?') == std::string::npos ? '?' : '&';
        for (const auto& [key, value] : params_) {
            url += separator;
            append_percent_encoded(url, key);
            url += '=';
            append_percent_encoded(url, value);
            separator = '&';
        }
    }

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

/// Comma-joins list values, the form Centrali's query parameters take (`in`, `fields`, `expand`).
template <class Strings>
std::string join(const Strings& parts, char separator = ',') {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

inline std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (!out.empty()) out += '&';
        append_percent_encoded(out, key);
        out += '=';
        append_percent_encoded(out, value);
    }
    return out;
}

struct ParsedUrl {
    std::string scheme;  ///< lower case
    std::string host;    ///< lower case; IPv6 keeps its brackets
    std::string port;    ///< empty when not given
};

inline std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// Parses `scheme://host[:port][/anything]`. Paths, queries and user info are not allowed in
/// a base URL because they would be silently dropped.
inline ParsedUrl parse_base_url(std::string_view url) {
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

/// localhost, *.localhost, [::1] and 127.x.y.z (all four parts numbers: "127.evil.example"
/// is a public name).
inline bool is_loopback_host(std::string_view host) noexcept {
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

struct Origins {
    std::string api;   ///< e.g. https://api.centrali.io (no trailing slash)
    std::string auth;  ///< e.g. https://auth.centrali.io
    bool loopback = false;
    bool secure = false;  ///< https
};

/// The JS SDK's getApiUrl/getAuthUrl rule (DOC for root and api. inputs; INFERRED in detail):
/// strip one leading "api." or "auth." from the host, then prefix "api." and "auth.". So
/// centrali.io, api.centrali.io and auth.centrali.io all give api.centrali.io/auth.centrali.io.
/// Unlike URL.hostname in JS, an explicit port is kept. Loopback hosts are one origin for
/// everything (the emulator).
inline Origins derive_origins(std::string_view base_url) {
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

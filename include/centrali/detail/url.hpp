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

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

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

/// Parses `scheme://host[:port][/]`. Paths, queries and user info are not allowed in a base URL
/// because they would be silently dropped.
ParsedUrl parse_base_url(std::string_view url);

/// localhost, *.localhost, [::1] and 127.x.y.z (all four parts numbers: "127.evil.example"
/// is a public name, and "127.1" is not spelled as a loopback address here).
bool is_loopback_host(std::string_view host) noexcept;

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
Origins derive_origins(std::string_view base_url);

/// The URL without its query, which may carry credentials (realtime's access_token).
inline std::string url_for_messages(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/url.ipp>
#endif

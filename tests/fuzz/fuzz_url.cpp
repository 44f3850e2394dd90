// libFuzzer target: URL building (detail/url.hpp, detail/routes.hpp).
//
// Exercises append_path_segment, Query::append_to, parse_base_url/derive_origins and
// expand_route over every route of routes::all (and over the orchestration routes with a
// fuzzed ClientOptions::orchestration_base_path, as Core::api_url builds them), with fuzzed
// arguments. Invariants: an encoded segment has only unreserved characters and %XX, never
// '/', '?', '#', is never "." or "..", and decodes back to its input; origins hold no
// whitespace; only centrali::Error (ConfigurationError / InvalidArgument) or std::logic_error
// is thrown.
//
// Input: a text-ish file whose lines are the strings used (see corpus/fuzz_url); the first
// byte picks which operations run.
#include "fuzz_common.hpp"

#include <centrali/detail/routes.hpp>
#include <centrali/detail/url.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using centrali_fuzz::check;
namespace d = centrali::detail;

namespace {

bool is_hex_upper(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

/// Checks the alphabet of an encoded text and returns it decoded.
std::string check_and_decode(std::string_view encoded, const char* name) {
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '%') {
            check(i + 2 < encoded.size() && is_hex_upper(encoded[i + 1]) && is_hex_upper(encoded[i + 2]), name,
                  encoded);
            decoded += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
            i += 2;
        } else {
            check(d::is_unreserved(static_cast<unsigned char>(c)), name, encoded);
            decoded += c;
        }
    }
    return decoded;
}

bool has_whitespace_or_control(std::string_view text) {
    for (unsigned char c : text)
        if (std::isspace(c) || c < 0x20 || c == 0x7f) return true;
    return false;
}

template <class F>
void guarded(const char* what, F&& f) {
    try {
        f();
    } catch (const centrali::Error&) {
    } catch (const std::logic_error&) {
    } catch (const std::exception& e) {
        centrali_fuzz::unexpected_exception(what, e.what());
    } catch (...) {
        centrali_fuzz::unexpected_exception(what, "non-std exception");
    }
}

void fuzz_segment(std::string_view segment) {
    std::string out = "prefix/";
    try {
        d::append_path_segment(out, segment, "id");
    } catch (const centrali::InvalidArgument&) {
        check(segment.empty(), "url_segment_rejected_nonempty", segment);
        return;
    } catch (...) {
        centrali_fuzz::unexpected_exception("append_path_segment", "not InvalidArgument");
    }
    check(!segment.empty(), "url_segment_accepted_empty", segment);
    const std::string_view encoded = std::string_view(out).substr(7);
    check(encoded.find_first_of("/?#") == std::string_view::npos, "url_segment_has_delimiter", encoded);
    check(encoded != "." && encoded != "..", "url_segment_is_dot", encoded);
    check(check_and_decode(encoded, "url_segment_alphabet") == segment, "url_segment_roundtrip", segment);
}

void fuzz_query(std::string base, const std::vector<std::string>& parts) {
    d::Query query;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) query.add(parts[i], parts[i + 1]);
    const std::string before = base;
    query.append_to(base);
    check(base.compare(0, before.size(), before) == 0, "url_query_changed_prefix", base);
    std::string_view added = std::string_view(base).substr(before.size());
    if (query.empty()) {
        check(added.empty(), "url_query_empty_added", added);
        return;
    }
    // ?k=v&k=v (or &k=v… when the URL already had a query), each k and v encoded.
    const char first = before.find('?') == std::string::npos ? '?' : '&';
    check(!added.empty() && added[0] == first, "url_query_separator", added);
    std::size_t index = 0;
    std::size_t pos = 1;
    while (pos <= added.size()) {
        std::size_t amp = added.find('&', pos);
        if (amp == std::string_view::npos) amp = added.size();
        const std::string_view pair = added.substr(pos, amp - pos);
        const auto eq = pair.find('=');
        check(eq != std::string_view::npos, "url_query_pair", pair);
        check(index < query.params().size(), "url_query_count", added);
        check(check_and_decode(pair.substr(0, eq), "url_query_alphabet") == query.params()[index].first,
              "url_query_key_roundtrip", pair);
        check(check_and_decode(pair.substr(eq + 1), "url_query_alphabet") == query.params()[index].second,
              "url_query_value_roundtrip", pair);
        ++index;
        pos = amp + 1;
    }
    check(index == query.params().size(), "url_query_count", added);
}

void fuzz_origins(const std::string& base_url) {
    guarded("derive_origins", [&] {
        const d::ParsedUrl parsed = d::parse_base_url(base_url);
        check(parsed.scheme == "http" || parsed.scheme == "https", "url_scheme", base_url);
        check(parsed.port.find_first_not_of("0123456789") == std::string::npos, "url_port_digits", base_url);
        const d::Origins origins = d::derive_origins(base_url);
        check(!has_whitespace_or_control(origins.api) && !has_whitespace_or_control(origins.auth),
              "url_origin_whitespace", base_url);
        check(origins.api.find_first_of("?#@") == std::string::npos, "url_origin_delimiter", origins.api);
        // Loopback relaxes the plain-http credential rule; it must mean a loopback host.
        if (origins.loopback) {
            const std::string& h = parsed.host;
            bool numeric_127 = h.compare(0, 4, "127.") == 0 && h.find_first_not_of("0123456789.") == std::string::npos;
            bool ok = h == "localhost" || h == "[::1]" || numeric_127 ||
                      (h.size() > 10 && h.compare(h.size() - 10, 10, ".localhost") == 0);
            check(ok, "url_loopback_not_loopback", h);
        }
    });
}

std::size_t placeholders(std::string_view path, bool count_ws) {
    std::size_t n = 0;
    for (auto open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
        const auto close = path.find('}', open);
        if (close == std::string_view::npos) break;
        if (count_ws || path.substr(open + 1, close - open - 1) != "ws") ++n;
    }
    return n;
}

std::size_t count_char(std::string_view text, char c) {
    std::size_t n = 0;
    for (char x : text) n += x == c;
    return n;
}

void expand(const d::Route& route, const std::string& workspace, const std::vector<std::string>& args,
            std::size_t nargs) {
    const std::string_view a0 = args.at(0), a1 = args.at(1), a2 = args.at(2);
    std::string out;
    bool threw = true;
    guarded("expand_route", [&] {
        switch (nargs) {
        case 0: out = d::expand_route(route, workspace, {}); break;
        case 1: out = d::expand_route(route, workspace, {a0}); break;
        case 2: out = d::expand_route(route, workspace, {a0, a1}); break;
        default: out = d::expand_route(route, workspace, {a0, a1, a2}); break;
        }
        threw = false;
    });
    if (threw) return;
    check(nargs == placeholders(route.path, false), "url_route_arg_count_accepted", route.name);
    check(out.find_first_of("?#{}") == std::string::npos, "url_route_delimiter", out);
    // Every placeholder became exactly one segment.
    check(count_char(out, '/') == count_char(route.path, '/'), "url_route_segments", out);
}

std::vector<std::string> split_lines(std::string_view input) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos <= input.size() && lines.size() < 16) {
        auto nl = input.find('\n', pos);
        if (nl == std::string_view::npos) nl = input.size();
        lines.emplace_back(input.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t selector = bytes[0];
    const std::vector<std::string> lines =
        split_lines(std::string_view(reinterpret_cast<const char*>(bytes) + 1, size - 1));
    auto line = [&](std::size_t i) -> const std::string& {
        static const std::string empty;
        return i < lines.size() ? lines[i] : empty;
    };

    for (const std::string& l : lines) fuzz_segment(l);
    fuzz_query(line(0), std::vector<std::string>(lines.begin() + (lines.empty() ? 0 : 1), lines.end()));
    fuzz_origins(line(0));

    // One route per input, picked by the selector (so every route of routes::all is reached
    // across inputs), with the fuzzed workspace (line 1) and arguments (lines 2..4); the
    // argument count also comes from the selector so that wrong counts are exercised too.
    constexpr std::size_t route_count = sizeof(d::routes::all) / sizeof(d::routes::all[0]);
    const std::size_t pick = (selector >> 2) % route_count + (size > 1 ? bytes[size - 1] : 0);
    const d::Route& route = d::routes::all[pick % route_count];
    const std::vector<std::string> args = {line(2), line(3), line(4)};
    expand(route, line(1), args, selector % 4);

    // The orchestration routes as Core::api_url builds them: the configurable base path
    // (line 5) replaces "{orchestration}". Only when the selector's top bit is set.
    static constexpr std::string_view orchestration = "{orchestration}";
    if ((selector & 0x80) && route.path.substr(0, orchestration.size()) == orchestration) {
        const std::string path = line(5) + std::string(route.path.substr(orchestration.size()));
        const d::Route built{route.name, route.method, path, route.confidence};
        std::string out;
        guarded("expand_route(orchestration base)", [&] { out = d::expand_route(built, line(1), {line(2), line(3)}); });
        (void)out;
    }
    return 0;
}

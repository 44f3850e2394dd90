#pragma once

#include <centrali/detail/json.hpp>

#include <bitset>
#include <cstdint>
#include <cstring>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// How deeply `text` nests arrays and objects, counted outside strings; stops counting at
/// `limit`. For text that is not JSON the figure means nothing (the parser rejects it anyway).
inline std::size_t nesting_depth(std::string_view text, std::size_t limit) noexcept {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest && (deepest = depth) > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// How many `[` and `{` `text` holds, strings included: an upper bound of its nesting depth.
/// Eight bytes at a time: '[' (0x5B) and '{' (0x7B) are the only bytes that become 0x7B with
/// bit 0x20 set, so a byte is one of them exactly when (byte | 0x20) ^ 0x7B is zero, and the
/// zero bytes of a word are counted without a branch. A fifth of a per-byte loop's cost.
inline std::size_t opening_brackets(std::string_view text) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t low7 = 0x7F * ones;
    std::size_t count = 0, at = 0;
    for (; at + 8 <= text.size(); at += 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + at, 8);
        const std::uint64_t folded = (word | (0x20 * ones)) ^ (0x7B * ones);  // 0 where a bracket is
        const std::uint64_t zero_high_bits = ~(((folded & low7) + low7) | folded | low7);
        count += std::bitset<64>(zero_high_bits).count();
    }
    for (; at < text.size(); ++at) count += static_cast<std::size_t>((text[at] | 0x20) == 0x7B);
    return count;
}

CENTRALI_DECL nlohmann::json parse_json_text(std::string_view text, std::size_t max_depth) {
    // A scan for the nesting first, then json::parse itself: public API only, the same parser
    // instantiation as any json::parse, and nlohmann's own document builder at full speed. Most
    // bodies have fewer brackets than the limit in all, and skip the exact scan.
    if (opening_brackets(text) > max_depth && nesting_depth(text, max_depth) > max_depth)
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

CENTRALI_DECL std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CENTRALI_DECL bool sent_null(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return false;
    const auto it = object.find(key);
    return it != object.end() && it->is_null();
}

CENTRALI_DECL void require_model_object(const nlohmann::json& j, const char* what) {
    if (!j.is_object())
        throw DecodeError(std::string("centrali: ") + what + " must be a JSON object, got " + j.type_name());
}

CENTRALI_DECL std::string read_identity(const nlohmann::json& j, const char* key, const char* what,
                                        const char* fallback) {
    require_model_object(j, what);
    auto it = j.find(key);
    if ((it == j.end() || !it->is_string()) && fallback != nullptr) it = j.find(fallback);
    if (it == j.end() || !it->is_string())
        throw DecodeError(std::string("centrali: ") + what + " without a readable '" + key + "'");
    return it->get<std::string>();
}

CENTRALI_DECL nlohmann::json& unwrap_object(nlohmann::json& body, const char* what) {
    if (body.is_object()) {
        const auto data = body.find("data");
        if (body.contains("id") || data == body.end()) return body;
        if (data->is_object()) return *data;
    }
    throw DecodeError(std::string("centrali: expected ") + what + " as a JSON object, got: " +
                      dump_json(body).substr(0, 200));
}

CENTRALI_DECL ListBody locate_list(nlohmann::json& body, const char* what) {
    const auto meta_of = [](nlohmann::json& object) -> nlohmann::json* {
        const auto meta = object.find("meta");
        return meta != object.end() && meta->is_object() ? &*meta : nullptr;
    };
    if (body.is_array()) return {&body, nullptr};
    if (body.is_object()) {
        const auto data = body.find("data");
        if (data != body.end()) {
            if (data->is_array()) return {&*data, meta_of(body)};
            if (data->is_null()) return {nullptr, meta_of(body)};
            if (data->is_object()) {  // ApiResponse<PaginatedResponse<T>>
                const auto inner = data->find("data");
                if (inner != data->end() && inner->is_array()) {
                    nlohmann::json* meta = meta_of(*data);
                    return {&*inner, meta != nullptr ? meta : meta_of(body)};
                }
            }
        }
    }
    throw DecodeError(std::string("centrali: expected a list of ") + what + ", got: " + dump_json(body).substr(0, 200));
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once
// Tolerant JSON reading shared by every model: unknown members are ignored, absent or null
// members leave the default, and a member of the wrong type is a DecodeError naming it.

#include <centrali/errors.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// An integer member must be an integer in range: nlohmann would convert 1e300 into a long
/// long by an undefined cast.
template <class T>
void check_integral_range(const nlohmann::json& value, const char* key) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        bool fits = true;
        if (value.is_number_float()) {
            const double d = value.get<double>();
            fits = std::isfinite(d) && d >= static_cast<double>((std::numeric_limits<T>::min)()) &&
                   d <= static_cast<double>((std::numeric_limits<T>::max)());
        } else if (value.is_number_unsigned()) {
            fits = value.get<std::uint64_t>() <= static_cast<std::uint64_t>((std::numeric_limits<T>::max)());
        }
        if (!fits) throw DecodeError(std::string("centrali: member '") + key + "' is out of range");
    }
}

/// Converts one member's value into `target`; a null leaves the default.
template <class T>
void read_value(const nlohmann::json& value, const char* key, T& target) {
    if (value.is_null()) return;
    try {
        if constexpr (std::is_same_v<T, nlohmann::json>) {
            target = value;
        } else {
            check_integral_range<T>(value, key);
            target = value.template get<T>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw DecodeError(std::string("centrali: member '") + key + "' has an unexpected type: " + e.what());
    }
}

template <class T>
void read_value(const nlohmann::json& value, const char* key, std::optional<T>& target) {
    if (value.is_null()) return;
    T converted{};
    read_value(value, key, converted);
    target = std::move(converted);
}

template <class T>
void read_member(const nlohmann::json& object, const char* key, T& target) {
    if (!object.is_object()) return;
    const auto it = object.find(key);
    if (it != object.end()) read_value(*it, key, target);
}

/// Request bodies send only the members the caller set (the JS SDK's truthy rule). Templates,
/// even where nothing is deduced, like every function here that instantiates nlohmann's
/// members: an inline non-template would compile them in every TU that includes the SDK.
template <class T>
void write_member(nlohmann::json& object, const char* key, const std::optional<T>& value) {
    if (value) object[key] = *value;
}
template <class = void>
void write_member(nlohmann::json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
}

/// Converts with the user's from_json, turning nlohmann's exceptions into DecodeError.
template <class T>
T decode_as(const nlohmann::json& value, const char* what) {
    try {
        return value.template get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw DecodeError(std::string("centrali: could not decode ") + what + ": " + e.what());
    }
}

/// Decodes a value the SDK owns. The default converts through from_json; models whose decoding
/// can steal from the JSON (records, pages) specialise it to move instead of copy.
template <class T, class = void>
struct Decoder {
    static T decode(nlohmann::json&& value, const char* what) { return decode_as<T>(value, what); }
};

/// Centrali wraps payloads as {"data": …}. Some documented responses are the bare object, which
/// is recognised by a top-level "id" (a wrapped payload has none at the top).
template <class = void>
nlohmann::json& unwrap_object(nlohmann::json& body, const char* what) {
    if (body.is_object()) {
        const auto data = body.find("data");
        if (body.contains("id") || data == body.end()) return body;
        if (data->is_object()) return *data;
    }
    throw DecodeError(std::string("centrali: expected ") + what + " as a JSON object, got: " +
                      body.dump().substr(0, 200));
}

template <class = void>
nlohmann::json& unwrap_array(nlohmann::json& body, const char* what) {
    if (body.is_array()) return body;
    if (body.is_object()) {
        const auto data = body.find("data");
        if (data != body.end() && data->is_array()) return *data;
    }
    throw DecodeError(std::string("centrali: expected a list of ") + what + ", got: " + body.dump().substr(0, 200));
}

}  // namespace detail
CENTRALI_NAMESPACE_END

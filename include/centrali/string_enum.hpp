#pragma once
// Server-defined enumerations (run status, trigger type, …) are open sets: a server newer than
// this SDK may send a value it does not know. They are therefore strings with named constants,
// compared like enums, and an unknown value is kept as it came.

#include <centrali/version.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <utility>

CENTRALI_NAMESPACE_BEGIN

/// The base of the SDK's open enumerations (RunStatus, TriggerType, RealtimeEventType, …):
/// `Derived` (the enumeration itself) names the known values as static constants, and a value
/// without a constant is kept as it came, so it can still be compared, printed and sent back.
template <class Derived>
class StringEnum {
public:
    /// The empty value (see empty()).
    StringEnum() = default;
    /// The value `value`, exactly as on the wire; it need not be one of the named constants.
    explicit StringEnum(std::string value) : value_(std::move(value)) {}

    /// The value exactly as on the wire.
    const std::string& str() const noexcept { return value_; }
    /// True when there is no value: default-constructed, or decoded from a member that was
    /// absent, null or "".
    bool empty() const noexcept { return value_.empty(); }

    /// Equal when the wire strings are equal (case-sensitive).
    friend bool operator==(const Derived& a, const Derived& b) noexcept { return a.value_ == b.value_; }
    /// Not equal when the wire strings differ.
    friend bool operator!=(const Derived& a, const Derived& b) noexcept { return a.value_ != b.value_; }
    /// Orders by the wire string, so that values can be keys of a std::map or std::set.
    friend bool operator<(const Derived& a, const Derived& b) noexcept { return a.value_ < b.value_; }
    /// Writes the wire string.
    friend std::ostream& operator<<(std::ostream& out, const Derived& e) { return out << e.value_; }

private:
    std::string value_;
};

/// Writes `e` as its wire string (nlohmann::json's conversion hook).
template <class Derived>
void to_json(nlohmann::json& j, const StringEnum<Derived>& e) {
    j = e.str();
}

/// Reads `e` from a JSON string, a value without a named constant included (nlohmann::json's
/// conversion hook). Anything but a string throws nlohmann::json::type_error, which the SDK's
/// decoders report as a DecodeError.
template <class Derived>
void from_json(const nlohmann::json& j, StringEnum<Derived>& e) {
    static_cast<Derived&>(e) = Derived(j.get<std::string>());
}

CENTRALI_NAMESPACE_END

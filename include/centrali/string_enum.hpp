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

template <class Derived>
class StringEnum {
public:
    StringEnum() = default;
    explicit StringEnum(std::string value) : value_(std::move(value)) {}

    /// The value exactly as on the wire.
    const std::string& str() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

    friend bool operator==(const Derived& a, const Derived& b) noexcept { return a.value_ == b.value_; }
    friend bool operator!=(const Derived& a, const Derived& b) noexcept { return a.value_ != b.value_; }
    friend bool operator<(const Derived& a, const Derived& b) noexcept { return a.value_ < b.value_; }
    friend std::ostream& operator<<(std::ostream& out, const Derived& e) { return out << e.value_; }

private:
    std::string value_;
};

template <class Derived>
void to_json(nlohmann::json& j, const StringEnum<Derived>& e) {
    j = e.str();
}

template <class Derived>
void from_json(const nlohmann::json& j, StringEnum<Derived>& e) {
    static_cast<Derived&>(e) = Derived(j.get<std::string>());
}

CENTRALI_NAMESPACE_END

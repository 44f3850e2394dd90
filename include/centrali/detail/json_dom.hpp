#pragma once
// A JSON document builder for nlohmann's SAX interface, stopped by a nesting limit. It is what
// json::parse does inside, written with nlohmann's public API only (its own builder is internal to nlohmann,
// and its shape changes between releases: 3.12 added a template parameter).
// Internal to the definitions (impl/*.ipp).

#include <centrali/version.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class JsonDomBuilder {
public:
    using json = nlohmann::json;

    JsonDomBuilder(json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

    bool null() { return put(json(nullptr)); }
    bool boolean(bool value) { return put(json(value)); }
    bool number_integer(json::number_integer_t value) { return put(json(value)); }
    bool number_unsigned(json::number_unsigned_t value) { return put(json(value)); }
    bool number_float(json::number_float_t value, const json::string_t&) { return put(json(value)); }
    bool string(json::string_t& value) { return put(json(std::move(value))); }
    bool binary(json::binary_t&) { return false; }  // JSON text has no binary values
    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool key(json::string_t& name) {
        member_ = &stack_.back()->get_ref<json::object_t&>()[std::move(name)];
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool end_array() { return close(); }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        return false;
    }

    bool complete() const noexcept { return stack_.empty() && started_; }

private:
    /// Where the next value goes: the root, the end of an array, or the member just keyed.
    json* slot() {
        if (stack_.empty()) {
            started_ = true;
            return &root_;
        }
        json& parent = *stack_.back();
        if (parent.is_array()) {
            auto& items = parent.get_ref<json::array_t&>();
            items.emplace_back();
            return &items.back();
        }
        return member_;
    }
    bool put(json&& value) {
        *slot() = std::move(value);
        return true;
    }
    bool open(json::value_t type) {
        if (stack_.size() >= max_depth_) return false;
        json* target = slot();
        *target = json(type);
        stack_.push_back(target);
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    json& root_;
    std::size_t max_depth_;
    std::vector<json*> stack_;
    json* member_ = nullptr;
    bool started_ = false;
};

}  // namespace detail
CENTRALI_NAMESPACE_END

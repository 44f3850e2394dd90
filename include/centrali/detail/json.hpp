#pragma once
// JSON in and out, for every body the SDK reads or writes: one depth-limited parser (a nesting
// scan, then nlohmann's json::parse), one serializer, and the tolerant
// member readers every model uses (unknown members are ignored, absent or null members leave
// the default, a member of the wrong type is a DecodeError naming it).

#include <centrali/errors.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// JSON nested deeper than this is refused while parsing: nlohmann copies and prints
/// recursively, and a hostile body nested 200,000 deep would overflow the stack.
inline constexpr std::size_t max_json_depth = 256;

/// Parses `text`; a discarded value when it is not JSON or is nested deeper than `max_depth`.
nlohmann::json parse_json_text(std::string_view text, std::size_t max_depth = max_json_depth);

/// Compact JSON; invalid UTF-8 in strings is replaced rather than thrown on.
std::string dump_json(const nlohmann::json& value);

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

/// The members tolerant reading passed over on this thread while one is alive: Core::decode
/// makes one around a decoder when the Client has a logger, and logs what it collected (at
/// debug level), so an odd member is never dropped silently. With none alive nothing is kept.
class SkippedMembers {
public:
    /// Starts collecting on this thread (until destroyed) when `collect` is true.
    explicit SkippedMembers(bool collect) : previous_(current()) {
        if (collect) current() = this;
    }
    SkippedMembers(const SkippedMembers&) = delete;
    SkippedMembers& operator=(const SkippedMembers&) = delete;
    ~SkippedMembers() { current() = previous_; }

    /// Records `key` in the collection alive on this thread, if any.
    static void note(const char* key) {
        if (SkippedMembers* active = current()) {
            ++active->count;
            if (active->names.size() < kNamesKept &&
                (", " + active->names + ", ").find(", " + std::string(key) + ", ") == std::string::npos)
                active->names += (active->names.empty() ? "" : ", ") + std::string(key);
        }
    }

    std::size_t count = 0;  ///< how many members were passed over
    std::string names;      ///< the first few distinct names, comma-separated

private:
    static constexpr std::size_t kNamesKept = 200;
    static SkippedMembers*& current() {
        static thread_local SkippedMembers* active = nullptr;
        return active;
    }
    SkippedMembers* previous_;
};

/// read_member for models read tolerantly: a member of an unexpected type (or out of range)
/// leaves `target` as it was instead of failing the whole model; the caller keeps the object in
/// its `raw`, where the odd member stays visible. read_value converts before it assigns, so a
/// failed read has not touched `target`.
template <class T>
void read_member_tolerant(const nlohmann::json& object, const char* key, T& target) {
    try {
        read_member(object, key, target);
    } catch (const DecodeError&) {
        SkippedMembers::note(key);
    }
}

/// True when `object` has `key` as an explicit null. Every model's sent_null() asks its `raw`
/// this one way, so "sent null" and "not sent" are told apart alike everywhere (a field alone
/// cannot: both leave it at its default).
bool sent_null(const nlohmann::json& object, std::string_view key);

/// The identity member `key` of a model object (or, when it is absent, `fallback`, where a
/// model has two spellings of it): the one member tolerant reading cannot do without (a page
/// item that cannot be addressed is no item). A body that is not an object, or without a string
/// identity, is a DecodeError naming the model (`what`).
std::string read_identity(const nlohmann::json& j, const char* key, const char* what, const char* fallback = nullptr);

/// For models without an identity (results, summaries): a body that is not an object is a
/// DecodeError naming the model (`what`); any object decodes, its members read tolerantly.
void require_model_object(const nlohmann::json& j, const char* what);

/// read_member_tolerant bound to one model object, so every model's from_json reads its
/// members one way: `const TolerantReader read{j}; read("name", name);`.
struct TolerantReader {
    const nlohmann::json& object;  ///< the model object being read
    /// Reads `key` into `target`; absent, null or of an unexpected type leaves it as it was.
    template <class T>
    void operator()(const char* key, T& target) const {
        read_member_tolerant(object, key, target);
    }
};

/// A nested list of models (a collection's properties, an orchestration's steps, a step's
/// cases), read element by element, where an element that cannot be read fails the model: the
/// list goes back whole in an update, so a list silently short of one element would erase it
/// on the server. A member that is not a list at all is passed over as any odd member is.
template <class T>
void read_model_list(const nlohmann::json& object, const char* key, std::vector<T>& target) {
    const auto it = object.is_object() ? object.find(key) : object.end();
    if (it == object.end() || !it->is_array()) return read_member_tolerant(object, key, target);
    std::vector<T> items;
    items.reserve(it->size());
    for (const auto& element : *it) items.push_back(element.template get<T>());
    target = std::move(items);
}

/// A model field and the member it is read from, for unknown_members().
template <class T>
struct KnownMember {
    const char* key;  ///< the member's wire name
    const T* field;   ///< the field; only its type matters
};
/// known(key, field): the KnownMember of `field`.
template <class T>
KnownMember<T> known(const char* key, const T& field) {
    return {key, &field};
}

/// Drops `member.key` from `object` when its value is one the field could have been read from.
template <class T>
void drop_if_read(nlohmann::json& object, const KnownMember<T>& member) {
    const auto it = object.find(member.key);
    if (it == object.end()) return;
    T probe{};
    try {
        read_value(*it, member.key, probe);
    } catch (const DecodeError&) {
        return;  // tolerant reading passed it over: the field never held it, so it stays
    }
    object.erase(it);
}

/// The members of a decoded model's whole object (`extra`) to send again beside its fields:
/// those without a field, and those whose value tolerant reading could not put in its field
/// (kept as they came, since the field never held them). A member read into a field is sent
/// from that field alone, so a field the caller emptied after a fetch is not sent again from
/// the copy the fetch kept.
template <class... T>
nlohmann::json unknown_members(const nlohmann::json& extra, const KnownMember<T>&... fields) {
    if (!extra.is_object()) return nlohmann::json::object();
    nlohmann::json out = extra;
    (drop_if_read(out, fields), ...);
    return out;
}

/// Request bodies send only the members the caller set (the JS SDK's truthy rule).
template <class T>
void write_member(nlohmann::json& object, const char* key, const std::optional<T>& value) {
    if (value) object[key] = *value;
}
inline void write_member(nlohmann::json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
}

/// A model's string members, each with its field: the table take_string_member reads.
template <class Model>
using StringMember = std::pair<std::string_view, std::string Model::*>;

/// The entry of `members` for `key`; null when there is none.
template <class Model, std::size_t N>
const StringMember<Model>* find_string_member(const StringMember<Model> (&members)[N], std::string_view key) noexcept {
    for (const auto& member : members)
        if (member.first == key) return &member;
    return nullptr;
}

/// Moves `value` into the field `members` names for `key`, a string moved, not copied; false
/// when it names none or `value` is not a string. What is not taken stays in the model's `raw`:
/// a null there tells "sent null" from "not sent", and a member of another type stays visible
/// instead of failing the model (tolerant reading).
template <class Model, std::size_t N>
bool take_string_member(const StringMember<Model> (&members)[N], Model& model, std::string_view key,
                        nlohmann::json& value) {
    if (!value.is_string()) return false;
    const StringMember<Model>* member = find_string_member(members, key);
    if (member == nullptr) return false;
    model.*(member->second) = std::move(value.template get_ref<std::string&>());
    return true;
}

/// Decodes an object the SDK owns by moving its members out: `take(key, value)` moves a member
/// into its field and says so; the members it did not take are returned (a model's `raw`).
/// Decoding this way copies nothing, where from_json copies every member it reads.
template <class Take>
nlohmann::json take_members(nlohmann::json&& object, const char* what, Take&& take) {
    if (!object.is_object())
        throw DecodeError(std::string("centrali: ") + what + " must be a JSON object, got " + object.type_name());
    auto& members = object.template get_ref<nlohmann::json::object_t&>();
    for (auto it = members.begin(); it != members.end();) {
        if (take(std::string_view(it->first), it->second)) it = members.erase(it);
        else ++it;
    }
    return std::move(object);
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
/// can steal from the JSON (records) specialise it to move instead of copy.
template <class T, class = void>
struct Decoder {
    static T decode(nlohmann::json&& value, const char* what) { return decode_as<T>(value, what); }
};

/// Centrali wraps payloads as {"data": …}. Some documented responses are the bare object, which
/// is recognised by a top-level "id" (a wrapped payload has none at the top).
nlohmann::json& unwrap_object(nlohmann::json& body, const char* what);

/// Where a list body keeps its items and its meta. Accepted shapes: a bare array,
/// `{"data": [...], "meta": {...}}`, the JS SDK's `ApiResponse<PaginatedResponse<T>>`
/// `{"data": {"data": [...], "meta": {...}}}`, and `{"data": null}` (no items), as the JS types
/// allow. Anything else is a DecodeError.
struct ListBody {
    nlohmann::json* items = nullptr;  ///< the array; null when the body says `data: null`
    nlohmann::json* meta = nullptr;   ///< the meta object beside it, when there is one
};
ListBody locate_list(nlohmann::json& body, const char* what);

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/json.ipp>
#endif

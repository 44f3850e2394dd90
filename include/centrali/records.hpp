#pragma once
// client.records(): records of a collection (structure), addressed by its slug.

#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// A record. `T` is the type of its field map: nlohmann::json by default, or any type of yours
/// with a from_json (records().get<Order>(…)).
template <class T = nlohmann::json>
struct BasicRecord {
    std::string id;
    T data{};
    std::string record_slug;
    std::string workspace_slug;
    std::string status;  ///< e.g. "active"; archived (soft-deleted) records say so here
    std::optional<long long> version;
    std::string created_at;  ///< ISO-8601, as the server sent it
    std::string updated_at;
    std::string created_by;
    std::string updated_by;
    /// The members the server sent that have no field above: the escape hatch for members this
    /// SDK does not know yet. Not repeating the fields (nor `data`) keeps decoding cheap.
    nlohmann::json raw;
};
using Record = BasicRecord<>;

namespace detail {
/// The string members of a record and their fields. With `version` and `data` these are the
/// members both decoders below take out of `raw`.
template <class T>
struct RecordStrings {
    static constexpr std::pair<std::string_view, std::string BasicRecord<T>::*> members[] = {
        {"id", &BasicRecord<T>::id},
        {"recordSlug", &BasicRecord<T>::record_slug},
        {"workspaceSlug", &BasicRecord<T>::workspace_slug},
        {"status", &BasicRecord<T>::status},
        {"createdAt", &BasicRecord<T>::created_at},
        {"updatedAt", &BasicRecord<T>::updated_at},
        {"createdBy", &BasicRecord<T>::created_by},
        {"updatedBy", &BasicRecord<T>::updated_by},
    };
    static std::string BasicRecord<T>::*field(std::string_view key) noexcept {
        for (const auto& [name, field] : members)
            if (name == key) return field;
        return nullptr;
    }
};

/// Moves one member into its field; false when the record has no field for it (it stays in
/// `raw`). A null leaves the default; a value of the wrong type is a DecodeError.
template <class T>
bool take_record_member(BasicRecord<T>& record, std::string_view key, nlohmann::json& value) {
    if (auto field = RecordStrings<T>::field(key)) {
        if (value.is_string()) record.*field = std::move(value.template get_ref<std::string&>());
        else read_value(value, key.data(), record.*field);  // the member names are literals: NUL-terminated
        return true;
    }
    if (key == "version") {
        read_value(value, "version", record.version);
        return true;
    }
    if (key == "data") {
        if (!value.is_null()) {
            if constexpr (std::is_same_v<T, nlohmann::json>) record.data = std::move(value);
            else record.data = decode_as<T>(value, "record data");
        }
        return true;
    }
    return false;
}

/// Fills `record` from `j`, moving the members out instead of copying them.
template <class T>
void read_record(nlohmann::json&& j, BasicRecord<T>& record) {
    if (!j.is_object()) throw DecodeError("centrali: a record must be a JSON object, got " + std::string(j.type_name()));
    auto& members = j.get_ref<nlohmann::json::object_t&>();
    for (auto it = members.begin(); it != members.end();) {
        if (take_record_member(record, it->first, it->second)) it = members.erase(it);
        else ++it;
    }
    record.raw = std::move(j);
}

template <class T>
struct Decoder<BasicRecord<T>> {
    static BasicRecord<T> decode(nlohmann::json&& j, const char*) {
        BasicRecord<T> record;
        read_record(std::move(j), record);
        return record;
    }
};

/// Decodes records straight from the response text, in one pass and without a JSON document for
/// the members that have fields (most of a record): {"data": {record}} for one record, and
/// {"data": [records], "meta": …} for a page. Anything else (a bare record, a member of another
/// type than its field's, a version out of range, invalid or too deeply nested JSON) makes it
/// give up, and the caller decodes through the JSON document instead; so the rules and the
/// errors stay read_record's, and this path is only ever faster. For Record (J = nlohmann::json).
template <class J>
class RecordTextReader {
public:
    using json = nlohmann::json;
    using Rec = BasicRecord<J>;

    static bool read_one(std::string_view body, Rec& record) {
        RecordTextReader reader(&record, nullptr);
        return reader.parse(body) && reader.records_ == 1;
    }

    static bool read_page(std::string_view body, Page<Rec>& page) {
        RecordTextReader reader(nullptr, &page);
        if (!reader.parse(body) || !reader.saw_data_) return false;
        page.raw["data"] = json::array();  // as decode_page leaves it: the body without the items
        if (auto meta = page.raw.find("meta"); meta != page.raw.end() && meta->is_object())
            page.meta = decode_as<PageMeta>(*meta, "meta");
        return true;
    }

    // nlohmann's SAX interface; returning false stops the parse (and gives up).
    bool null() {
        if (subtree_) return subtree_->null();
        // A null leaves a field, or `data`, at its default, as read_record does; resetting it
        // also keeps "the last of duplicate members wins", as in a JSON document.
        switch (member_) {
        case Member::string: return (record_->*string_field_).clear(), true;
        case Member::version: return record_->version.reset(), true;
        case Member::data: return record_->data = J(), true;
        default: return scalar(json(nullptr));
        }
    }
    bool boolean(bool v) { return subtree_ ? subtree_->boolean(v) : scalar(json(v)); }
    bool number_integer(json::number_integer_t v) {
        if (subtree_) return subtree_->number_integer(v);
        if (member_ == Member::version) return record_->version = v, true;
        return scalar(json(v));
    }
    bool number_unsigned(json::number_unsigned_t v) {
        if (subtree_) return subtree_->number_unsigned(v);
        if (member_ == Member::version) {
            if (v > static_cast<json::number_unsigned_t>((std::numeric_limits<long long>::max)())) return false;
            return record_->version = static_cast<long long>(v), true;
        }
        return scalar(json(v));
    }
    bool number_float(json::number_float_t v, const json::string_t& text) {
        return subtree_ ? subtree_->number_float(v, text) : scalar(json(v));
    }
    bool string(json::string_t& v) {
        if (subtree_) return subtree_->string(v);
        if (member_ == Member::string) return record_->*string_field_ = v, true;
        return scalar(json(std::move(v)));
    }
    bool binary(json::binary_t& v) { return subtree_ && subtree_->binary(v); }
    bool key(json::string_t& k) {
        if (subtree_) return subtree_->key(k);
        key_ = k;
        member_ = place();
        return true;
    }
    bool start_object(std::size_t n) { return subtree_ ? nest(subtree_->start_object(n)) : open(true); }
    bool start_array(std::size_t n) { return subtree_ ? nest(subtree_->start_array(n)) : open(false); }
    bool end_object() { return subtree_ ? unnest(subtree_->end_object()) : close(); }
    bool end_array() { return subtree_ ? unnest(subtree_->end_array()) : close(); }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        return false;
    }

private:
    /// The containers this reader walks itself; everything deeper is a subtree.
    enum class Level { envelope, data_array, record };
    /// What the value after key_ is.
    enum class Member { none, envelope, string, version, data, other };

    RecordTextReader(Rec* one, Page<Rec>* page) : one_(one), page_(page) {}

    bool parse(std::string_view body) {
        return json::sax_parse(body, this, json::input_format_t::json, /*strict=*/true) && depth_ == 0 &&
               !subtree_;
    }

    Member place() {
        if (depth_ == 0) return Member::none;
        switch (levels_[depth_ - 1]) {
        case Level::envelope: return Member::envelope;
        case Level::data_array: return Member::none;
        case Level::record:
            if ((string_field_ = RecordStrings<J>::field(key_)) != nullptr) return Member::string;
            if (key_ == "version") return Member::version;
            if (key_ == "data") return Member::data;
            return Member::other;
        }
        return Member::none;
    }

    /// A number, string, boolean or null outside a subtree.
    bool scalar(json v) {
        switch (member_) {
        case Member::other: return record_->raw[key_] = std::move(v), true;
        case Member::data: return record_->data = std::move(v), true;
        case Member::envelope:
            if (key_ == "data" || (one_ != nullptr && key_ == "id")) return false;  // not the usual shape
            if (page_ != nullptr) page_->raw[key_] = std::move(v);
            return true;
        default: return false;  // where a field of another type, or a record, belongs
        }
    }

    /// A `{` or `[` outside a subtree.
    bool open(bool object) {
        if (depth_ == 0) return object && push(Level::envelope);
        switch (levels_[depth_ - 1]) {
        case Level::envelope:
            if (key_ == "data") {
                if (saw_data_) return false;
                saw_data_ = true;
                if (one_ != nullptr && object) return begin_record(*one_);
                if (page_ != nullptr && !object) return push(Level::data_array);
                return false;
            }
            if (one_ != nullptr) return key_ != "id" && begin_subtree(discarded_, object);  // not part of the record
            return begin_subtree(page_->raw[key_], object);
        case Level::data_array:
            if (!object) return false;
            page_->items.emplace_back();
            return begin_record(page_->items.back());
        case Level::record:
            if (member_ == Member::data) return begin_subtree(record_->data, object);
            if (member_ == Member::other) return begin_subtree(record_->raw[key_], object);
            return false;  // a container where a string or a number belongs
        }
        return false;
    }

    bool close() {
        if (depth_ == 0) return false;
        --depth_;
        member_ = Member::none;
        return true;
    }

    bool push(Level level) {
        if (depth_ == 3) return false;
        levels_[depth_++] = level;
        member_ = Member::none;
        return true;
    }

    bool begin_record(Rec& record) {
        record_ = &record;
        record.raw = json::object();
        ++records_;
        return push(Level::record);
    }

    /// A nested value goes through nlohmann's own document builder, under the body's depth limit.
    bool begin_subtree(json& target, bool object) {
        subtree_.emplace(target, max_json_depth - depth_);
        return nest(object ? subtree_->start_object(static_cast<std::size_t>(-1))
                           : subtree_->start_array(static_cast<std::size_t>(-1)));
    }
    bool nest(bool ok) {
        ++subtree_depth_;
        return ok;
    }
    bool unnest(bool ok) {
        if (--subtree_depth_ == 0) subtree_.reset();
        return ok;
    }

    Rec* one_;
    Page<Rec>* page_;
    Rec* record_ = nullptr;
    Level levels_[3] = {};
    std::size_t depth_ = 0;
    std::string key_;
    Member member_ = Member::none;
    std::string Rec::*string_field_ = nullptr;
    std::optional<DepthLimitedBuilder<>> subtree_;
    std::size_t subtree_depth_ = 0;
    json discarded_;
    int records_ = 0;
    bool saw_data_ = false;
};

template <class J>
struct TextDecoder<BasicRecord<J>, std::enable_if_t<std::is_same_v<J, nlohmann::json>>> {
    static constexpr bool (*read)(std::string_view, BasicRecord<J>&) = &RecordTextReader<J>::read_one;
};
template <class J>
struct TextDecoder<Page<BasicRecord<J>>, std::enable_if_t<std::is_same_v<J, nlohmann::json>>> {
    static constexpr bool (*read)(std::string_view, Page<BasicRecord<J>>&) = &RecordTextReader<J>::read_page;
};
}  // namespace detail

template <class T>
void from_json(const nlohmann::json& j, BasicRecord<T>& record) {
    detail::read_record(nlohmann::json(j), record);
}

/// A filter value as it goes on the wire: numbers and booleans in their JSON spelling, lists
/// comma-joined (the form Centrali documents for in, nin, hasAny and hasAll).
class FilterValue {
public:
    FilterValue(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit by design
    FilterValue(const char* text) : text_(text) {}             // NOLINT
    FilterValue(std::string_view text) : text_(text) {}        // NOLINT
    template <class N, std::enable_if_t<std::is_arithmetic_v<N>, int> = 0>
    FilterValue(N number) {  // NOLINT
        if constexpr (std::is_same_v<N, bool>) text_ = number ? "true" : "false";
        else text_ = nlohmann::json(number).dump();
    }
    FilterValue(const std::vector<std::string>& list) : text_(detail::join(list)) {}  // NOLINT
    FilterValue(std::initializer_list<std::string_view> list) : text_(detail::join(list)) {}
    const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

enum class FilterOp { eq, ne, gt, gte, lt, lte, in, nin, contains, starts_with, ends_with, has_any, has_all, exists };

inline const char* to_string(FilterOp op) noexcept {
    switch (op) {
    case FilterOp::eq: return "eq";
    case FilterOp::ne: return "ne";
    case FilterOp::gt: return "gt";
    case FilterOp::gte: return "gte";
    case FilterOp::lt: return "lt";
    case FilterOp::lte: return "lte";
    case FilterOp::in: return "in";
    case FilterOp::nin: return "nin";
    case FilterOp::contains: return "contains";
    case FilterOp::starts_with: return "startsWith";
    case FilterOp::ends_with: return "endsWith";
    case FilterOp::has_any: return "hasAny";
    case FilterOp::has_all: return "hasAll";
    case FilterOp::exists: return "exists";
    }
    return "eq";
}

/// The parameters of records().query(), the JS SDK's queryRecords params. Field names are
/// written as on the wire: custom fields with their `data.` prefix (`data.status`), system
/// fields without it (`status`, `createdAt`, `id`, `updatedAt`).
///
///   RecordQuery().where("data.status", "paid").where("data.amount", FilterOp::gte, 100)
///                .sort_by("createdAt", SortOrder::descending).page_size(25).include_total()
class RecordQuery {
public:
    enum class SortOrder { ascending, descending };

    /// `field=value` (exact match).
    RecordQuery& where(std::string field, FilterValue value) {
        filters_.emplace_back(std::move(field), value.text());
        return *this;
    }
    /// `field[op]=value`.
    RecordQuery& where(std::string field, FilterOp op, FilterValue value) {
        filters_.emplace_back(std::move(field) + "[" + to_string(op) + "]", value.text());
        return *this;
    }
    /// Adds one sort key; keys apply in the order added (`sort=-createdAt,data.priority`).
    RecordQuery& sort_by(std::string_view field, SortOrder order = SortOrder::ascending) {
        if (!sort_.empty()) sort_ += ',';
        if (order == SortOrder::descending) sort_ += '-';
        sort_ += field;
        return *this;
    }
    RecordQuery& page(long long number) { page_ = number; return *this; }
    RecordQuery& page_size(long long size) { page_size_ = size; return *this; }
    /// Asks the server to fill meta.total.
    RecordQuery& include_total(bool on = true) { include_total_ = on; return *this; }
    /// Text search, optionally restricted to some fields (default: the collection's
    /// defaultSearchField).
    RecordQuery& search(std::string text, std::vector<std::string> fields = {}) {
        search_ = std::move(text);
        search_fields_ = std::move(fields);
        return *this;
    }
    /// Projection: only these fields come back (`id,data.status,createdAt`).
    RecordQuery& fields(std::vector<std::string> names) { fields_ = std::move(names); return *this; }
    /// Reference fields to expand into data._expanded (dots nest, up to three levels).
    RecordQuery& expand(std::vector<std::string> references) { expand_ = std::move(references); return *this; }
    /// Include archived (soft-deleted) records.
    RecordQuery& include_archived(bool on = true) { include_archived_ = on; return *this; }
    /// Any other parameter, sent as given: the escape hatch for what this class does not know.
    RecordQuery& param(std::string key, std::string value) {
        extra_.emplace_back(std::move(key), std::move(value));
        return *this;
    }

    std::optional<long long> page() const noexcept { return page_; }
    std::optional<long long> page_size() const noexcept { return page_size_; }

    /// The query string parameters, in a fixed order. Like the JS SDK, unset or false options
    /// are not sent at all.
    std::vector<std::pair<std::string, std::string>> to_params() const {
        std::vector<std::pair<std::string, std::string>> out(filters_.begin(), filters_.end());
        auto add = [&out](const char* key, std::string value) { out.emplace_back(key, std::move(value)); };
        // Parameter names: DOC (query cheatsheet) except includeTotal (APP, seen in a vendor
        // template) and includeArchived (DOC, SDK README). The docs say `searchFields`, one
        // vendor template sends `searchField`; UNCONFIRMED which one 4.4.5 sends.
        if (!search_.empty()) add("search", search_);
        if (!search_fields_.empty()) add("searchFields", detail::join(search_fields_));
        if (!sort_.empty()) add("sort", sort_);
        if (page_ && *page_ > 0) add("page", std::to_string(*page_));
        if (page_size_ && *page_size_ > 0) add("pageSize", std::to_string(*page_size_));
        if (include_total_) add("includeTotal", "true");
        if (!fields_.empty()) add("fields", detail::join(fields_));
        if (!expand_.empty()) add("expand", detail::join(expand_));
        if (include_archived_) add("includeArchived", "true");
        out.insert(out.end(), extra_.begin(), extra_.end());
        return out;
    }

private:
    std::vector<std::pair<std::string, std::string>> filters_;
    std::string sort_;
    std::optional<long long> page_;
    std::optional<long long> page_size_;
    bool include_total_ = false;
    std::string search_;
    std::vector<std::string> search_fields_;
    std::vector<std::string> fields_;
    std::vector<std::string> expand_;
    bool include_archived_ = false;
    std::vector<std::pair<std::string, std::string>> extra_;
};

struct CreateRecordOptions {
    std::optional<long long> ttl_seconds;  ///< the record expires after this many seconds
    std::string expires_at;                ///< ISO-8601; wins over ttl_seconds on the server
};

struct GetRecordOptions {
    std::vector<std::string> expand;  ///< reference fields to expand into data._expanded
    bool include_archived = false;
};

struct DeleteRecordOptions {
    bool hard = false;  ///< delete for good instead of archiving (soft delete, restorable)
};

template <class T = nlohmann::json>
struct UpsertResult {
    BasicRecord<T> record;
    bool created = false;  ///< true when no record matched and one was created
};

struct RecordUpdate {
    std::string id;
    nlohmann::json data;  ///< partial field map; null values clear fields
};

namespace detail {
/// Every call but query_all has an `_async` twin that runs on the Client's event loop and
/// returns a future. `T` is the type of the records' field maps (see BasicRecord).
/// A template only so that it compiles on first use (see ManagerBase): name it RecordsManager.
template <class Unused = void>
class BasicRecordsManager : private ManagerBase {
public:
    explicit BasicRecordsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    /// Creates a record from a field map (any type with a to_json converts implicitly).
    template <class T = nlohmann::json>
    BasicRecord<T> create(std::string_view slug, const nlohmann::json& fields, const CreateRecordOptions& options = {},
                          const CallOptions& call = {}) {
        return create_op<T>(slug, fields, options).run(call);
    }
    template <class T = nlohmann::json>
    std::future<BasicRecord<T>> create_async(std::string_view slug, const nlohmann::json& fields,
                                             const CreateRecordOptions& options = {}, const CallOptions& call = {}) {
        return create_op<T>(slug, fields, options).submit(call);
    }

    template <class T = nlohmann::json>
    BasicRecord<T> get(std::string_view slug, std::string_view id, const GetRecordOptions& options = {},
                       const CallOptions& call = {}) {
        return get_op<T>(slug, id, options).run(call);
    }
    template <class T = nlohmann::json>
    std::future<BasicRecord<T>> get_async(std::string_view slug, std::string_view id, const GetRecordOptions& options = {},
                                          const CallOptions& call = {}) {
        return get_op<T>(slug, id, options).submit(call);
    }

    /// One page of records matching `query`.
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> query(std::string_view slug, const RecordQuery& query = {}, const CallOptions& call = {}) {
        return query_op<T>(slug, query).run(call);
    }
    template <class T = nlohmann::json>
    std::future<Page<BasicRecord<T>>> query_async(std::string_view slug, const RecordQuery& query = {},
                                                  const CallOptions& call = {}) {
        return query_op<T>(slug, query).submit(call);
    }

    /// Every matching record, page by page as iteration needs them (starting at query.page()
    /// or 1, in pages of query.page_size() or 100).
    template <class T = nlohmann::json>
    PageRange<BasicRecord<T>> query_all(std::string_view slug, RecordQuery query = {}, CallOptions call = {}) {
        const long long first = query.page().value_or(1);
        const long long size = query.page_size().value_or(100);
        query.page_size(size);
        auto fetch = [self = *this, slug = std::string(slug), query, call](long long number) mutable {
            RecordQuery paged = query;
            paged.page(number);
            return self.template query<T>(slug, paged, call);
        };
        return PageRange<BasicRecord<T>>(std::move(fetch), first, size);
    }

    /// Partial update: only the given fields change; a null value clears a field.
    template <class T = nlohmann::json>
    BasicRecord<T> update(std::string_view slug, std::string_view id, const nlohmann::json& fields,
                          const CallOptions& call = {}) {
        return update_op<T>(slug, id, fields).run(call);
    }
    template <class T = nlohmann::json>
    std::future<BasicRecord<T>> update_async(std::string_view slug, std::string_view id, const nlohmann::json& fields,
                                             const CallOptions& call = {}) {
        return update_op<T>(slug, id, fields).submit(call);
    }

    /// Archives the record (restorable), or deletes it for good with options.hard.
    void remove(std::string_view slug, std::string_view id, const DeleteRecordOptions& options = {},
                const CallOptions& call = {}) {
        remove_op(slug, id, options).run(call);
    }
    std::future<void> remove_async(std::string_view slug, std::string_view id, const DeleteRecordOptions& options = {},
                                   const CallOptions& call = {}) {
        return remove_op(slug, id, options).submit(call);
    }

    template <class T = nlohmann::json>
    BasicRecord<T> restore(std::string_view slug, std::string_view id, const CallOptions& call = {}) {
        return restore_op<T>(slug, id).run(call);
    }
    template <class T = nlohmann::json>
    std::future<BasicRecord<T>> restore_async(std::string_view slug, std::string_view id, const CallOptions& call = {}) {
        return restore_op<T>(slug, id).submit(call);
    }

    /// Updates the record whose fields equal `match`, or creates one from match + data.
    template <class T = nlohmann::json>
    UpsertResult<T> upsert(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data,
                           const CallOptions& call = {}) {
        return upsert_op<T>(slug, match, data).run(call);
    }
    template <class T = nlohmann::json>
    std::future<UpsertResult<T>> upsert_async(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data,
                                              const CallOptions& call = {}) {
        return upsert_op<T>(slug, match, data).submit(call);
    }

    /// Creates all records or none.
    template <class T = nlohmann::json>
    std::vector<BasicRecord<T>> bulk_create(std::string_view slug, const std::vector<nlohmann::json>& records,
                                            const CallOptions& call = {}) {
        return bulk_create_op<T>(slug, records).run(call);
    }
    template <class T = nlohmann::json>
    std::future<std::vector<BasicRecord<T>>> bulk_create_async(std::string_view slug, const std::vector<nlohmann::json>& records,
                                                               const CallOptions& call = {}) {
        return bulk_create_op<T>(slug, records).submit(call);
    }

    template <class T = nlohmann::json>
    std::vector<BasicRecord<T>> bulk_update(std::string_view slug, const std::vector<RecordUpdate>& updates,
                                            const CallOptions& call = {}) {
        return bulk_update_op<T>(slug, updates).run(call);
    }
    template <class T = nlohmann::json>
    std::future<std::vector<BasicRecord<T>>> bulk_update_async(std::string_view slug, const std::vector<RecordUpdate>& updates,
                                                               const CallOptions& call = {}) {
        return bulk_update_op<T>(slug, updates).submit(call);
    }

    /// Returns how many records the server deleted.
    long long bulk_delete(std::string_view slug, const std::vector<std::string>& ids, const DeleteRecordOptions& options = {},
                          const CallOptions& call = {}) {
        return bulk_delete_op(slug, ids, options).run(call);
    }
    std::future<long long> bulk_delete_async(std::string_view slug, const std::vector<std::string>& ids,
                                             const DeleteRecordOptions& options = {}, const CallOptions& call = {}) {
        return bulk_delete_op(slug, ids, options).submit(call);
    }

private:
    template <class T>
    detail::Op<BasicRecord<T>> create_op(std::string_view slug, const nlohmann::json& fields,
                                         const CreateRecordOptions& options) const {
        require_object(fields, "record fields");
        detail::Query query;
        if (options.ttl_seconds) query.add("ttlSeconds", std::to_string(*options.ttl_seconds));
        if (!options.expires_at.empty()) query.add("expiresAt", options.expires_at);
        return one<BasicRecord<T>>(detail::routes::records_create, {slug}, query, &fields, "record");
    }
    template <class T>
    detail::Op<BasicRecord<T>> get_op(std::string_view slug, std::string_view id, const GetRecordOptions& options) const {
        detail::Query query;
        if (!options.expand.empty()) query.add("expand", detail::join(options.expand));
        if (options.include_archived) query.add("includeArchived", "true");
        return one<BasicRecord<T>>(detail::routes::records_get, {slug, id}, query, nullptr, "record");
    }
    template <class T>
    detail::Op<Page<BasicRecord<T>>> query_op(std::string_view slug, const RecordQuery& query) const {
        detail::Query params;
        for (auto& [key, value] : query.to_params()) params.add(std::move(key), std::move(value));
        return page<BasicRecord<T>>(detail::routes::records_query, {slug}, params, "records");
    }
    template <class T>
    detail::Op<BasicRecord<T>> update_op(std::string_view slug, std::string_view id, const nlohmann::json& fields) const {
        require_object(fields, "record fields");
        return one<BasicRecord<T>>(detail::routes::records_update, {slug, id}, {}, &fields, "record");
    }
    detail::Op<void> remove_op(std::string_view slug, std::string_view id, const DeleteRecordOptions& options) const {
        detail::Query query;
        if (options.hard) query.add("hard", "true");
        return discard(detail::routes::records_delete, {slug, id}, query);
    }
    template <class T>
    detail::Op<BasicRecord<T>> restore_op(std::string_view slug, std::string_view id) const {
        return one<BasicRecord<T>>(detail::routes::records_restore, {slug, id}, {}, nullptr, "record");
    }
    template <class T>
    detail::Op<UpsertResult<T>> upsert_op(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data) const {
        require_object(match, "upsert match");
        require_object(data, "upsert data");
        const nlohmann::json body = {{"match", match}, {"data", data}};
        return custom<UpsertResult<T>>(detail::routes::records_upsert, {slug}, {}, &body, [](nlohmann::json&& response) {
            UpsertResult<T> result;
            if (response.is_object())
                if (auto meta = response.find("meta"); meta != response.end())
                    detail::read_member(*meta, "created", result.created);
            detail::read_record(std::move(detail::unwrap_object(response, "record")), result.record);
            return result;
        });
    }
    template <class T>
    detail::Op<std::vector<BasicRecord<T>>> bulk_create_op(std::string_view slug, const std::vector<nlohmann::json>& records) const {
        for (const auto& fields : records) require_object(fields, "record fields");
        const nlohmann::json body = {{"records", records}};
        return many<BasicRecord<T>>(detail::routes::records_bulk_create, {slug}, {}, &body, "records");
    }
    template <class T>
    detail::Op<std::vector<BasicRecord<T>>> bulk_update_op(std::string_view slug, const std::vector<RecordUpdate>& updates) const {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& update : updates) {
            if (update.id.empty()) throw InvalidArgument("bulk_update: every update needs an id");
            require_object(update.data, "record fields");
            items.push_back({{"id", update.id}, {"data", update.data}});
        }
        const nlohmann::json body = {{"records", std::move(items)}};
        return many<BasicRecord<T>>(detail::routes::records_bulk_update, {slug}, {}, &body, "records");
    }
    detail::Op<long long> bulk_delete_op(std::string_view slug, const std::vector<std::string>& ids,
                                         const DeleteRecordOptions& options) const {
        const nlohmann::json body = {{"ids", ids}, {"hard", options.hard}};
        return custom<long long>(detail::routes::records_bulk_delete, {slug}, {}, &body, [](nlohmann::json&& response) {
            long long deleted = 0;
            if (response.is_object())
                if (auto data = response.find("data"); data != response.end()) detail::read_member(*data, "deleted", deleted);
            return deleted;
        });
    }
};
}  // namespace detail

using RecordsManager = detail::BasicRecordsManager<>;

CENTRALI_NAMESPACE_END

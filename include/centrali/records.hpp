#pragma once
// client.records(): records of a collection (structure), addressed by its slug. The record type
// is a template where it is real: BasicRecord<T> carries your own type of field map (with its
// from_json); Record (nlohmann::json fields) is the default, decoded by compiled code.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <initializer_list>
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
    std::string id;  ///< the record's id (a UUID), as get(), update() and remove() take it
    T data{};        ///< `data`: the custom fields (null, or `T{}`, when the server sent none)
    std::string record_slug;     ///< `recordSlug`: the collection (structure) slug
    std::string workspace_slug;  ///< `workspaceSlug`: the workspace
    std::string status;  ///< e.g. "active"; archived (soft-deleted) records say so here
    std::optional<long long> version;  ///< `version`: the record's version number, when sent
    std::string created_at;  ///< ISO-8601, as the server sent it
    std::string updated_at;  ///< `updatedAt`: ISO-8601, as the server sent it
    std::string created_by;  ///< `createdBy`: the id of the user or service that created it
    std::string updated_by;  ///< `updatedBy`: the id of the user or service that last changed it
    /// `collectionId`, or `structureId` as older docs name it: the collection's id (a UUID);
    /// empty when not sent.
    std::string collection_id;
    std::string workspace_id;  ///< `workspaceId`, when the server sends it; empty otherwise
    /// `metadata`, as sent (null when absent): the record-level metadata some routes carry.
    nlohmann::json metadata;
    /// The members the server sent that did not go into a field above: the ones this SDK does
    /// not know yet, the ones sent as null (so sent_null() can tell them from absent ones), and
    /// any of an unexpected type (tolerant reading: its field keeps its default). Not repeating
    /// the fields taken (nor `data`) keeps decoding cheap.
    nlohmann::json raw;

    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// A record whose field map is an nlohmann::json object: what the record calls return unless
/// given another `T` (see BasicRecord).
using Record = BasicRecord<>;

namespace detail {
/// The string members of a record and their fields. With `version` and `data` these are the
/// members both decoders below take out of `raw`.
template <class T>
inline constexpr StringMember<BasicRecord<T>> record_strings[] = {
    {"id", &BasicRecord<T>::id},
    {"recordSlug", &BasicRecord<T>::record_slug},
    {"workspaceSlug", &BasicRecord<T>::workspace_slug},
    {"status", &BasicRecord<T>::status},
    {"createdAt", &BasicRecord<T>::created_at},
    {"updatedAt", &BasicRecord<T>::updated_at},
    {"createdBy", &BasicRecord<T>::created_by},
    {"updatedBy", &BasicRecord<T>::updated_by},
    {"collectionId", &BasicRecord<T>::collection_id},
    {"workspaceId", &BasicRecord<T>::workspace_id},
};

/// Moves one member into its field; false when the record has no field for it, or the value is
/// null or of an unexpected type: it stays in `raw` and the field keeps its default. `data` of
/// a T other than nlohmann::json goes through T's from_json, whose errors stay errors (the
/// caller asked for that type).
template <class T>
bool take_record_member(BasicRecord<T>& record, std::string_view key, nlohmann::json& value) {
    if (value.is_null()) return false;
    if (take_string_member(record_strings<T>, record, key, value)) return true;
    if (key == "version") {
        try {
            read_value(value, "version", record.version);
        } catch (const DecodeError&) {
            return false;
        }
        return true;
    }
    if (key == "metadata") {
        record.metadata = std::move(value);
        return true;
    }
    if (key == "data") {
        if constexpr (std::is_same_v<T, nlohmann::json>) record.data = std::move(value);
        else record.data = decode_as<T>(value, "record data");
        return true;
    }
    return false;
}

/// `structureId`, the older docs' name of the collection id, fills collection_id only when no
/// `collectionId` did, whatever their order: both decoders call this once the record is read,
/// so they agree (an unused structureId stays in raw).
template <class T>
void adopt_structure_id(BasicRecord<T>& record) {
    if (!record.collection_id.empty() || !record.raw.is_object()) return;
    const auto it = record.raw.find("structureId");
    if (it == record.raw.end() || !it->is_string()) return;
    record.collection_id = it->template get<std::string>();
    record.raw.erase(it);
}

/// Fills `record` from `j`, moving the members out instead of copying them. `id` is the one
/// member required: a record without a string id is a DecodeError.
template <class T>
void read_record(nlohmann::json&& j, BasicRecord<T>& record) {
    bool has_id = false;
    record.raw = take_members(std::move(j), "a record", [&record, &has_id](std::string_view key, nlohmann::json& value) {
        const bool taken = take_record_member(record, key, value);
        if (taken && key == "id") has_id = true;
        return taken;
    });
    if (!has_id) throw DecodeError("centrali: a record without a readable 'id'");
    adopt_structure_id(record);
}

template <class T>
struct Decoder<BasicRecord<T>> {
    static BasicRecord<T> decode(nlohmann::json&& j, const char*) {
        BasicRecord<T> record;
        read_record(std::move(j), record);
        return record;
    }
};
}  // namespace detail

/// Decodes a record object (its `data` with T's from_json), as the record calls do; members
/// without a field go to `raw`. Throws DecodeError for a member of the wrong type.
template <class T>
void from_json(const nlohmann::json& j, BasicRecord<T>& record) {
    detail::read_record(nlohmann::json(j), record);
}

/// A filter value as it goes on the wire: numbers and booleans in their JSON spelling, lists
/// comma-joined (the form Centrali documents for in, nin, hasAny and hasAll).
class FilterValue {
public:
    /// Text, sent as it is.
    FilterValue(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit by design
    /// Text, sent as it is (`text` must not be null).
    FilterValue(const char* text) : text_(text) {}             // NOLINT
    /// Text, sent as it is.
    FilterValue(std::string_view text) : text_(text) {}        // NOLINT
    /// A one-letter text: `where("data.grade", 'A')` sends `A`, not the letter's code (a
    /// `signed char` or `unsigned char`, such as std::int8_t, is a number).
    template <class C, std::enable_if_t<std::is_same_v<C, char>, int> = 0>
    FilterValue(C letter) : text_(1, letter) {}  // NOLINT: a template, so that nothing converts to it
    /// A number in its JSON spelling (`100`, `2.5`), or a bool as `true` / `false`.
    template <class N, std::enable_if_t<std::is_arithmetic_v<N> && !std::is_same_v<N, char>, int> = 0>
    FilterValue(N number) {  // NOLINT
        if constexpr (std::is_same_v<N, bool>) text_ = number ? "true" : "false";
        else text_ = nlohmann::json(number).dump();
    }
    /// A list, comma-joined (`todo,done`), for in, nin, hasAny and hasAll.
    FilterValue(const std::vector<std::string>& list) : text_(detail::join(list)) {}  // NOLINT
    /// A list, comma-joined: `where("data.status", FilterOp::in, {"todo", "done"})`.
    FilterValue(std::initializer_list<std::string_view> list) : text_(detail::join(list)) {}
    /// The value as it goes into the query string (before percent-encoding).
    const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

/// A filter operator of RecordQuery::where(), sent as `field[op]=value`: eq, ne, gt, gte, lt,
/// lte, in and nin (lists), contains, startsWith, endsWith, hasAny and hasAll (lists of an
/// array field's values), and exists. The names are Centrali's query vocabulary.
enum class FilterOp { eq, ne, gt, gte, lt, lte, in, nin, contains, starts_with, ends_with, has_any, has_all, exists };

/// The operator's name on the wire: "eq", …, "startsWith", "endsWith", "hasAny", "hasAll".
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
    /// The direction of a sort key; descending is sent as a leading `-`.
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
    /// The page to return, from 1 (`page`); not sent unless positive.
    RecordQuery& page(long long number) { page_ = number; return *this; }
    /// Records per page (`pageSize`); not sent unless positive (the server's default then).
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

    /// The value given to page(number), if any.
    std::optional<long long> page() const noexcept { return page_; }
    /// The value given to page_size(size), if any.
    std::optional<long long> page_size() const noexcept { return page_size_; }

    /// A query from a JS-style flat params object, as `queryRecords(slug, params)` takes it:
    /// `{"data.status[in]": "todo,in_progress", "sort": "-createdAt", "pageSize": 20}` gives the
    /// same query string the JS SDK sends. Each member becomes one parameter: strings as they
    /// are, numbers and booleans in their JSON form, arrays comma-joined, nulls left out.
    /// `page` and `pageSize` set page() and page_size() (so query_all() pages on from them). An
    /// object value (the nested `filter` form of SDK 4.5.1, not 4.4.5) or a non-object `params`
    /// throws InvalidArgument.
    static RecordQuery from_params(const nlohmann::json& params);

    /// The query string parameters, in a fixed order. Like the JS SDK, unset or false options
    /// are not sent at all.
    std::vector<std::pair<std::string, std::string>> to_params() const;

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

/// Options of records().create(), sent as query parameters.
struct CreateRecordOptions {
    std::optional<long long> ttl_seconds;  ///< the record expires after this many seconds
    std::string expires_at;                ///< ISO-8601; wins over ttl_seconds on the server
};

/// Options of records().get().
struct GetRecordOptions {
    std::vector<std::string> expand;  ///< reference fields to expand into data._expanded
    bool include_archived = false;    ///< also find an archived record (`includeArchived=true`)
};

/// Options of records().remove() and bulk_delete().
struct DeleteRecordOptions {
    bool hard = false;  ///< delete for good instead of archiving (soft delete, restorable)
};

/// What records().upsert() did: the record as it is now, and whether it was created.
template <class T = nlohmann::json>
struct UpsertResult {
    BasicRecord<T> record;  ///< the updated or created record
    bool created = false;  ///< true when no record matched and one was created
};

/// One item of records().bulk_update().
struct RecordUpdate {
    std::string id;       ///< the record to change; must not be empty
    nlohmann::json data;  ///< partial field map; null values clear fields
};

namespace detail {

// Record decoding, compiled once: straight from the response text where its shape allows.
Record decode_record(const Core& core, HttpResponse& response, const Call& call);
Page<Record> decode_record_page(const Core& core, HttpResponse& response, const Call& call);
std::vector<Record> decode_record_list(const Core& core, HttpResponse& response, const Call& call);
UpsertResult<> decode_upsert(const Core& core, HttpResponse& response, const Call& call);

/// A Record with its field map converted to T by T's from_json.
template <class T>
BasicRecord<T> to_typed(Record&& record) {
    if constexpr (std::is_same_v<T, nlohmann::json>) {
        return std::move(record);
    } else {
        BasicRecord<T> typed;
        typed.id = std::move(record.id);
        if (!record.data.is_null()) typed.data = decode_as<T>(record.data, "record data");
        typed.record_slug = std::move(record.record_slug);
        typed.workspace_slug = std::move(record.workspace_slug);
        typed.status = std::move(record.status);
        typed.version = record.version;
        typed.created_at = std::move(record.created_at);
        typed.updated_at = std::move(record.updated_at);
        typed.created_by = std::move(record.created_by);
        typed.updated_by = std::move(record.updated_by);
        typed.collection_id = std::move(record.collection_id);
        typed.workspace_id = std::move(record.workspace_id);
        typed.metadata = std::move(record.metadata);
        typed.raw = std::move(record.raw);
        return typed;
    }
}
template <class T>
std::vector<BasicRecord<T>> to_typed(std::vector<Record>&& records) {
    std::vector<BasicRecord<T>> typed;
    typed.reserve(records.size());
    for (auto& record : records) typed.push_back(to_typed<T>(std::move(record)));
    return typed;
}
template <class T>
Page<BasicRecord<T>> to_typed(Page<Record>&& page) {
    Page<BasicRecord<T>> typed;
    typed.items = to_typed<T>(std::move(page.items));
    typed.meta = std::move(page.meta);
    typed.raw = std::move(page.raw);
    return typed;
}
template <class T>
UpsertResult<T> to_typed(UpsertResult<>&& result) {
    return UpsertResult<T>{to_typed<T>(std::move(result.record)), result.created};
}

/// One of the decoders above, then records of T: an HttpOp's decoder for typed records.
template <class T, class Typed, class Decoded, Decoded (*decode)(const Core&, HttpResponse&, const Call&)>
Typed decode_records_as(const Core& core, HttpResponse& response, const Call& call, const char*) {
    if constexpr (std::is_same_v<T, nlohmann::json>) return decode(core, response, call);
    else return to_typed<T>(decode(core, response, call));
}

/// An HttpOp whose answer `decode` reads, given as records of T.
template <class T, class Typed, class Decoded, Decoded (*decode)(const Core&, HttpResponse&, const Call&)>
HttpOp<Typed> record_op(const std::shared_ptr<Core>& core, Call call, const CallOptions& options) {
    return HttpOp<Typed>(core, std::move(call), options, &decode_records_as<T, Typed, Decoded, decode>, "records");
}

}  // namespace detail

/// client.records(): the records of a collection (structure), addressed by its slug.
///
/// Every call but query_all has an `_async` twin (see async.hpp for its completion token).
/// `T` is the type of the records' field maps (see BasicRecord).
///
/// An empty slug or id, or fields that are not a JSON object, throw InvalidArgument before
/// anything is sent (the `_async` twins throw it themselves); a failed call throws an ApiError
/// (NotFound for a record that does not exist), TransportError, DecodeError or Cancelled. POST
/// and PATCH calls (create, update, restore, upsert, bulk_create, bulk_update) are not retried
/// unless CallOptions::idempotent is set. Centrali documents only the list route (query); the
/// others follow the JS SDK's slug addressing and are unconfirmed (see the README's wire
/// section).
class RecordsManager : private detail::ManagerBase {
public:
    /// Made by Client::records(); not for direct use.
    explicit RecordsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// Creates a record from a field map (any type with a to_json converts implicitly).
    template <class T = nlohmann::json>
    BasicRecord<T> create(std::string_view slug, const nlohmann::json& fields, const CreateRecordOptions& options = {},
                          const CallOptions& call = {}) {
        return one<T>(create_call(slug, fields, options), call).run();
    }
    /// create() with `options` at its default, so that the call's options need no
    /// placeholder: `create(slug, fields, call)`, not `create(slug, fields, {}, call)`.
    template <class T = nlohmann::json, class Call, detail::IfCallOptions<Call> = 0>
    BasicRecord<T> create(std::string_view slug, const nlohmann::json& fields, const Call& call) {
        return create<T>(slug, fields, CreateRecordOptions{}, call);
    }
    /// create() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future of the record).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto create_async(std::string_view slug, const nlohmann::json& fields, const CreateRecordOptions& options = {},
                      const CallOptions& call = {}, Token&& token = {}) {
        return one<T>(create_call(slug, fields, options), call).launch(std::forward<Token>(token));
    }
    /// create_async() with `options` at its default, so that the call's options need no
    /// placeholder: `create_async(slug, fields, call)`, not `create_async(slug, fields, {}, call)`.
    template <class T = nlohmann::json, class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto create_async(std::string_view slug, const nlohmann::json& fields, const Call& call, Token&& token = {}) {
        return create_async<T>(slug, fields, CreateRecordOptions{}, call, std::forward<Token>(token));
    }

    /// The record `id` of collection `slug`. options.expand fills data._expanded with the
    /// referenced records; options.include_archived asks for it even when it is archived.
    template <class T = nlohmann::json>
    BasicRecord<T> get(std::string_view slug, std::string_view id, const GetRecordOptions& options = {},
                       const CallOptions& call = {}) {
        return one<T>(get_call(slug, id, options), call).run();
    }
    /// get() with `options` at its default, so that the call's options need no
    /// placeholder: `get(slug, id, call)`, not `get(slug, id, {}, call)`.
    template <class T = nlohmann::json, class Call, detail::IfCallOptions<Call> = 0>
    BasicRecord<T> get(std::string_view slug, std::string_view id, const Call& call) {
        return get<T>(slug, id, GetRecordOptions{}, call);
    }
    /// get() as an `_async` call: the same arguments, then a completion token (by default the
    /// call returns a std::future of the record).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto get_async(std::string_view slug, std::string_view id, const GetRecordOptions& options = {},
                   const CallOptions& call = {}, Token&& token = {}) {
        return one<T>(get_call(slug, id, options), call).launch(std::forward<Token>(token));
    }
    /// get_async() with `options` at its default, so that the call's options need no
    /// placeholder: `get_async(slug, id, call)`, not `get_async(slug, id, {}, call)`.
    template <class T = nlohmann::json, class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto get_async(std::string_view slug, std::string_view id, const Call& call, Token&& token = {}) {
        return get_async<T>(slug, id, GetRecordOptions{}, call, std::forward<Token>(token));
    }

    /// One page of records matching `query`.
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> query(std::string_view slug, const RecordQuery& query = {}, const CallOptions& call = {}) {
        return page_of<T>(query_call(slug, query), call).run();
    }
    /// query() with `query` at its default, so that the call's options need no
    /// placeholder: `query(slug, call)`, not `query(slug, {}, call)`.
    template <class T = nlohmann::json, class Call, detail::IfCallOptions<Call> = 0>
    Page<BasicRecord<T>> query(std::string_view slug, const Call& call) {
        return query<T>(slug, RecordQuery{}, call);
    }
    /// query() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future of the page).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto query_async(std::string_view slug, const RecordQuery& query = {}, const CallOptions& call = {},
                     Token&& token = {}) {
        return page_of<T>(query_call(slug, query), call).launch(std::forward<Token>(token));
    }
    /// query_async() with `query` at its default, so that the call's options need no
    /// placeholder: `query_async(slug, call)`, not `query_async(slug, {}, call)`.
    template <class T = nlohmann::json, class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto query_async(std::string_view slug, const Call& call, Token&& token = {}) {
        return query_async<T>(slug, RecordQuery{}, call, std::forward<Token>(token));
    }

    /// Every matching record, page by page as iteration needs them (starting at query.page()
    /// or 1, in pages of query.page_size() or 100).
    template <class T = nlohmann::json>
    PageRange<BasicRecord<T>> query_all(std::string_view slug, RecordQuery query = {}, CallOptions call = {}) {
        const long long first = query.page().value_or(1);
        const long long size = query.page_size().value_or(detail::kAllPagesSize);
        detail::require_page_range(first, size);
        query.page_size(size);
        (void)query_call(slug, query);  // a bad slug throws here, as from query(), not at begin()
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
        return one<T>(update_call(slug, id, fields), call).run();
    }
    /// update() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future of the record).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto update_async(std::string_view slug, std::string_view id, const nlohmann::json& fields,
                      const CallOptions& call = {}, Token&& token = {}) {
        return one<T>(update_call(slug, id, fields), call).launch(std::forward<Token>(token));
    }

    /// Archives the record (restorable), or deletes it for good with options.hard.
    void remove(std::string_view slug, std::string_view id, const DeleteRecordOptions& options = {},
                const CallOptions& call = {});
    /// remove() with `options` at its default, so that the call's options need no
    /// placeholder: `remove(slug, id, call)`, not `remove(slug, id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    void remove(std::string_view slug, std::string_view id, const Call& call) {
        return remove(slug, id, DeleteRecordOptions{}, call);
    }
    /// remove() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future<void>).
    template <class Token = UseFuture>
    auto remove_async(std::string_view slug, std::string_view id, const DeleteRecordOptions& options = {},
                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(slug, id, options, call).launch(std::forward<Token>(token));
    }
    /// remove_async() with `options` at its default, so that the call's options need no
    /// placeholder: `remove_async(slug, id, call)`, not `remove_async(slug, id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto remove_async(std::string_view slug, std::string_view id, const Call& call, Token&& token = {}) {
        return remove_async(slug, id, DeleteRecordOptions{}, call, std::forward<Token>(token));
    }

    /// Brings an archived record back, and returns it.
    template <class T = nlohmann::json>
    BasicRecord<T> restore(std::string_view slug, std::string_view id, const CallOptions& call = {}) {
        return one<T>(restore_call(slug, id), call).run();
    }
    /// restore() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future of the record).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto restore_async(std::string_view slug, std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return one<T>(restore_call(slug, id), call).launch(std::forward<Token>(token));
    }

    /// Updates the record whose fields equal `match`, or creates one from match + data.
    template <class T = nlohmann::json>
    UpsertResult<T> upsert(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data,
                           const CallOptions& call = {}) {
        return upsert_of<T>(upsert_call(slug, match, data), call).run();
    }
    /// upsert() as an `_async` call: the same arguments, then a completion token (by default
    /// the call returns a std::future of the UpsertResult).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto upsert_async(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data,
                      const CallOptions& call = {}, Token&& token = {}) {
        return upsert_of<T>(upsert_call(slug, match, data), call).launch(std::forward<Token>(token));
    }

    /// Creates all records or none, and returns them. Each element must be a JSON object.
    template <class T = nlohmann::json>
    std::vector<BasicRecord<T>> bulk_create(std::string_view slug, const std::vector<nlohmann::json>& records,
                                            const CallOptions& call = {}) {
        return list_of<T>(bulk_create_call(slug, records), call).run();
    }
    /// bulk_create() as an `_async` call: the same arguments, then a completion token (by
    /// default the call returns a std::future of the records).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto bulk_create_async(std::string_view slug, const std::vector<nlohmann::json>& records,
                           const CallOptions& call = {}, Token&& token = {}) {
        return list_of<T>(bulk_create_call(slug, records), call).launch(std::forward<Token>(token));
    }

    /// Partial updates of several records in one request, as update() does for one; returns
    /// the updated records.
    template <class T = nlohmann::json>
    std::vector<BasicRecord<T>> bulk_update(std::string_view slug, const std::vector<RecordUpdate>& updates,
                                            const CallOptions& call = {}) {
        return list_of<T>(bulk_update_call(slug, updates), call).run();
    }
    /// bulk_update() as an `_async` call: the same arguments, then a completion token (by
    /// default the call returns a std::future of the records).
    template <class T = nlohmann::json, class Token = UseFuture>
    auto bulk_update_async(std::string_view slug, const std::vector<RecordUpdate>& updates,
                           const CallOptions& call = {}, Token&& token = {}) {
        return list_of<T>(bulk_update_call(slug, updates), call).launch(std::forward<Token>(token));
    }

    /// Returns how many records the server deleted.
    long long bulk_delete(std::string_view slug, const std::vector<std::string>& ids,
                          const DeleteRecordOptions& options = {}, const CallOptions& call = {});
    /// bulk_delete() with `options` at its default, so that the call's options need no
    /// placeholder: `bulk_delete(slug, ids, call)`, not `bulk_delete(slug, ids, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    long long bulk_delete(std::string_view slug, const std::vector<std::string>& ids, const Call& call) {
        return bulk_delete(slug, ids, DeleteRecordOptions{}, call);
    }
    /// bulk_delete() as an `_async` call: the same arguments, then a completion token (by
    /// default the call returns a std::future<long long>).
    template <class Token = UseFuture>
    auto bulk_delete_async(std::string_view slug, const std::vector<std::string>& ids,
                           const DeleteRecordOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->bulk_delete_op(slug, ids, options, call).launch(std::forward<Token>(token));
    }
    /// bulk_delete_async() with `options` at its default, so that the call's options need no
    /// placeholder: `bulk_delete_async(slug, ids, call)`, not `bulk_delete_async(slug, ids, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto bulk_delete_async(std::string_view slug, const std::vector<std::string>& ids, const Call& call, Token&& token = {}) {
        return bulk_delete_async(slug, ids, DeleteRecordOptions{}, call, std::forward<Token>(token));
    }

private:
    template <class T>
    detail::HttpOp<BasicRecord<T>> one(detail::Call call, const CallOptions& options) const {
        return detail::record_op<T, BasicRecord<T>, Record, &detail::decode_record>(core_, std::move(call), options);
    }
    template <class T>
    detail::HttpOp<Page<BasicRecord<T>>> page_of(detail::Call call, const CallOptions& options) const {
        return detail::record_op<T, Page<BasicRecord<T>>, Page<Record>, &detail::decode_record_page>(core_, std::move(call), options);
    }
    template <class T>
    detail::HttpOp<std::vector<BasicRecord<T>>> list_of(detail::Call call, const CallOptions& options) const {
        return detail::record_op<T, std::vector<BasicRecord<T>>, std::vector<Record>, &detail::decode_record_list>(core_, std::move(call), options);
    }
    template <class T>
    detail::HttpOp<UpsertResult<T>> upsert_of(detail::Call call, const CallOptions& options) const {
        return detail::record_op<T, UpsertResult<T>, UpsertResult<>, &detail::decode_upsert>(core_, std::move(call), options);
    }

    detail::Call create_call(std::string_view slug, const nlohmann::json& fields, const CreateRecordOptions& options) const;
    detail::Call get_call(std::string_view slug, std::string_view id, const GetRecordOptions& options) const;
    detail::Call query_call(std::string_view slug, const RecordQuery& query) const;
    detail::Call update_call(std::string_view slug, std::string_view id, const nlohmann::json& fields) const;
    detail::Call restore_call(std::string_view slug, std::string_view id) const;
    detail::Call upsert_call(std::string_view slug, const nlohmann::json& match, const nlohmann::json& data) const;
    detail::Call bulk_create_call(std::string_view slug, const std::vector<nlohmann::json>& records) const;
    detail::Call bulk_update_call(std::string_view slug, const std::vector<RecordUpdate>& updates) const;
    detail::HttpOp<void> remove_op(std::string_view slug, std::string_view id, const DeleteRecordOptions& options,
                                   const CallOptions& call) const;
    detail::HttpOp<long long> bulk_delete_op(std::string_view slug, const std::vector<std::string>& ids,
                                             const DeleteRecordOptions& options, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/records.ipp>
#endif

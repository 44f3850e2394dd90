#pragma once

#include <centrali/detail/json_dom.hpp>
#include <centrali/records.hpp>

#include <limits>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL std::vector<std::pair<std::string, std::string>> RecordQuery::to_params() const {
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

CENTRALI_DECL RecordQuery RecordQuery::from_params(const nlohmann::json& params) {
    if (params.is_null()) return RecordQuery();
    if (!params.is_object()) throw InvalidArgument("RecordQuery::from_params takes a JSON object of query parameters");
    const auto text_of = [](const std::string& key, const nlohmann::json& value) -> std::string {
        if (value.is_string()) return value.get<std::string>();
        if (value.is_boolean() || value.is_number()) return value.dump();
        throw InvalidArgument("RecordQuery::from_params: '" + key +
                              "' must be a string, number, boolean or array of them (the nested filter form is not "
                              "what SDK 4.4.5 sends)");
    };
    RecordQuery query;
    for (const auto& [key, value] : params.items()) {
        if (value.is_null()) continue;
        std::string text;
        if (value.is_array()) {
            std::vector<std::string> parts;
            for (const auto& item : value)
                if (!item.is_null()) parts.push_back(text_of(key, item));
            text = detail::join(parts);
        } else {
            text = text_of(key, value);
        }
        if (key == "page" || key == "pageSize") {
            long long number = 0;
            try {
                std::size_t used = 0;
                number = std::stoll(text, &used);
                if (used != text.size()) throw std::invalid_argument(key);
            } catch (const std::exception&) {
                throw InvalidArgument("RecordQuery::from_params: '" + key + "' must be a whole number");
            }
            if (key == "page") query.page(number);
            else query.page_size(number);
            continue;
        }
        query.param(key, std::move(text));
    }
    return query;
}

namespace detail {

/// Decodes a page of records straight from the response text, {"data": [records], "meta": …},
/// in one pass and without a JSON document for the members that have fields (most of a
/// record). Anything else (another shape, a member of another type than its field's, a
/// version out of range, invalid or too deeply nested JSON) makes it give up, and the caller
/// decodes through the JSON document instead; so the rules and the errors stay read_record's,
/// and this path is only ever faster. It earns its place on pages only: on a 10,000-record page
/// the JSON path costs 1.5× its time (and 1.5× its memory), on one GET's record under 2 %
/// (docs/benchmarks.md), so a single record takes the JSON path.
class RecordPageReader {
public:
    using json = nlohmann::json;

    static bool read(std::string_view body, Page<Record>& page) {
        RecordPageReader reader(page);
        if (!reader.parse(body) || !reader.saw_data_) return false;
        page.raw["data"] = json::array();  // as decode_page leaves it: the body without the items
        if (auto meta = page.raw.find("meta"); meta != page.raw.end() && meta->is_object())
            page.meta = decode_as<PageMeta>(*meta, "meta");
        return true;
    }

    // nlohmann's SAX interface; returning false stops the parse (and gives up).
    bool null() {
        if (subtree_) return subtree_->null();
        // A null leaves a field, or `data`, at its default and goes to raw, as read_record does.
        // A null after a value for the same field (a duplicate key, or collectionId and
        // structureId both sent) gives up: which one wins is the JSON document's to say.
        switch (member_) {
        case Member::string: return (record_->*string_field_).empty() && field_null();
        case Member::version: return !record_->version && field_null();
        case Member::data: return record_->data.is_null() && field_null();
        case Member::metadata: return record_->metadata.is_null() && field_null();
        default: return scalar(json(nullptr));
        }
    }
    bool boolean(bool v) { return subtree_ ? subtree_->boolean(v) : scalar(json(v)); }
    bool number_integer(json::number_integer_t v) {
        if (subtree_) return subtree_->number_integer(v);
        if (member_ == Member::version) return taken(), record_->version = v, true;
        return scalar(json(v));
    }
    bool number_unsigned(json::number_unsigned_t v) {
        if (subtree_) return subtree_->number_unsigned(v);
        if (member_ == Member::version) {
            if (v > static_cast<json::number_unsigned_t>((std::numeric_limits<long long>::max)())) return false;
            return taken(), record_->version = static_cast<long long>(v), true;
        }
        return scalar(json(v));
    }
    bool number_float(json::number_float_t v, const json::string_t& text) {
        return subtree_ ? subtree_->number_float(v, text) : scalar(json(v));
    }
    bool string(json::string_t& v) {
        if (subtree_) return subtree_->string(v);
        if (member_ == Member::string) {
            taken();
            if (string_field_ == &Record::id) has_id_ = true;
            return record_->*string_field_ = v, true;
        }
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
    enum class Member { none, envelope, string, version, data, metadata, other };

    explicit RecordPageReader(Page<Record>& page) : page_(&page) {}

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
            if (const auto* member = find_string_member(record_strings<json>, key_)) {
                string_field_ = member->second;
                return Member::string;
            }
            if (key_ == "version") return Member::version;
            if (key_ == "data") return Member::data;
            if (key_ == "metadata") return Member::metadata;
            return Member::other;
        }
        return Member::none;
    }

    /// A number, string, boolean or null outside a subtree.
    bool scalar(json v) {
        switch (member_) {
        case Member::other: return record_->raw[key_] = std::move(v), true;
        case Member::data: return taken(), record_->data = std::move(v), true;
        case Member::metadata: return taken(), record_->metadata = std::move(v), true;
        case Member::envelope:
            if (key_ == "data") return false;  // not the usual shape
            page_->raw[key_] = std::move(v);
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
                return !object && push(Level::data_array);
            }
            return begin_subtree(page_->raw[key_], object);
        case Level::data_array:
            if (!object) return false;
            page_->items.emplace_back();
            return begin_record(page_->items.back());
        case Level::record:
            if (member_ == Member::data) return taken(), begin_subtree(record_->data, object);
            if (member_ == Member::metadata) return taken(), begin_subtree(record_->metadata, object);
            if (member_ == Member::other) return begin_subtree(record_->raw[key_], object);
            return false;  // a container where a string or a number belongs
        }
        return false;
    }

    bool close() {
        if (depth_ == 0) return false;
        // A record without a string id gives up: read_record's DecodeError says so.
        if (levels_[depth_ - 1] == Level::record) {
            if (!has_id_) return false;
            adopt_structure_id(*record_);
        }
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

    bool begin_record(Record& record) {
        record_ = &record;
        record.raw = json::object();
        has_id_ = false;
        nulls_in_raw_ = false;
        return push(Level::record);
    }

    /// A field member sent as null: kept in raw, where sent_null() finds it.
    bool field_null() {
        record_->raw[key_] = nullptr;
        nulls_in_raw_ = true;
        return true;
    }
    /// A field member taken: an earlier null of the same (duplicate) key leaves raw, so the
    /// last of duplicate members wins, as in a JSON document. Only records with a null pay.
    void taken() {
        if (nulls_in_raw_) record_->raw.erase(key_);
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

    Page<Record>* page_;
    Record* record_ = nullptr;
    Level levels_[3] = {};
    std::size_t depth_ = 0;
    std::string key_;
    Member member_ = Member::none;
    std::string Record::*string_field_ = nullptr;
    std::optional<JsonDomBuilder> subtree_;
    std::size_t subtree_depth_ = 0;
    bool saw_data_ = false;
    bool has_id_ = false;       ///< the current record had a string `id`
    bool nulls_in_raw_ = false;  ///< the current record's raw holds a field member's null
};

/// The body as a document, then read_record (any shape: wrapped or bare).
CENTRALI_DECL Record decode_record(const Core& core, HttpResponse& response, const Call& call) {
    nlohmann::json body = core.parse_json(response, call);
    return Decoder<Record>::decode(std::move(unwrap_object(body, "record")), "record");
}

CENTRALI_DECL Page<Record> decode_record_page(const Core& core, HttpResponse& response, const Call& call) {
    Page<Record> page;
    if (RecordPageReader::read(response.body, page)) return page;
    return decode_page<Record>(core.parse_json(response, call), "records");
}

CENTRALI_DECL std::vector<Record> decode_record_list(const Core& core, HttpResponse& response, const Call& call) {
    return as_list<Record>(core, response, call, "records");
}

CENTRALI_DECL UpsertResult<> decode_upsert(const Core& core, HttpResponse& response, const Call& call) {
    nlohmann::json body = core.parse_json(response, call);
    UpsertResult<> result;
    if (body.is_object())
        if (auto meta = body.find("meta"); meta != body.end()) read_member_tolerant(*meta, "created", result.created);
    read_record(std::move(unwrap_object(body, "record")), result.record);
    return result;
}

}  // namespace detail

CENTRALI_DECL void RecordsManager::remove(std::string_view slug, std::string_view id, const DeleteRecordOptions& options,
                                          const CallOptions& call) {
    remove_op(slug, id, options, call).run();
}

CENTRALI_DECL long long RecordsManager::bulk_delete(std::string_view slug, const std::vector<std::string>& ids,
                                                    const DeleteRecordOptions& options, const CallOptions& call) {
    return bulk_delete_op(slug, ids, options, call).run();
}

CENTRALI_DECL detail::Call RecordsManager::create_call(std::string_view slug, const nlohmann::json& fields,
                                                       const CreateRecordOptions& options) const {
    require_object(fields, "record fields");
    detail::Query query;
    if (options.ttl_seconds) query.add("ttlSeconds", std::to_string(*options.ttl_seconds));
    if (!options.expires_at.empty()) query.add("expiresAt", options.expires_at);
    return core_->make_call(detail::routes::records_create, {slug}, query, &fields);
}

CENTRALI_DECL detail::Call RecordsManager::get_call(std::string_view slug, std::string_view id,
                                                    const GetRecordOptions& options) const {
    detail::Query query;
    if (!options.expand.empty()) query.add("expand", detail::join(options.expand));
    if (options.include_archived) query.add("includeArchived", "true");
    return core_->make_call(detail::routes::records_get, {slug, id}, query, nullptr);
}

CENTRALI_DECL detail::Call RecordsManager::query_call(std::string_view slug, const RecordQuery& query) const {
    detail::Query params;
    for (auto& [key, value] : query.to_params()) params.add(std::move(key), std::move(value));
    return core_->make_call(detail::routes::records_query, {slug}, params, nullptr);
}

CENTRALI_DECL detail::Call RecordsManager::update_call(std::string_view slug, std::string_view id,
                                                       const nlohmann::json& fields) const {
    require_object(fields, "record fields");
    return core_->make_call(detail::routes::records_update, {slug, id}, {}, &fields);
}

CENTRALI_DECL detail::Call RecordsManager::restore_call(std::string_view slug, std::string_view id) const {
    return core_->make_call(detail::routes::records_restore, {slug, id}, {}, nullptr);
}

CENTRALI_DECL detail::Call RecordsManager::upsert_call(std::string_view slug, const nlohmann::json& match,
                                                       const nlohmann::json& data) const {
    require_object(match, "upsert match");
    require_object(data, "upsert data");
    nlohmann::json body = nlohmann::json::object();
    body["match"] = match;
    body["data"] = data;
    return core_->make_call(detail::routes::records_upsert, {slug}, {}, &body);
}

CENTRALI_DECL detail::Call RecordsManager::bulk_create_call(std::string_view slug,
                                                            const std::vector<nlohmann::json>& records) const {
    for (const auto& fields : records) require_object(fields, "record fields");
    nlohmann::json body = nlohmann::json::object();
    body["records"] = records;
    return core_->make_call(detail::routes::records_bulk_create, {slug}, {}, &body);
}

CENTRALI_DECL detail::Call RecordsManager::bulk_update_call(std::string_view slug,
                                                            const std::vector<RecordUpdate>& updates) const {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& update : updates) {
        if (update.id.empty()) throw InvalidArgument("bulk_update: every update needs an id");
        require_object(update.data, "record fields");
        nlohmann::json item = nlohmann::json::object();
        item["id"] = update.id;
        item["data"] = update.data;
        items.push_back(std::move(item));
    }
    nlohmann::json body = nlohmann::json::object();
    body["records"] = std::move(items);
    return core_->make_call(detail::routes::records_bulk_update, {slug}, {}, &body);
}

CENTRALI_DECL detail::HttpOp<void> RecordsManager::remove_op(std::string_view slug, std::string_view id,
                                                             const DeleteRecordOptions& options,
                                                             const CallOptions& call) const {
    detail::Query query;
    if (options.hard) query.add("hard", "true");
    return discard(detail::routes::records_delete, {slug, id}, call, query);
}

namespace detail {
inline long long as_deleted_count(const Core& core, HttpResponse& response, const Call& call, const char*) {
    const nlohmann::json body = core.parse_json(response, call);
    long long deleted = 0;
    if (body.is_object())
        if (auto data = body.find("data"); data != body.end()) read_member(*data, "deleted", deleted);
    return deleted;
}
}  // namespace detail

CENTRALI_DECL detail::HttpOp<long long> RecordsManager::bulk_delete_op(std::string_view slug,
                                                                       const std::vector<std::string>& ids,
                                                                       const DeleteRecordOptions& options,
                                                                       const CallOptions& call) const {
    nlohmann::json body = nlohmann::json::object();
    body["ids"] = ids;
    body["hard"] = options.hard;
    return detail::HttpOp<long long>(core_, core_->make_call(detail::routes::records_bulk_delete, {slug}, {}, &body),
                                     call, &detail::as_deleted_count, "deleted count");
}

CENTRALI_NAMESPACE_END

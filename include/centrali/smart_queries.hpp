#pragma once
// client.smart_queries(): named, reusable queries stored per collection and executed with
// runtime variables ({{name}} in the definition).

#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>
#include <centrali/records.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

struct SmartQuery {
    std::string id;
    std::string name;
    std::string description;
    std::string record_slug;
    /// The definition: select, where ({field: {$op: value}}), sort, limit, skip, join.
    nlohmann::json query;
    std::string created_at;
    std::string updated_at;
    nlohmann::json raw;
};

inline void from_json(const nlohmann::json& j, SmartQuery& q) {
    detail::read_member(j, "id", q.id);
    detail::read_member(j, "name", q.name);
    detail::read_member(j, "description", q.description);
    detail::read_member(j, "recordSlug", q.record_slug);
    detail::read_member(j, "query", q.query);
    detail::read_member(j, "createdAt", q.created_at);
    detail::read_member(j, "updatedAt", q.updated_at);
    q.raw = j;
}

struct SmartQueryInput {
    std::string name;
    std::string description;
    nlohmann::json query = nlohmann::json::object();
};

inline void to_json(nlohmann::json& j, const SmartQueryInput& input) {
    j = {{"name", input.name}, {"query", input.query}};
    detail::write_member(j, "description", input.description);
}

class SmartQueriesManager : private detail::ManagerBase {
public:
    explicit SmartQueriesManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// All smart queries of the workspace, or of one collection.
    Page<SmartQuery> list(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {}) {
        const detail::Query query = paging(options.page, options.limit);
        if (record_slug.empty()) return page<SmartQuery>(detail::routes::smart_queries_list_all, {}, query, call, "smart queries");
        return page<SmartQuery>(detail::routes::smart_queries_list, {record_slug}, query, call, "smart queries");
    }
    SmartQuery get(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        return one<SmartQuery>(detail::routes::smart_queries_get, {record_slug, query_id}, {}, nullptr, call, "smart query");
    }
    SmartQuery create(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {}) {
        if (input.name.empty()) throw InvalidArgument("a smart query needs a name");
        const nlohmann::json body = input;
        return one<SmartQuery>(detail::routes::smart_queries_create, {record_slug}, {}, &body, call, "smart query");
    }
    SmartQuery update(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input,
                      const CallOptions& call = {}) {
        const nlohmann::json body = input;
        return one<SmartQuery>(detail::routes::smart_queries_update, {record_slug, query_id}, {}, &body, call, "smart query");
    }
    void remove(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        discard(detail::routes::smart_queries_delete, {record_slug, query_id}, {}, nullptr, call);
    }

    /// Runs a stored query with `variables`; rows come back as records (joined data under
    /// data._joined.<foreignSlug>).
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> execute(std::string_view record_slug, std::string_view query_id,
                                 const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        const nlohmann::json body = {{"variables", variables.is_null() ? nlohmann::json::object() : variables}};
        return detail::decode_page<BasicRecord<T>>(
            send(detail::routes::smart_queries_execute, {record_slug, query_id}, {}, &body, call), "smart query rows");
    }

    /// Runs a definition without saving it.
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> test(std::string_view record_slug, const nlohmann::json& query,
                              const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        const nlohmann::json body = {{"query", query}, {"variables", variables.is_null() ? nlohmann::json::object() : variables}};
        return detail::decode_page<BasicRecord<T>>(send(detail::routes::smart_queries_test, {record_slug}, {}, &body, call),
                                                   "smart query rows");
    }
};

CENTRALI_NAMESPACE_END

#pragma once
// client.smart_queries(): named, reusable queries stored per collection and executed with
// runtime variables ({{name}} in the definition).

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>
#include <centrali/records.hpp>

#include <nlohmann/json.hpp>

#include <future>
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

template <class T, detail::only<T, SmartQuery> = 0>
void from_json(const nlohmann::json& j, T& q) {
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

template <class T, detail::only<T, SmartQueryInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"name", input.name}, {"query", input.query}};
    detail::write_member(j, "description", input.description);
}

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it SmartQueriesManager.
template <class Unused = void>
class BasicSmartQueriesManager : private ManagerBase {
public:
    explicit BasicSmartQueriesManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    /// All smart queries of the workspace, or of one collection.
    Page<SmartQuery> list(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {}) {
        return list_op(record_slug, options).run(call);
    }
    std::future<Page<SmartQuery>> list_async(std::string_view record_slug = {}, const ListOptions& options = {},
                                             const CallOptions& call = {}) {
        return list_op(record_slug, options).submit(call);
    }

    SmartQuery get(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        return get_op(record_slug, query_id).run(call);
    }
    std::future<SmartQuery> get_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        return get_op(record_slug, query_id).submit(call);
    }

    SmartQuery create(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {}) {
        return create_op(record_slug, input).run(call);
    }
    std::future<SmartQuery> create_async(std::string_view record_slug, const SmartQueryInput& input,
                                         const CallOptions& call = {}) {
        return create_op(record_slug, input).submit(call);
    }

    SmartQuery update(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input,
                      const CallOptions& call = {}) {
        return update_op(record_slug, query_id, input).run(call);
    }
    std::future<SmartQuery> update_async(std::string_view record_slug, std::string_view query_id,
                                         const SmartQueryInput& input, const CallOptions& call = {}) {
        return update_op(record_slug, query_id, input).submit(call);
    }

    void remove(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        remove_op(record_slug, query_id).run(call);
    }
    std::future<void> remove_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}) {
        return remove_op(record_slug, query_id).submit(call);
    }

    /// Runs a stored query with `variables`; rows come back as records (joined data under
    /// data._joined.<foreignSlug>).
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> execute(std::string_view record_slug, std::string_view query_id,
                                 const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return execute_op<T>(record_slug, query_id, variables).run(call);
    }
    template <class T = nlohmann::json>
    std::future<Page<BasicRecord<T>>> execute_async(std::string_view record_slug, std::string_view query_id,
                                                    const nlohmann::json& variables = nlohmann::json::object(),
                                                    const CallOptions& call = {}) {
        return execute_op<T>(record_slug, query_id, variables).submit(call);
    }

    /// Runs a definition without saving it.
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> test(std::string_view record_slug, const nlohmann::json& query,
                              const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return test_op<T>(record_slug, query, variables).run(call);
    }
    template <class T = nlohmann::json>
    std::future<Page<BasicRecord<T>>> test_async(std::string_view record_slug, const nlohmann::json& query,
                                                 const nlohmann::json& variables = nlohmann::json::object(),
                                                 const CallOptions& call = {}) {
        return test_op<T>(record_slug, query, variables).submit(call);
    }

private:
    static nlohmann::json variables_or_empty(const nlohmann::json& variables) {
        return variables.is_null() ? nlohmann::json::object() : variables;
    }
    detail::Op<Page<SmartQuery>> list_op(std::string_view record_slug, const ListOptions& options) const {
        const detail::Query query = paging(options.page, options.limit);
        if (record_slug.empty()) return page<SmartQuery>(detail::routes::smart_queries_list_all, {}, query, "smart queries");
        return page<SmartQuery>(detail::routes::smart_queries_list, {record_slug}, query, "smart queries");
    }
    detail::Op<SmartQuery> get_op(std::string_view record_slug, std::string_view query_id) const {
        return one<SmartQuery>(detail::routes::smart_queries_get, {record_slug, query_id}, {}, nullptr, "smart query");
    }
    detail::Op<SmartQuery> create_op(std::string_view record_slug, const SmartQueryInput& input) const {
        if (input.name.empty()) throw InvalidArgument("a smart query needs a name");
        const nlohmann::json body = input;
        return one<SmartQuery>(detail::routes::smart_queries_create, {record_slug}, {}, &body, "smart query");
    }
    detail::Op<SmartQuery> update_op(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input) const {
        const nlohmann::json body = input;
        return one<SmartQuery>(detail::routes::smart_queries_update, {record_slug, query_id}, {}, &body, "smart query");
    }
    detail::Op<void> remove_op(std::string_view record_slug, std::string_view query_id) const {
        return discard(detail::routes::smart_queries_delete, {record_slug, query_id});
    }
    template <class T>
    detail::Op<Page<BasicRecord<T>>> execute_op(std::string_view record_slug, std::string_view query_id,
                                                const nlohmann::json& variables) const {
        const nlohmann::json body = {{"variables", variables_or_empty(variables)}};
        return page<BasicRecord<T>>(detail::routes::smart_queries_execute, {record_slug, query_id}, {}, "smart query rows",
                                    &body);
    }
    template <class T>
    detail::Op<Page<BasicRecord<T>>> test_op(std::string_view record_slug, const nlohmann::json& query,
                                             const nlohmann::json& variables) const {
        const nlohmann::json body = {{"query", query}, {"variables", variables_or_empty(variables)}};
        return page<BasicRecord<T>>(detail::routes::smart_queries_test, {record_slug}, {}, "smart query rows", &body);
    }
};
}  // namespace detail

using SmartQueriesManager = detail::BasicSmartQueriesManager<>;

CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/smart_queries.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, SmartQuery& q) {
    q.id = detail::read_identity(j, "id", "a smart query");
    const detail::TolerantReader read{j};
    read("name", q.name);
    read("description", q.description);
    read("recordSlug", q.record_slug);
    read("query", q.query);
    read("createdAt", q.created_at);
    read("updatedAt", q.updated_at);
    q.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, SmartQueryInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "query", input.query);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const SmartQueryInput& input) {
    j = {{"name", input.name}, {"query", input.query}};
    detail::write_member(j, "description", input.description);
}

CENTRALI_DECL PageRange<SmartQuery> SmartQueriesManager::list_all(std::string_view record_slug, const ListOptions& options,
                                                                  const CallOptions& call) {
    return all_pages<SmartQuery>(options, [self = *this, slug = std::string(record_slug), call](const ListOptions& page) {
        return self.list_op(slug, page, call);
    });
}
CENTRALI_DECL Page<SmartQuery> SmartQueriesManager::list(std::string_view record_slug, const ListOptions& options, const CallOptions& call) {
    return list_op(record_slug, options, call).run();
}
CENTRALI_DECL SmartQuery SmartQueriesManager::get(std::string_view record_slug, std::string_view query_id, const CallOptions& call) {
    return get_op(record_slug, query_id, call).run();
}
CENTRALI_DECL SmartQuery SmartQueriesManager::create(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call) {
    return create_op(record_slug, input, call).run();
}
CENTRALI_DECL SmartQuery SmartQueriesManager::update(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input, const CallOptions& call) {
    return update_op(record_slug, query_id, input, call).run();
}
CENTRALI_DECL void SmartQueriesManager::remove(std::string_view record_slug, std::string_view query_id, const CallOptions& call) {
    remove_op(record_slug, query_id, call).run();
}

namespace detail {
inline nlohmann::json variables_or_empty(const nlohmann::json& variables) {
    return variables.is_null() ? nlohmann::json::object() : variables;
}
}  // namespace detail

CENTRALI_DECL detail::Call SmartQueriesManager::execute_call(std::string_view record_slug, std::string_view query_id,
                                                             const nlohmann::json& variables) const {
    nlohmann::json body = nlohmann::json::object();
    body["variables"] = detail::variables_or_empty(variables);
    return core_->make_call(detail::routes::smart_queries_execute, {record_slug, query_id}, {}, &body);
}
CENTRALI_DECL detail::Call SmartQueriesManager::test_call(std::string_view record_slug, const nlohmann::json& query,
                                                          const nlohmann::json& variables) const {
    nlohmann::json body = nlohmann::json::object();
    body["query"] = query;
    body["variables"] = detail::variables_or_empty(variables);
    return core_->make_call(detail::routes::smart_queries_test, {record_slug}, {}, &body);
}
CENTRALI_DECL detail::HttpOp<Page<SmartQuery>> SmartQueriesManager::list_op(std::string_view record_slug,
                                                                            const ListOptions& options,
                                                                            const CallOptions& call) const {
    const detail::Query query = paging(options.page, options.page_size);
    if (record_slug.empty()) return page<SmartQuery>(detail::routes::smart_queries_list_all, {}, query, "smart queries", call);
    return page<SmartQuery>(detail::routes::smart_queries_list, {record_slug}, query, "smart queries", call);
}
CENTRALI_DECL detail::HttpOp<SmartQuery> SmartQueriesManager::get_op(std::string_view record_slug, std::string_view query_id,
                                                                     const CallOptions& call) const {
    return one<SmartQuery>(detail::routes::smart_queries_get, {record_slug, query_id}, {}, nullptr, "smart query", call);
}
CENTRALI_DECL detail::HttpOp<SmartQuery> SmartQueriesManager::create_op(std::string_view record_slug,
                                                                        const SmartQueryInput& input,
                                                                        const CallOptions& call) const {
    if (input.name.empty()) throw InvalidArgument("a smart query needs a name");
    const nlohmann::json body = input;
    return one<SmartQuery>(detail::routes::smart_queries_create, {record_slug}, {}, &body, "smart query", call);
}
CENTRALI_DECL detail::HttpOp<SmartQuery> SmartQueriesManager::update_op(std::string_view record_slug,
                                                                        std::string_view query_id,
                                                                        const SmartQueryInput& input,
                                                                        const CallOptions& call) const {
    // A PUT replaces the whole query: an empty name would erase the stored one, not keep it.
    if (input.name.empty()) throw InvalidArgument("a smart query needs a name (update() replaces the whole query)");
    const nlohmann::json body = input;
    return one<SmartQuery>(detail::routes::smart_queries_update, {record_slug, query_id}, {}, &body, "smart query", call);
}
CENTRALI_DECL detail::HttpOp<void> SmartQueriesManager::remove_op(std::string_view record_slug, std::string_view query_id,
                                                                  const CallOptions& call) const {
    return discard(detail::routes::smart_queries_delete, {record_slug, query_id}, call);
}

CENTRALI_NAMESPACE_END

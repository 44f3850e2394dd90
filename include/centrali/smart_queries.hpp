#pragma once
// client.smart_queries(): named, reusable queries stored per collection and executed with
// runtime variables ({{name}} in the definition).

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
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

void from_json(const nlohmann::json& j, SmartQuery& q);

struct SmartQueryInput {
    std::string name;
    std::string description;
    nlohmann::json query = nlohmann::json::object();
};

void to_json(nlohmann::json& j, const SmartQueryInput& input);

/// Every call has an `_async` twin (see async.hpp for its completion token).
class SmartQueriesManager : private detail::ManagerBase {
public:
    explicit SmartQueriesManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// All smart queries of the workspace, or of one collection.
    Page<SmartQuery> list(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(record_slug, options, call).launch(std::forward<Token>(token));
    }

    SmartQuery get(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(record_slug, query_id, call).launch(std::forward<Token>(token));
    }

    SmartQuery create(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_async(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(record_slug, input, call).launch(std::forward<Token>(token));
    }

    SmartQuery update(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto update_async(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(record_slug, query_id, input, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(record_slug, query_id, call).launch(std::forward<Token>(token));
    }

    /// Runs a stored query with `variables`; rows come back as records (joined data under
    /// data._joined.<foreignSlug>).
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> execute(std::string_view record_slug, std::string_view query_id,
                                 const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return rows<T>(execute_call(record_slug, query_id, variables), call).run();
    }
    template <class T = nlohmann::json, class Token = UseFuture>
    auto execute_async(std::string_view record_slug, std::string_view query_id,
                       const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {},
                       Token&& token = {}) {
        return rows<T>(execute_call(record_slug, query_id, variables), call).launch(std::forward<Token>(token));
    }

    /// Runs a definition without saving it.
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> test(std::string_view record_slug, const nlohmann::json& query,
                              const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return rows<T>(test_call(record_slug, query, variables), call).run();
    }
    template <class T = nlohmann::json, class Token = UseFuture>
    auto test_async(std::string_view record_slug, const nlohmann::json& query,
                    const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {},
                    Token&& token = {}) {
        return rows<T>(test_call(record_slug, query, variables), call).launch(std::forward<Token>(token));
    }

private:
    template <class T>
    detail::HttpOp<Page<BasicRecord<T>>> rows(detail::Call call, const CallOptions& options) const {
        return detail::record_op<T, Page<BasicRecord<T>>, Page<Record>, &detail::decode_record_page>(core_, std::move(call), options);
    }
    detail::Call execute_call(std::string_view record_slug, std::string_view query_id, const nlohmann::json& variables) const;
    detail::Call test_call(std::string_view record_slug, const nlohmann::json& query, const nlohmann::json& variables) const;
    detail::HttpOp<Page<SmartQuery>> list_op(std::string_view record_slug, const ListOptions& options, const CallOptions& call) const;
    detail::HttpOp<SmartQuery> get_op(std::string_view record_slug, std::string_view query_id, const CallOptions& call) const;
    detail::HttpOp<SmartQuery> create_op(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call) const;
    detail::HttpOp<SmartQuery> update_op(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input,
                                         const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view record_slug, std::string_view query_id, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/smart_queries.ipp>
#endif

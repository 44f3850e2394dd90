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

/// A named query stored with a collection, run by SmartQueriesManager::execute(). Members the
/// server did not send stay empty.
struct SmartQuery {
    std::string id;  ///< the query's id; get(), update(), remove() and execute() take it
    std::string name;  ///< the query's name
    std::string description;  ///< empty when it has none
    std::string record_slug;  ///< `recordSlug`: the collection it queries
    /// The definition: select, where ({field: {$op: value}}), sort, limit, skip, join.
    nlohmann::json query;
    std::string created_at;  ///< `createdAt`, as the server sent it
    std::string updated_at;  ///< `updatedAt`, as the server sent it
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a smart query; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, SmartQuery& q);

/// A smart query to create, or the new state of one for update().
struct SmartQueryInput {
    std::string name;  ///< always sent; create() throws InvalidArgument when it is empty
    std::string description;  ///< sent only when not empty
    /// The definition, always sent (see SmartQuery::query); `{{name}}` marks a variable that
    /// execute() fills in.
    nlohmann::json query = nlohmann::json::object();
};

/// Encodes the request body of create() and update(): name, query and a non-empty description.
void to_json(nlohmann::json& j, const SmartQueryInput& input);
/// Reads a SmartQueryInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, SmartQueryInput& input);

/// Every call has an `_async` twin (see async.hpp for its completion token). The execute route
/// is documented; the others are UNCONFIRMED.
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// BadRequest, …), TransportError, DecodeError or Cancelled; InvalidArgument for an argument
/// that can never be valid (an empty slug or id), which the `_async` twins throw themselves
/// instead of reporting it through the token.
class SmartQueriesManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::smart_queries()); not for direct use.
    explicit SmartQueriesManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// All smart queries of the workspace, or of one collection.
    Page<SmartQuery> list(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {});
    /// list() with `record_slug` and `options` at their defaults, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<SmartQuery> list(const Call& call) {
        return list(std::string_view{}, ListOptions{}, call);
    }
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(record_slug, call)`, not `list(record_slug, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<SmartQuery> list(std::string_view record_slug, const Call& call) {
        return list(record_slug, ListOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(std::string_view record_slug = {}, const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(record_slug, options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `record_slug` and `options` at their defaults, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(std::string_view{}, ListOptions{}, call, std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(record_slug, call)`, not `list_async(record_slug, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(std::string_view record_slug, const Call& call, Token&& token = {}) {
        return list_async(record_slug, ListOptions{}, call, std::forward<Token>(token));
    }
    /// Every smart query of the workspace, or of one collection, page by page as iteration
    /// needs them (see PageRange): list() from options.page (or 1) in pages of
    /// options.page_size (or 100). Nothing is sent before the range's begin(). No `_async`
    /// twin: list_async() is the page-at-a-time call without blocking.
    PageRange<SmartQuery> list_all(std::string_view record_slug = {}, const ListOptions& options = {},
                                   const CallOptions& call = {});
    /// list_all() with `record_slug` and `options` at their defaults, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<SmartQuery> list_all(const Call& call) {
        return list_all(std::string_view{}, ListOptions{}, call);
    }
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(record_slug, call)`, not `list_all(record_slug, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<SmartQuery> list_all(std::string_view record_slug, const Call& call) {
        return list_all(record_slug, ListOptions{}, call);
    }

    /// The smart query `query_id` of the collection `record_slug`; NotFound when there is none.
    SmartQuery get(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {});
    /// get() without blocking: the smart query, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(record_slug, query_id, call).launch(std::forward<Token>(token));
    }

    /// Stores a new smart query for the collection `record_slug` and returns it. Throws
    /// InvalidArgument, before sending anything, when `input.name` is empty.
    SmartQuery create(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {});
    /// create() without blocking: the smart query, or the error, arrives through `token`. The
    /// InvalidArgument of an empty name is thrown by this call itself.
    template <class Token = UseFuture>
    auto create_async(std::string_view record_slug, const SmartQueryInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(record_slug, input, call).launch(std::forward<Token>(token));
    }

    /// Replaces the query's name, definition and (when not empty) description with `input`
    /// (PUT); returns the query as stored. Not a partial update: give the whole input.
    SmartQuery update(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input, const CallOptions& call = {});
    /// update() without blocking: the smart query, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_async(std::string_view record_slug, std::string_view query_id, const SmartQueryInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(record_slug, query_id, input, call).launch(std::forward<Token>(token));
    }

    /// Deletes the smart query. The response body is not read: any 2xx succeeds.
    void remove(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {});
    /// remove() without blocking: success, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto remove_async(std::string_view record_slug, std::string_view query_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(record_slug, query_id, call).launch(std::forward<Token>(token));
    }

    /// Runs a stored query with `variables`; rows come back as records. Joined data is under
    /// `data._joined.<foreignSlug>`. `variables` gives a value to every `{{name}}` the
    /// definition uses (a null is sent as {}). `T` is the type the rows' field maps are read
    /// into (see BasicRecord).
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> execute(std::string_view record_slug, std::string_view query_id,
                                 const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return rows<T>(execute_call(record_slug, query_id, variables), call).run();
    }
    /// execute() with `variables` at its default, so that the call's options need no
    /// placeholder: `execute(record_slug, query_id, call)`, not `execute(record_slug, query_id, {}, call)`.
    template <class T = nlohmann::json, class Call, detail::IfCallOptions<Call> = 0>
    Page<BasicRecord<T>> execute(std::string_view record_slug, std::string_view query_id, const Call& call) {
        return execute<T>(record_slug, query_id, nlohmann::json::object(), call);
    }
    /// execute() without blocking: the rows, or the error, arrives through `token`.
    template <class T = nlohmann::json, class Token = UseFuture>
    auto execute_async(std::string_view record_slug, std::string_view query_id,
                       const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {},
                       Token&& token = {}) {
        return rows<T>(execute_call(record_slug, query_id, variables), call).launch(std::forward<Token>(token));
    }
    /// execute_async() with `variables` at its default, so that the call's options need no
    /// placeholder: `execute_async(record_slug, query_id, call)`, not `execute_async(record_slug, query_id, {}, call)`.
    template <class T = nlohmann::json, class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto execute_async(std::string_view record_slug, std::string_view query_id, const Call& call, Token&& token = {}) {
        return execute_async<T>(record_slug, query_id, nlohmann::json::object(), call, std::forward<Token>(token));
    }

    /// Runs a definition without saving it: `query` against the collection `record_slug`, with
    /// `variables` as for execute(); the rows come back as from execute().
    template <class T = nlohmann::json>
    Page<BasicRecord<T>> test(std::string_view record_slug, const nlohmann::json& query,
                              const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {}) {
        return rows<T>(test_call(record_slug, query, variables), call).run();
    }
    /// test() with `variables` at its default, so that the call's options need no
    /// placeholder: `test(record_slug, query, call)`, not `test(record_slug, query, {}, call)`.
    template <class T = nlohmann::json, class Call, detail::IfCallOptions<Call> = 0>
    Page<BasicRecord<T>> test(std::string_view record_slug, const nlohmann::json& query, const Call& call) {
        return test<T>(record_slug, query, nlohmann::json::object(), call);
    }
    /// test() without blocking: the rows, or the error, arrives through `token`.
    template <class T = nlohmann::json, class Token = UseFuture>
    auto test_async(std::string_view record_slug, const nlohmann::json& query,
                    const nlohmann::json& variables = nlohmann::json::object(), const CallOptions& call = {},
                    Token&& token = {}) {
        return rows<T>(test_call(record_slug, query, variables), call).launch(std::forward<Token>(token));
    }
    /// test_async() with `variables` at its default, so that the call's options need no
    /// placeholder: `test_async(record_slug, query, call)`, not `test_async(record_slug, query, {}, call)`.
    template <class T = nlohmann::json, class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto test_async(std::string_view record_slug, const nlohmann::json& query, const Call& call, Token&& token = {}) {
        return test_async<T>(record_slug, query, nlohmann::json::object(), call, std::forward<Token>(token));
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

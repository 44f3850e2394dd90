#pragma once
// client.functions(): compute functions, the JavaScript code blocks Centrali runs in a sandbox
// (`async function run() { … }` with the globals api, triggerParams and executionParams).

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

/// A compute function as the server returns it. A member the server did not send stays empty.
struct ComputeFunction {
    std::string id;           ///< the function's id (a UUID): the `function_id` of its triggers and runs
    std::string name;         ///< unique within the workspace
    std::string description;  ///< empty when it has none
    std::string code;         ///< the JavaScript source, defining `async function run()`
    /// `timeoutMs`: this function's time limit in milliseconds; absent when the server sent
    /// none (Centrali stops any function after 5 minutes).
    std::optional<long long> timeout_ms;
    std::string workspace_slug;  ///< the workspace it belongs to
    std::string created_by;      ///< `createdBy`: who created it, as the server names them
    std::string updated_by;      ///< `updatedBy`: who changed it last
    std::string created_at;      ///< ISO-8601, as the server sent it
    std::string updated_at;      ///< ISO-8601, as the server sent it
    nlohmann::json raw;  ///< the whole object as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// Reads a ComputeFunction from the service's JSON (nlohmann/json's hook: `j.get<ComputeFunction>()`).
void from_json(const nlohmann::json& j, ComputeFunction& f);

/// What create() sends. `name` and `code` are required (create() throws InvalidArgument, and
/// sends nothing, when either is empty).
struct CreateComputeFunctionInput {
    std::string name;  ///< unique within the workspace
    std::string code;  ///< must define `async function run()`
    std::string description;              ///< not sent when empty
    std::optional<long long> timeout_ms;  ///< `timeoutMs`, in milliseconds; unset: not sent (the server's default)
};
/// Writes a CreateComputeFunctionInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const CreateComputeFunctionInput& input);
/// Reads a CreateComputeFunctionInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, CreateComputeFunctionInput& input);

/// Only the members that are set are sent; the others keep their value on the server.
struct UpdateComputeFunctionInput {
    std::optional<std::string> name;         ///< the new name, unique within the workspace
    std::optional<std::string> code;         ///< the new source; must define `async function run()`
    std::optional<std::string> description;  ///< the new description (sent even when empty)
    std::optional<long long> timeout_ms;     ///< `timeoutMs`: the new time limit, in milliseconds
};
/// Writes a UpdateComputeFunctionInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const UpdateComputeFunctionInput& input);
/// Reads a UpdateComputeFunctionInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateComputeFunctionInput& input);

/// Runs code without saving it; `params` arrive in the function as executionParams.
struct TestComputeFunctionInput {
    std::string code;       ///< the source to run; required (empty: test_execute() throws InvalidArgument)
    nlohmann::json params;  ///< null: not sent
};
/// Writes a TestComputeFunctionInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const TestComputeFunctionInput& input);

/// What test_execute() returns. A member the server did not send stays null or empty.
struct TestComputeFunctionResult {
    nlohmann::json output;  ///< what run() returned
    nlohmann::json logs;    ///< as the server sent them (usually an array)
    /// `error`: set when the code threw (an empty message is still a throw); empty when the
    /// server sent null or nothing (sent_null() tells the two apart).
    std::optional<std::string> error;
    std::optional<double> duration_ms;  ///< from `duration`: how long the code ran, in milliseconds
    nlohmann::json raw;                 ///< the whole result as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// Reads a TestComputeFunctionResult from the service's JSON (nlohmann/json's hook: `j.get<TestComputeFunctionResult>()`).
void from_json(const nlohmann::json& j, TestComputeFunctionResult& r);

/// The compute functions of the workspace: client.functions().
///
/// Every call has an `_async` twin (see async.hpp for its completion token). An empty id and
/// the other argument errors throw InvalidArgument before anything is sent (from the `_async`
/// call itself too); a failed call throws a centrali::Error: NotFound and the other ApiError
/// kinds for an error status, TransportError, DecodeError or Cancelled.
class FunctionsManager : private detail::ManagerBase {
public:
    /// Made by the Client; use client.functions().
    explicit FunctionsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// One page of the workspace's functions; `page` and `limit` are sent only when positive.
    Page<ComputeFunction> list(const ListOptions& options = {}, const CallOptions& call = {});
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<ComputeFunction> list(const Call& call) {
        return list(ListOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(ListOptions{}, call, std::forward<Token>(token));
    }
    /// Every function of the workspace, page by page as iteration needs them (see PageRange): list() from
    /// options.page (or 1) in pages of options.page_size (or 100). Nothing is sent before the
    /// range's begin(); `call` applies to each page's request. No `_async` twin: list_async()
    /// is the page-at-a-time call without blocking.
    PageRange<ComputeFunction> list_all(const ListOptions& options = {}, const CallOptions& call = {});
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<ComputeFunction> list_all(const Call& call) {
        return list_all(ListOptions{}, call);
    }

    /// The function with this id; NotFound when there is none.
    ComputeFunction get(std::string_view function_id, const CallOptions& call = {});
    /// get() without blocking: the function, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view function_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(function_id, call).launch(std::forward<Token>(token));
    }

    /// Saves a new function and returns it as stored. Throws InvalidArgument when `name` or
    /// `code` is empty. A POST: not resent once it may have reached the server, unless
    /// CallOptions::idempotent.
    ComputeFunction create(const CreateComputeFunctionInput& input, const CallOptions& call = {});
    /// create() without blocking: the function, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto create_async(const CreateComputeFunctionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    /// Changes the members set in `input` (a PUT with only those members) and returns the
    /// function as updated.
    ComputeFunction update(std::string_view function_id, const UpdateComputeFunctionInput& input,
                           const CallOptions& call = {});
    /// update() without blocking: the function, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_async(std::string_view function_id, const UpdateComputeFunctionInput& input,
                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(function_id, input, call).launch(std::forward<Token>(token));
    }

    /// Deletes the function. Whatever 2xx body the server answers with is ignored.
    void remove(std::string_view function_id, const CallOptions& call = {});
    /// remove() without blocking: completion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto remove_async(std::string_view function_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(function_id, call).launch(std::forward<Token>(token));
    }

    /// Runs `input.code` once in the sandbox without saving it, and returns what it produced.
    /// Throws InvalidArgument when the code is empty. A POST: not resent once it may have
    /// reached the server, unless CallOptions::idempotent.
    TestComputeFunctionResult test_execute(const TestComputeFunctionInput& input, const CallOptions& call = {});
    /// test_execute() without blocking: the result, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto test_execute_async(const TestComputeFunctionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->test_op(input, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<ComputeFunction>> list_op(const ListOptions& options, const CallOptions& call) const;
    detail::HttpOp<ComputeFunction> get_op(std::string_view function_id, const CallOptions& call) const;
    detail::HttpOp<ComputeFunction> create_op(const CreateComputeFunctionInput& input, const CallOptions& call) const;
    detail::HttpOp<ComputeFunction> update_op(std::string_view function_id, const UpdateComputeFunctionInput& input,
                                              const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view function_id, const CallOptions& call) const;
    detail::HttpOp<TestComputeFunctionResult> test_op(const TestComputeFunctionInput& input, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/functions.ipp>
#endif

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

struct ComputeFunction {
    std::string id;
    std::string name;
    std::string description;
    std::string code;
    std::optional<long long> timeout_ms;
    std::string workspace_slug;
    std::string created_by;
    std::string updated_by;
    std::string created_at;
    std::string updated_at;
    nlohmann::json raw;  ///< the whole object as received
};
void from_json(const nlohmann::json& j, ComputeFunction& f);

struct CreateComputeFunctionInput {
    std::string name;  ///< unique within the workspace
    std::string code;  ///< must define `async function run()`
    std::string description;
    std::optional<long long> timeout_ms;
};
void to_json(nlohmann::json& j, const CreateComputeFunctionInput& input);

/// Only the members that are set are sent; the others keep their value on the server.
struct UpdateComputeFunctionInput {
    std::optional<std::string> name;
    std::optional<std::string> code;
    std::optional<std::string> description;
    std::optional<long long> timeout_ms;
};
void to_json(nlohmann::json& j, const UpdateComputeFunctionInput& input);

/// Runs code without saving it; `params` arrive in the function as executionParams.
struct TestComputeFunctionInput {
    std::string code;
    nlohmann::json params;  ///< null: not sent
};
void to_json(nlohmann::json& j, const TestComputeFunctionInput& input);

struct TestComputeFunctionResult {
    nlohmann::json output;  ///< what run() returned
    nlohmann::json logs;    ///< as the server sent them (usually an array)
    std::string error;      ///< set when the code threw
    std::optional<double> duration_ms;
    nlohmann::json raw;
};
void from_json(const nlohmann::json& j, TestComputeFunctionResult& r);

/// Every call has an `_async` twin (see async.hpp for its completion token).
class FunctionsManager : private detail::ManagerBase {
public:
    explicit FunctionsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<ComputeFunction> list(const ListOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    ComputeFunction get(std::string_view function_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view function_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(function_id, call).launch(std::forward<Token>(token));
    }

    ComputeFunction create(const CreateComputeFunctionInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_async(const CreateComputeFunctionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    ComputeFunction update(std::string_view function_id, const UpdateComputeFunctionInput& input,
                           const CallOptions& call = {});
    template <class Token = UseFuture>
    auto update_async(std::string_view function_id, const UpdateComputeFunctionInput& input,
                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(function_id, input, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view function_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view function_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(function_id, call).launch(std::forward<Token>(token));
    }

    TestComputeFunctionResult test_execute(const TestComputeFunctionInput& input, const CallOptions& call = {});
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

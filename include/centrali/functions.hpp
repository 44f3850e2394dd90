#pragma once
// client.functions(): compute functions, the JavaScript code blocks Centrali runs in a sandbox
// (`async function run() { … }` with the globals api, triggerParams and executionParams).

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
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

template <class T, detail::only<T, ComputeFunction> = 0>
void from_json(const nlohmann::json& j, T& f) {
    detail::read_member(j, "id", f.id);
    detail::read_member(j, "name", f.name);
    detail::read_member(j, "description", f.description);
    detail::read_member(j, "code", f.code);
    detail::read_member(j, "timeoutMs", f.timeout_ms);
    detail::read_member(j, "workspaceSlug", f.workspace_slug);
    detail::read_member(j, "createdBy", f.created_by);
    detail::read_member(j, "updatedBy", f.updated_by);
    detail::read_member(j, "createdAt", f.created_at);
    detail::read_member(j, "updatedAt", f.updated_at);
    f.raw = j;
}

struct CreateComputeFunctionInput {
    std::string name;  ///< unique within the workspace
    std::string code;  ///< must define `async function run()`
    std::string description;
    std::optional<long long> timeout_ms;
};

template <class T, detail::only<T, CreateComputeFunctionInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"name", input.name}, {"code", input.code}};
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "timeoutMs", input.timeout_ms);
}

/// Only the members that are set are sent; the others keep their value on the server.
struct UpdateComputeFunctionInput {
    std::optional<std::string> name;
    std::optional<std::string> code;
    std::optional<std::string> description;
    std::optional<long long> timeout_ms;
};

template <class T, detail::only<T, UpdateComputeFunctionInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "code", input.code);
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "timeoutMs", input.timeout_ms);
}

/// Runs code without saving it; `params` arrive in the function as executionParams.
struct TestComputeFunctionInput {
    std::string code;
    nlohmann::json params;  ///< null: not sent
};

template <class T, detail::only<T, TestComputeFunctionInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"code", input.code}};
    if (!input.params.is_null()) j["params"] = input.params;
}

struct TestComputeFunctionResult {
    nlohmann::json output;  ///< what run() returned
    nlohmann::json logs;    ///< as the server sent them (usually an array)
    std::string error;      ///< set when the code threw
    std::optional<double> duration_ms;
    nlohmann::json raw;
};

template <class T, detail::only<T, TestComputeFunctionResult> = 0>
void from_json(const nlohmann::json& j, T& r) {
    detail::read_member(j, "output", r.output);
    detail::read_member(j, "logs", r.logs);
    detail::read_member(j, "error", r.error);
    detail::read_member(j, "duration", r.duration_ms);
    r.raw = j;
}

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it FunctionsManager.
template <class Unused = void>
class BasicFunctionsManager : private ManagerBase {
public:
    explicit BasicFunctionsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<ComputeFunction> list(const ListOptions& options = {}, const CallOptions& call = {}) { return list_op(options).run(call); }
    std::future<Page<ComputeFunction>> list_async(const ListOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }

    ComputeFunction get(std::string_view function_id, const CallOptions& call = {}) { return get_op(function_id).run(call); }
    std::future<ComputeFunction> get_async(std::string_view function_id, const CallOptions& call = {}) {
        return get_op(function_id).submit(call);
    }

    ComputeFunction create(const CreateComputeFunctionInput& input, const CallOptions& call = {}) {
        return create_op(input).run(call);
    }
    std::future<ComputeFunction> create_async(const CreateComputeFunctionInput& input, const CallOptions& call = {}) {
        return create_op(input).submit(call);
    }

    ComputeFunction update(std::string_view function_id, const UpdateComputeFunctionInput& input, const CallOptions& call = {}) {
        return update_op(function_id, input).run(call);
    }
    std::future<ComputeFunction> update_async(std::string_view function_id, const UpdateComputeFunctionInput& input,
                                              const CallOptions& call = {}) {
        return update_op(function_id, input).submit(call);
    }

    void remove(std::string_view function_id, const CallOptions& call = {}) { remove_op(function_id).run(call); }
    std::future<void> remove_async(std::string_view function_id, const CallOptions& call = {}) {
        return remove_op(function_id).submit(call);
    }

    TestComputeFunctionResult test_execute(const TestComputeFunctionInput& input, const CallOptions& call = {}) {
        return test_op(input).run(call);
    }
    std::future<TestComputeFunctionResult> test_execute_async(const TestComputeFunctionInput& input, const CallOptions& call = {}) {
        return test_op(input).submit(call);
    }

private:
    detail::Op<Page<ComputeFunction>> list_op(const ListOptions& options) const {
        return page<ComputeFunction>(detail::routes::functions_list, {}, paging(options.page, options.limit), "compute functions");
    }
    detail::Op<ComputeFunction> get_op(std::string_view function_id) const {
        return one<ComputeFunction>(detail::routes::functions_get, {function_id}, {}, nullptr, "compute function");
    }
    detail::Op<ComputeFunction> create_op(const CreateComputeFunctionInput& input) const {
        if (input.name.empty() || input.code.empty()) throw InvalidArgument("a compute function needs a name and code");
        const nlohmann::json body = input;
        return one<ComputeFunction>(detail::routes::functions_create, {}, {}, &body, "compute function");
    }
    detail::Op<ComputeFunction> update_op(std::string_view function_id, const UpdateComputeFunctionInput& input) const {
        const nlohmann::json body = input;
        return one<ComputeFunction>(detail::routes::functions_update, {function_id}, {}, &body, "compute function");
    }
    detail::Op<void> remove_op(std::string_view function_id) const {
        return discard(detail::routes::functions_delete, {function_id});
    }
    detail::Op<TestComputeFunctionResult> test_op(const TestComputeFunctionInput& input) const {
        if (input.code.empty()) throw InvalidArgument("test_execute needs code");
        const nlohmann::json body = input;
        return one<TestComputeFunctionResult>(detail::routes::functions_test, {}, {}, &body, "test result");
    }
};
}  // namespace detail

using FunctionsManager = detail::BasicFunctionsManager<>;

CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/functions.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, ComputeFunction& f) {
    f.id = detail::read_identity(j, "id", "a compute function");
    const detail::TolerantReader read{j};
    read("name", f.name);
    read("description", f.description);
    read("code", f.code);
    read("timeoutMs", f.timeout_ms);
    read("workspaceSlug", f.workspace_slug);
    read("createdBy", f.created_by);
    read("updatedBy", f.updated_by);
    read("createdAt", f.created_at);
    read("updatedAt", f.updated_at);
    f.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const CreateComputeFunctionInput& input) {
    j = nlohmann::json::object();
    j["name"] = input.name;
    j["code"] = input.code;
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "timeoutMs", input.timeout_ms);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateComputeFunctionInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "code", input.code);
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "timeoutMs", input.timeout_ms);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, CreateComputeFunctionInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "code", input.code);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "timeoutMs", input.timeout_ms);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateComputeFunctionInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "code", input.code);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "timeoutMs", input.timeout_ms);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const TestComputeFunctionInput& input) {
    j = nlohmann::json::object();
    j["code"] = input.code;
    if (!input.params.is_null()) j["params"] = input.params;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, TestComputeFunctionResult& r) {
    detail::require_model_object(j, "a test result");
    const detail::TolerantReader read{j};
    read("output", r.output);
    read("logs", r.logs);
    read("error", r.error);
    read("duration", r.duration_ms);
    r.raw = j;
}

CENTRALI_DECL PageRange<ComputeFunction> FunctionsManager::list_all(const ListOptions& options, const CallOptions& call) {
    return all_pages<ComputeFunction>(options, [self = *this, call](const ListOptions& page) { return self.list_op(page, call); });
}
CENTRALI_DECL Page<ComputeFunction> FunctionsManager::list(const ListOptions& options, const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL ComputeFunction FunctionsManager::get(std::string_view function_id, const CallOptions& call) {
    return get_op(function_id, call).run();
}
CENTRALI_DECL ComputeFunction FunctionsManager::create(const CreateComputeFunctionInput& input, const CallOptions& call) {
    return create_op(input, call).run();
}
CENTRALI_DECL ComputeFunction FunctionsManager::update(std::string_view function_id, const UpdateComputeFunctionInput& input,
                                                       const CallOptions& call) {
    return update_op(function_id, input, call).run();
}
CENTRALI_DECL void FunctionsManager::remove(std::string_view function_id, const CallOptions& call) {
    remove_op(function_id, call).run();
}
CENTRALI_DECL TestComputeFunctionResult FunctionsManager::test_execute(const TestComputeFunctionInput& input,
                                                                       const CallOptions& call) {
    return test_op(input, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<ComputeFunction>> FunctionsManager::list_op(const ListOptions& options,
                                                                              const CallOptions& call) const {
    return page<ComputeFunction>(detail::routes::functions_list, {}, paging(options.page, options.page_size),
                                 "compute functions", call);
}
CENTRALI_DECL detail::HttpOp<ComputeFunction> FunctionsManager::get_op(std::string_view function_id,
                                                                       const CallOptions& call) const {
    return one<ComputeFunction>(detail::routes::functions_get, {function_id}, {}, nullptr, "compute function", call);
}
CENTRALI_DECL detail::HttpOp<ComputeFunction> FunctionsManager::create_op(const CreateComputeFunctionInput& input,
                                                                          const CallOptions& call) const {
    if (input.name.empty() || input.code.empty()) throw InvalidArgument("a compute function needs a name and code");
    const nlohmann::json body = input;
    return one<ComputeFunction>(detail::routes::functions_create, {}, {}, &body, "compute function", call);
}
CENTRALI_DECL detail::HttpOp<ComputeFunction> FunctionsManager::update_op(std::string_view function_id,
                                                                          const UpdateComputeFunctionInput& input,
                                                                          const CallOptions& call) const {
    const nlohmann::json body = input;
    return one<ComputeFunction>(detail::routes::functions_update, {function_id}, {}, &body, "compute function", call);
}
CENTRALI_DECL detail::HttpOp<void> FunctionsManager::remove_op(std::string_view function_id, const CallOptions& call) const {
    return discard(detail::routes::functions_delete, {function_id}, call);
}
CENTRALI_DECL detail::HttpOp<TestComputeFunctionResult> FunctionsManager::test_op(const TestComputeFunctionInput& input,
                                                                                  const CallOptions& call) const {
    if (input.code.empty()) throw InvalidArgument("test_execute needs code");
    const nlohmann::json body = input;
    return one<TestComputeFunctionResult>(detail::routes::functions_test, {}, {}, &body, "test result", call);
}

CENTRALI_NAMESPACE_END

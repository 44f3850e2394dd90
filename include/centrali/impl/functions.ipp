#pragma once

#include <centrali/functions.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, ComputeFunction& f) {
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
    detail::read_member(j, "output", r.output);
    detail::read_member(j, "logs", r.logs);
    detail::read_member(j, "error", r.error);
    detail::read_member(j, "duration", r.duration_ms);
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

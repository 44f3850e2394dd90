#pragma once

#include <centrali/orchestrations.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void to_json(nlohmann::json& j, const OrchestrationTrigger& t) {
    using detail::known;
    j = detail::unknown_members(t.extra, known("type", t.type), known("eventType", t.event_type),
                                known("structureSlug", t.structure_slug), known("scheduleType", t.schedule_type),
                                known("interval", t.interval), known("cronExpression", t.cron_expression),
                                known("scheduledAt", t.scheduled_at));
    detail::write_member(j, "type", t.type);
    detail::write_member(j, "eventType", t.event_type);
    detail::write_member(j, "structureSlug", t.structure_slug);
    detail::write_member(j, "scheduleType", t.schedule_type);
    detail::write_member(j, "interval", t.interval);
    detail::write_member(j, "cronExpression", t.cron_expression);
    detail::write_member(j, "scheduledAt", t.scheduled_at);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, OrchestrationTrigger& t) {
    detail::require_model_object(j, "an orchestration trigger");
    const detail::TolerantReader read{j};
    read("type", t.type);
    read("eventType", t.event_type);
    read("structureSlug", t.structure_slug);
    read("scheduleType", t.schedule_type);
    read("interval", t.interval);
    read("cronExpression", t.cron_expression);
    read("scheduledAt", t.scheduled_at);
    t.extra = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const DecisionCase& c) {
    j = {{"condition", {{"field", c.field}, {"operator", c.op}, {"value", c.value}}}, {"nextStepId", c.next_step_id}};
}

CENTRALI_DECL void from_json(const nlohmann::json& j, DecisionCase& c) {
    detail::require_model_object(j, "a decision case");
    if (auto condition = j.find("condition"); condition != j.end()) {
        const detail::TolerantReader read{*condition};
        read("field", c.field);
        read("operator", c.op);
        read("value", c.value);
    }
    detail::read_member_tolerant(j, "nextStepId", c.next_step_id);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const OrchestrationStep& s) {
    // encryptedParams is not among them: a decoded step holds only the secrets' masked values,
    // which are sent back as they came unless the caller gives new ones.
    using detail::known;
    j = detail::unknown_members(s.extra, known("id", s.id), known("type", s.type), known("name", s.name),
                                known("nextStepId", s.next_step_id), known("functionId", s.function_id),
                                known("timeoutMs", s.timeout_ms), known("cases", s.cases),
                                known("defaultNextStepId", s.default_next_step_id), known("delayMs", s.delay_ms));
    j["id"] = s.id;
    j["type"] = s.type.str();
    detail::write_member(j, "name", s.name);
    detail::write_member(j, "nextStepId", s.next_step_id);
    detail::write_member(j, "functionId", s.function_id);
    detail::write_member(j, "timeoutMs", s.timeout_ms);
    if (!s.encrypted_params.empty()) {
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [name, value] : s.encrypted_params) params[name] = {{"value", value}, {"encrypt", true}};
        j["encryptedParams"] = std::move(params);
    }
    if (!s.cases.empty()) j["cases"] = s.cases;
    detail::write_member(j, "defaultNextStepId", s.default_next_step_id);
    detail::write_member(j, "delayMs", s.delay_ms);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, OrchestrationStep& s) {
    s.id = detail::read_identity(j, "id", "an orchestration step");
    const detail::TolerantReader read{j};
    read("name", s.name);
    read("type", s.type);
    read("nextStepId", s.next_step_id);
    read("functionId", s.function_id);
    read("timeoutMs", s.timeout_ms);
    if (auto params = j.find("encryptedParams"); params != j.end() && params->is_object())
        for (const auto& item : params->items()) s.encrypted_param_names.push_back(item.key());
    detail::read_model_list(j, "cases", s.cases);
    read("defaultNextStepId", s.default_next_step_id);
    read("delayMs", s.delay_ms);
    s.extra = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, Orchestration& o) {
    o.id = detail::read_identity(j, "id", "an orchestration");
    const detail::TolerantReader read{j};
    read("workspaceSlug", o.workspace_slug);
    read("slug", o.slug);
    read("name", o.name);
    read("description", o.description);
    read("version", o.version);
    read("status", o.status);
    if (o.status.empty()) {
        std::optional<bool> active;
        read("isActive", active);
        if (active) o.status = *active ? OrchestrationStatus::active : OrchestrationStatus::paused;
    }
    read("trigger", o.trigger);
    detail::read_model_list(j, "steps", o.steps);
    read("createdAt", o.created_at);
    read("updatedAt", o.updated_at);
    read("createdBy", o.created_by);
    read("updatedBy", o.updated_by);
    o.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const CreateOrchestrationInput& input) {
    j = {{"slug", input.slug}, {"name", input.name}, {"trigger", input.trigger}, {"steps", input.steps}};
    detail::write_member(j, "description", input.description);
    if (input.status) j["status"] = input.status->str();
}

CENTRALI_DECL void from_json(const nlohmann::json& j, CreateOrchestrationInput& input) {
    detail::read_member(j, "slug", input.slug);
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "trigger", input.trigger);
    detail::read_member(j, "steps", input.steps);
    detail::read_member(j, "status", input.status);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateOrchestrationInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "trigger", input.trigger);
    detail::read_member(j, "steps", input.steps);
    detail::read_member(j, "status", input.status);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateOrchestrationInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "description", input.description);
    if (input.trigger) j["trigger"] = *input.trigger;
    if (input.steps) j["steps"] = *input.steps;
    if (input.status) j["status"] = input.status->str();
}

CENTRALI_DECL void from_json(const nlohmann::json& j, OrchestrationStepRun& s) {
    // `stepId` identifies it where a service sends no run id of its own (UNCONFIRMED shape).
    s.id = detail::read_identity(j, "id", "an orchestration step run", "stepId");
    const detail::TolerantReader read{j};
    read("stepId", s.step_id);
    read("stepType", s.step_type);
    read("status", s.status);
    read("input", s.input);
    read("output", s.output);
    if (auto error = j.find("error"); error != j.end() && error->is_object()) {
        detail::read_member_tolerant(*error, "code", s.error_code);
        detail::read_member_tolerant(*error, "message", s.error_message);
    } else {
        read("error", s.error_message);
    }
    read("functionRunId", s.function_run_id);
    read("startedAt", s.started_at);
    read("completedAt", s.completed_at);
    read("durationMs", s.duration_ms);
    s.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, OrchestrationRun& r) {
    r.id = detail::read_identity(j, "id", "an orchestration run");
    const detail::TolerantReader read{j};
    read("orchestrationId", r.orchestration_id);
    read("status", r.status);
    read("input", r.input);
    read("context", r.context);
    if (auto outputs = j.find("stepOutputs"); outputs != j.end() && outputs->is_object())
        for (const auto& item : outputs->items()) r.step_outputs[item.key()] = item.value();
    read("currentStepId", r.current_step_id);
    if (auto error = j.find("error"); error != j.end() && error->is_object()) {
        detail::read_member_tolerant(*error, "code", r.error_code);
        detail::read_member_tolerant(*error, "message", r.error_message);
    } else {
        read("error", r.error_message);
    }
    read("startedAt", r.started_at);
    read("completedAt", r.completed_at);
    read("createdAt", r.created_at);
    r.raw = j;
}

/// What one wait for an orchestration run knows between its polls.
struct OrchestrationsManager::RunProgress {
    std::string orchestration;
    std::string run_id;
    std::optional<nlohmann::json> input;  ///< set until the run is started
    OrchestrationRun last;
};

namespace detail {
inline std::vector<std::string> encrypted_values(const std::vector<OrchestrationStep>& steps) {
    std::vector<std::string> values;
    for (const auto& step : steps)
        for (const auto& [name, value] : step.encrypted_params) values.push_back(value);
    return values;
}
inline OrchestrationRun checked_run(OrchestrationRun run) {
    if (run.status != OrchestrationRunStatus::completed) throw OrchestrationRunFailed(std::move(run));
    return run;
}
}  // namespace detail

CENTRALI_DECL PageRange<Orchestration> OrchestrationsManager::list_all(const ListOrchestrationsOptions& options,
                                                                       const CallOptions& call) {
    return all_pages<Orchestration>(options, [self = *this, call](const ListOrchestrationsOptions& page) {
        return self.list_op(page, call);
    });
}
CENTRALI_DECL PageRange<OrchestrationRun> OrchestrationsManager::list_runs_all(std::string_view orchestration_id,
                                                                              const ListOrchestrationRunsOptions& options,
                                                                              const CallOptions& call) {
    return all_pages<OrchestrationRun>(options, [self = *this, id = std::string(orchestration_id),
                                                 call](const ListOrchestrationRunsOptions& page) {
        return self.list_runs_op(id, page, call);
    });
}
CENTRALI_DECL Page<Orchestration> OrchestrationsManager::list(const ListOrchestrationsOptions& options,
                                                              const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL Orchestration OrchestrationsManager::get(std::string_view orchestration_id, const CallOptions& call) {
    return get_op(orchestration_id, call).run();
}
CENTRALI_DECL Orchestration OrchestrationsManager::create(const CreateOrchestrationInput& input, const CallOptions& call) {
    return create_op(input, call).run();
}
CENTRALI_DECL Orchestration OrchestrationsManager::update(std::string_view orchestration_id,
                                                          const UpdateOrchestrationInput& input,
                                                          const CallOptions& call) {
    return update_op(orchestration_id, input, call).run();
}
CENTRALI_DECL void OrchestrationsManager::remove(std::string_view orchestration_id, const CallOptions& call) {
    remove_op(orchestration_id, call).run();
}
CENTRALI_DECL OrchestrationRun OrchestrationsManager::start(std::string_view orchestration_id,
                                                            const nlohmann::json& input, const CallOptions& call) {
    return start_op(orchestration_id, input, call).run();
}
CENTRALI_DECL Page<OrchestrationRun> OrchestrationsManager::list_runs(std::string_view orchestration_id,
                                                                      const ListOrchestrationRunsOptions& options,
                                                                      const CallOptions& call) {
    return list_runs_op(orchestration_id, options, call).run();
}
CENTRALI_DECL OrchestrationRun OrchestrationsManager::get_run(std::string_view orchestration_id, std::string_view run_id,
                                                              const CallOptions& call) {
    return run_op(detail::routes::orchestration_runs_get, orchestration_id, run_id, call).run();
}
CENTRALI_DECL std::vector<OrchestrationStepRun> OrchestrationsManager::steps(std::string_view orchestration_id,
                                                                             std::string_view run_id,
                                                                             const CallOptions& call) {
    return steps_op(orchestration_id, run_id, call).run();
}
CENTRALI_DECL OrchestrationRun OrchestrationsManager::cancel_run(std::string_view orchestration_id,
                                                                 std::string_view run_id, const CallOptions& call) {
    return run_op(detail::routes::orchestration_runs_cancel, orchestration_id, run_id, call).run();
}
CENTRALI_DECL OrchestrationRun OrchestrationsManager::wait_run(std::string_view orchestration_id,
                                                               std::string_view run_id, const WaitOptions& wait) {
    return wait_op(orchestration_id, run_id, nullptr, wait).run();
}
CENTRALI_DECL OrchestrationRun OrchestrationsManager::start_and_wait(std::string_view orchestration_id,
                                                                     const nlohmann::json& input,
                                                                     const WaitOptions& wait) {
    return wait_op(orchestration_id, {}, &input, wait).run();
}

CENTRALI_DECL detail::HttpOp<Page<Orchestration>> OrchestrationsManager::list_op(const ListOrchestrationsOptions& options,
                                                                                 const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size, "pageSize");
    if (!options.sort.empty()) query.add("sort", options.sort);
    if (!options.order.empty()) query.add("order", options.order);
    return page<Orchestration>(detail::routes::orchestrations_list, {}, query, "orchestrations", call);
}
CENTRALI_DECL detail::HttpOp<Orchestration> OrchestrationsManager::get_op(std::string_view orchestration_id,
                                                                          const CallOptions& call) const {
    return one<Orchestration>(detail::routes::orchestrations_get, {orchestration_id}, {}, nullptr, "orchestration", call);
}
CENTRALI_DECL detail::HttpOp<Orchestration> OrchestrationsManager::create_op(const CreateOrchestrationInput& input,
                                                                             const CallOptions& call) const {
    if (input.slug.empty() || input.name.empty()) throw InvalidArgument("an orchestration needs a slug and a name");
    if (input.trigger.type.empty())
        throw InvalidArgument("an orchestration needs trigger.type (\"on-demand\", \"event-driven\", \"scheduled\"…)");
    const nlohmann::json body = input;
    return one<Orchestration>(detail::routes::orchestrations_create, {}, {}, &body, "orchestration", call,
                              detail::encrypted_values(input.steps));
}
CENTRALI_DECL detail::HttpOp<Orchestration> OrchestrationsManager::update_op(std::string_view orchestration_id,
                                                                             const UpdateOrchestrationInput& input,
                                                                             const CallOptions& call) const {
    const nlohmann::json body = input;
    return one<Orchestration>(detail::routes::orchestrations_update, {orchestration_id}, {}, &body, "orchestration", call,
                              input.steps ? detail::encrypted_values(*input.steps) : std::vector<std::string>{});
}
CENTRALI_DECL detail::HttpOp<void> OrchestrationsManager::remove_op(std::string_view orchestration_id,
                                                                    const CallOptions& call) const {
    return discard(detail::routes::orchestrations_delete, {orchestration_id}, call);
}
CENTRALI_DECL detail::HttpOp<OrchestrationRun> OrchestrationsManager::start_op(std::string_view orchestration_id,
                                                                               const nlohmann::json& input,
                                                                               const CallOptions& call) const {
    nlohmann::json body = nlohmann::json::object();
    body["input"] = input.is_null() ? nlohmann::json::object() : input;
    return one<OrchestrationRun>(detail::routes::orchestration_runs_start, {orchestration_id}, {}, &body,
                                 "orchestration run", call);
}
CENTRALI_DECL detail::HttpOp<Page<OrchestrationRun>> OrchestrationsManager::list_runs_op(
    std::string_view orchestration_id, const ListOrchestrationRunsOptions& options, const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size, "pageSize");
    if (options.status && !options.status->empty()) query.add("status", options.status->str());
    return page<OrchestrationRun>(detail::routes::orchestration_runs_list, {orchestration_id}, query,
                                  "orchestration runs", call);
}
CENTRALI_DECL detail::HttpOp<OrchestrationRun> OrchestrationsManager::run_op(const detail::Route& route,
                                                                             std::string_view orchestration_id,
                                                                             std::string_view run_id,
                                                                             const CallOptions& call) const {
    return one<OrchestrationRun>(route, {orchestration_id, run_id}, {}, nullptr, "orchestration run", call);
}
CENTRALI_DECL detail::HttpOp<std::vector<OrchestrationStepRun>> OrchestrationsManager::steps_op(
    std::string_view orchestration_id, std::string_view run_id, const CallOptions& call) const {
    return many<OrchestrationStepRun>(detail::routes::orchestration_runs_steps, {orchestration_id, run_id}, {}, nullptr,
                                      "orchestration steps", call);
}

CENTRALI_DECL detail::Op<OrchestrationRun> OrchestrationsManager::wait_op(std::string_view orchestration_id,
                                                                          std::string_view run_id,
                                                                          const nlohmann::json* input,
                                                                          const WaitOptions& wait) const {
    if (orchestration_id.empty() || (input == nullptr && run_id.empty()))
        throw InvalidArgument("orchestration id and run id must not be empty");
    auto progress = std::make_shared<RunProgress>();
    progress->orchestration = std::string(orchestration_id);
    progress->run_id = std::string(run_id);
    if (input != nullptr) progress->input = *input;
    return detail::wait_op<OrchestrationRun>(
        core_, wait, "orchestration run of " + progress->orchestration,
        [self = *this, progress](const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                                 detail::Completion<bool> done) { self.poll_run(progress, ex, call, std::move(done)); },
        [progress] { return detail::checked_run(std::move(progress->last)); });
}

CENTRALI_DECL void OrchestrationsManager::poll_run(const std::shared_ptr<RunProgress>& progress,
                                                   const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                                                   detail::Completion<bool> done) const {
    if (progress->input) {
        const nlohmann::json input = std::move(*progress->input);
        progress->input.reset();  // started once, whatever its outcome: a POST is never sent again
        return start_op(progress->orchestration, input, call)
            .start(ex, [progress, done = std::move(done)](Result<OrchestrationRun> run) mutable {
                if (!run) return done(run.error());
                if (run.value().id.empty())
                    return done(std::make_exception_ptr(DecodeError("centrali: the orchestration's start answer has no run id")));
                progress->run_id = run.value().id;
                done(false);
            });
    }
    run_op(detail::routes::orchestration_runs_get, progress->orchestration, progress->run_id, call)
        .start(ex, [self = *this, progress, ex, call, done = std::move(done)](Result<OrchestrationRun> run) mutable {
            if (!run) return done(run.error());
            progress->last = std::move(run).value();
            if (!progress->last.status.is_terminal()) return done(false);
            // Over: the same poll fetches its steps, and the wait ends with them.
            self.steps_op(progress->orchestration, progress->run_id, call)
                .start(ex, [progress, done = std::move(done)](Result<std::vector<OrchestrationStepRun>> steps) mutable {
                    if (!steps) return done(steps.error());
                    progress->last.steps = std::move(steps).value();
                    done(true);
                });
        });
}

CENTRALI_NAMESPACE_END

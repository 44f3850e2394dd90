#pragma once
// client.orchestrations(): multi-step workflows that chain compute steps with decisions and
// delays, their runs, and waiting for a run to finish.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/detail/poll.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

class OrchestrationStatus : public StringEnum<OrchestrationStatus> {
public:
    using StringEnum::StringEnum;
    static const OrchestrationStatus draft, active, paused;
};
inline const OrchestrationStatus OrchestrationStatus::draft{"draft"};
inline const OrchestrationStatus OrchestrationStatus::active{"active"};
inline const OrchestrationStatus OrchestrationStatus::paused{"paused"};

/// Orchestration runs spell failure `failed` (function runs say `failure`).
class OrchestrationRunStatus : public StringEnum<OrchestrationRunStatus> {
public:
    using StringEnum::StringEnum;
    static const OrchestrationRunStatus pending, running, waiting, completed, failed, cancelled;
    bool is_terminal() const { return *this == completed || *this == failed || *this == cancelled; }
};
inline const OrchestrationRunStatus OrchestrationRunStatus::pending{"pending"};
inline const OrchestrationRunStatus OrchestrationRunStatus::running{"running"};
inline const OrchestrationRunStatus OrchestrationRunStatus::waiting{"waiting"};
inline const OrchestrationRunStatus OrchestrationRunStatus::completed{"completed"};
inline const OrchestrationRunStatus OrchestrationRunStatus::failed{"failed"};
inline const OrchestrationRunStatus OrchestrationRunStatus::cancelled{"cancelled"};

class StepType : public StringEnum<StepType> {
public:
    using StringEnum::StringEnum;
    static const StepType compute, decision, delay;
};
inline const StepType StepType::compute{"compute"};
inline const StepType StepType::decision{"decision"};
inline const StepType StepType::delay{"delay"};

/// What starts an orchestration. `type` is one of on-demand, event-driven, scheduled,
/// http-trigger.
struct OrchestrationTrigger {
    std::string type = "on-demand";
    std::string event_type;      ///< event-driven, e.g. record_created
    std::string structure_slug;  ///< event-driven: the collection to watch
    std::string schedule_type;   ///< scheduled: interval | cron | once
    std::optional<long long> interval;  ///< seconds
    std::string cron_expression;
    std::string scheduled_at;
    nlohmann::json extra = nlohmann::json::object();  ///< any other member, sent and kept as is
};

template <class T, detail::only<T, OrchestrationTrigger> = 0>
void to_json(nlohmann::json& j, const T& t) {
    j = t.extra.is_object() ? t.extra : nlohmann::json::object();
    j["type"] = t.type;
    detail::write_member(j, "eventType", t.event_type);
    detail::write_member(j, "structureSlug", t.structure_slug);
    detail::write_member(j, "scheduleType", t.schedule_type);
    detail::write_member(j, "interval", t.interval);
    detail::write_member(j, "cronExpression", t.cron_expression);
    detail::write_member(j, "scheduledAt", t.scheduled_at);
}

template <class T, detail::only<T, OrchestrationTrigger> = 0>
void from_json(const nlohmann::json& j, T& t) {
    detail::read_member(j, "type", t.type);
    detail::read_member(j, "eventType", t.event_type);
    detail::read_member(j, "structureSlug", t.structure_slug);
    detail::read_member(j, "scheduleType", t.schedule_type);
    detail::read_member(j, "interval", t.interval);
    detail::read_member(j, "cronExpression", t.cron_expression);
    detail::read_member(j, "scheduledAt", t.scheduled_at);
    t.extra = j;
}

/// One branch of a decision step: when the value at `field` (a path into the workflow
/// context, e.g. steps.validate.output.isValid) compares to `value` by `op`, go to
/// `next_step_id`. Field names of decision steps are UNCONFIRMED.
struct DecisionCase {
    std::string field;
    std::string op = "eq";
    nlohmann::json value;
    std::string next_step_id;
};

template <class T, detail::only<T, DecisionCase> = 0>
void to_json(nlohmann::json& j, const T& c) {
    j = {{"condition", {{"field", c.field}, {"operator", c.op}, {"value", c.value}}}, {"nextStepId", c.next_step_id}};
}

template <class T, detail::only<T, DecisionCase> = 0>
void from_json(const nlohmann::json& j, T& c) {
    if (auto condition = j.find("condition"); condition != j.end()) {
        detail::read_member(*condition, "field", c.field);
        detail::read_member(*condition, "operator", c.op);
        detail::read_member(*condition, "value", c.value);
    }
    detail::read_member(j, "nextStepId", c.next_step_id);
}

/// A step. Compute steps run a function; decision steps branch; delay steps wait.
struct OrchestrationStep {
    std::string id;  ///< chosen by you, e.g. "validate-order"; outputs are steps.<id>.output
    std::string name;
    StepType type = StepType::compute;
    std::string next_step_id;  ///< empty: the run ends after this step

    // compute
    std::string function_id;
    std::optional<long long> timeout_ms;
    /// Parameters stored encrypted at rest and given to the function decrypted. Sent as
    /// {"value": …, "encrypt": true}; the server answers "********". Never logged, and
    /// redacted from errors of the call that sends them.
    std::map<std::string, std::string> encrypted_params;
    /// Names of the encrypted parameters as the server reported them (values are masked).
    std::vector<std::string> encrypted_param_names;

    // decision
    std::vector<DecisionCase> cases;
    std::string default_next_step_id;

    // delay
    std::optional<long long> delay_ms;

    nlohmann::json extra = nlohmann::json::object();  ///< any other member, sent and kept as is
};

template <class T, detail::only<T, OrchestrationStep> = 0>
void to_json(nlohmann::json& j, const T& s) {
    j = s.extra.is_object() ? s.extra : nlohmann::json::object();
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

template <class T, detail::only<T, OrchestrationStep> = 0>
void from_json(const nlohmann::json& j, T& s) {
    detail::read_member(j, "id", s.id);
    detail::read_member(j, "name", s.name);
    detail::read_member(j, "type", s.type);
    detail::read_member(j, "nextStepId", s.next_step_id);
    detail::read_member(j, "functionId", s.function_id);
    detail::read_member(j, "timeoutMs", s.timeout_ms);
    if (auto params = j.find("encryptedParams"); params != j.end() && params->is_object())
        for (const auto& item : params->items()) s.encrypted_param_names.push_back(item.key());
    detail::read_member(j, "cases", s.cases);
    detail::read_member(j, "defaultNextStepId", s.default_next_step_id);
    detail::read_member(j, "delayMs", s.delay_ms);
    s.extra = j;
}

struct Orchestration {
    std::string id;
    std::string workspace_slug;
    std::string slug;
    std::string name;
    std::string description;
    std::optional<long long> version;
    OrchestrationStatus status;  ///< from `status`, or the older boolean `isActive`
    OrchestrationTrigger trigger;
    std::vector<OrchestrationStep> steps;  ///< list results may leave them out
    std::string created_at;
    std::string updated_at;
    std::string created_by;
    std::string updated_by;
    nlohmann::json raw;
};

template <class T, detail::only<T, Orchestration> = 0>
void from_json(const nlohmann::json& j, T& o) {
    detail::read_member(j, "id", o.id);
    detail::read_member(j, "workspaceSlug", o.workspace_slug);
    detail::read_member(j, "slug", o.slug);
    detail::read_member(j, "name", o.name);
    detail::read_member(j, "description", o.description);
    detail::read_member(j, "version", o.version);
    detail::read_member(j, "status", o.status);
    if (o.status.empty()) {
        std::optional<bool> active;
        detail::read_member(j, "isActive", active);
        if (active) o.status = *active ? OrchestrationStatus::active : OrchestrationStatus::paused;
    }
    detail::read_member(j, "trigger", o.trigger);
    detail::read_member(j, "steps", o.steps);
    detail::read_member(j, "createdAt", o.created_at);
    detail::read_member(j, "updatedAt", o.updated_at);
    detail::read_member(j, "createdBy", o.created_by);
    detail::read_member(j, "updatedBy", o.updated_by);
    o.raw = j;
}

struct CreateOrchestrationInput {
    std::string slug;
    std::string name;
    std::string description;
    OrchestrationTrigger trigger;
    std::vector<OrchestrationStep> steps;
    std::optional<OrchestrationStatus> status;  ///< the server's default is UNCONFIRMED (likely draft)
};

template <class T, detail::only<T, CreateOrchestrationInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"slug", input.slug}, {"name", input.name}, {"trigger", input.trigger}, {"steps", input.steps}};
    detail::write_member(j, "description", input.description);
    if (input.status) j["status"] = input.status->str();
}

/// Only the members that are set are sent.
struct UpdateOrchestrationInput {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<OrchestrationTrigger> trigger;
    std::optional<std::vector<OrchestrationStep>> steps;
    std::optional<OrchestrationStatus> status;
};

template <class T, detail::only<T, UpdateOrchestrationInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "description", input.description);
    if (input.trigger) j["trigger"] = *input.trigger;
    if (input.steps) j["steps"] = *input.steps;
    if (input.status) j["status"] = input.status->str();
}

/// One step's execution inside a run.
struct OrchestrationStepRun {
    std::string id;
    std::string step_id;
    StepType step_type;
    OrchestrationRunStatus status;
    nlohmann::json input;
    nlohmann::json output;
    std::string error_code;
    std::string error_message;
    std::string function_run_id;
    std::string started_at;
    std::string completed_at;
    std::optional<double> duration_ms;
    nlohmann::json raw;
};

template <class T, detail::only<T, OrchestrationStepRun> = 0>
void from_json(const nlohmann::json& j, T& s) {
    detail::read_member(j, "id", s.id);
    detail::read_member(j, "stepId", s.step_id);
    detail::read_member(j, "stepType", s.step_type);
    detail::read_member(j, "status", s.status);
    detail::read_member(j, "input", s.input);
    detail::read_member(j, "output", s.output);
    if (auto error = j.find("error"); error != j.end() && error->is_object()) {
        detail::read_member(*error, "code", s.error_code);
        detail::read_member(*error, "message", s.error_message);
    } else {
        detail::read_member(j, "error", s.error_message);
    }
    detail::read_member(j, "functionRunId", s.function_run_id);
    detail::read_member(j, "startedAt", s.started_at);
    detail::read_member(j, "completedAt", s.completed_at);
    detail::read_member(j, "durationMs", s.duration_ms);
    s.raw = j;
}

struct OrchestrationRun {
    std::string id;
    std::string orchestration_id;
    OrchestrationRunStatus status;
    nlohmann::json input;    ///< the trigger payload, immutable
    nlohmann::json context;  ///< the shared mutable state
    /// steps.<id>.output of the steps that completed, by step id.
    std::map<std::string, nlohmann::json> step_outputs;
    std::string current_step_id;
    std::string error_code;
    std::string error_message;
    std::string started_at;
    std::string completed_at;
    std::string created_at;
    /// Filled by the wait helpers and steps(); a plain get_run leaves it empty.
    std::vector<OrchestrationStepRun> steps;
    nlohmann::json raw;
};

template <class T, detail::only<T, OrchestrationRun> = 0>
void from_json(const nlohmann::json& j, T& r) {
    detail::read_member(j, "id", r.id);
    detail::read_member(j, "orchestrationId", r.orchestration_id);
    detail::read_member(j, "status", r.status);
    detail::read_member(j, "input", r.input);
    detail::read_member(j, "context", r.context);
    if (auto outputs = j.find("stepOutputs"); outputs != j.end() && outputs->is_object())
        for (const auto& item : outputs->items()) r.step_outputs[item.key()] = item.value();
    detail::read_member(j, "currentStepId", r.current_step_id);
    if (auto error = j.find("error"); error != j.end() && error->is_object()) {
        detail::read_member(*error, "code", r.error_code);
        detail::read_member(*error, "message", r.error_message);
    } else {
        detail::read_member(j, "error", r.error_message);
    }
    detail::read_member(j, "startedAt", r.started_at);
    detail::read_member(j, "completedAt", r.completed_at);
    detail::read_member(j, "createdAt", r.created_at);
    r.raw = j;
}

/// A waited-for orchestration run ended `failed` or `cancelled`; run() has it, with its steps.
class OrchestrationRunFailed : public Error {
public:
    explicit OrchestrationRunFailed(OrchestrationRun run)
        : Error("centrali: orchestration run " + run.id + " ended " + run.status.str() +
                    (run.error_message.empty() ? std::string() : ": " + run.error_message),
                ErrorInfo{0, run.error_code, run.error_message, nullptr, {}}),
          run_(std::move(run)) {}
    const OrchestrationRun& run() const noexcept { return run_; }

private:
    OrchestrationRun run_;
};

struct ListOrchestrationsOptions {
    long long page = 0;       ///< 0: not sent (server default 1)
    long long page_size = 0;  ///< 0: not sent (server default 20, max 100)
    std::string sort;         ///< e.g. createdAt
    std::string order;        ///< asc | desc
};

struct ListOrchestrationRunsOptions {
    long long page = 0;
    long long page_size = 0;
    std::optional<OrchestrationRunStatus> status;
};

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it OrchestrationsManager.
template <class Unused = void>
class BasicOrchestrationsManager : private ManagerBase {
public:
    explicit BasicOrchestrationsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<Orchestration> list(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).run(call);
    }
    std::future<Page<Orchestration>> list_async(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }

    Orchestration get(std::string_view orchestration_id, const CallOptions& call = {}) { return get_op(orchestration_id).run(call); }
    std::future<Orchestration> get_async(std::string_view orchestration_id, const CallOptions& call = {}) {
        return get_op(orchestration_id).submit(call);
    }

    Orchestration create(const CreateOrchestrationInput& input, const CallOptions& call = {}) { return create_op(input).run(call); }
    std::future<Orchestration> create_async(const CreateOrchestrationInput& input, const CallOptions& call = {}) {
        return create_op(input).submit(call);
    }

    Orchestration update(std::string_view orchestration_id, const UpdateOrchestrationInput& input, const CallOptions& call = {}) {
        return update_op(orchestration_id, input).run(call);
    }
    std::future<Orchestration> update_async(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                                            const CallOptions& call = {}) {
        return update_op(orchestration_id, input).submit(call);
    }

    void remove(std::string_view orchestration_id, const CallOptions& call = {}) { remove_op(orchestration_id).run(call); }
    std::future<void> remove_async(std::string_view orchestration_id, const CallOptions& call = {}) {
        return remove_op(orchestration_id).submit(call);
    }

    /// Starts a run with `input` (the workflow's immutable input) and returns it as started.
    OrchestrationRun start(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                           const CallOptions& call = {}) {
        return start_op(orchestration_id, input).run(call);
    }
    std::future<OrchestrationRun> start_async(std::string_view orchestration_id,
                                              const nlohmann::json& input = nlohmann::json::object(),
                                              const CallOptions& call = {}) {
        return start_op(orchestration_id, input).submit(call);
    }

    Page<OrchestrationRun> list_runs(std::string_view orchestration_id, const ListOrchestrationRunsOptions& options = {},
                                     const CallOptions& call = {}) {
        return list_runs_op(orchestration_id, options).run(call);
    }
    std::future<Page<OrchestrationRun>> list_runs_async(std::string_view orchestration_id,
                                                        const ListOrchestrationRunsOptions& options = {},
                                                        const CallOptions& call = {}) {
        return list_runs_op(orchestration_id, options).submit(call);
    }

    OrchestrationRun get_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {}) {
        return run_op(detail::routes::orchestration_runs_get, orchestration_id, run_id).run(call);
    }
    std::future<OrchestrationRun> get_run_async(std::string_view orchestration_id, std::string_view run_id,
                                                const CallOptions& call = {}) {
        return run_op(detail::routes::orchestration_runs_get, orchestration_id, run_id).submit(call);
    }

    std::vector<OrchestrationStepRun> steps(std::string_view orchestration_id, std::string_view run_id,
                                            const CallOptions& call = {}) {
        return steps_op(orchestration_id, run_id).run(call);
    }
    std::future<std::vector<OrchestrationStepRun>> steps_async(std::string_view orchestration_id, std::string_view run_id,
                                                               const CallOptions& call = {}) {
        return steps_op(orchestration_id, run_id).submit(call);
    }

    OrchestrationRun cancel_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {}) {
        return run_op(detail::routes::orchestration_runs_cancel, orchestration_id, run_id).run(call);
    }
    std::future<OrchestrationRun> cancel_run_async(std::string_view orchestration_id, std::string_view run_id,
                                                   const CallOptions& call = {}) {
        return run_op(detail::routes::orchestration_runs_cancel, orchestration_id, run_id).submit(call);
    }

    /// Polls the run until it ends; returns it completed, with its steps, or throws
    /// OrchestrationRunFailed (failed or cancelled), DeadlineExceeded or Cancelled.
    OrchestrationRun wait_run(std::string_view orchestration_id, std::string_view run_id, const WaitOptions& wait = {}) {
        const std::string orchestration(orchestration_id), run(run_id);
        CallOptions call;
        call.cancel = wait.cancel;
        OrchestrationRun finished = detail::poll_until(
            clock(), wait, "orchestration run " + run,
            [&] { return run_op(detail::routes::orchestration_runs_get, orchestration, run).run(call); }, is_over);
        finished.steps = steps(orchestration, run, call);
        return checked(std::move(finished));
    }
    std::future<OrchestrationRun> wait_run_async(std::string_view orchestration_id, std::string_view run_id,
                                                 const WaitOptions& wait = {}) {
        return wait_async(std::string(orchestration_id), std::string(run_id), nullptr, wait);
    }

    /// Starts a run (once; never retried) and waits for it like wait_run.
    OrchestrationRun start_and_wait(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                                    const WaitOptions& wait = {}) {
        CallOptions call;
        call.cancel = wait.cancel;
        const OrchestrationRun started = start(orchestration_id, input, call);
        return wait_run(orchestration_id, started.id, wait);
    }
    std::future<OrchestrationRun> start_and_wait_async(std::string_view orchestration_id,
                                                       const nlohmann::json& input = nlohmann::json::object(),
                                                       const WaitOptions& wait = {}) {
        return wait_async(std::string(orchestration_id), {}, std::make_shared<nlohmann::json>(input), wait);
    }

private:
    static bool is_over(const OrchestrationRun& run) { return run.status.is_terminal(); }

    static OrchestrationRun checked(OrchestrationRun run) {
        if (run.status != OrchestrationRunStatus::completed) throw OrchestrationRunFailed(std::move(run));
        return run;
    }

    /// One poll loop on the event loop. With `input`, its first "poll" starts the run (once);
    /// once the run has ended, one more step fetches its steps.
    std::future<OrchestrationRun> wait_async(std::string orchestration, std::string run_id,
                                             std::shared_ptr<nlohmann::json> input, const WaitOptions& wait) {
        struct Progress {
            std::string orchestration;
            std::string run_id;
            std::shared_ptr<nlohmann::json> input;  // set until the run is started
            std::optional<OrchestrationRun> ended;  // set once the run is over, until its steps arrive
            bool complete = false;
        };
        auto progress = std::make_shared<Progress>(Progress{std::move(orchestration), std::move(run_id), std::move(input), {}, false});
        auto make_op = [core = core_.get(), progress]() -> detail::Op<std::shared_ptr<Progress>> {
            BasicOrchestrationsManager self(detail::borrow(core));
            if (progress->input) {
                const auto input = std::move(progress->input);
                return self.start_op(progress->orchestration, *input).then_value([progress](OrchestrationRun run) {
                    progress->run_id = run.id;
                    return progress;
                });
            }
            if (progress->ended) {
                return self.steps_op(progress->orchestration, progress->run_id)
                    .then_value([progress](std::vector<OrchestrationStepRun> steps) {
                        progress->ended->steps = std::move(steps);
                        progress->complete = true;
                        return progress;
                    });
            }
            return self.run_op(detail::routes::orchestration_runs_get, progress->orchestration, progress->run_id)
                .then_value([progress](OrchestrationRun run) {
                    if (run.status.is_terminal()) progress->ended = std::move(run);
                    return progress;
                });
        };
        return detail::poll_async<std::shared_ptr<Progress>, OrchestrationRun>(
            *core_, wait, "orchestration run of " + progress->orchestration, std::move(make_op),
            [](const std::shared_ptr<Progress>& p) { return p->complete; },
            [](std::shared_ptr<Progress> p) { return checked(std::move(*p->ended)); });
    }

    detail::Op<Page<Orchestration>> list_op(const ListOrchestrationsOptions& options) const {
        detail::Query query = paging(options.page, options.page_size, "pageSize");
        if (!options.sort.empty()) query.add("sort", options.sort);
        if (!options.order.empty()) query.add("order", options.order);
        return page<Orchestration>(detail::routes::orchestrations_list, {}, query, "orchestrations");
    }
    detail::Op<Orchestration> get_op(std::string_view orchestration_id) const {
        return one<Orchestration>(detail::routes::orchestrations_get, {orchestration_id}, {}, nullptr, "orchestration");
    }
    detail::Op<Orchestration> create_op(const CreateOrchestrationInput& input) const {
        if (input.slug.empty() || input.name.empty()) throw InvalidArgument("an orchestration needs a slug and a name");
        const nlohmann::json body = input;
        return one<Orchestration>(detail::routes::orchestrations_create, {}, {}, &body, "orchestration",
                                  encrypted_values(input.steps));
    }
    detail::Op<Orchestration> update_op(std::string_view orchestration_id, const UpdateOrchestrationInput& input) const {
        const nlohmann::json body = input;
        return one<Orchestration>(detail::routes::orchestrations_update, {orchestration_id}, {}, &body, "orchestration",
                                  input.steps ? encrypted_values(*input.steps) : std::vector<std::string>{});
    }
    detail::Op<void> remove_op(std::string_view orchestration_id) const {
        return discard(detail::routes::orchestrations_delete, {orchestration_id});
    }
    detail::Op<OrchestrationRun> start_op(std::string_view orchestration_id, const nlohmann::json& input) const {
        const nlohmann::json body = {{"input", input.is_null() ? nlohmann::json::object() : input}};
        return one<OrchestrationRun>(detail::routes::orchestration_runs_start, {orchestration_id}, {}, &body,
                                     "orchestration run");
    }
    detail::Op<Page<OrchestrationRun>> list_runs_op(std::string_view orchestration_id,
                                                    const ListOrchestrationRunsOptions& options) const {
        detail::Query query = paging(options.page, options.page_size, "pageSize");
        if (options.status && !options.status->empty()) query.add("status", options.status->str());
        return page<OrchestrationRun>(detail::routes::orchestration_runs_list, {orchestration_id}, query, "orchestration runs");
    }
    detail::Op<OrchestrationRun> run_op(const detail::Route& route, std::string_view orchestration_id,
                                        std::string_view run_id) const {
        return one<OrchestrationRun>(route, {orchestration_id, run_id}, {}, nullptr, "orchestration run");
    }
    detail::Op<std::vector<OrchestrationStepRun>> steps_op(std::string_view orchestration_id, std::string_view run_id) const {
        return many<OrchestrationStepRun>(detail::routes::orchestration_runs_steps, {orchestration_id, run_id}, {}, nullptr,
                                          "orchestration steps");
    }

    static std::vector<std::string> encrypted_values(const std::vector<OrchestrationStep>& steps) {
        std::vector<std::string> values;
        for (const auto& step : steps)
            for (const auto& [name, value] : step.encrypted_params) values.push_back(value);
        return values;
    }
};
}  // namespace detail

using OrchestrationsManager = detail::BasicOrchestrationsManager<>;

CENTRALI_NAMESPACE_END

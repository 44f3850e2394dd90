#pragma once
// client.orchestrations(): multi-step workflows that chain compute steps with decisions and
// delays, their runs, and waiting for a run to finish.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// An orchestration's lifecycle state (its `status`), as the server's OpenAPI document lists
/// them. An unknown value a newer server sends is kept as it came.
class OrchestrationStatus : public StringEnum<OrchestrationStatus> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const OrchestrationStatus draft, active, paused;
};
inline const OrchestrationStatus OrchestrationStatus::draft{"draft"};    ///< `draft`: not activated yet
inline const OrchestrationStatus OrchestrationStatus::active{"active"};  ///< `active`: in service (an older server's `isActive: true`)
inline const OrchestrationStatus OrchestrationStatus::paused{"paused"};  ///< `paused`: out of service (an older server's `isActive: false`)

/// Orchestration runs spell failure `failed` (function runs say `failure`).
///
/// A run's `status` (also a step run's). Centrali documents `completed` and `failed`; the other
/// spellings are UNCONFIRMED. An unknown value a newer server sends is kept as it came.
class OrchestrationRunStatus : public StringEnum<OrchestrationRunStatus> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const OrchestrationRunStatus pending, running, waiting, completed, failed, cancelled;
    /// True for completed, failed and cancelled: the run will not change any more. A status this
    /// SDK does not know counts as not ended, so the waits keep polling a run in it.
    bool is_terminal() const { return *this == completed || *this == failed || *this == cancelled; }
};
inline const OrchestrationRunStatus OrchestrationRunStatus::pending{"pending"};      ///< `pending`: not started yet
inline const OrchestrationRunStatus OrchestrationRunStatus::running{"running"};      ///< `running`: a step is executing
inline const OrchestrationRunStatus OrchestrationRunStatus::waiting{"waiting"};      ///< `waiting`: waiting, e.g. in a delay step
inline const OrchestrationRunStatus OrchestrationRunStatus::completed{"completed"};  ///< `completed`: finished successfully
inline const OrchestrationRunStatus OrchestrationRunStatus::failed{"failed"};        ///< `failed`: ended with an error (error_code, error_message)
inline const OrchestrationRunStatus OrchestrationRunStatus::cancelled{"cancelled"};  ///< `cancelled`: cancelled, e.g. by cancel_run()

/// What a step does (its `type`). An unknown value a newer server sends is kept as it came.
class StepType : public StringEnum<StepType> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const StepType compute, decision, delay;
};
inline const StepType StepType::compute{"compute"};    ///< `compute`: runs a compute function (OrchestrationStep::function_id)
inline const StepType StepType::decision{"decision"};  ///< `decision`: branches on the workflow context (OrchestrationStep::cases)
inline const StepType StepType::delay{"delay"};        ///< `delay`: waits (OrchestrationStep::delay_ms), then goes on

/// What starts an orchestration. `type` is one of on-demand, event-driven, scheduled,
/// http-trigger.
///
/// Each field is its camelCase member (`event_type` is `eventType`); an empty or unset field is
/// not sent, except `type`.
struct OrchestrationTrigger {
    std::string type;  ///< `type`: on-demand, event-driven, scheduled…; required by create()
    std::string event_type;      ///< event-driven, e.g. record_created
    std::string structure_slug;  ///< event-driven: the collection to watch
    std::string schedule_type;   ///< scheduled: interval | cron | once
    std::optional<long long> interval;  ///< seconds
    std::string cron_expression;        ///< scheduled, cron: a 5-field cron expression
    std::string scheduled_at;           ///< scheduled, once: an ISO-8601 date-time
    /// Any other member, sent and kept as is. A decoded trigger keeps the whole object here;
    /// when sent, the members the fields above stand for come from those fields alone (an
    /// emptied field is not sent).
    nlohmann::json extra = nlohmann::json::object();
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(extra, member); }
};

/// Writes a OrchestrationTrigger as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const OrchestrationTrigger& t);

/// Reads a OrchestrationTrigger from the service's JSON (nlohmann/json's hook: `j.get<OrchestrationTrigger>()`).
void from_json(const nlohmann::json& j, OrchestrationTrigger& t);

/// One branch of a decision step: when the value at `field` (a path into the workflow
/// context, e.g. steps.validate.output.isValid) compares to `value` by `op`, go to
/// `next_step_id`. Field names of decision steps are UNCONFIRMED.
///
/// On the wire: `{"condition": {"field": …, "operator": …, "value": …}, "nextStepId": …}`.
struct DecisionCase {
    std::string field;         ///< `condition.field`: the path into the workflow context
    std::string op = "eq";     ///< the condition's `operator`: eq (equals) by default
    nlohmann::json value;      ///< `condition.value`: what the value at `field` is compared to
    std::string next_step_id;  ///< `nextStepId`: the step to go to when the condition holds
};

/// Writes a DecisionCase as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const DecisionCase& c);

/// Reads a DecisionCase from the service's JSON (nlohmann/json's hook: `j.get<DecisionCase>()`).
void from_json(const nlohmann::json& j, DecisionCase& c);

/// A step. Compute steps run a function; decision steps branch; delay steps wait.
///
/// Each field is its camelCase member (`next_step_id` is `nextStepId`); an empty or unset field
/// is not sent, except `id` and `type`.
struct OrchestrationStep {
    std::string id;  ///< chosen by you, e.g. "validate-order"; outputs are `steps.<id>.output`
    std::string name;                   ///< a display name
    StepType type = StepType::compute;  ///< what the step does
    std::string next_step_id;  ///< empty: the run ends after this step

    // compute
    std::string function_id;              ///< compute: the function to run
    std::optional<long long> timeout_ms;  ///< compute: the step's time limit, in milliseconds
    /// Parameters stored encrypted at rest and given to the function decrypted. Sent as
    /// {"value": …, "encrypt": true}; the server answers "********". Never logged, and
    /// redacted from errors of the call that sends them.
    std::map<std::string, std::string> encrypted_params;
    /// Names of the encrypted parameters as the server reported them (values are masked).
    std::vector<std::string> encrypted_param_names;

    // decision
    std::vector<DecisionCase> cases;   ///< decision: the branches (the wire form is UNCONFIRMED)
    std::string default_next_step_id;  ///< decision: where to go when no case holds

    // delay
    std::optional<long long> delay_ms;  ///< delay: how long to wait, in milliseconds (`delayMs`, UNCONFIRMED)

    /// Any other member, sent and kept as is. A decoded step keeps the whole object here,
    /// `encryptedParams` with its masked values included (sent back as they came unless
    /// encrypted_params is set); the members the fields above stand for come from those fields
    /// alone (an emptied field is not sent).
    nlohmann::json extra = nlohmann::json::object();
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(extra, member); }
};

/// Writes a OrchestrationStep as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const OrchestrationStep& s);

/// Reads a OrchestrationStep from the service's JSON (nlohmann/json's hook: `j.get<OrchestrationStep>()`).
void from_json(const nlohmann::json& j, OrchestrationStep& s);

/// An orchestration (a workflow) as the server returns it. A member the server did not send
/// stays empty.
struct Orchestration {
    std::string id;              ///< the orchestration's id, as get(), start() and the run calls take it
    std::string workspace_slug;  ///< the workspace it belongs to
    std::string slug;            ///< unique within the workspace
    std::string name;            ///< its name
    std::string description;     ///< empty when it has none
    std::optional<long long> version;  ///< `version`, as the server counts it; absent when not sent
    OrchestrationStatus status;  ///< from `status`, or the older boolean `isActive`
    OrchestrationTrigger trigger;          ///< what starts its runs
    std::vector<OrchestrationStep> steps;  ///< list results may leave them out
    std::string created_at;      ///< ISO-8601, as the server sent it
    std::string updated_at;      ///< ISO-8601, as the server sent it
    std::string created_by;      ///< `createdBy`, as the server sent it
    std::string updated_by;      ///< `updatedBy`, as the server sent it
    nlohmann::json raw;          ///< the whole orchestration as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Reads a Orchestration from the service's JSON (nlohmann/json's hook: `j.get<Orchestration>()`).
void from_json(const nlohmann::json& j, Orchestration& o);

/// What create() sends. `slug` and `name` are required (create() throws InvalidArgument, and
/// sends nothing, when either is empty); which other members the server requires is
/// UNCONFIRMED.
struct CreateOrchestrationInput {
    std::string slug;                      ///< unique within the workspace
    std::string name;                      ///< the orchestration's name
    std::string description;               ///< not sent when empty
    OrchestrationTrigger trigger;          ///< required: create() throws InvalidArgument without `trigger.type`
    std::vector<OrchestrationStep> steps;  ///< always sent, even empty
    std::optional<OrchestrationStatus> status;  ///< the server's default is UNCONFIRMED (likely draft)
};

/// Writes a CreateOrchestrationInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const CreateOrchestrationInput& input);
/// Reads a CreateOrchestrationInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, CreateOrchestrationInput& input);

/// Only the members that are set are sent.
struct UpdateOrchestrationInput {
    std::optional<std::string> name;                      ///< the new name
    std::optional<std::string> description;               ///< the new description (sent even when empty)
    std::optional<OrchestrationTrigger> trigger;          ///< the whole new trigger
    std::optional<std::vector<OrchestrationStep>> steps;  ///< the whole new list of steps
    std::optional<OrchestrationStatus> status;            ///< e.g. OrchestrationStatus::active, to activate it
};

/// Writes a UpdateOrchestrationInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const UpdateOrchestrationInput& input);
/// Reads a UpdateOrchestrationInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateOrchestrationInput& input);

/// One step's execution inside a run. A member the server did not send stays empty; the run
/// and step shapes are UNCONFIRMED (fields are read from their camelCase members).
struct OrchestrationStepRun {
    std::string id;                 ///< this step execution's id
    std::string step_id;            ///< the OrchestrationStep::id it executed
    StepType step_type;             ///< `stepType`: that step's type
    OrchestrationRunStatus status;  ///< the step's own status, in the run status spellings
    nlohmann::json input;           ///< what the step received, as sent
    nlohmann::json output;          ///< what it produced, as sent: the run's `steps.<id>.output`
    std::string error_code;         ///< `error.code` when `error` is an object; else empty
    std::string error_message;      ///< `error.message`, or `error` itself when it is a string
    std::string function_run_id;    ///< compute steps: the FunctionRun it made (runs().get())
    std::string started_at;         ///< ISO-8601, as the server sent it
    std::string completed_at;       ///< ISO-8601; empty until the step ended
    std::optional<double> duration_ms;  ///< `durationMs`: how long the step took, in milliseconds
    nlohmann::json raw;                 ///< the whole step run as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Reads a OrchestrationStepRun from the service's JSON (nlohmann/json's hook: `j.get<OrchestrationStepRun>()`).
void from_json(const nlohmann::json& j, OrchestrationStepRun& s);

/// A run of an orchestration. A member the server did not send stays empty; the run shape is
/// UNCONFIRMED (fields are read from their camelCase members).
struct OrchestrationRun {
    std::string id;                 ///< the run's id, as get_run() and wait_run() take it
    std::string orchestration_id;   ///< the orchestration it runs
    OrchestrationRunStatus status;  ///< where the run is; see OrchestrationRunStatus::is_terminal()
    nlohmann::json input;    ///< the trigger payload, immutable
    nlohmann::json context;  ///< the shared mutable state
    /// `steps.<id>.output` of the steps that completed, by step id (from `stepOutputs`).
    std::map<std::string, nlohmann::json> step_outputs;
    std::string current_step_id;  ///< `currentStepId`: the step the run is at; empty when none
    std::string error_code;       ///< `error.code` when `error` is an object; else empty
    std::string error_message;    ///< `error.message`, or `error` itself when it is a string
    std::string started_at;       ///< ISO-8601, as the server sent it
    std::string completed_at;     ///< ISO-8601; empty until the run ended
    std::string created_at;       ///< ISO-8601, as the server sent it
    /// Filled by the wait helpers (wait_run(), start_and_wait()); get_run(), list_runs() and
    /// start() leave it empty, and steps() returns the same list on its own.
    std::vector<OrchestrationStepRun> steps;
    nlohmann::json raw;  ///< the whole run as received (the steps fetched apart are not in it)
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Reads a OrchestrationRun from the service's JSON (nlohmann/json's hook: `j.get<OrchestrationRun>()`).
void from_json(const nlohmann::json& j, OrchestrationRun& r);

/// A waited-for orchestration run ended `failed` or `cancelled`; run() has it, with its steps.
///
/// what() names the run, its status and its error message; code() and message() are the run's
/// error_code and error_message; status() is 0 (the HTTP calls themselves succeeded).
class OrchestrationRunFailed : public Error {
public:
    /// Made by the waits from the run as it ended, its steps included.
    explicit OrchestrationRunFailed(OrchestrationRun run)
        : Error("centrali: orchestration run " + run.id + " ended " + run.status.str() +
                    (run.error_message.empty() ? std::string() : ": " + run.error_message),
                ErrorInfo{0, run.error_code, run.error_message, nullptr, {}}),
          run_(std::move(run)) {}
    /// The run as it ended, with its steps (OrchestrationRun::steps).
    const OrchestrationRun& run() const noexcept { return run_; }

private:
    OrchestrationRun run_;
};

/// Paging and order of list().
struct ListOrchestrationsOptions {
    std::optional<long long> page;       ///< the page number, from 1; unset: not sent (server default 1)
    std::optional<long long> page_size;  ///< `pageSize`; unset: not sent (server default 20, max 100)
    std::string sort;         ///< e.g. createdAt
    std::string order;        ///< asc | desc
};

/// Paging and filter of list_runs().
struct ListOrchestrationRunsOptions {
    std::optional<long long> page;       ///< the page number, from 1; unset: not sent
    std::optional<long long> page_size;  ///< `pageSize`; unset: not sent
    std::optional<OrchestrationRunStatus> status;  ///< only runs with this status; unset or empty: not sent
};

/// Orchestrations and their runs: client.orchestrations(). The service's base path is
/// ClientOptions::orchestration_base_path; only list, get and create follow documented routes,
/// the others REST conventions (UNCONFIRMED).
///
/// Every call has an `_async` twin (see async.hpp for its completion token); the async waits
/// poll on the event loop's timers.
///
/// An empty id throws InvalidArgument before anything is sent (from the `_async` call itself
/// too); a failed call throws a centrali::Error: NotFound and the other ApiError kinds for an
/// error status, TransportError, DecodeError or Cancelled.
class OrchestrationsManager : private detail::ManagerBase {
public:
    /// Made by the Client; use client.orchestrations().
    explicit OrchestrationsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// One page of the workspace's orchestrations; the items may lack their steps (get() has
    /// them).
    Page<Orchestration> list(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {});
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<Orchestration> list(const Call& call) {
        return list(ListOrchestrationsOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(ListOrchestrationsOptions{}, call, std::forward<Token>(token));
    }
    /// Every orchestration of the workspace, page by page as iteration needs them (see PageRange): list() from
    /// options.page (or 1) in pages of options.page_size (or 100). Nothing is sent before the
    /// range's begin(); `call` applies to each page's request. No `_async` twin: list_async()
    /// is the page-at-a-time call without blocking.
    PageRange<Orchestration> list_all(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {});
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<Orchestration> list_all(const Call& call) {
        return list_all(ListOrchestrationsOptions{}, call);
    }

    /// The orchestration with this id, with its steps; NotFound when there is none.
    Orchestration get(std::string_view orchestration_id, const CallOptions& call = {});
    /// get() without blocking: the orchestration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view orchestration_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(orchestration_id, call).launch(std::forward<Token>(token));
    }

    /// Creates an orchestration and returns it as stored. Throws InvalidArgument when `slug` or
    /// `name` is empty. The steps' encrypted parameter values are redacted from this call's
    /// errors. A POST: not resent once it may have reached the server, unless
    /// CallOptions::idempotent.
    Orchestration create(const CreateOrchestrationInput& input, const CallOptions& call = {});
    /// create() without blocking: the orchestration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto create_async(const CreateOrchestrationInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    /// Changes the members set in `input` (a PUT with only those members) and returns the
    /// orchestration as updated. The new steps' encrypted parameter values are redacted from
    /// this call's errors.
    Orchestration update(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                         const CallOptions& call = {});
    /// update() without blocking: the orchestration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_async(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(orchestration_id, input, call).launch(std::forward<Token>(token));
    }

    /// Deletes the orchestration. Whatever 2xx body the server answers with is ignored.
    void remove(std::string_view orchestration_id, const CallOptions& call = {});
    /// remove() without blocking: completion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto remove_async(std::string_view orchestration_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(orchestration_id, call).launch(std::forward<Token>(token));
    }

    /// Starts a run with `input` (the workflow's immutable input) and returns it as started.
    ///
    /// Sent as `{"input": input}` (a null input as `{}`). A POST: not resent once it may have
    /// reached the server, unless CallOptions::idempotent.
    OrchestrationRun start(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                           const CallOptions& call = {});
    /// start() with `input` at its default, so that the call's options need no
    /// placeholder: `start(orchestration_id, call)`, not `start(orchestration_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    OrchestrationRun start(std::string_view orchestration_id, const Call& call) {
        return start(orchestration_id, nlohmann::json::object(), call);
    }
    /// start() without blocking: the run, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto start_async(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                     const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->start_op(orchestration_id, input, call).launch(std::forward<Token>(token));
    }
    /// start_async() with `input` at its default, so that the call's options need no
    /// placeholder: `start_async(orchestration_id, call)`, not `start_async(orchestration_id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto start_async(std::string_view orchestration_id, const Call& call, Token&& token = {}) {
        return start_async(orchestration_id, nlohmann::json::object(), call, std::forward<Token>(token));
    }

    /// One page of the orchestration's runs, without their steps.
    Page<OrchestrationRun> list_runs(std::string_view orchestration_id, const ListOrchestrationRunsOptions& options = {},
                                     const CallOptions& call = {});
    /// list_runs() with `options` at its default, so that the call's options need no
    /// placeholder: `list_runs(orchestration_id, call)`, not `list_runs(orchestration_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<OrchestrationRun> list_runs(std::string_view orchestration_id, const Call& call) {
        return list_runs(orchestration_id, ListOrchestrationRunsOptions{}, call);
    }
    /// list_runs() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_runs_async(std::string_view orchestration_id, const ListOrchestrationRunsOptions& options = {},
                         const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_runs_op(orchestration_id, options, call).launch(std::forward<Token>(token));
    }
    /// list_runs_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_runs_async(orchestration_id, call)`, not `list_runs_async(orchestration_id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_runs_async(std::string_view orchestration_id, const Call& call, Token&& token = {}) {
        return list_runs_async(orchestration_id, ListOrchestrationRunsOptions{}, call, std::forward<Token>(token));
    }
    /// Every run of the orchestration, page by page as iteration needs them (see PageRange):
    /// list_runs() from options.page (or 1) in pages of options.page_size (or 100). An empty
    /// id throws InvalidArgument here; nothing is sent before the range's begin(). No `_async`
    /// twin: list_runs_async() is the page-at-a-time call without blocking.
    PageRange<OrchestrationRun> list_runs_all(std::string_view orchestration_id,
                                              const ListOrchestrationRunsOptions& options = {},
                                              const CallOptions& call = {});
    /// list_runs_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_runs_all(orchestration_id, call)`, not `list_runs_all(orchestration_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<OrchestrationRun> list_runs_all(std::string_view orchestration_id, const Call& call) {
        return list_runs_all(orchestration_id, ListOrchestrationRunsOptions{}, call);
    }

    /// The run `run_id` of the orchestration, without its steps (see steps()).
    OrchestrationRun get_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {});
    /// get_run() without blocking: the run, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_run_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                       Token&& token = {}) {
        return detail::deferred<Token>(this)->run_op(detail::routes::orchestration_runs_get, orchestration_id, run_id, call)
            .launch(std::forward<Token>(token));
    }

    /// The step executions of the run `run_id`, as the server lists them.
    std::vector<OrchestrationStepRun> steps(std::string_view orchestration_id, std::string_view run_id,
                                            const CallOptions& call = {});
    /// steps() without blocking: the list, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto steps_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                     Token&& token = {}) {
        return detail::deferred<Token>(this)->steps_op(orchestration_id, run_id, call).launch(std::forward<Token>(token));
    }

    /// Asks the server to cancel the run and returns the run as it answers. A POST: not resent
    /// once it may have reached the server, unless CallOptions::idempotent.
    OrchestrationRun cancel_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {});
    /// cancel_run() without blocking: the run, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto cancel_run_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                          Token&& token = {}) {
        return detail::deferred<Token>(this)->run_op(detail::routes::orchestration_runs_cancel, orchestration_id, run_id, call)
            .launch(std::forward<Token>(token));
    }

    /// Polls the run until it ends; returns it completed, with its steps, or throws
    /// OrchestrationRunFailed (failed or cancelled), DeadlineExceeded or Cancelled.
    ///
    /// Polls as WaitOptions says: the first at once, then at growing intervals. Once the run
    /// has ended, the same poll fetches its steps. A poll that fails ends the wait with its
    /// error.
    OrchestrationRun wait_run(std::string_view orchestration_id, std::string_view run_id, const WaitOptions& wait = {});
    /// wait_run() without blocking: its polls are timers on the event loop; the run, or the
    /// error, arrives through `token`.
    template <class Token = UseFuture>
    auto wait_run_async(std::string_view orchestration_id, std::string_view run_id, const WaitOptions& wait = {},
                        Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_op(orchestration_id, run_id, nullptr, wait).launch(std::forward<Token>(token));
    }

    /// Starts a run (once; never retried) and waits for it like wait_run.
    ///
    /// The start is the wait's first poll, so `wait`'s deadline and cancel token cover it too.
    OrchestrationRun start_and_wait(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                                    const WaitOptions& wait = {});
    /// start_and_wait() without blocking: its polls are timers on the event loop; the run, or
    /// the error, arrives through `token`.
    template <class Token = UseFuture>
    auto start_and_wait_async(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                              const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_op(orchestration_id, {}, &input, wait).launch(std::forward<Token>(token));
    }

private:
    struct RunProgress;

    detail::HttpOp<Page<Orchestration>> list_op(const ListOrchestrationsOptions& options, const CallOptions& call) const;
    detail::HttpOp<Orchestration> get_op(std::string_view orchestration_id, const CallOptions& call) const;
    detail::HttpOp<Orchestration> create_op(const CreateOrchestrationInput& input, const CallOptions& call) const;
    detail::HttpOp<Orchestration> update_op(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                                            const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view orchestration_id, const CallOptions& call) const;
    detail::HttpOp<OrchestrationRun> start_op(std::string_view orchestration_id, const nlohmann::json& input,
                                              const CallOptions& call) const;
    detail::HttpOp<Page<OrchestrationRun>> list_runs_op(std::string_view orchestration_id,
                                                        const ListOrchestrationRunsOptions& options,
                                                        const CallOptions& call) const;
    detail::HttpOp<OrchestrationRun> run_op(const detail::Route& route, std::string_view orchestration_id,
                                            std::string_view run_id, const CallOptions& call) const;
    detail::HttpOp<std::vector<OrchestrationStepRun>> steps_op(std::string_view orchestration_id, std::string_view run_id,
                                                               const CallOptions& call) const;
    /// The one wait: with `input`, its first poll starts the run (once); once the run has ended,
    /// the same poll fetches its steps.
    detail::Op<OrchestrationRun> wait_op(std::string_view orchestration_id, std::string_view run_id,
                                         const nlohmann::json* input, const WaitOptions& wait) const;
    void poll_run(const std::shared_ptr<RunProgress>& progress, const std::shared_ptr<detail::Executor>& ex,
                  const CallOptions& call, detail::Completion<bool> done) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/orchestrations.ipp>
#endif

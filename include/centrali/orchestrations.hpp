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

void to_json(nlohmann::json& j, const OrchestrationTrigger& t);

void from_json(const nlohmann::json& j, OrchestrationTrigger& t);

/// One branch of a decision step: when the value at `field` (a path into the workflow
/// context, e.g. steps.validate.output.isValid) compares to `value` by `op`, go to
/// `next_step_id`. Field names of decision steps are UNCONFIRMED.
struct DecisionCase {
    std::string field;
    std::string op = "eq";
    nlohmann::json value;
    std::string next_step_id;
};

void to_json(nlohmann::json& j, const DecisionCase& c);

void from_json(const nlohmann::json& j, DecisionCase& c);

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

void to_json(nlohmann::json& j, const OrchestrationStep& s);

void from_json(const nlohmann::json& j, OrchestrationStep& s);

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

void from_json(const nlohmann::json& j, Orchestration& o);

struct CreateOrchestrationInput {
    std::string slug;
    std::string name;
    std::string description;
    OrchestrationTrigger trigger;
    std::vector<OrchestrationStep> steps;
    std::optional<OrchestrationStatus> status;  ///< the server's default is UNCONFIRMED (likely draft)
};

void to_json(nlohmann::json& j, const CreateOrchestrationInput& input);

/// Only the members that are set are sent.
struct UpdateOrchestrationInput {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<OrchestrationTrigger> trigger;
    std::optional<std::vector<OrchestrationStep>> steps;
    std::optional<OrchestrationStatus> status;
};

void to_json(nlohmann::json& j, const UpdateOrchestrationInput& input);

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

void from_json(const nlohmann::json& j, OrchestrationStepRun& s);

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

void from_json(const nlohmann::json& j, OrchestrationRun& r);

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

/// Every call has an `_async` twin (see async.hpp for its completion token); the async waits
/// poll on the event loop's timers.
class OrchestrationsManager : private detail::ManagerBase {
public:
    explicit OrchestrationsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<Orchestration> list(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const ListOrchestrationsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    Orchestration get(std::string_view orchestration_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view orchestration_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(orchestration_id, call).launch(std::forward<Token>(token));
    }

    Orchestration create(const CreateOrchestrationInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_async(const CreateOrchestrationInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    Orchestration update(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                         const CallOptions& call = {});
    template <class Token = UseFuture>
    auto update_async(std::string_view orchestration_id, const UpdateOrchestrationInput& input,
                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(orchestration_id, input, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view orchestration_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view orchestration_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(orchestration_id, call).launch(std::forward<Token>(token));
    }

    /// Starts a run with `input` (the workflow's immutable input) and returns it as started.
    OrchestrationRun start(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                           const CallOptions& call = {});
    template <class Token = UseFuture>
    auto start_async(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                     const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->start_op(orchestration_id, input, call).launch(std::forward<Token>(token));
    }

    Page<OrchestrationRun> list_runs(std::string_view orchestration_id, const ListOrchestrationRunsOptions& options = {},
                                     const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_runs_async(std::string_view orchestration_id, const ListOrchestrationRunsOptions& options = {},
                         const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_runs_op(orchestration_id, options, call).launch(std::forward<Token>(token));
    }

    OrchestrationRun get_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_run_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                       Token&& token = {}) {
        return detail::deferred<Token>(this)->run_op(detail::routes::orchestration_runs_get, orchestration_id, run_id, call)
            .launch(std::forward<Token>(token));
    }

    std::vector<OrchestrationStepRun> steps(std::string_view orchestration_id, std::string_view run_id,
                                            const CallOptions& call = {});
    template <class Token = UseFuture>
    auto steps_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                     Token&& token = {}) {
        return detail::deferred<Token>(this)->steps_op(orchestration_id, run_id, call).launch(std::forward<Token>(token));
    }

    OrchestrationRun cancel_run(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto cancel_run_async(std::string_view orchestration_id, std::string_view run_id, const CallOptions& call = {},
                          Token&& token = {}) {
        return detail::deferred<Token>(this)->run_op(detail::routes::orchestration_runs_cancel, orchestration_id, run_id, call)
            .launch(std::forward<Token>(token));
    }

    /// Polls the run until it ends; returns it completed, with its steps, or throws
    /// OrchestrationRunFailed (failed or cancelled), DeadlineExceeded or Cancelled.
    OrchestrationRun wait_run(std::string_view orchestration_id, std::string_view run_id, const WaitOptions& wait = {});
    template <class Token = UseFuture>
    auto wait_run_async(std::string_view orchestration_id, std::string_view run_id, const WaitOptions& wait = {},
                        Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_op(orchestration_id, run_id, nullptr, wait).launch(std::forward<Token>(token));
    }

    /// Starts a run (once; never retried) and waits for it like wait_run.
    OrchestrationRun start_and_wait(std::string_view orchestration_id, const nlohmann::json& input = nlohmann::json::object(),
                                    const WaitOptions& wait = {});
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

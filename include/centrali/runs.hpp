#pragma once
// client.runs(): function runs (the JS SDK's FunctionRunsManager, new in 4.4.5), plus waiting for
// a run to finish, which JS users do by polling by hand.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/detail/poll.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

namespace detail {
template <class>
class BasicTriggersManager;
}  // namespace detail

/// pending → running → completed | failure | timeout. Note Centrali's spelling `failure` here
/// (orchestration runs say `failed`).
class RunStatus : public StringEnum<RunStatus> {
public:
    using StringEnum::StringEnum;
    static const RunStatus pending, running, completed, failure, timeout;
    bool is_terminal() const { return *this == completed || *this == failure || *this == timeout; }
};
inline const RunStatus RunStatus::pending{"pending"};
inline const RunStatus RunStatus::running{"running"};
inline const RunStatus RunStatus::completed{"completed"};
inline const RunStatus RunStatus::failure{"failure"};
inline const RunStatus RunStatus::timeout{"timeout"};

class ExecutionSource : public StringEnum<ExecutionSource> {
public:
    using StringEnum::StringEnum;
    static const ExecutionSource trigger, rerun, manual, scheduled, http_trigger, orchestration, endpoint;
};
inline const ExecutionSource ExecutionSource::trigger{"trigger"};
inline const ExecutionSource ExecutionSource::rerun{"rerun"};
inline const ExecutionSource ExecutionSource::manual{"manual"};
inline const ExecutionSource ExecutionSource::scheduled{"scheduled"};
inline const ExecutionSource ExecutionSource::http_trigger{"http-trigger"};
inline const ExecutionSource ExecutionSource::orchestration{"orchestration"};
inline const ExecutionSource ExecutionSource::endpoint{"endpoint"};

/// Every member of the 4.4.5 FunctionRun interface.
struct FunctionRun {
    std::string id;
    std::string created_by;
    std::string function_id;
    std::string workspace_slug;
    std::string job_id;  ///< the id triggers().invoke() returned
    RunStatus status;
    nlohmann::json run_data;  ///< the function's output once completed; raw JSON
    std::string started_at;
    std::string ended_at;
    std::string created_at;
    std::string updated_at;
    std::string execution_id;
    std::string trigger_id;
    std::string trigger_type;
    std::string orchestration_run_id;
    std::string orchestration_step_id;
    std::string original_run_id;
    bool is_rerun = false;
    long long rerun_count = 0;
    std::string rerun_by;
    std::string rerun_reason;
    std::string function_code_hash;
    std::string function_version;
    ExecutionSource execution_source;
    /// Bytes; from `memoryUsageBytes`, or `memoryUsage.rss` (the shape the live service sends).
    std::optional<double> memory_usage_bytes;
    /// Seconds; from `cpuUsageSeconds`, or `cpuUsage.user` (microseconds on the wire).
    std::optional<double> cpu_usage_seconds;
    std::string error_code;
    std::string error_message;
    std::string data_stripped_at;
    std::string archive_storage_address;
    std::string archived_at;
    nlohmann::json raw;  ///< the whole run as received

    bool succeeded() const { return status == RunStatus::completed; }
};

template <class T, detail::only<T, FunctionRun> = 0>
void from_json(const nlohmann::json& j, T& run) {
    using detail::read_member;
    if (!j.is_object()) throw DecodeError("centrali: a function run must be a JSON object");
    read_member(j, "id", run.id);
    read_member(j, "createdBy", run.created_by);
    read_member(j, "functionId", run.function_id);
    read_member(j, "workspaceSlug", run.workspace_slug);
    read_member(j, "jobId", run.job_id);
    read_member(j, "status", run.status);
    read_member(j, "runData", run.run_data);
    read_member(j, "startedAt", run.started_at);
    read_member(j, "endedAt", run.ended_at);
    read_member(j, "createdAt", run.created_at);
    read_member(j, "updatedAt", run.updated_at);
    read_member(j, "executionId", run.execution_id);
    read_member(j, "triggerId", run.trigger_id);
    read_member(j, "triggerType", run.trigger_type);
    read_member(j, "orchestrationRunId", run.orchestration_run_id);
    read_member(j, "orchestrationStepId", run.orchestration_step_id);
    read_member(j, "originalRunId", run.original_run_id);
    read_member(j, "isRerun", run.is_rerun);
    read_member(j, "rerunCount", run.rerun_count);
    read_member(j, "rerunBy", run.rerun_by);
    read_member(j, "rerunReason", run.rerun_reason);
    read_member(j, "functionCodeHash", run.function_code_hash);
    read_member(j, "functionVersion", run.function_version);
    read_member(j, "executionSource", run.execution_source);
    read_member(j, "memoryUsageBytes", run.memory_usage_bytes);
    if (!run.memory_usage_bytes)
        if (auto usage = j.find("memoryUsage"); usage != j.end()) read_member(*usage, "rss", run.memory_usage_bytes);
    read_member(j, "cpuUsageSeconds", run.cpu_usage_seconds);
    if (!run.cpu_usage_seconds) {
        std::optional<double> user_microseconds;
        if (auto usage = j.find("cpuUsage"); usage != j.end()) read_member(*usage, "user", user_microseconds);
        if (user_microseconds) run.cpu_usage_seconds = *user_microseconds / 1e6;
    }
    read_member(j, "errorCode", run.error_code);
    read_member(j, "errorMessage", run.error_message);
    read_member(j, "dataStrippedAt", run.data_stripped_at);
    read_member(j, "archiveStorageAddress", run.archive_storage_address);
    read_member(j, "archivedAt", run.archived_at);
    run.raw = j;
}

/// The state of a queued job (BullMQ-style): queued → running → completed | failed.
class JobState : public StringEnum<JobState> {
public:
    using StringEnum::StringEnum;
    static const JobState queued, running, completed, failed;
    bool is_terminal() const { return *this == completed || *this == failed; }
};
inline const JobState JobState::queued{"queued"};
inline const JobState JobState::running{"running"};
inline const JobState JobState::completed{"completed"};
inline const JobState JobState::failed{"failed"};

struct JobStatus {
    std::string id;
    JobState state;                ///< `state`, or `status` where a server sends that instead
    nlohmann::json return_value;   ///< `returnValue` as received
    nlohmann::json outputs;        ///< `returnValue.outputs`, else `returnValue`
    std::string failed_reason;
    std::string run_id;            ///< when the server links the job to its run
    nlohmann::json raw;
};

template <class T, detail::only<T, JobStatus> = 0>
void from_json(const nlohmann::json& j, T& job) {
    detail::read_member(j, "id", job.id);
    detail::read_member(j, "state", job.state);
    if (job.state.empty()) detail::read_member(j, "status", job.state);
    detail::read_member(j, "returnValue", job.return_value);
    job.outputs = job.return_value.is_object() && job.return_value.contains("outputs") ? job.return_value["outputs"]
                                                                                       : job.return_value;
    detail::read_member(j, "failedReason", job.failed_reason);
    detail::read_member(j, "runId", job.run_id);
    job.raw = j;
}

/// A waited-for run ended in `failure` or `timeout`; run() has all of it.
class FunctionRunFailed : public Error {
public:
    explicit FunctionRunFailed(FunctionRun run)
        : Error("centrali: function run " + run.id + " ended in " + run.status.str() +
                    (run.error_message.empty() ? std::string() : ": " + run.error_message),
                ErrorInfo{0, run.error_code, run.error_message, nullptr, {}}),
          run_(std::move(run)) {}
    const FunctionRun& run() const noexcept { return run_; }

private:
    FunctionRun run_;
};

struct ListRunsOptions {
    long long page = 0;   ///< 0: not sent
    long long limit = 0;  ///< 0: not sent
    std::optional<RunStatus> status;
};

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future;
/// the async waits poll on the loop's timers. A template only so that it compiles on first use
/// (see ManagerBase): name it RunsManager.
template <class Unused = void>
class BasicRunsManager : private ManagerBase {
public:
    explicit BasicRunsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    FunctionRun get(std::string_view run_id, const CallOptions& call = {}) { return get_op(run_id).run(call); }
    std::future<FunctionRun> get_async(std::string_view run_id, const CallOptions& call = {}) {
        return get_op(run_id).submit(call);
    }

    /// Newest first.
    Page<FunctionRun> list_by_trigger(std::string_view trigger_id, const ListRunsOptions& options = {},
                                      const CallOptions& call = {}) {
        return list_op(detail::routes::runs_by_trigger, trigger_id, options).run(call);
    }
    std::future<Page<FunctionRun>> list_by_trigger_async(std::string_view trigger_id, const ListRunsOptions& options = {},
                                                         const CallOptions& call = {}) {
        return list_op(detail::routes::runs_by_trigger, trigger_id, options).submit(call);
    }

    /// Newest first.
    Page<FunctionRun> list_by_function(std::string_view function_id, const ListRunsOptions& options = {},
                                       const CallOptions& call = {}) {
        return list_op(detail::routes::runs_by_function, function_id, options).run(call);
    }
    std::future<Page<FunctionRun>> list_by_function_async(std::string_view function_id, const ListRunsOptions& options = {},
                                                          const CallOptions& call = {}) {
        return list_op(detail::routes::runs_by_function, function_id, options).submit(call);
    }

    JobStatus get_job_status(std::string_view job_id, const CallOptions& call = {}) { return job_op(job_id).run(call); }
    std::future<JobStatus> get_job_status_async(std::string_view job_id, const CallOptions& call = {}) {
        return job_op(job_id).submit(call);
    }

    /// Polls the run until it is completed (returned) or fails (FunctionRunFailed).
    FunctionRun wait(std::string_view run_id, const WaitOptions& wait = {}) {
        const std::string id(run_id);
        return finished(detail::poll_until(
            clock(), wait, "function run " + id, [&] { return get_op(id).run(poll_call(wait)); }, is_over));
    }
    std::future<FunctionRun> wait_async(std::string_view run_id, const WaitOptions& wait = {}) {
        return detail::poll_async<FunctionRun, FunctionRun>(
            *core_, wait, "function run " + std::string(run_id),
            [core = core_.get(), id = std::string(run_id)] { return BasicRunsManager(detail::borrow(core)).get_op(id); }, is_over,
            &BasicRunsManager::finished);
    }

    /// Waits for the run that a trigger invocation's job produced: finds it among the trigger's
    /// newest runs (a job id alone does not name a run on the documented routes), then polls it.
    FunctionRun wait_for_job(std::string_view trigger_id, std::string_view job_id, const WaitOptions& wait = {}) {
        const JobSearch search = JobSearch::of(trigger_id, job_id);
        return finished(detail::poll_until(
            clock(), wait, "the run of job " + *search.job, [&] { return job_run_op(search).run(poll_call(wait)); }, is_over));
    }
    std::future<FunctionRun> wait_for_job_async(std::string_view trigger_id, std::string_view job_id,
                                                const WaitOptions& wait = {}) {
        const JobSearch search = JobSearch::of(trigger_id, job_id);
        return detail::poll_async<FunctionRun, FunctionRun>(
            *core_, wait, "the run of job " + *search.job,
            [core = core_.get(), search] { return BasicRunsManager(detail::borrow(core)).job_run_op(search); }, is_over,
            &BasicRunsManager::finished);
    }

    /// Polls a job's status until it is completed or failed, and returns that final status.
    JobStatus wait_for_job_status(std::string_view job_id, const WaitOptions& wait = {}) {
        const std::string job(job_id);
        return detail::poll_until(
            clock(), wait, "job " + job, [&] { return job_op(job).run(poll_call(wait)); },
            [](const JobStatus& s) { return s.state.is_terminal(); });
    }

private:
    friend class BasicTriggersManager<Unused>;  // invoke_and_wait_async shares the job search

    /// Which trigger's runs hold the job's run; `run_id` is filled once it is found. Shared
    /// between the polls of one wait.
    struct JobSearch {
        std::string trigger;
        std::shared_ptr<std::string> job;
        std::shared_ptr<std::string> run_id;
        static JobSearch of(std::string_view trigger, std::string_view job) {
            return {std::string(trigger), std::make_shared<std::string>(job), std::make_shared<std::string>()};
        }
    };

    static bool is_over(const FunctionRun& run) { return run.status.is_terminal(); }

    detail::Op<FunctionRun> get_op(std::string_view run_id) const {
        return one<FunctionRun>(detail::routes::runs_get, {run_id}, {}, nullptr, "function run");
    }
    detail::Op<Page<FunctionRun>> list_op(const detail::Route& route, std::string_view id, const ListRunsOptions& options) const {
        detail::Query query = paging(options.page, options.limit);
        if (options.status && !options.status->empty()) query.add("status", options.status->str());
        return page<FunctionRun>(route, {id}, query, "function runs");
    }
    detail::Op<JobStatus> job_op(std::string_view job_id) const {
        return one<JobStatus>(detail::routes::runs_job_status, {job_id}, {}, nullptr, "job status");
    }
    /// Until the run is found: the trigger's 20 newest runs, searched for the job (an empty,
    /// non-terminal run when it is not there yet). Then: the run itself.
    detail::Op<FunctionRun> job_run_op(const JobSearch& search) const {
        if (!search.run_id->empty()) return get_op(*search.run_id);
        detail::Query query = paging(0, 20);
        return custom<FunctionRun>(detail::routes::runs_by_trigger, {search.trigger}, query, nullptr,
                                   [search](nlohmann::json&& response) {
                                       auto runs = detail::decode_page<FunctionRun>(std::move(response), "function runs");
                                       for (auto& run : runs.items)
                                           if (run.job_id == *search.job) {
                                               *search.run_id = run.id;
                                               return std::move(run);
                                           }
                                       return FunctionRun{};
                                   });
    }

    static CallOptions poll_call(const WaitOptions& wait) {
        CallOptions call;
        call.cancel = wait.cancel;
        return call;
    }

    static FunctionRun finished(FunctionRun run) {
        if (run.status != RunStatus::completed) throw FunctionRunFailed(std::move(run));
        return run;
    }
};
}  // namespace detail

using RunsManager = detail::BasicRunsManager<>;

CENTRALI_NAMESPACE_END

#pragma once
// client.runs(): function runs (the JS SDK's FunctionRunsManager, new in 4.4.5), plus waiting for
// a run to finish, which JS users do by polling by hand.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

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
void from_json(const nlohmann::json& j, FunctionRun& run);

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
void from_json(const nlohmann::json& j, JobStatus& job);

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

class TriggersManager;

/// Every call has an `_async` twin (see async.hpp for its completion token); the async waits
/// poll on the event loop's timers.
class RunsManager : private detail::ManagerBase {
public:
    explicit RunsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    FunctionRun get(std::string_view run_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view run_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(run_id, call).launch(std::forward<Token>(token));
    }

    /// Newest first.
    Page<FunctionRun> list_by_trigger(std::string_view trigger_id, const ListRunsOptions& options = {},
                                      const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_by_trigger_async(std::string_view trigger_id, const ListRunsOptions& options = {},
                               const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(detail::routes::runs_by_trigger, trigger_id, options, call).launch(std::forward<Token>(token));
    }

    /// Newest first.
    Page<FunctionRun> list_by_function(std::string_view function_id, const ListRunsOptions& options = {},
                                       const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_by_function_async(std::string_view function_id, const ListRunsOptions& options = {},
                                const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(detail::routes::runs_by_function, function_id, options, call).launch(std::forward<Token>(token));
    }

    JobStatus get_job_status(std::string_view job_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_job_status_async(std::string_view job_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->job_op(job_id, call).launch(std::forward<Token>(token));
    }

    /// Polls the run until it is completed (returned) or fails (FunctionRunFailed).
    FunctionRun wait(std::string_view run_id, const WaitOptions& wait = {});
    template <class Token = UseFuture>
    auto wait_async(std::string_view run_id, const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_op(run_id, wait).launch(std::forward<Token>(token));
    }

    /// Waits for the run that a trigger invocation's job produced: finds it among the trigger's
    /// runs (a job id alone does not name a run on the documented routes; every page is
    /// searched, newest first), then polls it.
    FunctionRun wait_for_job(std::string_view trigger_id, std::string_view job_id, const WaitOptions& wait = {});
    template <class Token = UseFuture>
    auto wait_for_job_async(std::string_view trigger_id, std::string_view job_id, const WaitOptions& wait = {},
                            Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_for_job_op(trigger_id, job_id, wait).launch(std::forward<Token>(token));
    }

    /// Polls a job's status until it is completed or failed, and returns that final status.
    JobStatus wait_for_job_status(std::string_view job_id, const WaitOptions& wait = {});
    template <class Token = UseFuture>
    auto wait_for_job_status_async(std::string_view job_id, const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_for_job_status_op(job_id, wait).launch(std::forward<Token>(token));
    }

private:
    friend class TriggersManager;  // invoke_and_wait follows the job with the same search

    /// What one wait for a job's run knows between its polls.
    struct JobSearch {
        std::string trigger;
        std::string job;
        std::string run_id;  ///< once found
        FunctionRun last;    ///< the run as last polled
    };

    detail::HttpOp<FunctionRun> get_op(std::string_view run_id, const CallOptions& call) const;
    detail::HttpOp<Page<FunctionRun>> list_op(const detail::Route& route, std::string_view id,
                                              const ListRunsOptions& options, const CallOptions& call) const;
    detail::HttpOp<JobStatus> job_op(std::string_view job_id, const CallOptions& call) const;
    detail::Op<FunctionRun> wait_op(std::string_view run_id, const WaitOptions& wait) const;
    detail::Op<FunctionRun> wait_for_job_op(std::string_view trigger_id, std::string_view job_id,
                                            const WaitOptions& wait) const;
    detail::Op<JobStatus> wait_for_job_status_op(std::string_view job_id, const WaitOptions& wait) const;

    /// One poll of a job's run: searches the trigger's runs until it is found, then gets it.
    void poll_job(const std::shared_ptr<JobSearch>& search, const std::shared_ptr<detail::Executor>& ex,
                  const CallOptions& call, detail::Completion<bool> done) const;
    void search_page(const std::shared_ptr<JobSearch>& search, long long page_number,
                     const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                     detail::Completion<bool> done) const;
    static FunctionRun finished(FunctionRun run);
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/runs.ipp>
#endif

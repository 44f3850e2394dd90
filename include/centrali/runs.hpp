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

/// A function run's `status`: pending → running → completed | failure | timeout. Note
/// Centrali's spelling `failure` here (orchestration runs say `failed`). An unknown value a
/// newer server sends is kept as it came.
class RunStatus : public StringEnum<RunStatus> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const RunStatus pending, running, completed, failure, timeout;
    /// True for completed, failure and timeout: the run will not change any more. A status this
    /// SDK does not know counts as not ended, so the waits keep polling a run in it.
    bool is_terminal() const { return *this == completed || *this == failure || *this == timeout; }
};
inline const RunStatus RunStatus::pending{"pending"};      ///< `pending`: queued, not started yet
inline const RunStatus RunStatus::running{"running"};      ///< `running`: executing
inline const RunStatus RunStatus::completed{"completed"};  ///< `completed`: ended well; FunctionRun::run_data holds the output
inline const RunStatus RunStatus::failure{"failure"};      ///< `failure`: ended with an error (FunctionRun::error_code, error_message)
inline const RunStatus RunStatus::timeout{"timeout"};      ///< `timeout`: stopped at its time limit

/// What started a function run (its `executionSource`), as SDK 4.4.5 lists them. An unknown
/// value a newer server sends is kept as it came.
class ExecutionSource : public StringEnum<ExecutionSource> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const ExecutionSource trigger, rerun, manual, scheduled, http_trigger, orchestration, endpoint;
};
inline const ExecutionSource ExecutionSource::trigger{"trigger"};              ///< `trigger`: a trigger (FunctionRun::trigger_id)
inline const ExecutionSource ExecutionSource::rerun{"rerun"};                  ///< `rerun`: a re-run of an earlier run (FunctionRun::original_run_id)
inline const ExecutionSource ExecutionSource::manual{"manual"};                ///< `manual`: started manually
inline const ExecutionSource ExecutionSource::scheduled{"scheduled"};          ///< `scheduled`: a scheduled trigger
inline const ExecutionSource ExecutionSource::http_trigger{"http-trigger"};    ///< `http-trigger`: an inbound call to an HTTP trigger
inline const ExecutionSource ExecutionSource::orchestration{"orchestration"};  ///< `orchestration`: a step of an orchestration run (FunctionRun::orchestration_run_id)
inline const ExecutionSource ExecutionSource::endpoint{"endpoint"};            ///< `endpoint`: a call to a synchronous endpoint trigger

/// Every member of the 4.4.5 FunctionRun interface (31), as the service sent it.
///
/// Each field is read from the camelCase member of the same name (`job_id` from `jobId`).
/// Members the JS type declares `string | null` or optional are `std::optional`: empty when the
/// service sent null or nothing (`sent_null()` tells the two apart), "" when it sent "". Values
/// keep their wire units; rss_bytes() and cpu_user_seconds() read either shape of the usage.
///
/// Reading is tolerant: only `id` is required (a run without a readable id is a DecodeError).
/// A member of an unexpected type (`rerunCount: "2"`, `isRerun: 1`) leaves its field at its
/// default and stays in `raw`, so one odd member does not fail a whole page of runs.
struct FunctionRun {
    std::string id;              ///< the run's id, as get() and wait() take it (required)
    std::string created_by;      ///< `createdBy`
    std::string function_id;     ///< the compute function that ran
    std::string workspace_slug;  ///< the workspace it ran in
    std::string job_id;          ///< the id triggers().invoke() returned
    RunStatus status;            ///< where the run is; see succeeded() and RunStatus::is_terminal()
    nlohmann::json run_data;     ///< `runData`: the function's output once completed, as sent (null until then)
    std::string started_at;      ///< ISO-8601, as the server sent it
    std::optional<std::string> ended_at;    ///< ISO-8601; empty while the run has not ended (null)
    std::optional<std::string> created_at;  ///< ISO-8601; optional in the JS type
    std::optional<std::string> updated_at;  ///< ISO-8601; optional in the JS type
    std::string execution_id;               ///< `executionId`
    std::optional<std::string> trigger_id;             ///< the trigger that started it; null when none did
    std::optional<std::string> trigger_type;           ///< `triggerType` as sent; null when none
    std::optional<std::string> orchestration_run_id;   ///< the orchestration run it is a step of; null outside orchestrations
    std::optional<std::string> orchestration_step_id;  ///< `orchestrationStepId`: that run's step; null outside orchestrations
    std::optional<std::string> original_run_id;        ///< for a re-run: the run it repeats; null otherwise
    bool is_rerun = false;                             ///< `isRerun`: a re-run of another run
    long long rerun_count = 0;                         ///< `rerunCount` as sent
    std::optional<std::string> rerun_by;               ///< for a re-run: who asked for it
    std::optional<std::string> rerun_reason;           ///< for a re-run: the reason given
    std::optional<std::string> function_code_hash;     ///< `functionCodeHash`: identifies the code that ran
    std::optional<std::string> function_version;       ///< `functionVersion`
    ExecutionSource execution_source;                  ///< what started the run
    std::optional<double> memory_usage_bytes;  ///< `memoryUsageBytes` as sent (the JS type's member)
    std::optional<double> cpu_usage_seconds;   ///< `cpuUsageSeconds` as sent (the JS type's member)
    /// `memoryUsage` as sent: the object the live service sends instead (`rss` in bytes, …);
    /// null when absent.
    nlohmann::json memory_usage;
    /// `cpuUsage` as sent: the object the live service sends instead (`user`, `system`;
    /// microseconds judging by the vendor's own dashboard, UNCONFIRMED); null when absent.
    nlohmann::json cpu_usage;
    std::optional<std::string> error_code;               ///< `errorCode` of a run that failed
    std::optional<std::string> error_message;            ///< `errorMessage` of a run that failed
    std::optional<std::string> data_stripped_at;         ///< ISO-8601: when the run's stored data was stripped
    std::optional<std::string> archive_storage_address;  ///< where the archived run is stored
    std::optional<std::string> archived_at;              ///< ISO-8601: when the run was archived
    nlohmann::json raw;  ///< the whole run as received

    /// True when the run completed.
    bool succeeded() const { return status == RunStatus::completed; }
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
    /// Resident memory in bytes, from either shape: `memoryUsageBytes`, else `memoryUsage.rss`.
    std::optional<double> rss_bytes() const;
    /// User CPU time in seconds, from either shape: `cpuUsageSeconds`, else `cpuUsage.user`
    /// divided by 10^6 (microseconds, UNCONFIRMED).
    std::optional<double> cpu_user_seconds() const;
};
/// Reads a FunctionRun from the service's JSON (nlohmann/json's hook: `j.get<FunctionRun>()`).
void from_json(const nlohmann::json& j, FunctionRun& run);

/// The state of a queued job (BullMQ-style): queued → running → completed | failed.
/// An unknown value a newer server sends is kept as it came.
class JobState : public StringEnum<JobState> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const JobState queued, running, completed, failed;
    /// True for completed and failed. A state this SDK does not know counts as not ended, so
    /// wait_for_job_status() keeps polling a job in it.
    bool is_terminal() const { return *this == completed || *this == failed; }
};
inline const JobState JobState::queued{"queued"};        ///< `queued`: waiting for a worker
inline const JobState JobState::running{"running"};      ///< `running`: executing
inline const JobState JobState::completed{"completed"};  ///< `completed`: done; JobStatus::return_value holds the result
inline const JobState JobState::failed{"failed"};        ///< `failed`: see JobStatus::failed_reason

/// A job's status, as runs().get_job_status() returns it; the job id is the one
/// triggers().invoke() returned. Not in JS SDK 4.4.5 (Centrali's templates use it with 4.4.6);
/// the route, `function-runs/jobs/{id}`, is UNCONFIRMED.
struct JobStatus {
    std::string id;                ///< the job's id
    JobState state;                ///< `state`, or `status` where a server sends that instead
    nlohmann::json return_value;   ///< `returnValue` as received
    nlohmann::json outputs;        ///< `returnValue.outputs`, else `returnValue`
    std::string failed_reason;     ///< `failedReason`: why a failed job failed; empty otherwise
    std::string run_id;            ///< when the server links the job to its run
    nlohmann::json raw;            ///< the whole status as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// Reads a JobStatus from the service's JSON (nlohmann/json's hook: `j.get<JobStatus>()`).
void from_json(const nlohmann::json& j, JobStatus& job);

/// A waited-for run ended in `failure` or `timeout`; run() has all of it.
///
/// what() names the run, its status and its error message; code() and message() are the run's
/// error_code and error_message; status() is 0 (the HTTP calls themselves succeeded).
class FunctionRunFailed : public Error {
public:
    /// Made by the waits from the run as it ended.
    explicit FunctionRunFailed(FunctionRun run)
        : Error("centrali: function run " + run.id + " ended in " + run.status.str() +
                    (run.error_message.value_or("").empty() ? std::string() : ": " + *run.error_message),
                ErrorInfo{0, run.error_code.value_or(""), run.error_message.value_or(""), nullptr, {}}),
          run_(std::move(run)) {}
    /// The run as last polled, with its status and error members.
    const FunctionRun& run() const noexcept { return run_; }

private:
    FunctionRun run_;
};

/// Paging and filter of list_by_trigger() and list_by_function().
struct ListRunsOptions {
    std::optional<long long> page;       ///< the page number, from 1 (sent as `page`); unset: not sent
    std::optional<long long> page_size;  ///< items per page (sent as `limit`); unset: not sent
    std::optional<RunStatus> status;  ///< only runs with this status; unset or empty: not sent
};

class TriggersManager;

/// Function runs and their jobs: client.runs().
///
/// Every call has an `_async` twin (see async.hpp for its completion token); the async waits
/// poll on the event loop's timers.
///
/// An empty id throws InvalidArgument before anything is sent (from the `_async` call itself
/// too); a failed call throws a centrali::Error: NotFound and the other ApiError kinds for an
/// error status, TransportError, DecodeError or Cancelled. The waits poll as WaitOptions says:
/// the first poll at once, then at growing intervals; they end with DeadlineExceeded at
/// WaitOptions::deadline or Cancelled by WaitOptions::cancel, and a poll that fails ends the
/// wait with its error.
class RunsManager : private detail::ManagerBase {
public:
    /// Made by the Client; use client.runs().
    explicit RunsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// The run with this id; NotFound when there is none.
    FunctionRun get(std::string_view run_id, const CallOptions& call = {});
    /// get() without blocking: the run, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view run_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_op(run_id, call).launch(std::forward<Token>(token));
    }

    /// One page of the runs of the trigger `trigger_id`, newest first, filtered and paged by
    /// `options`.
    Page<FunctionRun> list_by_trigger(std::string_view trigger_id, const ListRunsOptions& options = {},
                                      const CallOptions& call = {});
    /// list_by_trigger() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_trigger(trigger_id, call)`, not `list_by_trigger(trigger_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<FunctionRun> list_by_trigger(std::string_view trigger_id, const Call& call) {
        return list_by_trigger(trigger_id, ListRunsOptions{}, call);
    }
    /// list_by_trigger() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_by_trigger_async(std::string_view trigger_id, const ListRunsOptions& options = {},
                               const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(detail::routes::runs_by_trigger, trigger_id, options, call).launch(std::forward<Token>(token));
    }
    /// list_by_trigger_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_trigger_async(trigger_id, call)`, not `list_by_trigger_async(trigger_id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_by_trigger_async(std::string_view trigger_id, const Call& call, Token&& token = {}) {
        return list_by_trigger_async(trigger_id, ListRunsOptions{}, call, std::forward<Token>(token));
    }
    /// Every run of the trigger, page by page as iteration needs them (see PageRange):
    /// list_by_trigger() from options.page (or 1) in pages of options.page_size (or 100). An
    /// empty id throws InvalidArgument here; nothing is sent before the range's begin(). No
    /// `_async` twin: list_by_trigger_async() is the page-at-a-time call without blocking.
    PageRange<FunctionRun> list_by_trigger_all(std::string_view trigger_id, const ListRunsOptions& options = {},
                                               const CallOptions& call = {});
    /// list_by_trigger_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_trigger_all(trigger_id, call)`, not `list_by_trigger_all(trigger_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<FunctionRun> list_by_trigger_all(std::string_view trigger_id, const Call& call) {
        return list_by_trigger_all(trigger_id, ListRunsOptions{}, call);
    }

    /// One page of the runs of the compute function `function_id` (whatever started them),
    /// newest first, filtered and paged by `options`.
    Page<FunctionRun> list_by_function(std::string_view function_id, const ListRunsOptions& options = {},
                                       const CallOptions& call = {});
    /// list_by_function() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_function(function_id, call)`, not `list_by_function(function_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<FunctionRun> list_by_function(std::string_view function_id, const Call& call) {
        return list_by_function(function_id, ListRunsOptions{}, call);
    }
    /// list_by_function() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_by_function_async(std::string_view function_id, const ListRunsOptions& options = {},
                                const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(detail::routes::runs_by_function, function_id, options, call).launch(std::forward<Token>(token));
    }
    /// list_by_function_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_function_async(function_id, call)`, not `list_by_function_async(function_id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_by_function_async(std::string_view function_id, const Call& call, Token&& token = {}) {
        return list_by_function_async(function_id, ListRunsOptions{}, call, std::forward<Token>(token));
    }
    /// Every run of the function, page by page as iteration needs them (see PageRange):
    /// list_by_function() from options.page (or 1) in pages of options.page_size (or 100). An
    /// empty id throws InvalidArgument here; nothing is sent before the range's begin(). No
    /// `_async` twin: list_by_function_async() is the page-at-a-time call without blocking.
    PageRange<FunctionRun> list_by_function_all(std::string_view function_id, const ListRunsOptions& options = {},
                                                const CallOptions& call = {});
    /// list_by_function_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_by_function_all(function_id, call)`, not `list_by_function_all(function_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<FunctionRun> list_by_function_all(std::string_view function_id, const Call& call) {
        return list_by_function_all(function_id, ListRunsOptions{}, call);
    }

    /// The status of the job `job_id` (an id triggers().invoke() returned), once; see JobStatus
    /// for the route's standing.
    JobStatus get_job_status(std::string_view job_id, const CallOptions& call = {});
    /// get_job_status() without blocking: the status, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_job_status_async(std::string_view job_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->job_op(job_id, call).launch(std::forward<Token>(token));
    }

    /// Polls the run until it is completed (returned) or fails (FunctionRunFailed: it ended in
    /// failure or timeout). The wait also ends with DeadlineExceeded or Cancelled (see the
    /// class).
    FunctionRun wait(std::string_view run_id, const WaitOptions& wait = {});
    /// wait() without blocking: its polls are timers on the event loop; the run, or the error,
    /// arrives through `token`.
    template <class Token = UseFuture>
    auto wait_async(std::string_view run_id, const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_op(run_id, wait).launch(std::forward<Token>(token));
    }

    /// Waits for the run that a trigger invocation's job produced: finds it among the trigger's
    /// runs (a job id alone does not name a run on the documented routes; every page is
    /// searched, newest first), then polls it.
    ///
    /// Until the run appears, each poll lists the trigger's runs in pages of 100. Returns the
    /// run completed, or throws like wait().
    FunctionRun wait_for_job(std::string_view trigger_id, std::string_view job_id, const WaitOptions& wait = {});
    /// wait_for_job() without blocking: its polls are timers on the event loop; the run, or the
    /// error, arrives through `token`.
    template <class Token = UseFuture>
    auto wait_for_job_async(std::string_view trigger_id, std::string_view job_id, const WaitOptions& wait = {},
                            Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_for_job_op(trigger_id, job_id, wait).launch(std::forward<Token>(token));
    }

    /// Polls a job's status until it is completed or failed, and returns that final status.
    ///
    /// A failed job is returned, not thrown: check `state` (and `failed_reason`). Ends with
    /// DeadlineExceeded or Cancelled like the other waits.
    JobStatus wait_for_job_status(std::string_view job_id, const WaitOptions& wait = {});
    /// wait_for_job_status() without blocking: its polls are timers on the event loop; the
    /// status, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto wait_for_job_status_async(std::string_view job_id, const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->wait_for_job_status_op(job_id, wait).launch(std::forward<Token>(token));
    }

private:
    PageRange<FunctionRun> all_runs(const detail::Route& route, std::string_view id, const ListRunsOptions& options,
                                    const CallOptions& call) const;
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

#pragma once

#include <centrali/runs.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, FunctionRun& run) {
    run.id = detail::read_identity(j, "id", "a function run");
    // Every other member is read tolerantly: one of an unexpected type keeps its default (and
    // stays in raw) rather than failing the run, or a whole page of runs.
    const detail::TolerantReader read{j};
    read("createdBy", run.created_by);
    read("functionId", run.function_id);
    read("workspaceSlug", run.workspace_slug);
    read("jobId", run.job_id);
    read("status", run.status);
    read("runData", run.run_data);
    read("startedAt", run.started_at);
    read("endedAt", run.ended_at);
    read("createdAt", run.created_at);
    read("updatedAt", run.updated_at);
    read("executionId", run.execution_id);
    read("triggerId", run.trigger_id);
    read("triggerType", run.trigger_type);
    read("orchestrationRunId", run.orchestration_run_id);
    read("orchestrationStepId", run.orchestration_step_id);
    read("originalRunId", run.original_run_id);
    read("isRerun", run.is_rerun);
    read("rerunCount", run.rerun_count);
    read("rerunBy", run.rerun_by);
    read("rerunReason", run.rerun_reason);
    read("functionCodeHash", run.function_code_hash);
    read("functionVersion", run.function_version);
    read("executionSource", run.execution_source);
    read("memoryUsageBytes", run.memory_usage_bytes);
    read("cpuUsageSeconds", run.cpu_usage_seconds);
    read("memoryUsage", run.memory_usage);
    read("cpuUsage", run.cpu_usage);
    read("errorCode", run.error_code);
    read("errorMessage", run.error_message);
    read("dataStrippedAt", run.data_stripped_at);
    read("archiveStorageAddress", run.archive_storage_address);
    read("archivedAt", run.archived_at);
    run.raw = j;
}

CENTRALI_DECL std::optional<double> FunctionRun::rss_bytes() const {
    if (memory_usage_bytes) return memory_usage_bytes;
    std::optional<double> rss;
    detail::read_member_tolerant(memory_usage, "rss", rss);
    return rss;
}

CENTRALI_DECL std::optional<double> FunctionRun::cpu_user_seconds() const {
    if (cpu_usage_seconds) return cpu_usage_seconds;
    std::optional<double> user_microseconds;
    detail::read_member_tolerant(cpu_usage, "user", user_microseconds);
    if (!user_microseconds) return std::nullopt;
    return *user_microseconds / 1e6;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, JobStatus& job) {
    job.id = detail::read_identity(j, "id", "a job status");
    const detail::TolerantReader read{j};
    read("state", job.state);
    if (job.state.empty()) read("status", job.state);
    read("returnValue", job.return_value);
    job.outputs = job.return_value.is_object() && job.return_value.contains("outputs") ? job.return_value["outputs"]
                                                                                       : job.return_value;
    read("failedReason", job.failed_reason);
    read("runId", job.run_id);
    job.raw = j;
}

CENTRALI_DECL FunctionRun RunsManager::get(std::string_view run_id, const CallOptions& call) {
    return get_op(run_id, call).run();
}
CENTRALI_DECL PageRange<FunctionRun> RunsManager::list_by_trigger_all(std::string_view trigger_id,
                                                                     const ListRunsOptions& options,
                                                                     const CallOptions& call) {
    return all_runs(detail::routes::runs_by_trigger, trigger_id, options, call);
}
CENTRALI_DECL PageRange<FunctionRun> RunsManager::list_by_function_all(std::string_view function_id,
                                                                      const ListRunsOptions& options,
                                                                      const CallOptions& call) {
    return all_runs(detail::routes::runs_by_function, function_id, options, call);
}
CENTRALI_DECL PageRange<FunctionRun> RunsManager::all_runs(const detail::Route& route, std::string_view id,
                                                          const ListRunsOptions& options, const CallOptions& call) const {
    return all_pages<FunctionRun>(options, [self = *this, &route, id = std::string(id), call](const ListRunsOptions& page) {
        return self.list_op(route, id, page, call);
    });
}
CENTRALI_DECL Page<FunctionRun> RunsManager::list_by_trigger(std::string_view trigger_id, const ListRunsOptions& options,
                                                             const CallOptions& call) {
    return list_op(detail::routes::runs_by_trigger, trigger_id, options, call).run();
}
CENTRALI_DECL Page<FunctionRun> RunsManager::list_by_function(std::string_view function_id,
                                                              const ListRunsOptions& options, const CallOptions& call) {
    return list_op(detail::routes::runs_by_function, function_id, options, call).run();
}
CENTRALI_DECL JobStatus RunsManager::get_job_status(std::string_view job_id, const CallOptions& call) {
    return job_op(job_id, call).run();
}
CENTRALI_DECL FunctionRun RunsManager::wait(std::string_view run_id, const WaitOptions& wait) {
    return wait_op(run_id, wait).run();
}
CENTRALI_DECL FunctionRun RunsManager::wait_for_job(std::string_view trigger_id, std::string_view job_id,
                                                    const WaitOptions& wait) {
    return wait_for_job_op(trigger_id, job_id, wait).run();
}
CENTRALI_DECL JobStatus RunsManager::wait_for_job_status(std::string_view job_id, const WaitOptions& wait) {
    return wait_for_job_status_op(job_id, wait).run();
}

CENTRALI_DECL detail::HttpOp<FunctionRun> RunsManager::get_op(std::string_view run_id, const CallOptions& call) const {
    return one<FunctionRun>(detail::routes::runs_get, {run_id}, {}, nullptr, "function run", call);
}

CENTRALI_DECL detail::HttpOp<Page<FunctionRun>> RunsManager::list_op(const detail::Route& route, std::string_view id,
                                                                     const ListRunsOptions& options,
                                                                     const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size);
    if (options.status && !options.status->empty()) query.add("status", options.status->str());
    return page<FunctionRun>(route, {id}, query, "function runs", call);
}

CENTRALI_DECL detail::HttpOp<JobStatus> RunsManager::job_op(std::string_view job_id, const CallOptions& call) const {
    return one<JobStatus>(detail::routes::runs_job_status, {job_id}, {}, nullptr, "job status", call);
}

CENTRALI_DECL FunctionRun RunsManager::finished(FunctionRun run) {
    if (run.status != RunStatus::completed) throw FunctionRunFailed(std::move(run));
    return run;
}

CENTRALI_DECL detail::Op<FunctionRun> RunsManager::wait_op(std::string_view run_id, const WaitOptions& wait) const {
    if (run_id.empty()) throw InvalidArgument("run id must not be empty");
    auto last = std::make_shared<FunctionRun>();
    return detail::wait_op<FunctionRun>(
        core_, wait, "function run " + std::string(run_id),
        [self = *this, id = std::string(run_id), last](const std::shared_ptr<detail::Executor>& ex,
                                                      const CallOptions& call, detail::Completion<bool> done) {
            self.get_op(id, call).start(ex, [last, done = std::move(done)](Result<FunctionRun> run) mutable {
                if (!run) return done(run.error());
                *last = std::move(run).value();
                done(last->status.is_terminal());
            });
        },
        [last] { return finished(std::move(*last)); });
}

CENTRALI_DECL detail::Op<FunctionRun> RunsManager::wait_for_job_op(std::string_view trigger_id, std::string_view job_id,
                                                                   const WaitOptions& wait) const {
    if (trigger_id.empty() || job_id.empty()) throw InvalidArgument("trigger id and job id must not be empty");
    auto search = std::make_shared<JobSearch>();
    search->trigger = std::string(trigger_id);
    search->job = std::string(job_id);
    return detail::wait_op<FunctionRun>(
        core_, wait, "the run of job " + search->job,
        [self = *this, search](const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                               detail::Completion<bool> done) { self.poll_job(search, ex, call, std::move(done)); },
        [search] { return finished(std::move(search->last)); });
}

CENTRALI_DECL void RunsManager::poll_job(const std::shared_ptr<JobSearch>& search,
                                         const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                                         detail::Completion<bool> done) const {
    if (search->run_id.empty()) return search_page(search, 1, ex, call, std::move(done));
    get_op(search->run_id, call).start(ex, [search, done = std::move(done)](Result<FunctionRun> run) mutable {
        if (!run) return done(run.error());
        search->last = std::move(run).value();
        done(search->last.status.is_terminal());
    });
}

CENTRALI_DECL void RunsManager::search_page(const std::shared_ptr<JobSearch>& search, long long page_number,
                                            const std::shared_ptr<detail::Executor>& ex, const CallOptions& call,
                                            detail::Completion<bool> done) const {
    static constexpr long long page_size = 100;
    ListRunsOptions options;
    options.page = page_number;
    options.page_size = page_size;
    list_op(detail::routes::runs_by_trigger, search->trigger, options, call)
        .start(ex, [self = *this, search, page_number, ex, call, done = std::move(done)](Result<Page<FunctionRun>> page) mutable {
            if (!page) return done(page.error());
            Page<FunctionRun>& runs = page.value();
            for (auto& run : runs.items) {
                if (run.job_id != search->job) continue;
                search->run_id = run.id;
                search->last = std::move(run);
                return done(search->last.status.is_terminal());
            }
            const auto count = static_cast<long long>(runs.items.size());
            const bool last_page = count < page_size ||
                                   (runs.meta.total && page_number * page_size >= *runs.meta.total);
            if (last_page) return done(false);  // not there yet: the next poll looks again
            self.search_page(search, page_number + 1, ex, call, std::move(done));
        });
}

CENTRALI_DECL detail::Op<JobStatus> RunsManager::wait_for_job_status_op(std::string_view job_id,
                                                                        const WaitOptions& wait) const {
    if (job_id.empty()) throw InvalidArgument("job id must not be empty");
    auto last = std::make_shared<JobStatus>();
    return detail::wait_op<JobStatus>(
        core_, wait, "job " + std::string(job_id),
        [self = *this, id = std::string(job_id), last](const std::shared_ptr<detail::Executor>& ex,
                                                      const CallOptions& call, detail::Completion<bool> done) {
            self.job_op(id, call).start(ex, [last, done = std::move(done)](Result<JobStatus> status) mutable {
                if (!status) return done(status.error());
                *last = std::move(status).value();
                done(last->state.is_terminal());
            });
        },
        [last] { return std::move(*last); });
}

CENTRALI_NAMESPACE_END

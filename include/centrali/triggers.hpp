#pragma once
// client.triggers(): what runs a compute function (on demand, on record events, on a schedule,
// on an inbound HTTP call), plus invoke_and_wait, which returns the finished run.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>
#include <centrali/runs.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

class TriggerType : public StringEnum<TriggerType> {
public:
    using StringEnum::StringEnum;
    static const TriggerType on_demand, event_driven, scheduled, http_trigger, endpoint;
};
inline const TriggerType TriggerType::on_demand{"on-demand"};
inline const TriggerType TriggerType::event_driven{"event-driven"};
inline const TriggerType TriggerType::scheduled{"scheduled"};
inline const TriggerType TriggerType::http_trigger{"http-trigger"};
inline const TriggerType TriggerType::endpoint{"endpoint"};

/// A parameter stored encrypted at rest and handed to the function decrypted. The SDK never
/// logs request bodies, so the plain value leaves only in the request itself.
inline nlohmann::json encrypted(std::string value) {
    // Member by member, not as a braced json literal: see TriggerMetadata::Field.
    nlohmann::json param = nlohmann::json::object();
    param["value"] = std::move(value);
    param["encrypt"] = true;
    return param;
}

/// `triggerMetadata`: the per-type fields, plus `params` (the function's triggerParams).
/// Built with the named constructors; `json` stays reachable for fields not listed here.
struct TriggerMetadata {
    nlohmann::json json = nlohmann::json::object();

    /// `{"params": {…}}`; an empty params object is kept, as the JS SDK's users send it.
    static TriggerMetadata on_demand(nlohmann::json params = nlohmann::json::object()) {
        return with_params({}, std::move(params));
    }
    /// Fires on record events such as record_created, record_updated, record_deleted.
    static TriggerMetadata event_driven(std::string event, std::string record_slug,
                                        nlohmann::json params = nlohmann::json::object()) {
        return with_params({{"event", std::move(event)}, {"recordSlug", std::move(record_slug)}}, std::move(params));
    }
    static TriggerMetadata every(long long interval_seconds, nlohmann::json params = nlohmann::json::object()) {
        TriggerMetadata metadata = with_params({{"scheduleType", "interval"}}, std::move(params));
        metadata.json["interval"] = interval_seconds;
        return metadata;
    }
    /// A 5-field cron expression in `timezone`.
    static TriggerMetadata cron(std::string expression, std::string timezone = "UTC",
                                nlohmann::json params = nlohmann::json::object()) {
        return with_params({{"scheduleType", "cron"}, {"cronExpression", std::move(expression)}, {"timezone", std::move(timezone)}},
                           std::move(params));
    }
    /// Once, at an ISO-8601 time.
    static TriggerMetadata once(std::string scheduled_at, nlohmann::json params = nlohmann::json::object()) {
        return with_params({{"scheduleType", "once"}, {"scheduledAt", std::move(scheduled_at)}}, std::move(params));
    }
    /// An inbound HTTP trigger; the server generates the public URL from `path`.
    static TriggerMetadata http(std::string path, nlohmann::json params = nlohmann::json::object()) {
        return with_params({{"path", std::move(path)}}, std::move(params));
    }

private:
    /// A string member. These functions are not templates, so every TU that includes this
    /// header compiles them; a braced json literal ({{"scheduleType", "cron"}, …}) would
    /// instantiate nlohmann's conversions once per string-literal length there.
    struct Field {
        const char* key;
        std::string value;
    };

    static TriggerMetadata with_params(std::initializer_list<Field> fields, nlohmann::json params) {
        TriggerMetadata metadata;
        for (const Field& field : fields) metadata.json[field.key] = field.value;
        metadata.json["params"] = params.is_null() ? nlohmann::json::object() : std::move(params);
        return metadata;
    }
};

struct FunctionTrigger {
    std::string id;
    std::string name;
    std::string function_id;
    TriggerType execution_type;
    std::string description;
    bool enabled = true;  ///< false: paused
    nlohmann::json trigger_metadata;
    nlohmann::json health;  ///< present when listed with include_health
    std::string workspace_slug;
    std::string created_at;
    std::string updated_at;
    nlohmann::json raw;
};

template <class T, detail::only<T, FunctionTrigger> = 0>
void from_json(const nlohmann::json& j, T& t) {
    detail::read_member(j, "id", t.id);
    detail::read_member(j, "name", t.name);
    detail::read_member(j, "functionId", t.function_id);
    detail::read_member(j, "executionType", t.execution_type);
    detail::read_member(j, "description", t.description);
    detail::read_member(j, "enabled", t.enabled);
    detail::read_member(j, "triggerMetadata", t.trigger_metadata);
    detail::read_member(j, "health", t.health);
    detail::read_member(j, "workspaceSlug", t.workspace_slug);
    detail::read_member(j, "createdAt", t.created_at);
    detail::read_member(j, "updatedAt", t.updated_at);
    t.raw = j;
}

struct CreateTriggerInput {
    std::string name;
    std::string function_id;
    TriggerType execution_type = TriggerType::on_demand;
    std::string description;
    std::optional<bool> enabled;  ///< the server's default is true
    TriggerMetadata trigger_metadata = TriggerMetadata::on_demand();
};

template <class T, detail::only<T, CreateTriggerInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"name", input.name}, {"functionId", input.function_id}, {"executionType", input.execution_type.str()}};
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "enabled", input.enabled);
    j["triggerMetadata"] = input.trigger_metadata.json;
}

/// Only the members that are set are sent.
struct UpdateTriggerInput {
    std::optional<std::string> name;
    std::optional<std::string> function_id;
    std::optional<TriggerType> execution_type;
    std::optional<std::string> description;
    std::optional<bool> enabled;
    std::optional<TriggerMetadata> trigger_metadata;
};

template <class T, detail::only<T, UpdateTriggerInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "functionId", input.function_id);
    if (input.execution_type) j["executionType"] = input.execution_type->str();
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "enabled", input.enabled);
    if (input.trigger_metadata) j["triggerMetadata"] = input.trigger_metadata->json;
}

struct ListAllTriggersOptions {
    std::string function_id;     ///< only this function's triggers (empty: all)
    bool include_health = false; ///< adds each trigger's health summary
};

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it TriggersManager.
template <class Unused>
class BasicTriggersManager : private ManagerBase {
    using Runs = BasicRunsManager<Unused>;

public:
    explicit BasicTriggersManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<FunctionTrigger> list(const ListOptions& options = {}, const CallOptions& call = {}) { return list_op(options).run(call); }
    std::future<Page<FunctionTrigger>> list_async(const ListOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }

    Page<FunctionTrigger> list_all(const ListAllTriggersOptions& options = {}, const CallOptions& call = {}) {
        return list_all_op(options).run(call);
    }
    std::future<Page<FunctionTrigger>> list_all_async(const ListAllTriggersOptions& options = {}, const CallOptions& call = {}) {
        return list_all_op(options).submit(call);
    }

    FunctionTrigger get(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_get, trigger_id).run(call);
    }
    std::future<FunctionTrigger> get_async(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_get, trigger_id).submit(call);
    }

    FunctionTrigger create(const CreateTriggerInput& input, const CallOptions& call = {}) { return create_op(input).run(call); }
    std::future<FunctionTrigger> create_async(const CreateTriggerInput& input, const CallOptions& call = {}) {
        return create_op(input).submit(call);
    }

    FunctionTrigger update(std::string_view trigger_id, const UpdateTriggerInput& input, const CallOptions& call = {}) {
        return update_op(trigger_id, input).run(call);
    }
    std::future<FunctionTrigger> update_async(std::string_view trigger_id, const UpdateTriggerInput& input,
                                              const CallOptions& call = {}) {
        return update_op(trigger_id, input).submit(call);
    }

    void remove(std::string_view trigger_id, const CallOptions& call = {}) { remove_op(trigger_id).run(call); }
    std::future<void> remove_async(std::string_view trigger_id, const CallOptions& call = {}) {
        return remove_op(trigger_id).submit(call);
    }

    /// Queues a run and returns its job id at once; the function's output is not returned
    /// (see invoke_and_wait). A null payload sends an empty body object.
    std::string invoke(std::string_view trigger_id, const nlohmann::json& payload = nullptr, const CallOptions& call = {}) {
        return invoke_op(trigger_id, payload).run(call);
    }
    std::future<std::string> invoke_async(std::string_view trigger_id, const nlohmann::json& payload = nullptr,
                                          const CallOptions& call = {}) {
        return invoke_op(trigger_id, payload).submit(call);
    }

    /// Invokes and waits for the run: returns it completed, or throws FunctionRunFailed (failure
    /// or timeout), DeadlineExceeded or Cancelled. The invoke itself is sent once, never retried.
    FunctionRun invoke_and_wait(std::string_view trigger_id, const nlohmann::json& payload = nullptr,
                                const WaitOptions& wait = {}) {
        CallOptions call;
        call.cancel = wait.cancel;
        const std::string job_id = invoke(trigger_id, payload, call);
        return Runs(core_).wait_for_job(trigger_id, job_id, wait);
    }
    std::future<FunctionRun> invoke_and_wait_async(std::string_view trigger_id, const nlohmann::json& payload = nullptr,
                                                   const WaitOptions& wait = {}) {
        // One poll loop: its first "poll" is the invoke (made once), the next ones find and
        // follow the job's run.
        const auto search = Runs::JobSearch::of(trigger_id, "");
        auto make_op = [core = core_.get(), search, payload]() -> detail::Op<FunctionRun> {
            if (!search.job->empty()) return Runs(detail::borrow(core)).job_run_op(search);
            return BasicTriggersManager(detail::borrow(core)).invoke_op(search.trigger, payload).then_value([search](std::string job) {
                *search.job = std::move(job);
                return FunctionRun{};  // not finished: keep polling
            });
        };
        return detail::poll_async<FunctionRun, FunctionRun>(*core_, wait, "the run of trigger " + search.trigger,
                                                            std::move(make_op), Runs::is_over, &Runs::finished);
    }

    FunctionTrigger pause(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_pause, trigger_id).run(call);
    }
    std::future<FunctionTrigger> pause_async(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_pause, trigger_id).submit(call);
    }

    FunctionTrigger resume(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_resume, trigger_id).run(call);
    }
    std::future<FunctionTrigger> resume_async(std::string_view trigger_id, const CallOptions& call = {}) {
        return by_id(detail::routes::triggers_resume, trigger_id).submit(call);
    }

private:
    detail::Op<Page<FunctionTrigger>> list_op(const ListOptions& options) const {
        return page<FunctionTrigger>(detail::routes::triggers_list, {}, paging(options.page, options.limit), "triggers");
    }
    detail::Op<Page<FunctionTrigger>> list_all_op(const ListAllTriggersOptions& options) const {
        detail::Query query;
        if (options.include_health) query.add("includeHealth", "true");
        if (!options.function_id.empty()) query.add("functionId", options.function_id);
        return page<FunctionTrigger>(detail::routes::triggers_list, {}, query, "triggers");
    }
    detail::Op<FunctionTrigger> by_id(const detail::Route& route, std::string_view trigger_id) const {
        return one<FunctionTrigger>(route, {trigger_id}, {}, nullptr, "trigger");
    }
    detail::Op<FunctionTrigger> create_op(const CreateTriggerInput& input) const {
        if (input.name.empty() || input.function_id.empty())
            throw InvalidArgument("a trigger needs a name and a function_id");
        const nlohmann::json body = input;
        return one<FunctionTrigger>(detail::routes::triggers_create, {}, {}, &body, "trigger");
    }
    detail::Op<FunctionTrigger> update_op(std::string_view trigger_id, const UpdateTriggerInput& input) const {
        const nlohmann::json body = input;
        return one<FunctionTrigger>(detail::routes::triggers_update, {trigger_id}, {}, &body, "trigger");
    }
    detail::Op<void> remove_op(std::string_view trigger_id) const {
        return discard(detail::routes::triggers_delete, {trigger_id});
    }
    detail::Op<std::string> invoke_op(std::string_view trigger_id, const nlohmann::json& payload) const {
        nlohmann::json body = nlohmann::json::object();
        if (!payload.is_null()) body["payload"] = payload;
        return custom<std::string>(detail::routes::triggers_invoke, {trigger_id}, {}, &body, [](nlohmann::json&& response) {
            // The job id arrives as a bare string in `data`; tolerate {"data": {"jobId": …}} too.
            if (response.is_object()) {
                const auto data = response.find("data");
                if (data != response.end() && data->is_string()) return data->get<std::string>();
                if (data != response.end() && data->is_object()) {
                    std::string job_id;
                    detail::read_member(*data, "jobId", job_id);
                    if (!job_id.empty()) return job_id;
                }
            }
            throw DecodeError("centrali: invoke answered without a job id: " + response.dump().substr(0, 200));
        });
    }
};
}  // namespace detail

using TriggersManager = detail::BasicTriggersManager<void>;

CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/triggers.hpp>

#include <initializer_list>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL nlohmann::json encrypted(std::string value) {
    nlohmann::json param = nlohmann::json::object();
    param["value"] = std::move(value);
    param["encrypt"] = true;
    return param;
}

CENTRALI_DECL TriggerPayload::TriggerPayload(nlohmann::json payload) : value_(std::move(payload)) {
    if (value_.is_object() && value_.size() == 1 && value_.contains("payload"))
        throw InvalidArgument("invoke() takes the payload itself: invoke(id, p), not the JS SDK's options object "
                              "invoke(id, {{\"payload\", p}}), which would send {\"payload\": {\"payload\": …}}; "
                              "for a payload that really is {\"payload\": …} use TriggerPayload::verbatim()");
}
CENTRALI_DECL TriggerPayload TriggerPayload::verbatim(nlohmann::json payload) {
    return TriggerPayload(Verbatim{}, std::move(payload));
}

namespace detail {
/// The plain values of the encrypted() params in a trigger's metadata: secrets the Core redacts
/// from every error and log line of the call that sends them, as orchestration steps' are.
inline std::vector<std::string> encrypted_param_values(const std::optional<TriggerMetadata>& metadata) {
    std::vector<std::string> values;
    if (!metadata) return values;
    const auto params = metadata->json.find("params");
    if (params == metadata->json.end() || !params->is_object()) return values;
    for (const auto& param : *params) {
        if (!param.is_object()) continue;
        const auto encrypt = param.find("encrypt");
        const auto value = param.find("value");
        if (encrypt != param.end() && *encrypt == true && value != param.end() && value->is_string())
            values.push_back(value->get<std::string>());
    }
    return values;
}

struct MetadataField {
    const char* key;
    std::string value;
};
inline TriggerMetadata metadata_with_params(std::initializer_list<MetadataField> fields, nlohmann::json params) {
    TriggerMetadata metadata;
    for (const MetadataField& field : fields) metadata.json[field.key] = field.value;
    if (!params.is_null()) metadata.json["params"] = std::move(params);  // only when given
    return metadata;
}
}  // namespace detail

CENTRALI_DECL TriggerMetadata TriggerMetadata::on_demand(nlohmann::json params) {
    return detail::metadata_with_params({}, std::move(params));
}
CENTRALI_DECL TriggerMetadata TriggerMetadata::event_driven(std::string event, std::string record_slug,
                                                            nlohmann::json params) {
    return detail::metadata_with_params({{"event", std::move(event)}, {"recordSlug", std::move(record_slug)}},
                                        std::move(params));
}
CENTRALI_DECL TriggerMetadata TriggerMetadata::every(long long interval_seconds, nlohmann::json params) {
    TriggerMetadata metadata = detail::metadata_with_params({{"scheduleType", "interval"}}, std::move(params));
    metadata.json["interval"] = interval_seconds;
    return metadata;
}
CENTRALI_DECL TriggerMetadata TriggerMetadata::cron(std::string expression, std::optional<std::string> timezone,
                                                    nlohmann::json params) {
    TriggerMetadata metadata = detail::metadata_with_params(
        {{"scheduleType", "cron"}, {"cronExpression", std::move(expression)}}, std::move(params));
    if (timezone) metadata.json["timezone"] = std::move(*timezone);
    return metadata;
}
CENTRALI_DECL TriggerMetadata TriggerMetadata::once(std::string scheduled_at, nlohmann::json params) {
    return detail::metadata_with_params({{"scheduleType", "once"}, {"scheduledAt", std::move(scheduled_at)}},
                                        std::move(params));
}
CENTRALI_DECL TriggerMetadata TriggerMetadata::http(std::string path, nlohmann::json params) {
    return detail::metadata_with_params({{"path", std::move(path)}}, std::move(params));
}

CENTRALI_DECL void from_json(const nlohmann::json& j, FunctionTrigger& t) {
    t.id = detail::read_identity(j, "id", "a function trigger");
    const detail::TolerantReader read{j};
    read("name", t.name);
    read("functionId", t.function_id);
    read("executionType", t.execution_type);
    read("description", t.description);
    read("enabled", t.enabled);
    read("triggerMetadata", t.trigger_metadata);
    read("health", t.health);
    read("workspaceSlug", t.workspace_slug);
    read("createdAt", t.created_at);
    read("updatedAt", t.updated_at);
    t.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const CreateTriggerInput& input) {
    j = nlohmann::json::object();
    j["name"] = input.name;
    j["functionId"] = input.function_id;
    if (!input.execution_type.empty()) j["executionType"] = input.execution_type.str();
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "enabled", input.enabled);
    if (input.trigger_metadata) j["triggerMetadata"] = input.trigger_metadata->json;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, TriggerMetadata& metadata) {
    if (!j.is_object()) throw DecodeError("centrali: triggerMetadata must be a JSON object");
    metadata.json = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, CreateTriggerInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "functionId", input.function_id);
    detail::read_member(j, "executionType", input.execution_type);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "enabled", input.enabled);
    detail::read_member(j, "triggerMetadata", input.trigger_metadata);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateTriggerInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "functionId", input.function_id);
    detail::read_member(j, "executionType", input.execution_type);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "enabled", input.enabled);
    detail::read_member(j, "triggerMetadata", input.trigger_metadata);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateTriggerInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "functionId", input.function_id);
    if (input.execution_type) j["executionType"] = input.execution_type->str();
    detail::write_member(j, "description", input.description);
    detail::write_member(j, "enabled", input.enabled);
    if (input.trigger_metadata) j["triggerMetadata"] = input.trigger_metadata->json;
}

CENTRALI_DECL Page<FunctionTrigger> TriggersManager::list(const ListTriggersOptions& options, const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL PageRange<FunctionTrigger> TriggersManager::list_all(const ListTriggersOptions& options,
                                                                   const CallOptions& call) {
    return all_pages<FunctionTrigger>(options, [self = *this, call](const ListTriggersOptions& page) {
        return self.list_op(page, call);
    });
}
CENTRALI_DECL FunctionTrigger TriggersManager::get(std::string_view trigger_id, const CallOptions& call) {
    return by_id(detail::routes::triggers_get, trigger_id, call).run();
}
CENTRALI_DECL FunctionTrigger TriggersManager::create(const CreateTriggerInput& input, const CallOptions& call) {
    return create_op(input, call).run();
}
CENTRALI_DECL FunctionTrigger TriggersManager::update(std::string_view trigger_id, const UpdateTriggerInput& input,
                                                      const CallOptions& call) {
    return update_op(trigger_id, input, call).run();
}
CENTRALI_DECL void TriggersManager::remove(std::string_view trigger_id, const CallOptions& call) {
    remove_op(trigger_id, call).run();
}
CENTRALI_DECL std::string TriggersManager::invoke(std::string_view trigger_id, const TriggerPayload& payload,
                                                  const CallOptions& call) {
    return invoke_op(trigger_id, payload, call).run();
}
CENTRALI_DECL FunctionRun TriggersManager::invoke_and_wait(std::string_view trigger_id, const TriggerPayload& payload,
                                                           const WaitOptions& wait) {
    return invoke_and_wait_op(trigger_id, payload, wait).run();
}
CENTRALI_DECL FunctionTrigger TriggersManager::pause(std::string_view trigger_id, const CallOptions& call) {
    return by_id(detail::routes::triggers_pause, trigger_id, call).run();
}
CENTRALI_DECL FunctionTrigger TriggersManager::resume(std::string_view trigger_id, const CallOptions& call) {
    return by_id(detail::routes::triggers_resume, trigger_id, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<FunctionTrigger>> TriggersManager::list_op(const ListTriggersOptions& options,
                                                                             const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size);
    if (options.include_health) query.add("includeHealth", "true");
    if (!options.function_id.empty()) query.add("functionId", options.function_id);
    return page<FunctionTrigger>(detail::routes::triggers_list, {}, query, "triggers", call);
}
CENTRALI_DECL detail::HttpOp<FunctionTrigger> TriggersManager::by_id(const detail::Route& route, std::string_view trigger_id,
                                                                     const CallOptions& call) const {
    return one<FunctionTrigger>(route, {trigger_id}, {}, nullptr, "trigger", call);
}
CENTRALI_DECL detail::HttpOp<FunctionTrigger> TriggersManager::create_op(const CreateTriggerInput& input,
                                                                         const CallOptions& call) const {
    if (input.name.empty() || input.function_id.empty()) throw InvalidArgument("a trigger needs a name and a function_id");
    if (input.execution_type.empty() || !input.trigger_metadata)
        throw InvalidArgument("a trigger needs an execution_type and its trigger_metadata, e.g. TriggerType::on_demand "
                              "with TriggerMetadata::on_demand()");
    const nlohmann::json body = input;
    return one<FunctionTrigger>(detail::routes::triggers_create, {}, {}, &body, "trigger", call,
                                detail::encrypted_param_values(input.trigger_metadata));
}
CENTRALI_DECL detail::HttpOp<FunctionTrigger> TriggersManager::update_op(std::string_view trigger_id,
                                                                         const UpdateTriggerInput& input,
                                                                         const CallOptions& call) const {
    const nlohmann::json body = input;
    return one<FunctionTrigger>(detail::routes::triggers_update, {trigger_id}, {}, &body, "trigger", call,
                                detail::encrypted_param_values(input.trigger_metadata));
}
CENTRALI_DECL detail::HttpOp<void> TriggersManager::remove_op(std::string_view trigger_id, const CallOptions& call) const {
    return discard(detail::routes::triggers_delete, {trigger_id}, call);
}

namespace detail {
/// The job id arrives as a bare string in `data`; {"data": {"jobId": …}} is tolerated too.
inline std::string as_job_id(const Core& core, HttpResponse& response, const Call& call, const char*) {
    const nlohmann::json body = core.parse_json(response, call);
    if (body.is_object()) {
        const auto data = body.find("data");
        if (data != body.end() && data->is_string()) return data->get<std::string>();
        if (data != body.end() && data->is_object()) {
            std::string job_id;
            read_member(*data, "jobId", job_id);
            if (!job_id.empty()) return job_id;
        }
    }
    throw DecodeError("centrali: invoke answered without a job id: " + dump_json(body).substr(0, 200));
}
}  // namespace detail

CENTRALI_DECL detail::HttpOp<std::string> TriggersManager::invoke_op(std::string_view trigger_id,
                                                                     const TriggerPayload& payload,
                                                                     const CallOptions& call) const {
    nlohmann::json body = nlohmann::json::object();
    if (!payload.json().is_null()) body["payload"] = payload.json();
    return detail::HttpOp<std::string>(core_, core_->make_call(detail::routes::triggers_invoke, {trigger_id}, {}, &body),
                                       call, &detail::as_job_id, "job id");
}

CENTRALI_DECL detail::Op<FunctionRun> TriggersManager::invoke_and_wait_op(std::string_view trigger_id,
                                                                          const TriggerPayload& payload,
                                                                          const WaitOptions& wait) const {
    if (trigger_id.empty()) throw InvalidArgument("trigger id must not be empty");
    auto search = std::make_shared<RunsManager::JobSearch>();
    search->trigger = std::string(trigger_id);
    // One wait: its first poll is the invoke (sent once: a POST is never retried), the next ones
    // find and follow the job's run.
    return detail::wait_op<FunctionRun>(
        core_, wait, "the run of trigger " + search->trigger,
        [self = *this, runs = RunsManager(core_), search, payload](const std::shared_ptr<detail::Executor>& ex,
                                                                    const CallOptions& call,
                                                                    detail::Completion<bool> done) {
            if (!search->job.empty()) return runs.poll_job(search, ex, call, std::move(done));
            self.invoke_op(search->trigger, payload, call).start(ex, [search, done = std::move(done)](Result<std::string> job) mutable {
                if (!job) return done(job.error());
                search->job = std::move(job).value();
                done(false);
            });
        },
        [search] { return RunsManager::finished(std::move(search->last)); });
}

CENTRALI_NAMESPACE_END

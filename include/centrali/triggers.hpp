#pragma once
// client.triggers(): what runs a compute function (on demand, on record events, on a schedule,
// on an inbound HTTP call), plus invoke_and_wait, which returns the finished run.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/runs.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

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
nlohmann::json encrypted(std::string value);

/// `triggerMetadata`: the per-type fields, plus `params` (the function's triggerParams).
/// Built with the named constructors; `json` stays reachable for fields not listed here.
struct TriggerMetadata {
    nlohmann::json json = nlohmann::json::object();

    /// `{"params": {…}}`; an empty params object is kept, as the JS SDK's users send it.
    static TriggerMetadata on_demand(nlohmann::json params = nlohmann::json::object());
    /// Fires on record events such as record_created, record_updated, record_deleted.
    static TriggerMetadata event_driven(std::string event, std::string record_slug,
                                        nlohmann::json params = nlohmann::json::object());
    static TriggerMetadata every(long long interval_seconds, nlohmann::json params = nlohmann::json::object());
    /// A 5-field cron expression in `timezone`.
    static TriggerMetadata cron(std::string expression, std::string timezone = "UTC",
                                nlohmann::json params = nlohmann::json::object());
    /// Once, at an ISO-8601 time.
    static TriggerMetadata once(std::string scheduled_at, nlohmann::json params = nlohmann::json::object());
    /// An inbound HTTP trigger; the server generates the public URL from `path`.
    static TriggerMetadata http(std::string path, nlohmann::json params = nlohmann::json::object());
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
void from_json(const nlohmann::json& j, FunctionTrigger& t);

struct CreateTriggerInput {
    std::string name;
    std::string function_id;
    TriggerType execution_type = TriggerType::on_demand;
    std::string description;
    std::optional<bool> enabled;  ///< the server's default is true
    TriggerMetadata trigger_metadata = TriggerMetadata::on_demand();
};
void to_json(nlohmann::json& j, const CreateTriggerInput& input);

/// Only the members that are set are sent.
struct UpdateTriggerInput {
    std::optional<std::string> name;
    std::optional<std::string> function_id;
    std::optional<TriggerType> execution_type;
    std::optional<std::string> description;
    std::optional<bool> enabled;
    std::optional<TriggerMetadata> trigger_metadata;
};
void to_json(nlohmann::json& j, const UpdateTriggerInput& input);

struct ListAllTriggersOptions {
    std::string function_id;     ///< only this function's triggers (empty: all)
    bool include_health = false; ///< adds each trigger's health summary
};

/// Every call has an `_async` twin (see async.hpp for its completion token).
class TriggersManager : private detail::ManagerBase {
public:
    explicit TriggersManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<FunctionTrigger> list(const ListOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    Page<FunctionTrigger> list_all(const ListAllTriggersOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_all_async(const ListAllTriggersOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_all_op(options, call).launch(std::forward<Token>(token));
    }

    FunctionTrigger get(std::string_view trigger_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_get, trigger_id, call).launch(std::forward<Token>(token));
    }

    FunctionTrigger create(const CreateTriggerInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_async(const CreateTriggerInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    FunctionTrigger update(std::string_view trigger_id, const UpdateTriggerInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto update_async(std::string_view trigger_id, const UpdateTriggerInput& input, const CallOptions& call = {},
                      Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(trigger_id, input, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view trigger_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(trigger_id, call).launch(std::forward<Token>(token));
    }

    /// Queues a run and returns its job id at once; the function's output is not returned
    /// (see invoke_and_wait). A null payload sends an empty body object.
    std::string invoke(std::string_view trigger_id, const nlohmann::json& payload = nullptr, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto invoke_async(std::string_view trigger_id, const nlohmann::json& payload = nullptr, const CallOptions& call = {},
                      Token&& token = {}) {
        return detail::deferred<Token>(this)->invoke_op(trigger_id, payload, call).launch(std::forward<Token>(token));
    }

    /// Invokes and waits for the run: returns it completed, or throws FunctionRunFailed (failure
    /// or timeout), DeadlineExceeded or Cancelled. The invoke itself is sent once, never retried.
    FunctionRun invoke_and_wait(std::string_view trigger_id, const nlohmann::json& payload = nullptr,
                                const WaitOptions& wait = {});
    template <class Token = UseFuture>
    auto invoke_and_wait_async(std::string_view trigger_id, const nlohmann::json& payload = nullptr,
                               const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->invoke_and_wait_op(trigger_id, payload, wait).launch(std::forward<Token>(token));
    }

    FunctionTrigger pause(std::string_view trigger_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto pause_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_pause, trigger_id, call).launch(std::forward<Token>(token));
    }

    FunctionTrigger resume(std::string_view trigger_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto resume_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_resume, trigger_id, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<FunctionTrigger>> list_op(const ListOptions& options, const CallOptions& call) const;
    detail::HttpOp<Page<FunctionTrigger>> list_all_op(const ListAllTriggersOptions& options, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> by_id(const detail::Route& route, std::string_view trigger_id, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> create_op(const CreateTriggerInput& input, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> update_op(std::string_view trigger_id, const UpdateTriggerInput& input,
                                              const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view trigger_id, const CallOptions& call) const;
    detail::HttpOp<std::string> invoke_op(std::string_view trigger_id, const nlohmann::json& payload,
                                          const CallOptions& call) const;
    detail::Op<FunctionRun> invoke_and_wait_op(std::string_view trigger_id, const nlohmann::json& payload,
                                               const WaitOptions& wait) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/triggers.ipp>
#endif

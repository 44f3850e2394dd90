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

/// What starts a trigger's function (its `executionType`). Set TriggerMetadata to match. An
/// unknown value a newer server sends is kept as it came.
class TriggerType : public StringEnum<TriggerType> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const TriggerType on_demand, event_driven, scheduled, http_trigger, endpoint;
};
inline const TriggerType TriggerType::on_demand{"on-demand"};        ///< `on-demand`: runs when invoked (invoke(), invoke_and_wait())
inline const TriggerType TriggerType::event_driven{"event-driven"};  ///< `event-driven`: runs on record events of a collection
inline const TriggerType TriggerType::scheduled{"scheduled"};        ///< `scheduled`: runs at an interval, on a cron expression or once
inline const TriggerType TriggerType::http_trigger{"http-trigger"};  ///< `http-trigger`: an inbound HTTP call queues a run (webhook style, fire and forget)
/// `endpoint`: a synchronous HTTP endpoint that answers with the function's output. UNCONFIRMED
/// as an `executionType` spelling (runs do report it as their ExecutionSource).
inline const TriggerType TriggerType::endpoint{"endpoint"};

/// A parameter stored encrypted at rest and handed to the function decrypted. The SDK never
/// logs request bodies, so the plain value leaves only in the request itself. Returns
/// `{"value": value, "encrypt": true}`, to put in a TriggerMetadata's params:
/// `TriggerMetadata::on_demand({{"apiKey", encrypted(key)}})`.
nlohmann::json encrypted(std::string value);

/// `triggerMetadata`: the per-type fields, plus `params` (the function's triggerParams).
/// Built with the named constructors; `json` stays reachable for fields not listed here. Only
/// what the caller gives is sent: without `params` there is no `params` member (as the vendor's
/// own app templates send event-driven and scheduled metadata), and `TriggerMetadata::on_demand(
/// nlohmann::json::object())` sends the `{"params": {}}` they send for on-demand triggers.
struct TriggerMetadata {
    /// The `triggerMetadata` object exactly as it is sent; add or change members here.
    nlohmann::json json = nlohmann::json::object();

    /// `{"params": {…}}`, or `{}` without params; an empty params object is sent as given.
    static TriggerMetadata on_demand(nlohmann::json params = nullptr);
    /// Fires on record events such as record_created, record_updated, record_deleted, of the
    /// collection `record_slug`: `{"event": …, "recordSlug": …, "params": {…}}`.
    static TriggerMetadata event_driven(std::string event, std::string record_slug, nlohmann::json params = nullptr);
    /// Every `interval_seconds` seconds: `{"scheduleType": "interval", "interval": …, "params": {…}}`.
    /// The params of a scheduled trigger may take up to 64 KB.
    static TriggerMetadata every(long long interval_seconds, nlohmann::json params = nullptr);
    /// A 5-field cron expression: `scheduleType` cron, with `cronExpression`, and `timezone`
    /// (e.g. "Europe/Berlin") only when given: the server's default applies otherwise.
    static TriggerMetadata cron(std::string expression, std::optional<std::string> timezone = std::nullopt,
                                nlohmann::json params = nullptr);
    /// Once, at an ISO-8601 time: `scheduleType` once, with `scheduledAt`.
    static TriggerMetadata once(std::string scheduled_at, nlohmann::json params = nullptr);
    /// An inbound HTTP trigger; the server generates the public URL from `path`.
    static TriggerMetadata http(std::string path, nlohmann::json params = nullptr);
};
/// A TriggerMetadata holding `j` as it is (an object; anything else throws DecodeError).
void from_json(const nlohmann::json& j, TriggerMetadata& metadata);

/// What invoke() sends as `payload` (the function reads it as `executionParams.payload`).
///
/// Built from any JSON value, implicitly: `invoke(id, {{"orderId", 7}})`. The JS habit,
/// `invoke(id, {{"payload", p}})`, would send `{"payload": {"payload": …}}`: an object whose only
/// member is `payload` is refused with InvalidArgument, thrown where the payload is built. A
/// payload that really is such an object goes through verbatim().
class TriggerPayload {
public:
    /// No payload: the body is `{}`.
    TriggerPayload() = default;
    /// No payload, as the default.
    TriggerPayload(std::nullptr_t) {}
    /// `payload` as the payload; throws InvalidArgument for the JS options shape `{"payload": …}`.
    TriggerPayload(nlohmann::json payload);
    /// A JSON literal, as nlohmann::json reads it: `{{"orderId", 7}, {"rush", true}}`.
    TriggerPayload(nlohmann::json::initializer_list_t literal) : TriggerPayload(nlohmann::json(literal)) {}
    /// `payload` exactly as given, even an object whose only member is `payload`.
    static TriggerPayload verbatim(nlohmann::json payload);
    /// The payload; null when there is none.
    const nlohmann::json& json() const noexcept { return value_; }

private:
    struct Verbatim {};
    TriggerPayload(Verbatim, nlohmann::json payload) : value_(std::move(payload)) {}
    nlohmann::json value_;
};

/// A trigger as the server returns it. A member the server did not send stays empty.
struct FunctionTrigger {
    std::string id;              ///< the trigger's id, as invoke() and runs().list_by_trigger() take it
    std::string name;            ///< its name
    std::string function_id;     ///< the compute function it runs
    TriggerType execution_type;  ///< `executionType`: what starts it
    std::string description;     ///< empty when it has none
    bool enabled = true;  ///< false: paused
    nlohmann::json trigger_metadata;  ///< `triggerMetadata` as received: the per-type fields and `params`
    nlohmann::json health;  ///< present when listed with include_health
    std::string workspace_slug;  ///< the workspace it belongs to
    std::string created_at;      ///< ISO-8601, as the server sent it
    std::string updated_at;      ///< ISO-8601, as the server sent it
    nlohmann::json raw;          ///< the whole trigger as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// Reads a FunctionTrigger from the service's JSON (nlohmann/json's hook: `j.get<FunctionTrigger>()`).
void from_json(const nlohmann::json& j, FunctionTrigger& t);

/// What create() sends. `name`, `function_id`, `execution_type` and `trigger_metadata` are
/// required, as the JS SDK's type makes them (create() throws InvalidArgument, and sends
/// nothing, when one is missing): the SDK chooses no trigger type for you.
struct CreateTriggerInput {
    std::string name;            ///< the trigger's name
    std::string function_id;     ///< the compute function to run
    TriggerType execution_type;  ///< `executionType`, required; match it with trigger_metadata
    std::string description;     ///< not sent when empty
    std::optional<bool> enabled;  ///< the server's default is true
    /// `triggerMetadata`, required, e.g. `TriggerMetadata::on_demand()`.
    std::optional<TriggerMetadata> trigger_metadata;
};
/// Writes a CreateTriggerInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const CreateTriggerInput& input);
/// Reads a CreateTriggerInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, CreateTriggerInput& input);

/// Only the members that are set are sent.
struct UpdateTriggerInput {
    std::optional<std::string> name;                  ///< the new name
    std::optional<std::string> function_id;           ///< another compute function to run
    std::optional<TriggerType> execution_type;        ///< a new `executionType`; send trigger_metadata to match
    std::optional<std::string> description;           ///< the new description (sent even when empty)
    std::optional<bool> enabled;                      ///< false pauses, true resumes (see also pause(), resume())
    std::optional<TriggerMetadata> trigger_metadata;  ///< the whole new `triggerMetadata`, params included
};
/// Writes a UpdateTriggerInput as the JSON the service takes (nlohmann/json's hook: `nlohmann::json(x)`).
void to_json(nlohmann::json& j, const UpdateTriggerInput& input);
/// Reads a UpdateTriggerInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateTriggerInput& input);

/// Paging and filters of list() and list_all(): the JS SDK's `list` pages, its `listAll`
/// filters (`functionId`, `includeHealth`); both are the one route, so both calls take both.
struct ListTriggersOptions {
    std::optional<long long> page;       ///< the page number, from 1 (sent as `page`); unset: not sent
    std::optional<long long> page_size;  ///< items per page (sent as `limit`); unset: not sent
    std::string function_id;             ///< only this function's triggers (`functionId`; empty: all)
    bool include_health = false;         ///< adds each trigger's health summary (`includeHealth=true`)
};

/// The function triggers of the workspace: client.triggers().
///
/// Every call has an `_async` twin (see async.hpp for its completion token). An empty id and
/// the other argument errors throw InvalidArgument before anything is sent (from the `_async`
/// call itself too); a failed call throws a centrali::Error: NotFound and the other ApiError
/// kinds for an error status, TransportError, DecodeError or Cancelled.
class TriggersManager : private detail::ManagerBase {
public:
    /// Made by the Client; use client.triggers().
    explicit TriggersManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// One page of the workspace's triggers, filtered by `options`; what is unset is not sent.
    Page<FunctionTrigger> list(const ListTriggersOptions& options = {}, const CallOptions& call = {});
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<FunctionTrigger> list(const Call& call) {
        return list(ListTriggersOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const ListTriggersOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(ListTriggersOptions{}, call, std::forward<Token>(token));
    }

    /// Every trigger matching `options` (the JS SDK's `listAll`), page by page as iteration
    /// needs them (see PageRange): list() from options.page (or 1) in pages of
    /// options.page_size (or 100). Nothing is sent before the range's begin(); `call` applies
    /// to each page's request. No `_async` twin: list_async() is the page-at-a-time call
    /// without blocking.
    PageRange<FunctionTrigger> list_all(const ListTriggersOptions& options = {}, const CallOptions& call = {});
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<FunctionTrigger> list_all(const Call& call) {
        return list_all(ListTriggersOptions{}, call);
    }

    /// The trigger with this id; NotFound when there is none.
    FunctionTrigger get(std::string_view trigger_id, const CallOptions& call = {});
    /// get() without blocking: the trigger, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_get, trigger_id, call).launch(std::forward<Token>(token));
    }

    /// Creates a trigger and returns it as stored. Throws InvalidArgument when `name` or
    /// `function_id` is empty. A POST: not resent once it may have reached the server, unless
    /// CallOptions::idempotent.
    FunctionTrigger create(const CreateTriggerInput& input, const CallOptions& call = {});
    /// create() without blocking: the trigger, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto create_async(const CreateTriggerInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    /// Changes the members set in `input` (a PUT with only those members) and returns the
    /// trigger as updated.
    FunctionTrigger update(std::string_view trigger_id, const UpdateTriggerInput& input, const CallOptions& call = {});
    /// update() without blocking: the trigger, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_async(std::string_view trigger_id, const UpdateTriggerInput& input, const CallOptions& call = {},
                      Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(trigger_id, input, call).launch(std::forward<Token>(token));
    }

    /// Deletes the trigger. Whatever 2xx body the server answers with is ignored.
    void remove(std::string_view trigger_id, const CallOptions& call = {});
    /// remove() without blocking: completion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto remove_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(trigger_id, call).launch(std::forward<Token>(token));
    }

    /// Queues a run and returns its job id at once; the function's output is not returned
    /// (see invoke_and_wait). No payload sends an empty body object; any other is sent as
    /// `{"payload": payload}` (pass the payload itself, not the JS SDK's options object: see
    /// TriggerPayload). The job id is the run's
    /// FunctionRun::job_id (runs().wait_for_job() follows it). A POST: not resent once it may
    /// have reached the server, unless CallOptions::idempotent. Throws DecodeError when the
    /// answer carries no job id.
    std::string invoke(std::string_view trigger_id, const TriggerPayload& payload = {}, const CallOptions& call = {});
    /// invoke() with `payload` at its default, so that the call's options need no
    /// placeholder: `invoke(trigger_id, call)`, not `invoke(trigger_id, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    std::string invoke(std::string_view trigger_id, const Call& call) {
        return invoke(trigger_id, TriggerPayload{}, call);
    }
    /// invoke() without blocking: the job id, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto invoke_async(std::string_view trigger_id, const TriggerPayload& payload = {}, const CallOptions& call = {},
                      Token&& token = {}) {
        return detail::deferred<Token>(this)->invoke_op(trigger_id, payload, call).launch(std::forward<Token>(token));
    }
    /// invoke_async() with `payload` at its default, so that the call's options need no
    /// placeholder: `invoke_async(trigger_id, call)`, not `invoke_async(trigger_id, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto invoke_async(std::string_view trigger_id, const Call& call, Token&& token = {}) {
        return invoke_async(trigger_id, TriggerPayload{}, call, std::forward<Token>(token));
    }

    /// Invokes and waits for the run: returns it completed, or throws FunctionRunFailed (failure
    /// or timeout), DeadlineExceeded or Cancelled. The invoke itself is sent once, never retried.
    ///
    /// The invoke is the wait's first poll, so `wait`'s deadline and cancel token cover it too;
    /// the next polls look for the job's run among the trigger's runs, then follow it, as
    /// runs().wait_for_job() does.
    FunctionRun invoke_and_wait(std::string_view trigger_id, const TriggerPayload& payload = {},
                                const WaitOptions& wait = {});
    /// invoke_and_wait() without blocking: its polls are timers on the event loop; the run, or
    /// the error, arrives through `token`.
    template <class Token = UseFuture>
    auto invoke_and_wait_async(std::string_view trigger_id, const TriggerPayload& payload = {},
                               const WaitOptions& wait = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->invoke_and_wait_op(trigger_id, payload, wait).launch(std::forward<Token>(token));
    }

    /// Pauses the trigger and returns it as the server answers (a paused trigger has `enabled`
    /// false). A PATCH: not resent once it may have reached the server, unless
    /// CallOptions::idempotent.
    FunctionTrigger pause(std::string_view trigger_id, const CallOptions& call = {});
    /// pause() without blocking: the trigger, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto pause_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_pause, trigger_id, call).launch(std::forward<Token>(token));
    }

    /// Resumes a paused trigger and returns it as the server answers. A PATCH: not resent once
    /// it may have reached the server, unless CallOptions::idempotent.
    FunctionTrigger resume(std::string_view trigger_id, const CallOptions& call = {});
    /// resume() without blocking: the trigger, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto resume_async(std::string_view trigger_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::triggers_resume, trigger_id, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<FunctionTrigger>> list_op(const ListTriggersOptions& options, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> by_id(const detail::Route& route, std::string_view trigger_id, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> create_op(const CreateTriggerInput& input, const CallOptions& call) const;
    detail::HttpOp<FunctionTrigger> update_op(std::string_view trigger_id, const UpdateTriggerInput& input,
                                              const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view trigger_id, const CallOptions& call) const;
    detail::HttpOp<std::string> invoke_op(std::string_view trigger_id, const TriggerPayload& payload,
                                          const CallOptions& call) const;
    detail::Op<FunctionRun> invoke_and_wait_op(std::string_view trigger_id, const TriggerPayload& payload,
                                               const WaitOptions& wait) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/triggers.ipp>
#endif

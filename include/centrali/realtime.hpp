#pragma once
// client.realtime(): record events over Server-Sent Events, on a thread per subscription,
// reconnecting through anything the network does. The stream is prepared and its failures
// interpreted by the same Core as every other request (credentials, the plain-http refusal,
// header checks, redaction, the JSON depth limit).

#include <centrali/detail/core.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// What a realtime event reports (the payload's `event`): an open set, see StringEnum.
class RealtimeEventType : public StringEnum<RealtimeEventType> {
public:
    using StringEnum::StringEnum;
    static const RealtimeEventType record_created, record_updated, record_deleted;
    /// Compute events of the newest service (not in the JS SDK 4.4.5 types).
    static const RealtimeEventType function_run_completed, function_run_failed;
};
inline const RealtimeEventType RealtimeEventType::record_created{"record_created"};  ///< a record was created; `data` is its field map
inline const RealtimeEventType RealtimeEventType::record_updated{"record_updated"};  ///< a record was changed; `data` holds `before` and `after`
inline const RealtimeEventType RealtimeEventType::record_deleted{"record_deleted"};  ///< a record was deleted; `data` is its field map
inline const RealtimeEventType RealtimeEventType::function_run_completed{"function_run_completed"};  ///< a function run completed (payload undocumented)
inline const RealtimeEventType RealtimeEventType::function_run_failed{"function_run_failed"};  ///< a function run failed (payload undocumented)

/// One event of a subscription, decoded from the JSON `data` of an SSE `message` event. Members
/// the payload lacks stay empty.
struct RealtimeRecordEvent {
    RealtimeEventType event;     ///< `event`: what happened (record_created, …)
    std::string workspace_slug;  ///< `workspaceSlug`: the workspace
    std::string record_slug;  ///< the collection (structure) slug
    std::string record_id;    ///< `recordId`: the record the event is about
    nlohmann::json data;    ///< created/deleted: the field map; updated: {"before": …, "after": …}
    std::string timestamp;  ///< ISO-8601
    std::string created_by;  ///< `createdBy`: who created the record (seen on record_created)
    std::string updated_by;  ///< `updatedBy`, when the server sends it (updates)
    std::string deleted_by;  ///< `deletedBy`, when the server sends it (deletes)
    std::string id;         ///< the SSE event id (what a reconnect resumes after)
    /// The payload's members that have no field above (members this SDK does not know yet);
    /// not repeating the fields keeps every event one parse and no copy.
    nlohmann::json raw;

    /// Updates only: data.before and data.after, as views into `data` (null for other events).
    /// Views, not copies: a copy of each doubled the decoding cost of an update.
    const nlohmann::json& before() const noexcept;
    /// Updates only: data.after, a view into `data` (null for other events); see before().
    const nlohmann::json& after() const noexcept;
};
/// Decodes an event payload (a JSON object) as a subscription does; `id` is left empty (it
/// comes from the SSE framing). Throws DecodeError for a payload that is not an object or a
/// member of the wrong type.
void from_json(const nlohmann::json& j, RealtimeRecordEvent& e);

/// A problem on the stream. `code` is the server's (MISSING_TOKEN, INVALID_TOKEN,
/// WORKSPACE_MISMATCH, TOKEN_EXPIRED, RATE_LIMIT_EXCEEDED, …) or the SDK's (CONNECTION_FAILED,
/// STREAM_IDLE, NOT_AN_EVENT_STREAM, EVENT_TOO_LARGE, DECODE_ERROR, TOKEN_UNAVAILABLE,
/// CONFIGURATION_ERROR). `fatal` errors end the subscription. Secrets are redacted from it.
struct RealtimeError {
    /// One of the codes above; `HTTP_<status>` for a refused stream whose answer had no code,
    /// STREAM_ERROR for an error event without one.
    std::string code;
    std::string message;  ///< human-readable text, redacted
    /// The status of the response involved: the refused stream's; the token endpoint's when no
    /// token could be had; 200 for whatever happened in an open stream (an error event, an event
    /// that cannot be read or is too large) and for an answer that is not an event stream; 0
    /// when no response came (a connection that failed, a configuration error). A stream that
    /// ends once open is no error: on_disconnected says why.
    int http_status = 0;
    bool fatal = false;   ///< no reconnect follows: the subscription is over (is_stopped() is true)
};

/// What to subscribe to, and the callbacks. The callbacks run on the subscription's own
/// thread, one at a time and under no SDK lock; they may call Subscription::stop().
struct SubscribeOptions {
    std::vector<std::string> structures;           ///< collection slugs; empty: all
    std::vector<RealtimeEventType> events;         ///< empty: all
    std::string filter;                            ///< a CFL v1 expression, e.g. data.status:shipped
    std::string job_id, trigger_type, function_id; ///< compute-event filters (newest service)
    /// @var job_id
    /// Compute-event filter (newest service): only events of this job (`jobId`).

    /// @var trigger_type
    /// Compute-event filter (newest service): only events of this trigger type (`triggerType`).

    /// Required: receives each event (of the types in `events`, when given).
    std::function<void(const RealtimeRecordEvent&)> on_event;
    /// Receives each problem; after a `fatal` one the subscription does not reconnect.
    std::function<void(const RealtimeError&)> on_error;
    /// Called each time a stream opens (the first time and after every reconnect).
    std::function<void()> on_connected;
    /// Called once after each on_connected, when that stream ends, with why ("the server closed
    /// the stream", "the stream was idle too long", "the connection failed"): also after a
    /// fatal error event inside the stream, whose on_error comes first (this is then the last
    /// callback); not called for stop().
    std::function<void(const std::string& reason)> on_disconnected;

    /// A stream silent for this long is dropped and reopened; keep it above the server's
    /// heartbeat interval.
    std::chrono::milliseconds idle_timeout{90'000};
    /// The reconnect delay until the server sends `retry:`. Every reconnect waits: the base
    /// (the `retry:` the server sent, never below min_reconnect_delay) doubled per attempt that
    /// failed since a stream last delivered an event, up to max_reconnect_delay, with jitter (half
    /// to all of it), so that clients dropped together do not return together.
    std::chrono::milliseconds initial_reconnect_delay{3'000};
    /// The shortest reconnect delay, whatever the server's `retry:` says.
    std::chrono::milliseconds min_reconnect_delay{500};
    /// The longest delay back-off grows to (a longer `retry:` from the server, or a Retry-After
    /// of up to 5 minutes, is still honoured). A stream that stayed open this long resets the
    /// back-off.
    std::chrono::milliseconds max_reconnect_delay{30'000};
    /// A line or an event's data longer than this is skipped (reported as EVENT_TOO_LARGE).
    std::size_t max_event_bytes = std::size_t{4} << 20;
    /// Refusals of renewed tokens in a row before the subscription ends with a fatal error.
    int max_token_refusals = 5;
    /// Also send the token as the `access_token` query parameter (browsers' EventSource must;
    /// the header is enough here and keeps the token out of server and proxy access logs).
    bool token_in_query = false;
};

namespace detail {
class SubscriptionState;
}  // namespace detail

/// A running subscription. Destroying it stops it and waits for its thread; stop() may be
/// called from any thread, including from inside a callback, and returns promptly in every
/// state (connecting, waiting for a token, streaming, backing off). A subscription also ends
/// when its Client is destroyed.
class Subscription {
public:
    /// No subscription: stop() does nothing and is_stopped() is true.
    Subscription() = default;
    /// Made by RealtimeManager::subscribe().
    explicit Subscription(std::shared_ptr<detail::SubscriptionState> state) : state_(std::move(state)) {}
    /// Takes over the other's subscription; the moved-from one holds none.
    Subscription(Subscription&&) noexcept = default;
    /// Stops the subscription held (as stop() does), then takes over `other`'s.
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    /// Stops the subscription, as stop() does.
    ~Subscription();

    /// Ends the subscription: no callback starts after stop() returns (one already running
    /// finishes). Waits for the thread unless called from inside a callback (then a later stop()
    /// from another thread waits for it).
    void stop();
    /// True while a stream is open (between on_connected and the end of that stream).
    bool is_connected() const noexcept;
    /// True once stopped, or ended by a fatal error.
    bool is_stopped() const;
    /// The id of the last event received (sent as Last-Event-ID on reconnect).
    std::string last_event_id() const;

private:
    std::shared_ptr<detail::SubscriptionState> state_;
};

/// client.realtime(): subscriptions to record events.
class RealtimeManager {
public:
    /// Made by Client::realtime(); not for direct use.
    explicit RealtimeManager(std::shared_ptr<detail::Core> core) : core_(std::move(core)) {}

    /// Opens the stream on a new thread and returns at once; events arrive on that thread.
    /// Throws InvalidArgument without `options.on_event`, and ConfigurationError for an empty
    /// base_url or workspace. Every later problem (refused credentials included) goes to
    /// `options.on_error`.
    Subscription subscribe(SubscribeOptions options);

private:
    std::shared_ptr<detail::Core> core_;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/realtime.ipp>
#endif

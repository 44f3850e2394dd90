#pragma once
// client.realtime(): record events over Server-Sent Events, on a background thread per
// subscription, reconnecting through anything the network does.

#include <centrali/detail/core.hpp>
#include <centrali/detail/first_use.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/detail/sse_parser.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

class RealtimeEventType : public StringEnum<RealtimeEventType> {
public:
    using StringEnum::StringEnum;
    static const RealtimeEventType record_created, record_updated, record_deleted;
    /// Compute events of the newest service (not in the JS SDK 4.4.5 types).
    static const RealtimeEventType function_run_completed, function_run_failed;
};
inline const RealtimeEventType RealtimeEventType::record_created{"record_created"};
inline const RealtimeEventType RealtimeEventType::record_updated{"record_updated"};
inline const RealtimeEventType RealtimeEventType::record_deleted{"record_deleted"};
inline const RealtimeEventType RealtimeEventType::function_run_completed{"function_run_completed"};
inline const RealtimeEventType RealtimeEventType::function_run_failed{"function_run_failed"};

struct RealtimeRecordEvent {
    RealtimeEventType event;
    std::string workspace_slug;
    std::string record_slug;  ///< the collection (structure) slug
    std::string record_id;
    nlohmann::json data;    ///< created/deleted: the field map; updated: {"before": …, "after": …}
    nlohmann::json before;  ///< updates only: data.before
    nlohmann::json after;   ///< updates only: data.after
    std::string timestamp;  ///< ISO-8601
    std::string created_by;
    std::string updated_by;
    std::string deleted_by;
    std::string id;         ///< the SSE event id (what a reconnect resumes after)
    nlohmann::json raw;     ///< the whole event payload
};

template <class T, detail::only<T, RealtimeRecordEvent> = 0>
void from_json(const nlohmann::json& j, T& e) {
    detail::read_member(j, "event", e.event);
    detail::read_member(j, "workspaceSlug", e.workspace_slug);
    detail::read_member(j, "recordSlug", e.record_slug);
    detail::read_member(j, "recordId", e.record_id);
    detail::read_member(j, "data", e.data);
    if (e.data.is_object()) {
        detail::read_member(e.data, "before", e.before);
        detail::read_member(e.data, "after", e.after);
    }
    detail::read_member(j, "timestamp", e.timestamp);
    detail::read_member(j, "createdBy", e.created_by);
    detail::read_member(j, "updatedBy", e.updated_by);
    detail::read_member(j, "deletedBy", e.deleted_by);
    e.raw = j;
}

/// A problem on the stream. `code` is the server's (MISSING_TOKEN, INVALID_TOKEN,
/// WORKSPACE_MISMATCH, TOKEN_EXPIRED, RATE_LIMIT_EXCEEDED, …) or the SDK's
/// (CONNECTION_FAILED, STREAM_IDLE, DECODE_ERROR). `fatal` errors end the subscription.
struct RealtimeError {
    std::string code;
    std::string message;
    int http_status = 0;
    bool fatal = false;
};

struct SubscribeOptions {
    std::vector<std::string> structures;           ///< collection slugs; empty: all
    std::vector<RealtimeEventType> events;         ///< empty: all
    std::string filter;                            ///< a CFL v1 expression, e.g. data.status:shipped
    std::string job_id, trigger_type, function_id; ///< compute-event filters (newest service)

    std::function<void(const RealtimeRecordEvent&)> on_event;
    std::function<void(const RealtimeError&)> on_error;
    std::function<void()> on_connected;
    std::function<void(const std::string& reason)> on_disconnected;

    /// A stream silent for this long is dropped and reopened; keep it above the server's
    /// heartbeat interval.
    std::chrono::milliseconds idle_timeout{90'000};
    /// The first reconnect delay until the server sends `retry:`; doubles per failed attempt
    /// (with jitter) up to max_reconnect_delay.
    std::chrono::milliseconds initial_reconnect_delay{3'000};
    std::chrono::milliseconds max_reconnect_delay{30'000};
    /// Also send the token as the `access_token` query parameter (browsers' EventSource must;
    /// the header is enough here and keeps the token out of server and proxy access logs).
    bool token_in_query = false;
};

namespace detail {

/// Everything a subscription's thread shares with its handle. A template only so that the
/// thread's code compiles in the TUs that subscribe (see ManagerBase): name it SubscriptionState.
template <class Unused = void>
class BasicSubscriptionState : public StreamHandler, public std::enable_shared_from_this<BasicSubscriptionState<Unused>> {
public:
    BasicSubscriptionState(std::shared_ptr<Core> core, SubscribeOptions options)
        : core_(std::move(core)), options_(std::move(options)),
          parser_([this](const SseEvent& e) { on_sse_event(e); }) {}

    /// The thread keeps the state alive, so a subscription stopped (and detached) from inside
    /// its own callback never runs on freed memory.
    void start() { thread_ = std::thread([self = this->shared_from_this()] { self->run(); }); }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        control_.stop();
    }

    void join() {
        if (!thread_.joinable()) return;
        if (thread_.get_id() == std::this_thread::get_id()) thread_.detach();  // stopped from a callback
        else thread_.join();
    }

    bool is_connected() const noexcept { return connected_.load(); }
    bool is_stopped() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return stopping_ || finished_;
    }
    std::string last_event_id() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return last_event_id_;
    }

private:
    enum class Next { reconnect_now, back_off, stop };

    bool stopping() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return stopping_;
    }

    void run() {
        int failures = 0;
        while (!stopping()) {
            const Next next = connect_once();
            if (next == Next::stop || stopping()) break;
            if (next == Next::reconnect_now) {
                failures = 0;
                continue;
            }
            sleep_before_reconnect(failures++);
        }
        connected_ = false;
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = true;
    }

    Next connect_once() {
        status_ = 0;
        error_body_.clear();
        parser_.reset_connection();
        std::string token_used;
        HttpRequest request;
        try {
            request = build_request(token_used);
        } catch (const Cancelled&) {
            return Next::stop;
        } catch (const Error& e) {
            // No credential could be had (a token fetch failed): transient unless misconfigured.
            const bool fatal = dynamic_cast<const ConfigurationError*>(&e) != nullptr ||
                               (e.status() >= 400 && e.status() < 500 && e.status() != 429 && e.status() != 408);
            report({e.code().empty() ? "TOKEN_UNAVAILABLE" : e.code(), e.message(), e.status(), fatal});
            return fatal ? Next::stop : Next::back_off;
        }
        std::string reason = "the server closed the stream";
        try {
            core_->transport().stream(request, *this, control_, options_.idle_timeout);
        } catch (const TransportError& e) {
            reason = e.timed_out() ? "the stream was idle too long" : "the connection failed";
            if (!was_open()) report({e.timed_out() ? "STREAM_IDLE" : "CONNECTION_FAILED", e.what(), 0, false});
        }
        const bool had_connection = connected_.exchange(false);
        if (had_connection && options_.on_disconnected && !stopping()) options_.on_disconnected(reason);
        if (stopping()) return Next::stop;
        if (status_ != 0 && status_ != 200) return after_refusal(token_used);
        if (fatal_in_stream_) return Next::stop;
        // A stream that was open and ended (the server's one-hour close, a cut, an idle drop)
        // reconnects at the base delay and silently; one that never opened backs off.
        return had_connection ? Next::reconnect_now : Next::back_off;
    }

    bool was_open() const { return status_ == 200; }

    HttpRequest build_request(std::string& token_used) {
        Query query;
        if (!options_.structures.empty()) query.add("structures", detail::join(options_.structures));
        if (!options_.events.empty()) {
            std::vector<std::string> names;
            for (const auto& e : options_.events) names.push_back(e.str());
            query.add("events", detail::join(names));
        }
        if (!options_.filter.empty()) query.add("filter", options_.filter);
        if (!options_.job_id.empty()) query.add("jobId", options_.job_id);
        if (!options_.trigger_type.empty()) query.add("triggerType", options_.trigger_type);
        if (!options_.function_id.empty()) query.add("functionId", options_.function_id);

        HttpRequest request;
        request.method = "GET";
        request.connect_timeout = core_->options().connect_timeout;
        request.headers.emplace_back("Accept", "text/event-stream");
        request.headers.emplace_back("Cache-Control", "no-cache");
        if (!core_->options().user_agent.empty()) request.headers.emplace_back("User-Agent", core_->options().user_agent);
        if (auto header = core_->auth().header(cancel_)) {
            token_used = header->token;
            if (options_.token_in_query && !token_used.empty()) query.add("access_token", token_used);
            request.headers.emplace_back(std::move(header->name), std::move(header->value));
        }
        const std::string last_id = parser_.last_event_id();
        if (!last_id.empty()) request.headers.emplace_back("Last-Event-ID", last_id);
        request.url = core_->api_url(routes::realtime_events, {}, query);
        return request;
    }

    /// The server answered with an error status instead of a stream.
    Next after_refusal(const std::string& token_used) {
        RealtimeError error{"HTTP_" + std::to_string(status_), "the server refused the stream", status_, false};
        const nlohmann::json body = nlohmann::json::parse(error_body_, nullptr, false);
        if (body.is_object()) {
            read_member(body, "code", error.code);
            std::string message;
            read_member(body, "message", message);
            if (message.empty()) read_member(body, "error", message);
            if (!message.empty()) error.message = message;
        }
        error.message = redact(error.message, core_->auth().secrets());
        const bool expired = status_ == 401 && (error.code == "TOKEN_EXPIRED" || error.code.rfind("HTTP_", 0) == 0);
        if (expired && core_->auth().can_renew_after_unauthorized() && !renewed_once_) {
            renewed_once_ = true;  // one renewal per refusal streak; a second 401 is reported
            core_->auth().discard(token_used);
            return Next::reconnect_now;
        }
        if (expired) {
            // A static token: report once, then reconnect when set_token() gives a new one.
            report(error);
            return wait_for_new_token(token_used) ? Next::reconnect_now : Next::stop;
        }
        const bool transient = status_ == 408 || status_ == 429 || status_ >= 500;
        error.fatal = !transient;
        report(error);
        return transient ? Next::back_off : Next::stop;
    }

    bool wait_for_new_token(const std::string& old_token) {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            if (stopping_) return false;
            lock.unlock();
            const auto current = core_->auth().token();
            lock.lock();
            if (current && *current != old_token) return true;
            wake_.wait_for(lock, std::chrono::milliseconds(100));
        }
    }

    void sleep_before_reconnect(int failures) {
        const long long base = parser_.retry_ms().value_or(options_.initial_reconnect_delay.count());
        const double grown = static_cast<double>(base) * static_cast<double>(1LL << (std::min)(failures, 20));
        const double cap = (std::min)(grown, static_cast<double>(options_.max_reconnect_delay.count()));
        // Equal jitter: between half and all of the capped delay, so clients spread out but
        // never hammer the server right away.
        const auto delay = std::chrono::milliseconds(static_cast<long long>(cap * (0.5 + 0.5 * core_->clock().random())));
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, delay, [this] { return stopping_; });
    }

    void report(const RealtimeError& error) {
        if (options_.on_error && !stopping()) options_.on_error(error);
    }

    // StreamHandler: runs on this subscription's thread, with no lock held.
    bool on_open(int status, const HttpHeaders&) override {
        status_ = status;
        if (status != 200) return true;  // read the error body
        renewed_once_ = false;
        fatal_in_stream_ = false;
        connected_ = true;
        if (options_.on_connected && !stopping()) options_.on_connected();
        return !stopping();
    }

    bool on_data(std::string_view bytes) override {
        if (status_ != 200) {
            if (error_body_.size() < 64 * 1024) error_body_.append(bytes);
            return true;
        }
        parser_.feed(bytes);
        return !stopping() && !fatal_in_stream_;
    }

    void on_sse_event(const SseEvent& sse) {
        if (stopping() || fatal_in_stream_) return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            last_event_id_ = sse.id;
        }
        nlohmann::json payload = nlohmann::json::parse(sse.data, nullptr, false);
        if (sse.type == "error") return on_stream_error(payload);
        if (sse.type != "message") return;
        if (!payload.is_object()) {
            report({"DECODE_ERROR", "an event's data is not a JSON object: " + body_snippet(sse.data, 120), 0, false});
            return;
        }
        RealtimeRecordEvent event;
        try {
            event = payload.get<RealtimeRecordEvent>();
        } catch (const Error& e) {
            report({"DECODE_ERROR", e.what(), 0, false});
            return;
        }
        event.id = sse.id;
        if (!wanted(event.event)) return;
        if (options_.on_event) options_.on_event(event);
    }

    /// An `event: error` inside an open stream.
    void on_stream_error(const nlohmann::json& payload) {
        RealtimeError error{"STREAM_ERROR", "the server reported an error", 200, false};
        if (payload.is_object()) {
            read_member(payload, "code", error.code);
            read_member(payload, "message", error.message);
        }
        error.fatal = error.code == "MISSING_TOKEN" || error.code == "INVALID_TOKEN" || error.code == "WORKSPACE_MISMATCH";
        fatal_in_stream_ = error.fatal;
        report(error);
    }

    bool wanted(const RealtimeEventType& type) const {
        if (options_.events.empty()) return true;
        for (const auto& e : options_.events)
            if (e == type) return true;
        return false;
    }

    std::shared_ptr<Core> core_;
    SubscribeOptions options_;
    SseParser parser_;
    StreamControl control_;
    CancelToken cancel_;
    std::thread thread_;
    std::atomic<bool> connected_{false};

    // Touched only by the subscription thread.
    int status_ = 0;
    std::string error_body_;
    bool renewed_once_ = false;
    bool fatal_in_stream_ = false;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool finished_ = false;
    std::string last_event_id_;
};

using SubscriptionState = BasicSubscriptionState<>;

}  // namespace detail

/// A running subscription. Destroying it stops it and waits for its thread; stop() may be
/// called from any thread, including from inside a callback.
class Subscription {
public:
    Subscription() = default;
    explicit Subscription(std::shared_ptr<detail::SubscriptionState> state) : state_(std::move(state)) {}
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept {
        if (this != &other) {
            close();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { close(); }

    /// Ends the subscription: no callback starts after stop() returns (one already running
    /// finishes). Waits for the thread unless called from inside a callback.
    void stop() {
        if (!state_) return;
        state_->stop();
        state_->join();
    }
    bool is_connected() const noexcept { return state_ && state_->is_connected(); }
    /// True once stopped, or ended by a fatal error.
    bool is_stopped() const { return !state_ || state_->is_stopped(); }
    /// The id of the last event received (sent as Last-Event-ID on reconnect).
    std::string last_event_id() const { return state_ ? state_->last_event_id() : std::string(); }

private:
    void close() noexcept {
        if (!state_) return;
        state_->stop();
        state_->join();
        state_.reset();
    }
    std::shared_ptr<detail::SubscriptionState> state_;
};

namespace detail {
/// A template only so that it compiles on first use (see ManagerBase): name it RealtimeManager.
template <class Unused = void>
class BasicRealtimeManager {
public:
    explicit BasicRealtimeManager(std::shared_ptr<Core> core) : core_(std::move(core)) {}

    /// Opens the stream on a new thread and returns at once; events arrive on that thread.
    Subscription subscribe(SubscribeOptions options) {
        if (!options.on_event) throw InvalidArgument("subscribe needs an on_event callback");
        core_->require_origins();
        auto state = std::make_shared<BasicSubscriptionState<Unused>>(core_, std::move(options));
        state->start();
        return Subscription(std::move(state));
    }

private:
    std::shared_ptr<detail::Core> core_;
};
}  // namespace detail

using RealtimeManager = detail::BasicRealtimeManager<>;

CENTRALI_NAMESPACE_END

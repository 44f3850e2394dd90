#pragma once

#include <centrali/detail/event_loop.hpp>
#include <centrali/detail/sse_parser.hpp>
#include <centrali/realtime.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

CENTRALI_NAMESPACE_BEGIN

namespace detail {

inline constexpr StringMember<RealtimeRecordEvent> event_strings[] = {
    {"workspaceSlug", &RealtimeRecordEvent::workspace_slug}, {"recordSlug", &RealtimeRecordEvent::record_slug},
    {"recordId", &RealtimeRecordEvent::record_id},           {"timestamp", &RealtimeRecordEvent::timestamp},
    {"createdBy", &RealtimeRecordEvent::created_by},         {"updatedBy", &RealtimeRecordEvent::updated_by},
    {"deletedBy", &RealtimeRecordEvent::deleted_by},
};

/// Fills `e` from a payload it owns, moving the members into their fields (a subscription
/// decodes every event: copying each payload whole cost a quarter of its time); `raw` keeps
/// what has no field. The one decoding of events: from_json goes through it too.
inline void decode_event(nlohmann::json&& payload, RealtimeRecordEvent& e) {
    e.raw = take_members(std::move(payload), "an event", [&e](std::string_view key, nlohmann::json& value) {
        if (key == "event") return read_value(value, "event", e.event), true;
        if (key == "data") return e.data = std::move(value), true;
        return take_string_member(event_strings, e, key, value);
    });
}

/// `object`'s member `key`, or null.
inline const nlohmann::json& member_or_null(const nlohmann::json& object, const char* key) noexcept {
    static const nlohmann::json null;
    if (!object.is_object()) return null;
    const auto it = object.find(key);
    return it == object.end() ? null : *it;
}

}  // namespace detail

CENTRALI_DECL const nlohmann::json& RealtimeRecordEvent::before() const noexcept {
    return detail::member_or_null(data, "before");
}
CENTRALI_DECL const nlohmann::json& RealtimeRecordEvent::after() const noexcept {
    return detail::member_or_null(data, "after");
}

CENTRALI_DECL void from_json(const nlohmann::json& j, RealtimeRecordEvent& e) { detail::decode_event(nlohmann::json(j), e); }

namespace detail {

/// Everything a subscription's thread shares with its handle. Its loop: get a credential,
/// open the stream, read it, and after it ends wait before the next attempt; every wait
/// (for a token, for the next attempt) runs on a BlockingExecutor that stop() wakes.
class SubscriptionState final : public StreamHandler,
                                public Stoppable,
                                public std::enable_shared_from_this<SubscriptionState> {
public:
    SubscriptionState(std::shared_ptr<Core> core, SubscribeOptions options, Call call)
        : core_(std::move(core)), options_(std::move(options)), call_(std::move(call)),
          parser_([this](const SseEvent& e) { on_sse_event(e); }, {},
                  [this](const std::string& id) { on_oversized(id); }, options_.max_event_bytes) {}

    /// The thread keeps the state alive, so a subscription stopped (and detached) from inside
    /// its own callback never runs on freed memory.
    void start() { thread_ = std::thread([self = shared_from_this()] { self->run(); }); }

    void stop() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        stop_.cancel();
        control_.stop();
    }

    ~SubscriptionState() override {
        // The last reference can be the thread's own (the Subscription went from a callback).
        if (thread_.joinable()) thread_.detach();
    }

    /// Waits for the thread, unless this is the thread (stop() from a callback): then a later
    /// stop() from another thread, or the end of the state, takes care of it.
    void join() {
        if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
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
    /// What the next attempt waits for; nullopt: the subscription ends.
    using Next = std::optional<std::chrono::milliseconds>;

    bool stopping() const { return stop_.is_cancelled(); }

    void run() {
        while (!stopping()) {
            const Next delay = connect_once();
            if (!delay || !wait(*delay)) break;
        }
        connected_ = false;
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = true;
    }

    /// Starts `start` on a blocking executor of this thread and runs it until `done()` or stop():
    /// the Core's one blocking wait, which stop() wakes too.
    template <class Start, class Done>
    void run_blocking(Start start, Done done) {
        std::optional<CancelRegistration> wake;
        core_->run_blocking(
            stop_,
            [&](const std::shared_ptr<Executor>& ex) {
                wake.emplace(stop_, [weak = std::weak_ptr<Executor>(ex)] {
                    if (auto alive = weak.lock()) alive->post([](bool) {});
                });
                start(ex);
            },
            [&] { return done() || stopping(); });
    }

    /// Waits `delay` ("after this delay, reconnect"); false once stopped.
    bool wait(std::chrono::milliseconds delay) {
        bool due = false;
        run_blocking([&](const std::shared_ptr<Executor>& ex) { ex->post_after(delay, [&due](bool) { due = true; }); },
                     [&due] { return due; });
        return !stopping();
    }

    /// The next reconnect's delay after `failures` attempts without a delivered event.
    std::chrono::milliseconds backoff(std::optional<std::chrono::milliseconds> server_floor = std::nullopt) const {
        const double floor = static_cast<double>(options_.min_reconnect_delay.count());
        const double base =
            (std::max)(floor, static_cast<double>(parser_.retry_ms().value_or(options_.initial_reconnect_delay.count())));
        const double grown = base * static_cast<double>(1LL << (std::min)(failures_, 20));
        const double cap = (std::min)(grown, (std::max)(base, static_cast<double>(options_.max_reconnect_delay.count())));
        double delay = (std::max)(floor, cap * (0.5 + 0.5 * core_->clock().random()));
        if (server_floor)
            delay = (std::max)(delay, static_cast<double>((std::min)(*server_floor, std::chrono::milliseconds(300'000)).count()));
        return std::chrono::milliseconds(static_cast<long long>(delay));
    }

    Next failed(std::optional<std::chrono::milliseconds> server_floor = std::nullopt) {
        const auto delay = backoff(server_floor);
        ++failures_;
        return delay;
    }

    Next connect_once() {
        // 1. The credential, through the Core (the shared token fetch, the plain-http check).
        std::optional<Result<std::optional<Credential>>> credential;
        run_blocking(
            [&](const std::shared_ptr<Executor>& ex) {
                core_->credential(ex, call_, std::nullopt, stop_,
                                  [&credential](Result<std::optional<Credential>> c) { credential.emplace(std::move(c)); });
            },
            [&credential] { return credential.has_value(); });
        if (stopping() || !credential) return std::nullopt;
        if (!*credential) return credential_failed(credential->error());

        // 2. The request: the same headers and checks as any call.
        HttpRequest request;
        request.method = "GET";
        request.connect_timeout = core_->options().connect_timeout;
        request.cancel = stop_;
        const std::string token = credential->value() ? credential->value()->token : std::string();
        request.url = call_.url;
        if (options_.token_in_query && !token.empty()) {
            request.url += request.url.find('?') == std::string::npos ? "?access_token=" : "&access_token=";
            append_percent_encoded(request.url, token);
        }
        Call attempt = call_;
        const std::string resume_after = parser_.last_event_id();
        if (!resume_after.empty() && is_header_safe(resume_after)) attempt.extra_headers.emplace_back("Last-Event-ID", resume_after);
        try {
            core_->compose_headers(attempt, credential->value(), request.headers);
        } catch (const Error& e) {
            report({"CONFIGURATION_ERROR", core_->redactor(&call_)(e.message()), 0, true});
            return std::nullopt;
        }

        // 3. The stream, until it ends.
        status_ = 0;
        event_stream_ = false;
        events_ = 0;
        fatal_in_stream_ = false;
        error_body_.clear();
        response_headers_.clear();
        parser_.reset_connection();
        const auto opened = core_->clock().steady_now();
        std::string reason = "the server closed the stream";
        std::optional<RealtimeError> transfer_error;
        try {
            core_->transport().stream(request, *this, control_, options_.idle_timeout);
        } catch (const TransportError& e) {
            reason = e.timed_out() ? "the stream was idle too long" : "the connection failed";
            // 200 when the stream was open (a stream cut or gone idle), 0 before any answer.
            transfer_error = RealtimeError{e.timed_out() ? "STREAM_IDLE" : "CONNECTION_FAILED",
                                           core_->redactor(&call_)(e.what()), status_, false};
        } catch (const Cancelled&) {
        }
        const bool had_connection = connected_.exchange(false);
        if (had_connection && options_.on_disconnected && !stopping()) options_.on_disconnected(reason);
        if (stopping()) return std::nullopt;

        // 4. What the attempt was.
        if (status_ != 0 && status_ != 200) return refused(token);
        if (status_ == 200 && !event_stream_) {
            report({"NOT_AN_EVENT_STREAM",
                    "the server answered 200 with Content-Type '" +
                        core_->redactor(&call_)(std::string(HttpResponse{0, response_headers_, {}}.header("content-type"))) +
                        "' instead of an event stream",
                    200, false});
            return failed();
        }
        if (fatal_in_stream_) return std::nullopt;
        if (transfer_error && !had_connection) report(*transfer_error);
        // A stream that delivered events (or stayed open a good while) was healthy: the next
        // attempt waits only the base delay. One that ended at once counts as a failure.
        const bool healthy = events_ > 0 || core_->clock().steady_now() - opened >= options_.max_reconnect_delay;
        if (healthy) failures_ = 0;
        return failed();
    }

    /// No credential could be had: misconfigured (fatal) or a token fetch that failed.
    Next credential_failed(const std::exception_ptr& error) {
        try {
            std::rethrow_exception(error);
        } catch (const Cancelled&) {
            return std::nullopt;
        } catch (const ConfigurationError& e) {
            report({"CONFIGURATION_ERROR", e.message(), 0, true});
            return std::nullopt;
        } catch (const Error& e) {
            const bool fatal = e.status() >= 400 && e.status() < 500 && e.status() != 429 && e.status() != 408;
            report({e.code().empty() ? "TOKEN_UNAVAILABLE" : e.code(), e.what(), e.status(), fatal});
            if (fatal) return std::nullopt;
            return failed();
        }
    }

    /// The server answered with an error status instead of a stream.
    Next refused(const std::string& token_used) {
        RealtimeError error{"HTTP_" + std::to_string(status_), "the server refused the stream", status_, false};
        std::optional<std::chrono::milliseconds> retry_after;
        try {
            std::rethrow_exception(core_->api_error(HttpResponse{status_, response_headers_, error_body_}, call_));
        } catch (const ApiError& e) {
            if (!e.code().empty()) error.code = e.code();
            error.message = e.message();
            retry_after = e.retry_after();
        }
        const bool expired = status_ == 401 && (error.code == "TOKEN_EXPIRED" || error.code.rfind("HTTP_", 0) == 0);
        if (expired && core_->auth().can_renew_after_unauthorized()) {
            core_->auth().discard(token_used);
            ++token_refusals_;
            if (token_refusals_ == 1) return options_.min_reconnect_delay;  // renew and go back at once
            error.message = "a renewed token was refused too (" + std::to_string(token_refusals_) + " in a row): " + error.message;
            error.fatal = token_refusals_ >= (std::max)(2, options_.max_token_refusals);
            report(error);
            if (error.fatal) return std::nullopt;
            return failed(retry_after);
        }
        if (expired) {
            // A static token: reported once; reconnects when set_token() gives a new one.
            report(error);
            return wait_for_new_token(token_used) ? Next(options_.min_reconnect_delay) : std::nullopt;
        }
        const bool transient = status_ == 408 || status_ == 429 || status_ >= 500;
        error.fatal = !transient;
        report(error);
        if (!transient) return std::nullopt;
        return failed(retry_after);
    }

    bool wait_for_new_token(const std::string& old_token) {
        for (;;) {
            const auto current = core_->auth().token();
            if (current && *current != old_token) return true;
            if (!wait(std::chrono::milliseconds(100))) return false;
        }
    }

    void report(const RealtimeError& error) {
        if (error.fatal) {
            // Over before its callback runs: is_stopped() is true from inside on_error on.
            std::lock_guard<std::mutex> lock(mutex_);
            finished_ = true;
        }
        if (options_.on_error && !stopping()) options_.on_error(error);
    }

    // StreamHandler: runs on this subscription's thread, with no lock held.
    bool on_open(int status, const HttpHeaders& headers) override {
        status_ = status;
        response_headers_ = headers;
        if (status != 200) return true;  // read the error body
        const std::string type = ascii_lower(HttpResponse{0, headers, {}}.header("content-type"));
        event_stream_ = type.rfind("text/event-stream", 0) == 0;
        if (!event_stream_) return false;
        token_refusals_ = 0;
        connected_ = true;
        if (options_.on_connected && !stopping()) options_.on_connected();
        return !stopping();
    }

    bool on_data(std::string_view bytes) override {
        if (status_ != 200) {
            static constexpr std::size_t max_error_body = 64 * 1024;
            error_body_.append(bytes.substr(0, max_error_body - (std::min)(max_error_body, error_body_.size())));
            return error_body_.size() < max_error_body;
        }
        parser_.feed(bytes);
        return !stopping() && !fatal_in_stream_;
    }

    void remember_id(const std::string& id) {
        std::lock_guard<std::mutex> lock(mutex_);
        last_event_id_ = id;
    }

    void on_sse_event(const SseEvent& sse) {
        if (stopping() || fatal_in_stream_) return;
        remember_id(sse.id);
        nlohmann::json payload = parse_json_text(sse.data);  // under the depth limit
        if (sse.type == "error") return on_stream_error(payload);
        if (sse.type != "message") return;
        ++events_;
        if (!payload.is_object()) {
            report({"DECODE_ERROR",
                    "an event's data is not a JSON object (or is nested deeper than " + std::to_string(max_json_depth) +
                        "): " + core_->redactor(&call_).snippet(sse.data, 120),
                    200, false});
            return;
        }
        RealtimeRecordEvent event;
        try {
            decode_event(std::move(payload), event);
        } catch (const Error& e) {
            report({"DECODE_ERROR", core_->redactor(&call_)(e.what()), 200, false});
            return;
        }
        event.id = sse.id;
        if (!wanted(event.event)) return;
        if (options_.on_event) options_.on_event(event);
    }

    void on_oversized(const std::string& id) {
        if (stopping()) return;
        remember_id(id);
        report({"EVENT_TOO_LARGE",
                "an event (or line) larger than max_event_bytes (" + std::to_string(options_.max_event_bytes) +
                    " bytes) was skipped" + (id.empty() ? std::string() : "; its id is " + core_->redactor(&call_)(id)),
                200, false});
    }

    /// An `event: error` inside an open stream.
    void on_stream_error(const nlohmann::json& payload) {
        RealtimeError error{"STREAM_ERROR", "the server reported an error", 200, false};
        if (payload.is_object()) {
            read_member(payload, "code", error.code);
            read_member(payload, "message", error.message);
        }
        const Redactor redact = core_->redactor(&call_);
        error.code = redact(std::move(error.code));
        error.message = redact(std::move(error.message));
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
    const SubscribeOptions options_;
    const Call call_;  // the stream's URL and headers, without the credential
    SseParser parser_;
    StreamControl control_;
    CancelToken stop_;
    std::thread thread_;
    std::atomic<bool> connected_{false};

    // Touched only by the subscription thread.
    int status_ = 0;
    bool event_stream_ = false;
    HttpHeaders response_headers_;
    std::string error_body_;
    long long events_ = 0;
    int failures_ = 0;
    int token_refusals_ = 0;
    bool fatal_in_stream_ = false;

    mutable std::mutex mutex_;
    bool stopping_ = false;
    bool finished_ = false;
    std::string last_event_id_;
};

}  // namespace detail

CENTRALI_DECL Subscription& Subscription::operator=(Subscription&& other) noexcept {
    if (this != &other) {
        stop();
        state_ = std::move(other.state_);
    }
    return *this;
}

CENTRALI_DECL Subscription::~Subscription() { stop(); }

CENTRALI_DECL void Subscription::stop() {
    if (!state_) return;
    state_->stop();
    state_->join();
}

CENTRALI_DECL bool Subscription::is_connected() const noexcept { return state_ && state_->is_connected(); }
CENTRALI_DECL bool Subscription::is_stopped() const { return !state_ || state_->is_stopped(); }
CENTRALI_DECL std::string Subscription::last_event_id() const {
    return state_ ? state_->last_event_id() : std::string();
}

CENTRALI_DECL Subscription RealtimeManager::subscribe(SubscribeOptions options) {
    if (!options.on_event) throw InvalidArgument("subscribe needs an on_event callback");
    detail::Query query;
    if (!options.structures.empty()) query.add("structures", detail::join(options.structures));
    if (!options.events.empty()) {
        std::vector<std::string> names;
        for (const auto& e : options.events) names.push_back(e.str());
        query.add("events", detail::join(names));
    }
    if (!options.filter.empty()) query.add("filter", options.filter);
    if (!options.job_id.empty()) query.add("jobId", options.job_id);
    if (!options.trigger_type.empty()) query.add("triggerType", options.trigger_type);
    if (!options.function_id.empty()) query.add("functionId", options.function_id);
    detail::Call call;
    call.method = detail::routes::realtime_events.method;
    call.url = core_->api_url(detail::routes::realtime_events, {}, query);
    call.accept = "text/event-stream";
    call.extra_headers.emplace_back("Cache-Control", "no-cache");
    auto state = std::make_shared<detail::SubscriptionState>(core_, std::move(options), std::move(call));
    core_->adopt(state);
    state->start();
    return Subscription(std::move(state));
}

CENTRALI_NAMESPACE_END

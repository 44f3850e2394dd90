#pragma once

#include <centrali/detail/core.hpp>
#include <centrali/detail/curl_transport.hpp>
#include <centrali/detail/event_loop.hpp>
#include <centrali/detail/retry.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL bool is_header_safe(std::string_view value) noexcept {
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7F) return false;
    }
    return true;
}

inline const char* reason_phrase(int status) noexcept {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Server Error" : "HTTP Error";
    }
}

/// One call, from its first attempt to its outcome: the state machine every exchange runs, on
/// whichever executor it was given. Its steps all run on that executor's thread.
class Exchange final : public std::enable_shared_from_this<Exchange> {
public:
    Exchange(Core& core, std::shared_ptr<Executor> ex, Call call, CallOptions options, Core::ExchangeDone done)
        : core_(core), ex_(std::move(ex)), call_(std::move(call)), options_(std::move(options)), done_(std::move(done)),
          idempotent_(options_.idempotent || is_idempotent_method(call_.method)),
          max_attempts_((std::max)(1, core.options().retry.max_attempts)) {}

    void start() {
        if (const auto limit = options_.timeout ? options_.timeout : core_.options().call_timeout)
            deadline_ = ex_->now() + *limit;
        request_.method = std::string(call_.method);
        request_.url = call_.url;
        request_.body = std::move(call_.body);
        request_.multipart = std::move(call_.multipart);
        request_.upload_progress = std::move(call_.progress);
        request_.cancel = options_.cancel;
        request_.idempotent = idempotent_;
        // A cancellation ends the call at once, wherever it is; the wake-up holds no strong
        // reference, so a finished call is not kept alive by a long-lived token.
        cancel_wake_ = CancelRegistration(options_.cancel, [weak = weak_from_this()] {
            if (auto self = weak.lock()) self->ex_->post([self](bool) { self->finish(std::make_exception_ptr(Cancelled())); });
        });
        attempt();
    }

private:
    enum class Waiting { nothing, credential, transfer, timer };

    /// What is left of the call's limit; without one, as good as unlimited.
    std::chrono::milliseconds remaining() const {
        if (!deadline_) return std::chrono::hours(24 * 365);
        return std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - ex_->now());
    }

    std::exception_ptr deadline_error() const {
        const std::string what = "centrali: " + std::string(call_.method) + " " + url_for_messages(call_.url) +
                                 ": the call's time limit was reached";
        return core_.redacted(TransportError(what, /*CURLE_OPERATION_TIMEDOUT*/ 28, true, false, false), call_);
    }

    void attempt() {
        if (finished_) return;
        if (options_.cancel.is_cancelled() || core_.is_shut_down()) return finish(std::make_exception_ptr(Cancelled()));
        if (remaining().count() <= 0) return finish(last_error_ ? last_error_ : deadline_error());
        ++attempt_;
        waiting_ = Waiting::credential;
        core_.credential(ex_, call_, deadline_, options_.cancel,
                         [self = shared_from_this()](Result<std::optional<Credential>> credential) {
                             self->send(std::move(credential));
                         });
    }

    void send(Result<std::optional<Credential>> credential) {
        if (finished_) return;
        waiting_ = Waiting::nothing;
        if (!credential) return finish(credential.error());
        try {
            request_.headers.clear();
            core_.compose_headers(call_, credential.value(), request_.headers);
        } catch (...) {
            return finish(std::current_exception());
        }
        token_used_ = credential.value() ? credential.value()->token : std::string();
        const auto left = remaining();
        if (left.count() <= 0) return finish(last_error_ ? last_error_ : deadline_error());
        request_.timeout = (std::min)(core_.options().request_timeout, left);
        request_.connect_timeout = (std::min)(core_.options().connect_timeout, request_.timeout);
        if (core_.logging()) started_ = ex_->now();
        waiting_ = Waiting::transfer;
        transfer_ = ex_->send(request_, [self = shared_from_this()](Result<HttpResponse> result) {
            self->on_transfer(std::move(result));
        });
    }

    void on_transfer(Result<HttpResponse> result) {
        if (finished_) return;
        waiting_ = Waiting::nothing;
        if (!result) {
            try {
                std::rethrow_exception(result.error());
            } catch (const TransportError& error) {
                const bool safe = error.retryable() && (error.connect_failed() || idempotent_);
                if (core_.logging()) core_.log(LogLevel::debug, describe() + " failed: " + error.what());
                std::exception_ptr redacted = core_.redacted(error, call_);
                if (!safe || attempt_ >= max_attempts_) return finish(redacted);
                return retry_in(backoff_delay(core_.options().retry, attempt_ - 1, core_.clock().random()), redacted);
            } catch (...) {
                return finish(std::current_exception());
            }
        }
        HttpResponse& response = result.value();
        if (core_.logging())
            core_.log(LogLevel::debug, describe() + " -> " + std::to_string(response.status) + " in " +
                                           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                              ex_->now() - started_)
                                                              .count()) +
                                           " ms");
        if (response.status >= 200 && response.status < 300) return finish(std::move(result));
        if (response.status == 401 && call_.authenticated && !renewed_after_401_ &&
            core_.auth().can_renew_after_unauthorized()) {
            // One replay with a fresh token, not counted as an attempt; a second 401 is final.
            renewed_after_401_ = true;
            core_.auth().discard(token_used_);
            --attempt_;
            return attempt();
        }
        std::exception_ptr error = core_.api_error(response, call_);
        if (!idempotent_ || !is_retryable_status(response.status) || attempt_ >= max_attempts_) return finish(error);
        std::chrono::milliseconds delay = backoff_delay(core_.options().retry, attempt_ - 1, core_.clock().random());
        if (const auto header = response.header("retry-after"); !header.empty()) {
            if (auto asked = parse_retry_after(header, core_.clock().now())) {
                if (*asked > core_.options().retry.max_retry_after) return finish(error);  // too long: report it
                delay = *asked;
            }
        }
        retry_in(delay, error);
    }

    void retry_in(std::chrono::milliseconds delay, std::exception_ptr last_error) {
        last_error_ = std::move(last_error);
        // No time left for another attempt after the wait: the last error is the answer now.
        if (delay >= remaining()) return finish(last_error_);
        waiting_ = Waiting::timer;
        timer_ = ex_->post_after(delay, [self = shared_from_this()](bool cancelled) {
            self->waiting_ = Waiting::nothing;
            if (cancelled) return self->finish(std::make_exception_ptr(Cancelled()));
            self->attempt();
        });
    }

    void finish(Result<HttpResponse> result) {
        if (finished_) return;
        finished_ = true;
        cancel_wake_.reset();
        if (waiting_ == Waiting::timer) ex_->cancel_timer(timer_);
        if (waiting_ == Waiting::transfer) ex_->abort(transfer_);
        waiting_ = Waiting::nothing;
        Core::ExchangeDone done = std::move(done_);
        done(std::move(result), call_);
    }

    std::string describe() const {
        return std::string(call_.method) + " " + url_for_messages(call_.url) + " (attempt " + std::to_string(attempt_) + ")";
    }

    Core& core_;
    const std::shared_ptr<Executor> ex_;
    Call call_;
    const CallOptions options_;
    Core::ExchangeDone done_;
    const bool idempotent_;
    const int max_attempts_;

    HttpRequest request_;
    std::optional<Executor::Clock::time_point> deadline_;
    Executor::Clock::time_point started_;
    CancelRegistration cancel_wake_;
    Waiting waiting_ = Waiting::nothing;
    Executor::TimerId timer_ = 0;
    Executor::TransferId transfer_ = 0;
    int attempt_ = 0;
    bool renewed_after_401_ = false;
    bool finished_ = false;
    std::string token_used_;
    std::exception_ptr last_error_;
};

CENTRALI_DECL Core::Core(ClientOptions options)
    : options_(std::move(options)), clock_(complete_clock(options_.clock)), auth_(*this, options_) {
    if (!options_.base_url.empty()) origins_ = derive_origins(options_.base_url);
    if (options_.transport) {
        transport_ = options_.transport;
    } else {
        CurlTransportOptions transport;
        transport.tls = options_.tls;
        transport.proxy = options_.proxy;
        transport.max_response_bytes = options_.max_response_bytes;
        transport_ = std::make_shared<CurlTransport>(std::move(transport));
    }
    if (options_.tls.insecure_disable_verification)
        log(LogLevel::warning, "TLS certificate verification is DISABLED (tls.insecure_disable_verification); "
                               "traffic and credentials can be read and changed by anyone on the path");
}

CENTRALI_DECL Core::~Core() { shutdown(); }

CENTRALI_DECL void Core::shutdown() noexcept {
    if (shut_down_.exchange(true, std::memory_order_acq_rel)) return;
    std::shared_ptr<EventLoop> loop;
    std::vector<std::weak_ptr<Stoppable>> subscriptions;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        loop = loop_;
        subscriptions.swap(subscriptions_);
    }
    for (auto& weak : subscriptions)
        if (auto subscription = weak.lock()) subscription->stop();
    auth_.shutdown();
    if (loop) loop->shutdown();
}

CENTRALI_DECL const Origins& Core::require_origins() const {
    if (!origins_) throw ConfigurationError("ClientOptions::base_url is empty; set it, e.g. https://centrali.io");
    return *origins_;
}

CENTRALI_DECL std::string Core::api_url(const Route& route, std::initializer_list<std::string_view> args,
                                        const Query& query) const {
    const Origins& origins = require_origins();
    if (options_.workspace.empty())
        throw ConfigurationError("ClientOptions::workspace is empty; set it to your workspace slug");
    std::string url;
    url.reserve(origins.api.size() + route.path.size() + 96);
    url += origins.api;
    url += '/';
    static constexpr std::string_view orchestration = "{orchestration}";
    if (route.path.substr(0, orchestration.size()) == orchestration) {
        // The orchestration service's base is configurable (its documented forms disagree).
        const std::string path = options_.orchestration_base_path + std::string(route.path.substr(orchestration.size()));
        append_route(url, Route{route.name, route.method, path, route.confidence}, options_.workspace, args);
    } else {
        append_route(url, route, options_.workspace, args);
    }
    query.append_to(url);
    return url;
}

CENTRALI_DECL Call Core::make_call(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                                   const nlohmann::json* body, std::vector<std::string> secrets) const {
    Call call;
    call.method = route.method;
    call.url = api_url(route, args, query);
    call.secrets = std::move(secrets);
    if (body != nullptr) {
        call.body = dump_json(*body);
        call.content_type = "application/json";
    }
    return call;
}

CENTRALI_DECL Call Core::make_multipart_call(const Route& route, std::initializer_list<std::string_view> args,
                                             std::vector<MultipartPart> parts, ProgressCallback progress) const {
    Call call;
    call.method = route.method;
    call.url = api_url(route, args, {});
    call.multipart = std::move(parts);
    call.progress = std::move(progress);
    return call;
}

CENTRALI_DECL std::shared_ptr<BlockingExecutor> Core::blocking_executor(const CancelToken& cancel) {
    if (const EventLoop* loop = started_loop_.load(std::memory_order_acquire); loop && loop->in_loop_thread())
        throw InvalidArgument(
            "a blocking call was made on the Client's event loop thread (from an async callback or coroutine); "
            "use the _async form there");
    return std::make_shared<BlockingExecutor>(*transport_, clock_, cancel);
}

CENTRALI_DECL void Core::run_blocking(const CancelToken& cancel,
                                     MoveOnlyFunction<void(const std::shared_ptr<Executor>&)> start,
                                     MoveOnlyFunction<bool()> finished) {
    const std::shared_ptr<BlockingExecutor> ex = blocking_executor(cancel);
    start(ex);
    ex->run_until([&finished] { return finished(); });
    ex->close();
}

CENTRALI_DECL void Core::perform(Call call, CallOptions options, ResponseReader read) {
    std::optional<std::exception_ptr> outcome;  // empty while running; then null on success
    CancelToken cancel = options.cancel;
    run_blocking(
        cancel,
        [&](const std::shared_ptr<Executor>& ex) {
            exchange(ex, std::move(call), std::move(options), [&](Result<HttpResponse> result, const Call& sent) {
                if (!result) return void(outcome = result.error());
                try {
                    decode(result.value(), sent, [&] { read(result.value(), sent); });
                    outcome = nullptr;
                } catch (...) {
                    outcome = std::current_exception();
                }
            });
        },
        [&outcome] { return outcome.has_value(); });
    if (*outcome) std::rethrow_exception(*outcome);
}

CENTRALI_DECL std::shared_ptr<EventLoop> Core::loop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!loop_) {
        loop_ = EventLoop::start(transport_->make_async(options_.async_max_connections));
        started_loop_.store(loop_.get(), std::memory_order_release);
    }
    return loop_;
}

CENTRALI_DECL void Core::launch(Task start) {
    if (is_shut_down()) return start(true);
    if (Task refused = loop()->try_post(std::move(start))) refused(true);
}

CENTRALI_DECL void Core::exchange(const std::shared_ptr<Executor>& ex, Call call, CallOptions options,
                                  ExchangeDone done) {
    std::make_shared<Exchange>(*this, ex, std::move(call), std::move(options), std::move(done))->start();
}

CENTRALI_DECL void Core::credential(const std::shared_ptr<Executor>& ex, const Call& call,
                                    std::optional<Executor::Clock::time_point> deadline, const CancelToken& cancel,
                                    Auth::Next next) {
    if (!call.authenticated || !auth_.has_credentials()) return next(std::optional<Credential>());
    const Origins& origins = *origins_;  // a Call exists only with origins
    if (!origins.secure && !origins.loopback && !options_.allow_insecure_http)
        return next(std::make_exception_ptr(
            ConfigurationError("refusing to send credentials over plain http to a non-loopback host; "
                               "use https (or set allow_insecure_http)")));
    auth_.acquire(ex, deadline, cancel, std::move(next));
}

CENTRALI_DECL void Core::compose_headers(const Call& call, const std::optional<Credential>& credential,
                                         HttpHeaders& out) const {
    out.reserve(4 + call.extra_headers.size());
    out.emplace_back("Accept", std::string(call.accept));
    if (!options_.user_agent.empty()) out.emplace_back("User-Agent", options_.user_agent);
    if (!call.content_type.empty()) out.emplace_back("Content-Type", std::string(call.content_type));
    for (const auto& header : call.extra_headers) out.push_back(header);
    for (const auto& [name, value] : out)
        if (!is_header_safe(value))
            throw ConfigurationError("the " + name + " header would contain a control character; refusing to send it");
    if (credential) {
        // Checked without quoting it: a credential never appears in a message.
        if (credential->value.empty() || !is_header_safe(credential->value))
            throw ConfigurationError(std::string(credential->header == "x-api-key" ? "the publishable key"
                                                                                    : "the bearer token") +
                                     " is empty or contains a control character (CR, LF, …); refusing to send it");
        out.emplace_back(std::string(credential->header), credential->value);
    }
}

CENTRALI_DECL Redactor Core::redactor(const Call* call) const {
    std::vector<std::string> secrets = auth_.secrets();
    if (call != nullptr) secrets.insert(secrets.end(), call->secrets.begin(), call->secrets.end());
    return Redactor(secrets);
}

CENTRALI_DECL std::exception_ptr Core::redacted(const TransportError& error, const Call& call) const {
    return std::make_exception_ptr(TransportError(redactor(&call)(error.what()), error.curl_code(), error.timed_out(),
                                                  error.connect_failed(), error.retryable()));
}

CENTRALI_DECL std::exception_ptr Core::api_error(const HttpResponse& response, const Call& call) const {
    const Redactor redact = redactor(&call);
    ErrorInfo info;
    info.status = response.status;
    const nlohmann::json body = parse_json_text(response.body);
    if (body.is_object()) {
        auto text = [&](const char* key) -> std::string {
            auto it = body.find(key);
            return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        info.message = text("message");
        if (info.message.empty()) info.message = text("error");
        info.code = text("code");
        info.request_id = text("requestId");
        if (auto it = body.find("details"); it != body.end()) info.details = redact.json(*it);
    }
    if (const auto header = response.header("x-request-id"); !header.empty()) info.request_id = std::string(header);
    if (info.message.empty())
        info.message = response.body.empty() ? std::string(reason_phrase(response.status))
                                             : std::string(reason_phrase(response.status)) +
                                                   " (body is not a Centrali JSON error): " + redact.snippet(response.body, 120);
    info.message = redact(std::move(info.message));
    info.code = redact(std::move(info.code));
    info.request_id = redact(std::move(info.request_id));
    const std::string snippet = redact.snippet(response.body, 512);

    std::string what = "centrali: " + std::string(call.method) + " " + redact(url_for_messages(call.url)) + " -> " +
                       std::to_string(response.status) + " " + reason_phrase(response.status) + ": " + info.message;
    if (!info.code.empty()) what += " [code " + info.code + "]";
    if (!info.request_id.empty()) what += " [request " + info.request_id + "]";

    std::optional<std::chrono::milliseconds> retry_after;
    if (const auto header = response.header("retry-after"); !header.empty())
        retry_after = parse_retry_after(header, clock_.now());

    switch (response.status) {
    case 400: return std::make_exception_ptr(BadRequest(what, std::move(info), retry_after, snippet));
    case 401: return std::make_exception_ptr(Unauthorized(what, std::move(info), retry_after, snippet));
    case 403: return std::make_exception_ptr(Forbidden(what, std::move(info), retry_after, snippet));
    case 404: return std::make_exception_ptr(NotFound(what, std::move(info), retry_after, snippet));
    case 409: return std::make_exception_ptr(Conflict(what, std::move(info), retry_after, snippet));
    case 422: return std::make_exception_ptr(Unprocessable(what, std::move(info), retry_after, snippet));
    case 429: return std::make_exception_ptr(RateLimited(what, std::move(info), retry_after, snippet));
    default:
        if (response.status >= 500)
            return std::make_exception_ptr(ServerError(what, std::move(info), retry_after, snippet));
        return std::make_exception_ptr(ApiError(what, std::move(info), retry_after, snippet));
    }
}

CENTRALI_DECL nlohmann::json Core::parse_json(const HttpResponse& response, const Call& call) const {
    if (response.body.empty()) return nullptr;
    nlohmann::json body = parse_json_text(response.body);
    if (body.is_discarded())
        throw DecodeError("centrali: the body is not JSON (or is nested deeper than " + std::to_string(max_json_depth) +
                              "): " + redactor(&call).snippet(response.body, 200),
                          response.status, std::string(response.header("x-request-id")));
    return body;
}

CENTRALI_DECL std::exception_ptr Core::decode_error(const std::exception& error, const HttpResponse& response,
                                                    const Call& call) const {
    const Redactor redact = redactor(&call);
    std::string what = error.what();
    if (dynamic_cast<const DecodeError*>(&error) == nullptr) what = "centrali: could not decode the answer: " + what;
    what = "centrali: " + std::string(call.method) + " " + url_for_messages(call.url) + " returned " +
           std::to_string(response.status) + ", but " + what.substr(std::string_view("centrali: ").size());
    return std::make_exception_ptr(
        DecodeError(redact(std::move(what)), response.status, redact(std::string(response.header("x-request-id")))));
}

CENTRALI_DECL void Core::log(LogLevel level, const std::string& message) const {
    if (options_.logger) options_.logger(level, redactor()(message));
}

CENTRALI_DECL void Core::log_skipped(const SkippedMembers& skipped, const HttpResponse& response, const Call& call) const {
    log(LogLevel::debug, redactor(&call)("centrali: " + std::string(call.method) + " " + url_for_messages(call.url) +
                                         " returned " + std::to_string(response.status) + "; " +
                                         std::to_string(skipped.count) +
                                         " member(s) of an unexpected type were left in raw: " + skipped.names));
}

CENTRALI_DECL void Core::adopt(std::weak_ptr<Stoppable> subscription) {
    bool stop_now = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                                            [](const std::weak_ptr<Stoppable>& s) { return s.expired(); }),
                             subscriptions_.end());
        if (is_shut_down()) stop_now = true;
        else subscriptions_.push_back(subscription);
    }
    if (stop_now)
        if (auto s = subscription.lock()) s->stop();
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#include <centrali/detail/impl/auth.ipp>

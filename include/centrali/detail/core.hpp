#pragma once
// The one path every exchange with the service takes: blocking calls, `_async` calls, realtime
// streams and the service-account token fetch are all prepared and finished here. What it
// guarantees, it guarantees once, for all of them:
// - credentials: the right header, never over plain http to a non-loopback host, the token
//   fetch shared, one replay after a 401;
// - every header value checked for control characters (a token from a server may carry CR LF);
// - the call's deadline and cancellation cover everything, the token wait included;
// - retries only where they cannot apply a write twice, with back-off or Retry-After;
// - a typed error for every failure, with every secret redacted from every field;
// - JSON parsed under a nesting limit.

#include <centrali/async.hpp>
#include <centrali/detail/auth.hpp>
#include <centrali/detail/executor.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/detail/redact.hpp>
#include <centrali/detail/routes.hpp>
#include <centrali/detail/url.hpp>
#include <centrali/errors.hpp>
#include <centrali/options.hpp>
#include <centrali/transport.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class EventLoop;

/// A request as a manager describes it, before credentials, deadline and retries.
struct Call {
    std::string_view method;  ///< a literal ("GET", …)
    std::string url;
    std::string body;
    std::string_view content_type;  ///< empty when there is no body
    std::string_view accept = "application/json";
    HttpHeaders extra_headers;  ///< besides Accept, Content-Type, User-Agent and the credential
    bool authenticated = true;
    /// Values besides the credentials that must never appear in an error or log line (for
    /// example encrypted orchestration parameters sent in this request's body).
    std::vector<std::string> secrets;
    std::vector<MultipartPart> multipart;  ///< a multipart/form-data body instead of `body`
    ProgressCallback progress;
};

/// Something that must end when its Client does (a realtime subscription).
class Stoppable {
public:
    virtual ~Stoppable() = default;
    virtual void stop() = 0;
};

/// A value that holds no character a header line could be split or ended by.
bool is_header_safe(std::string_view value) noexcept;

class Core {
public:
    explicit Core(ClientOptions options);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    /// Ends the event loop (every `_async` call still in flight completes with Cancelled), the
    /// subscriptions and a token fetch; later calls fail with Cancelled. ~Client calls it.
    void shutdown() noexcept;
    bool is_shut_down() const noexcept { return shut_down_.load(std::memory_order_acquire); }

    const ClientOptions& options() const noexcept { return options_; }
    const centrali::Clock& clock() const noexcept { return clock_; }
    Auth& auth() noexcept { return auth_; }
    Transport& transport() noexcept { return *transport_; }

    // ---- describing calls --------------------------------------------------------------
    const Origins& require_origins() const;
    std::string api_url(const Route& route, std::initializer_list<std::string_view> args, const Query& query = {}) const;
    /// A JSON call to a route of the route table.
    Call make_call(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                   const nlohmann::json* body, std::vector<std::string> secrets = {}) const;
    /// A multipart/form-data call (uploads). Parts may stream from disk or memory.
    Call make_multipart_call(const Route& route, std::initializer_list<std::string_view> args,
                             std::vector<MultipartPart> parts, ProgressCallback progress) const;

    // ---- where calls run ---------------------------------------------------------------
    /// An executor for one blocking call on this thread. Throws InvalidArgument on the event
    /// loop's own thread: a blocking call there would stall every `_async` call (and deadlock
    /// on a token fetch, which needs the loop).
    std::shared_ptr<BlockingExecutor> blocking_executor(const CancelToken& cancel);
    /// The event loop, started on first use.
    std::shared_ptr<EventLoop> loop();
    /// Runs `start` on the event loop; with cancelled = true, at once, once the Client has shut
    /// down.
    void launch(Task start);

    // ---- the one path ------------------------------------------------------------------
    /// What an exchange ends with: the 2xx response or the call's typed error, and the call
    /// itself (for decoding and its error messages).
    using ExchangeDone = MoveOnlyFunction<void(Result<HttpResponse>, const Call&)>;
    /// Sends `call` with credentials, deadline and retries on `ex`; `done` runs on `ex`'s thread.
    void exchange(const std::shared_ptr<Executor>& ex, Call call, CallOptions options, ExchangeDone done);

    /// Starts an operation on a BlockingExecutor of this thread and runs that executor until
    /// `finished()`: the one blocking wait (Op::run, perform).
    void run_blocking(const CancelToken& cancel, MoveOnlyFunction<void(const std::shared_ptr<Executor>&)> start,
                      MoveOnlyFunction<bool()> finished);
    /// What perform() does with a 2xx response: decodes it (what it throws becomes a
    /// decode_error, as in decode()).
    using ResponseReader = MoveOnlyFunction<void(HttpResponse&, const Call&)>;
    /// One exchange on this thread: the blocking form of every single-request call. Throws the
    /// call's typed error.
    void perform(Call call, CallOptions options, ResponseReader read);

    /// The credential `call` will carry (none for an unauthenticated call or a Client without
    /// credentials), after the plain-http check; may wait for the shared token fetch.
    void credential(const std::shared_ptr<Executor>& ex, const Call& call,
                    std::optional<Executor::Clock::time_point> deadline, const CancelToken& cancel, Auth::Next next);
    /// The request headers of `call` carrying `credential`, each value checked.
    void compose_headers(const Call& call, const std::optional<Credential>& credential, HttpHeaders& out) const;

    // ---- finishing ---------------------------------------------------------------------
    /// The typed ApiError of a non-2xx response to `call`, redacted.
    std::exception_ptr api_error(const HttpResponse& response, const Call& call) const;
    /// The body as JSON (null when empty), or a redacted DecodeError.
    nlohmann::json parse_json(const HttpResponse& response, const Call& call) const;
    /// What a decoder threw, as a redacted DecodeError carrying the response's status and id.
    std::exception_ptr decode_error(const std::exception& error, const HttpResponse& response, const Call& call) const;
    /// Runs a decoder of `response`; its failures become decode_error's.
    /// With a logger, the members tolerant reading passed over are logged at debug level.
    template <class F>
    auto decode(const HttpResponse& response, const Call& call, F&& decoder) const -> decltype(decoder()) {
        using Value = decltype(decoder());
        SkippedMembers skipped(logging());
        // The debug line is written after the try: what a logger throws is its own, not a
        // DecodeError of an answer that decoded.
        std::optional<std::conditional_t<std::is_void_v<Value>, bool, Value>> value;
        try {
            if constexpr (std::is_void_v<Value>) {
                decoder();
                value.emplace(true);
            } else {
                value.emplace(decoder());
            }
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& error) {
            std::rethrow_exception(decode_error(error, response, call));
        }
        if (skipped.count != 0) log_skipped(skipped, response, call);
        if constexpr (!std::is_void_v<Value>) return std::move(*value);
    }
    /// A Redactor of the Client's credentials and, when given, the call's own secrets.
    Redactor redactor(const Call* call = nullptr) const;
    std::exception_ptr redacted(const TransportError& error, const Call& call) const;

    bool logging() const noexcept { return static_cast<bool>(options_.logger); }
    void log(LogLevel level, const std::string& message) const;
    /// The debug line of a decode whose tolerant reading passed over members.
    void log_skipped(const SkippedMembers& skipped, const HttpResponse& response, const Call& call) const;

    /// `subscription` is stopped by shutdown() if it is still alive then.
    void adopt(std::weak_ptr<Stoppable> subscription);

private:
    ClientOptions options_;
    centrali::Clock clock_;
    std::optional<Origins> origins_;
    std::shared_ptr<Transport> transport_;
    Auth auth_;
    std::atomic<bool> shut_down_{false};

    std::mutex mutex_;
    std::shared_ptr<EventLoop> loop_;
    std::atomic<EventLoop*> started_loop_{nullptr};  // loop_, for a look that takes no lock
    std::vector<std::weak_ptr<Stoppable>> subscriptions_;
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/core.ipp>
#endif

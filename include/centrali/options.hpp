#pragma once
// Everything a Client can be configured with, in one value type. Nothing here does I/O, and the
// constructor of Client never reads the environment: ClientOptions::from_env() does, on request.

#include <centrali/function.hpp>
#include <centrali/version.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

class Transport;

namespace detail {
/// The flag behind a CancelToken and the wake-ups registered on it. A wake-up may run after its
/// registration ended (cancel() runs them outside its lock), so it must hold what it touches
/// (they hold weak or shared pointers).
class CancelState {
public:
    bool cancelled() const noexcept { return flag_.load(std::memory_order_acquire); }
    void cancel();
    /// Registers `wake`; runs it at once (and returns 0) when already cancelled.
    std::uint64_t subscribe(MoveOnlyFunction<void()> wake);
    void unsubscribe(std::uint64_t id) noexcept;

private:
    std::atomic<bool> flag_{false};
    std::mutex mutex_;
    std::uint64_t next_id_ = 0;
    std::vector<std::pair<std::uint64_t, MoveOnlyFunction<void()>>> wakes_;
};
class CancelRegistration;
}  // namespace detail

/// A shared flag that cancels the calls it is passed to, wherever they are: a transfer in
/// progress, a retry back-off, a wait for a token, a poll interval. Copies share the flag.
class CancelToken {
public:
    /// A new flag, not cancelled (shared only by this token's copies).
    CancelToken() : state_(std::make_shared<detail::CancelState>()) {}
    /// Ends every call given this token (or a copy) with Cancelled, at once and wherever it is;
    /// a call given it later fails the same way. Thread-safe, also from inside a callback;
    /// calling it again does nothing. A token cannot be reset: make a new one.
    void cancel() const { state_->cancel(); }
    /// True once cancel() was called on this token or a copy.
    bool is_cancelled() const noexcept { return state_->cancelled(); }

private:
    friend class detail::CancelRegistration;
    std::shared_ptr<detail::CancelState> state_;
};

namespace detail {
/// Runs a wake-up when a token is cancelled, for as long as the registration lives.
class CancelRegistration {
public:
    CancelRegistration() = default;
    template <class F>
    CancelRegistration(const CancelToken& token, F&& wake)
        : state_(token.state_), id_(state_->subscribe(MoveOnlyFunction<void()>(std::forward<F>(wake)))) {}
    CancelRegistration(CancelRegistration&& other) noexcept
        : state_(std::move(other.state_)), id_(std::exchange(other.id_, 0)) {}
    CancelRegistration& operator=(CancelRegistration&& other) noexcept {
        if (this != &other) {
            reset();
            state_ = std::move(other.state_);
            id_ = std::exchange(other.id_, 0);
        }
        return *this;
    }
    CancelRegistration(const CancelRegistration&) = delete;
    CancelRegistration& operator=(const CancelRegistration&) = delete;
    ~CancelRegistration() { reset(); }

    void reset() noexcept {
        if (state_ && id_ != 0) state_->unsubscribe(id_);
        state_.reset();
        id_ = 0;
    }

private:
    std::shared_ptr<detail::CancelState> state_;
    std::uint64_t id_ = 0;
};
}  // namespace detail

/// Retries with exponential back-off and full jitter. The n-th retry waits a random time in
/// [0, min(max_delay, initial_delay * multiplier^n)], or exactly the server's Retry-After.
struct RetryOptions {
    int max_attempts = 3;  ///< total attempts including the first; 1 disables retries
    std::chrono::milliseconds initial_delay{200};  ///< the cap of the first retry's wait
    std::chrono::milliseconds max_delay{10'000};   ///< no retry waits longer (but for Retry-After)
    double multiplier = 2.0;  ///< how much the cap grows per retry

    /// A Retry-After longer than this is not waited for: the error is raised at once, with
    /// retry_after() set, so that a call never stalls for minutes on a server's word.
    std::chrono::milliseconds max_retry_after{30'000};
};

/// Certificate checks of the libcurl transport (a custom ClientOptions::transport ignores them).
/// Verification is on by default, against the system's CA store.
struct TlsOptions {
    std::string ca_file;  ///< PEM bundle to trust instead of the system store
    std::string ca_dir;   ///< directory of hashed CA certificates

    /// Turns off certificate and host-name verification. Anyone on the network path can then
    /// read and change your traffic, credentials included. A warning is logged on every Client
    /// built with it. For throw-away local testing only.
    bool insecure_disable_verification = false;
};

/// The severity of a log line given to the Logger. The SDK logs each attempt of each call at
/// `debug` (its status and duration, or why it failed), and a risky setting (TLS verification
/// off) or a server quirk it worked around at `warning`; `info` and `error` are not used at
/// present (failures are thrown to the caller, not logged).
enum class LogLevel { debug, info, warning, error };

/// The level's name: "debug", "info", "warning" or "error".
inline const char* to_string(LogLevel level) noexcept {
    switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
    }
    return "unknown";
}

/// Receives the SDK's log lines. Credentials never reach it. The SDK never writes to
/// stdout/stderr itself. May be called from any thread that makes a call, and from the event
/// loop's thread.
using Logger = std::function<void(LogLevel, std::string_view)>;

/// Time, sleep and randomness, replaceable so that tests of retries, waits and token expiry are
/// exact. Every hook left empty is the real one. They drive the blocking calls; the event loop of
/// the `_async` calls keeps real time (its waits are timers among live transfers).
struct Clock {
    /// Wall-clock time: only for Retry-After given as an HTTP date.
    std::function<std::chrono::system_clock::time_point()> now;
    /// Monotonic time: deadlines, back-off, poll intervals, token expiry.
    std::function<std::chrono::steady_clock::time_point()> steady_now;
    /// Waits `duration` (of steady_now's time), or less: it must return early once `cancel`
    /// fires. Empty: a real wait that also wakes for cancellation and for a shared token fetch.
    std::function<void(std::chrono::milliseconds duration, const CancelToken& cancel)> sleep;
    /// A uniformly distributed number in [0, 1).
    std::function<double()> random;
};

/// Everything a Client is configured with. Only base_url, workspace and one credential are
/// usually needed; the rest has working defaults. Copied into the Client, which never changes it.
struct ClientOptions {
    /// `https://centrali.io` (root domain) or `https://api.centrali.io`; the API and auth hosts
    /// are derived from it. A loopback URL (127.0.0.1, localhost, [::1]) is used as the single
    /// origin for every service, which is what the local emulator expects.
    std::string base_url;
    /// The workspace slug (the JS SDK calls this option workspaceId, but it carries the slug).
    std::string workspace;

    // Credentials. When several are set, the first in this order wins:
    // publishable_key → token_provider → token → client_id + client_secret.
    std::string publishable_key;                  ///< sent as `x-api-key`, never as a bearer
    /// BYOT: asked for a bearer before each request, on the thread making it (the event loop's
    /// for `_async` calls), so it should return a cached token quickly. `std::nullopt` means "no
    /// token now" (a JS `getToken` returning null): the request goes without `Authorization`.
    /// An empty string is a mistake and fails the call with ConfigurationError. A lambda that
    /// returns `std::string` fits too.
    std::function<std::optional<std::string>()> token_provider;
    std::string token;                            ///< a static bearer token
    std::string client_id;                        ///< service account (client credentials)
    std::string client_secret;                    ///< the service account's secret (`sk_…`)
    /// The token endpoint on the auth origin. The docs disagree (`oidc/token` in the auth guides,
    /// `oauth/token` in the newest route map); UNCONFIRMED which one SDK 4.4.5 uses.
    std::string token_path = "oidc/token";
    /// Where the orchestration service lives on the API host. The server's OpenAPI document
    /// says `orchestration/ws/{ws}/api/v1` (the default); the API reference pages say
    /// `orchestration/api/v1/workspaces/{ws}`. UNCONFIRMED which one SDK 4.4.5 calls.
    std::string orchestration_base_path = "orchestration/ws/{ws}/api/v1";
    /// A service-account token is renewed this long before it expires.
    std::chrono::seconds token_refresh_margin{60};

    /// The limit for establishing a connection, per attempt.
    std::chrono::milliseconds connect_timeout{10'000};
    /// The limit for one attempt (one HTTP exchange); an idempotent call that hits it is tried
    /// again like any other transient failure.
    std::chrono::milliseconds request_timeout{60'000};
    /// The limit for a whole call: every attempt, the back-off between them and the wait for a
    /// service-account token included. CallOptions::timeout sets it for one call. Unset: a call
    /// is bounded by its attempts (retry.max_attempts × request_timeout, plus back-off). The
    /// token fetch itself runs under request_timeout and the retry policy, not under any one
    /// caller's limit, so a caller with a short limit does not cut it short for the others.
    std::optional<std::chrono::milliseconds> call_timeout;
    RetryOptions retry;  ///< when and how a failed attempt is tried again
    TlsOptions tls;      ///< certificate checks (libcurl transport)
    /// A proxy URL for every request. Empty: libcurl's environment proxies apply
    /// (http_proxy, https_proxy, no_proxy).
    std::string proxy;
    /// The User-Agent header, e.g. `std::string(centrali::default_user_agent) + " my-service/2.1"`.
    /// Empty (the default): none is sent. The JS SDK sends no SDK-specific one either.
    std::string user_agent;
    /// A response body larger than this fails with TransportError instead of exhausting memory.
    std::size_t max_response_bytes = std::size_t{128} << 20;
    /// The most connections the asynchronous calls (`_async`) open at once; more calls queue.
    std::size_t async_max_connections = 64;
    /// Credentials are refused over plain http to anything but loopback unless this is set.
    bool allow_insecure_http = false;

    Logger logger;  ///< receives the SDK's log lines; empty: nothing is logged
    /// Replaces the libcurl transport (unit tests, custom stacks). Shared by all copies.
    std::shared_ptr<Transport> transport;
    Clock clock;  ///< time, sleep and randomness hooks for tests; empty hooks are the real ones

    /// Reads CENTRALI_URL, CENTRALI_WORKSPACE (or CENTRALI_WORKSPACE_ID, the name the JS SDK's
    /// README uses for service accounts; CENTRALI_WORKSPACE wins when both are set),
    /// CENTRALI_CLIENT_ID, CENTRALI_CLIENT_SECRET, CENTRALI_TOKEN and CENTRALI_PUBLISHABLE_KEY;
    /// unset or empty variables leave defaults untouched.
    static ClientOptions from_env();
};

/// How a wait for a run polls: the first poll at once, then after `initial_interval`, growing
/// by `multiplier` up to `max_interval`, and never past `deadline` (counted on the steady clock
/// from the start of the wait). When the deadline is reached the wait throws DeadlineExceeded
/// without another request; when `cancel` fires it throws Cancelled, also without another one.
struct WaitOptions {
    std::chrono::milliseconds deadline{300'000};  ///< Centrali stops functions after 5 minutes
    std::chrono::milliseconds initial_interval{250};  ///< the pause after the first poll
    std::chrono::milliseconds max_interval{5'000};    ///< the longest pause between two polls
    double multiplier = 1.5;  ///< how much the pause grows after each poll (below 1: as 1)
    CancelToken cancel;       ///< ends the wait (and a poll in flight) with Cancelled
};

/// Per-call settings; every manager method takes one as its last, defaulted argument.
struct CallOptions {
    /// The limit for this whole call (see ClientOptions::call_timeout): every attempt, back-off
    /// and token wait included. Reaching it ends the call with TransportError (timed_out()), or
    /// with the last error when it came between attempts.
    std::optional<std::chrono::milliseconds> timeout;
    CancelToken cancel;  ///< cancel() ends this call with Cancelled, wherever it is
    /// Lets a POST or PATCH be retried like an idempotent call. Set it only when sending the
    /// request twice cannot apply it twice.
    bool idempotent = false;
};

namespace detail {
/// Enables the overloads that take CallOptions in place of a call's defaulted arguments. A
/// deduced parameter never matches a braced list, so `f(x, {})` still means the defaulted
/// argument, as it always has, instead of being ambiguous; `f(x, call)` takes this overload.
template <class Call>
using IfCallOptions = std::enable_if_t<std::is_same_v<Call, CallOptions>, int>;
}  // namespace detail

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/options.ipp>
#endif

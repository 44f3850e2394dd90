#pragma once
// Everything a Client can be configured with, in one value type. Nothing here does I/O, and the
// constructor of Client never reads the environment: ClientOptions::from_env() does, on request.

#include <centrali/version.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

class Transport;

/// A shared flag that cancels the calls it is passed to, including a retry back-off sleep and a
/// transfer in progress (checked from libcurl's progress callback). Copies share the flag.
class CancelToken {
public:
    CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() const noexcept { flag_->store(true, std::memory_order_release); }
    bool is_cancelled() const noexcept { return flag_->load(std::memory_order_acquire); }

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

/// Retries with exponential back-off and full jitter. The n-th retry waits a random time in
/// [0, min(max_delay, initial_delay * multiplier^n)], or exactly the server's Retry-After.
struct RetryOptions {
    int max_attempts = 3;  ///< total attempts including the first; 1 disables retries
    std::chrono::milliseconds initial_delay{200};
    std::chrono::milliseconds max_delay{10'000};
    double multiplier = 2.0;
    /// A Retry-After longer than this is not waited for: the error is raised at once, with
    /// retry_after() set, so that a blocking call never stalls for minutes on a server's word.
    std::chrono::milliseconds max_retry_after{30'000};
};

struct TlsOptions {
    std::string ca_file;  ///< PEM bundle to trust instead of the system store
    std::string ca_dir;   ///< directory of hashed CA certificates
    /// Turns off certificate and host-name verification. Anyone on the network path can then
    /// read and change your traffic, credentials included. A warning is logged on every Client
    /// built with it. For throw-away local testing only.
    bool insecure_disable_verification = false;
};

enum class LogLevel { debug, info, warning, error };

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
/// stdout/stderr itself. May be called from any thread that makes a call.
using Logger = std::function<void(LogLevel, std::string_view)>;

/// Time, sleep and randomness, replaceable so that tests of retries and token expiry are exact.
struct Clock {
    std::function<std::chrono::system_clock::time_point()> now;
    /// Must return early (it may return at any time) once `cancel` fires.
    std::function<void(std::chrono::milliseconds, const CancelToken& cancel)> sleep;
    /// A uniformly distributed number in [0, 1).
    std::function<double()> random;
};

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
    std::function<std::string()> token_provider;  ///< BYOT: asked for a bearer before each request
    std::string token;                            ///< a static bearer token
    std::string client_id;                        ///< service account (client credentials)
    std::string client_secret;
    /// The token endpoint on the auth origin. The docs disagree (`oidc/token` in the auth guides,
    /// `oauth/token` in the newest route map); UNCONFIRMED which one SDK 4.4.5 uses.
    std::string token_path = "oidc/token";
    /// Where the orchestration service lives on the API host. The server's OpenAPI document
    /// says `orchestration/ws/{ws}/api/v1` (the default); the API reference pages say
    /// `orchestration/api/v1/workspaces/{ws}`. UNCONFIRMED which one SDK 4.4.5 calls.
    std::string orchestration_base_path = "orchestration/ws/{ws}/api/v1";
    /// A service-account token is renewed this long before it expires.
    std::chrono::seconds token_refresh_margin{60};

    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds request_timeout{60'000};
    RetryOptions retry;
    TlsOptions tls;
    /// A proxy URL for every request. Empty: libcurl's environment proxies apply
    /// (http_proxy, https_proxy, no_proxy).
    std::string proxy;
    /// The User-Agent header, e.g. `std::string(centrali::default_user_agent) + " my-service/2.1"`.
    /// Empty (the default): none is sent. The JS SDK sends no SDK-specific one either, and
    /// libcurl 7.88 formats header lines byte by byte: this 30-byte line cost 2.5 % of a GET's
    /// client CPU (docs/benchmarks.md).
    std::string user_agent;
    /// A response body larger than this fails with TransportError instead of exhausting memory.
    std::size_t max_response_bytes = std::size_t{128} << 20;
    /// The most connections the asynchronous calls (…_async) open at once; more calls queue.
    std::size_t async_max_connections = 64;
    /// Credentials are refused over plain http to anything but loopback unless this is set.
    bool allow_insecure_http = false;

    Logger logger;
    /// Replaces the libcurl transport (unit tests, custom stacks). Shared by all copies.
    std::shared_ptr<Transport> transport;
    Clock clock;

    /// Reads CENTRALI_URL, CENTRALI_WORKSPACE, CENTRALI_CLIENT_ID, CENTRALI_CLIENT_SECRET,
    /// CENTRALI_TOKEN and CENTRALI_PUBLISHABLE_KEY; unset variables leave defaults untouched.
    static ClientOptions from_env() {
        ClientOptions options;
        auto read = [](const char* name, std::string& target) {
            if (const char* value = std::getenv(name); value != nullptr && *value != '\0')
                target = value;
        };
        read("CENTRALI_URL", options.base_url);
        read("CENTRALI_WORKSPACE", options.workspace);
        read("CENTRALI_CLIENT_ID", options.client_id);
        read("CENTRALI_CLIENT_SECRET", options.client_secret);
        read("CENTRALI_TOKEN", options.token);
        read("CENTRALI_PUBLISHABLE_KEY", options.publishable_key);
        return options;
    }
};

/// How a wait for a run polls: the first poll at once, then after `initial_interval`, growing
/// by `multiplier` up to `max_interval`, and never past `deadline` (counted from the start of
/// the wait). When the deadline is reached the wait throws DeadlineExceeded without another
/// request; when `cancel` fires it throws Cancelled, also without another request.
struct WaitOptions {
    std::chrono::milliseconds deadline{300'000};  ///< Centrali stops functions after 5 minutes
    std::chrono::milliseconds initial_interval{250};
    std::chrono::milliseconds max_interval{5'000};
    double multiplier = 1.5;
    CancelToken cancel;
};

/// Per-call settings; every manager method takes one as its last, defaulted argument.
struct CallOptions {
    std::optional<std::chrono::milliseconds> timeout;  ///< overrides request_timeout
    CancelToken cancel;
    /// Lets a POST or PATCH be retried like an idempotent call. Set it only when sending the
    /// request twice cannot apply it twice.
    bool idempotent = false;
};

CENTRALI_NAMESPACE_END

#pragma once
// Which credential each request carries, and the service-account token's life: fetched lazily,
// cached, renewed shortly before it expires, and fetched again once after a 401. The fetch is an
// exchange on the Client's event loop like any other; every call that needs the token while it
// runs waits for that one fetch (its success or failure goes to all), each no longer than its
// own deadline and not after its own cancellation. No thread blocks on another's behalf.

#include <centrali/async.hpp>
#include <centrali/detail/executor.hpp>
#include <centrali/options.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class Core;

enum class AuthMode { none, publishable_key, token_provider, static_token, client_credentials };

struct Credential {
    std::string_view header;  ///< "Authorization" or "x-api-key"
    std::string value;        ///< "Bearer …" or the key
    std::string token;        ///< the bearer alone (empty for the key), to recognise it after a 401
};

class Auth {
public:
    using Next = MoveOnlyFunction<void(Result<std::optional<Credential>>)>;
    using TokenNext = MoveOnlyFunction<void(Result<std::string>)>;
    using TimePoint = Executor::Clock::time_point;

    Auth(Core& core, const ClientOptions& options);

    bool has_credentials() const noexcept { return mode() != AuthMode::none; }
    bool has_client_credentials() const noexcept { return !client_id_.empty() && !client_secret_.empty(); }
    /// True when a 401 can be answered by getting a new token and replaying the request once.
    bool can_renew_after_unauthorized() const noexcept {
        const AuthMode m = mode();
        return m == AuthMode::token_provider || m == AuthMode::client_credentials;
    }

    /// The credential for the next request (none when the Client has none), given to `next` on
    /// `ex`'s thread: at once, or when the shared token fetch ends, or with an error once
    /// `deadline` (when there is one) passes or `cancel` fires.
    void acquire(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline, const CancelToken& cancel, Next next);
    /// A new service-account token, fetched now whatever the cached one (a fetch already in
    /// flight is shared), stored for later requests.
    void refresh(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline, const CancelToken& cancel,
                 TokenNext next);
    /// After a 401 sent with `token`: forget it, unless it was already replaced.
    void discard(const std::string& token);

    void set_token(std::string token);
    std::optional<std::string> token() const;
    /// Every credential value seen so far, for redaction.
    std::vector<std::string> secrets() const;
    /// Ends a fetch in flight (its waiters get Cancelled).
    void shutdown();

private:
    struct Waiter;

    AuthMode mode() const noexcept { return mode_.load(std::memory_order_acquire); }
    bool usable_locked() const;
    void wait_for_fetch(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline,
                        const CancelToken& cancel, TokenNext next, bool force);
    void start_fetch();
    void on_fetched(Result<std::string> token, std::optional<std::chrono::seconds> expires_in);
    static void give_up(const std::shared_ptr<Waiter>& waiter, Auth& auth, std::exception_ptr error);
    void remember_secret_locked(const std::string& token);
    static Credential bearer(std::string token);

    Core& core_;
    const std::string publishable_key_;
    const std::function<std::optional<std::string>()> provider_;
    const std::string client_id_;
    const std::string client_secret_;
    const std::chrono::seconds refresh_margin_;
    std::atomic<AuthMode> mode_{AuthMode::none};

    mutable std::mutex mutex_;
    std::string token_;
    std::optional<TimePoint> expires_at_;
    std::chrono::seconds margin_{0};
    bool fetching_ = false;
    bool shut_down_ = false;
    CancelToken fetch_cancel_;
    std::vector<std::shared_ptr<Waiter>> waiters_;
    std::vector<std::string> seen_tokens_;
};

}  // namespace detail
CENTRALI_NAMESPACE_END

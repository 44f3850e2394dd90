#pragma once
// Which credential each request carries, and the service-account token life cycle: fetched
// lazily, cached, renewed shortly before it expires, and refetched once after a 401. When many
// threads need a token at once, exactly one fetch runs and the others wait for its result; no
// lock is held while it runs.

#include <centrali/errors.hpp>
#include <centrali/options.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

enum class AuthMode { none, publishable_key, token_provider, static_token, client_credentials };

struct TokenGrant {
    std::string access_token;
    std::optional<std::chrono::seconds> expires_in;
};

struct AuthHeader {
    std::string name;   ///< "Authorization" or "x-api-key"
    std::string value;  ///< "Bearer …" or the key
    std::string token;  ///< the bearer token alone (empty for the key), to recognise it after a 401
};

/// Named through the alias Auth; a class template so that the token fetch's std::promise and
/// std::shared_future code compiles only in the TUs that build a Client.
template <class = void>
class BasicAuth {
public:
    using Fetcher = std::function<TokenGrant(const CancelToken&)>;

    BasicAuth(const ClientOptions& options, Clock clock, Fetcher fetch)
        : publishable_key_(options.publishable_key), provider_(options.token_provider),
          client_id_(options.client_id), client_secret_(options.client_secret),
          refresh_margin_(options.token_refresh_margin), clock_(std::move(clock)), fetch_(std::move(fetch)),
          token_(options.token) {
        if (!publishable_key_.empty()) mode_ = AuthMode::publishable_key;
        else if (provider_) mode_ = AuthMode::token_provider;
        else if (!token_.empty()) mode_ = AuthMode::static_token;
        else if (!client_id_.empty() && !client_secret_.empty()) mode_ = AuthMode::client_credentials;
        if (!token_.empty()) remember_secret(token_);
    }

    AuthMode mode() const noexcept { return mode_; }
    bool has_credentials() const noexcept { return mode_ != AuthMode::none; }
    bool has_client_credentials() const noexcept { return !client_id_.empty() && !client_secret_.empty(); }

    /// True when a 401 can be answered by getting a new token and replaying the request once.
    bool can_renew_after_unauthorized() const noexcept {
        return mode_ == AuthMode::token_provider || mode_ == AuthMode::client_credentials;
    }

    std::optional<AuthHeader> header(const CancelToken& cancel) {
        switch (mode_) {
        case AuthMode::none: return std::nullopt;
        case AuthMode::publishable_key: return AuthHeader{"x-api-key", publishable_key_, {}};
        case AuthMode::token_provider: {
            std::string token = provider_();
            if (token.empty()) throw ConfigurationError("token_provider returned an empty token");
            remember_secret(token);
            return bearer(std::move(token));
        }
        case AuthMode::static_token: {
            std::lock_guard<std::mutex> lock(mutex_);
            if (token_.empty()) throw ConfigurationError("the bearer token is empty");
            return bearer(token_);
        }
        case AuthMode::client_credentials: return bearer(service_account_token(cancel));
        }
        return std::nullopt;
    }

    /// After a 401 sent with `token`: forget it, unless another thread already replaced it.
    void discard(const std::string& token) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (token_ == token) {
            token_.clear();
            expires_at_.reset();
        }
    }

    void set_token(std::string token) {
        std::lock_guard<std::mutex> lock(mutex_);
        remember_secret_locked(token);
        token_ = std::move(token);
        expires_at_.reset();  // unknown; a 401 tells us when it stops working
        if (mode_ == AuthMode::none && !token_.empty()) mode_ = AuthMode::static_token;
    }

    std::optional<std::string> token() const {
        std::lock_guard<std::mutex> lock(mutex_);
        if (token_.empty()) return std::nullopt;
        return token_;
    }

    /// Fetches a new service-account token now (sharing a fetch already in flight), stores it
    /// for later requests and returns it.
    std::string fetch_service_account_token(const CancelToken& cancel) {
        if (!has_client_credentials())
            throw ConfigurationError("fetch_service_account_token needs client_id and client_secret");
        return renew(cancel, /*force=*/true);
    }

    /// Every credential value seen so far, for redaction.
    std::vector<std::string> secrets() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> all = seen_tokens_;
        for (const std::string* s : {&publishable_key_, &client_secret_})
            if (!s->empty()) all.push_back(*s);
        return all;
    }

private:
    static AuthHeader bearer(std::string token) {
        std::string value = "Bearer " + token;
        return AuthHeader{"Authorization", std::move(value), std::move(token)};
    }

    bool usable_locked() const {
        if (token_.empty()) return false;
        return !expires_at_ || clock_.now() + margin_ < *expires_at_;
    }

    std::string service_account_token(const CancelToken& cancel) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (usable_locked()) return token_;
        }
        return renew(cancel, /*force=*/false);
    }

    std::string renew(const CancelToken& cancel, bool force) {
        for (;;) {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!force && usable_locked()) return token_;
            if (!in_flight_.valid()) return fetch_as_leader(lock, cancel);
            std::shared_future<std::string> pending = in_flight_;
            lock.unlock();
            while (pending.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready)
                if (cancel.is_cancelled()) throw Cancelled();
            try {
                return pending.get();
            } catch (const Cancelled&) {
                // The leader's caller cancelled, not ours: take over the fetch.
                if (cancel.is_cancelled()) throw;
                force = false;
            }
        }
    }

    std::string fetch_as_leader(std::unique_lock<std::mutex>& lock, const CancelToken& cancel) {
        std::promise<std::string> promise;
        in_flight_ = promise.get_future().share();
        lock.unlock();
        try {
            TokenGrant grant = fetch_(cancel);
            lock.lock();
            remember_secret_locked(grant.access_token);
            token_ = grant.access_token;
            expires_at_.reset();
            margin_ = refresh_margin_;
            if (grant.expires_in) {
                expires_at_ = clock_.now() + *grant.expires_in;
                // A token shorter-lived than twice the margin would look stale at once.
                margin_ = (std::min)(refresh_margin_, std::chrono::seconds(grant.expires_in->count() / 2));
            }
            in_flight_ = {};
            lock.unlock();
            promise.set_value(grant.access_token);
            return grant.access_token;
        } catch (...) {
            if (!lock.owns_lock()) lock.lock();
            in_flight_ = {};
            lock.unlock();
            promise.set_exception(std::current_exception());
            throw;
        }
    }

    void remember_secret(const std::string& token) {
        std::lock_guard<std::mutex> lock(mutex_);
        remember_secret_locked(token);
    }
    void remember_secret_locked(const std::string& token) {
        if (token.empty()) return;
        for (const auto& known : seen_tokens_)
            if (known == token) return;
        if (seen_tokens_.size() >= 16) seen_tokens_.erase(seen_tokens_.begin());
        seen_tokens_.push_back(token);
    }

    const std::string publishable_key_;
    const std::function<std::string()> provider_;
    const std::string client_id_;
    const std::string client_secret_;
    const std::chrono::seconds refresh_margin_;
    const Clock clock_;
    const Fetcher fetch_;
    AuthMode mode_ = AuthMode::none;

    mutable std::mutex mutex_;
    std::string token_;
    std::optional<std::chrono::system_clock::time_point> expires_at_;
    std::chrono::seconds margin_{0};
    std::shared_future<std::string> in_flight_;
    std::vector<std::string> seen_tokens_;
};
using Auth = BasicAuth<>;

}  // namespace detail
CENTRALI_NAMESPACE_END

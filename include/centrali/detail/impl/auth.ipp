#pragma once

#include <centrali/detail/auth.hpp>
#include <centrali/detail/core.hpp>
#include <centrali/detail/event_loop.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// One call waiting for the token fetch. Settled exactly once, under Auth's lock: by the fetch,
/// or by its own deadline or cancellation, whichever comes first.
struct Auth::Waiter {
    std::shared_ptr<Executor> ex;
    TokenNext next;
    Executor::TimerId timer = 0;
    CancelRegistration cancel;
    bool settled = false;
};

CENTRALI_DECL Auth::Auth(Core& core, const ClientOptions& options)
    : core_(core), publishable_key_(options.publishable_key), provider_(options.token_provider),
      client_id_(options.client_id), client_secret_(options.client_secret),
      refresh_margin_(options.token_refresh_margin), token_(options.token) {
    AuthMode mode = AuthMode::none;
    if (!publishable_key_.empty()) mode = AuthMode::publishable_key;
    else if (provider_) mode = AuthMode::token_provider;
    else if (!token_.empty()) mode = AuthMode::static_token;
    else if (has_client_credentials()) mode = AuthMode::client_credentials;
    mode_.store(mode, std::memory_order_release);
    remember_secret_locked(token_);  // no other thread can see this Auth yet
}

CENTRALI_DECL Credential Auth::bearer(std::string token) {
    std::string value = "Bearer " + token;
    return Credential{"Authorization", std::move(value), std::move(token)};
}

CENTRALI_DECL bool Auth::usable_locked() const {
    if (token_.empty()) return false;
    return !expires_at_ || core_.clock().steady_now() + margin_ < *expires_at_;
}

CENTRALI_DECL void Auth::acquire(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline,
                                 const CancelToken& cancel, Next next) {
    switch (mode()) {
    case AuthMode::none: return next(std::optional<Credential>());
    case AuthMode::publishable_key: return next(std::optional<Credential>(Credential{"x-api-key", publishable_key_, {}}));
    case AuthMode::token_provider: {
        std::optional<std::string> provided;
        try {
            provided = provider_();
        } catch (...) {
            return next(std::current_exception());
        }
        if (!provided) return next(std::optional<Credential>());  // no token now: no Authorization
        std::string token = std::move(*provided);
        if (token.empty())
            return next(std::make_exception_ptr(ConfigurationError("token_provider returned an empty token")));
        {
            std::lock_guard<std::mutex> lock(mutex_);
            remember_secret_locked(token);
        }
        return next(std::optional<Credential>(bearer(std::move(token))));
    }
    case AuthMode::static_token: {
        std::string token;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            token = token_;
        }
        if (token.empty()) return next(std::make_exception_ptr(ConfigurationError("the bearer token is empty")));
        return next(std::optional<Credential>(bearer(std::move(token))));
    }
    case AuthMode::client_credentials: {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (usable_locked()) {
                std::string token = token_;
                lock.unlock();
                return next(std::optional<Credential>(bearer(std::move(token))));
            }
        }
        return wait_for_fetch(ex, deadline, cancel,
                              [next = std::move(next)](Result<std::string> token) mutable {
                                  if (!token) return next(token.error());
                                  next(std::optional<Credential>(bearer(std::move(token).value())));
                              },
                              /*force=*/false);
    }
    }
}

CENTRALI_DECL void Auth::refresh(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline,
                                 const CancelToken& cancel, TokenNext next) {
    if (!has_client_credentials())
        return next(std::make_exception_ptr(
            ConfigurationError("fetch_service_account_token needs client_id and client_secret")));
    wait_for_fetch(ex, deadline, cancel, std::move(next), /*force=*/true);
}

CENTRALI_DECL void Auth::wait_for_fetch(const std::shared_ptr<Executor>& ex, std::optional<TimePoint> deadline,
                                        const CancelToken& cancel, TokenNext next, bool force) {
    auto waiter = std::make_shared<Waiter>();
    waiter->ex = ex;
    waiter->next = std::move(next);
    bool start = false;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (shut_down_) {
            lock.unlock();
            return waiter->next(std::make_exception_ptr(Cancelled()));
        }
        if (!force && usable_locked()) {  // fetched while this call was on its way here
            std::string token = token_;
            lock.unlock();
            return waiter->next(std::move(token));
        }
        waiters_.push_back(waiter);
        start = !fetching_;
        fetching_ = true;
    }
    // This waiter's own limits; both run on `ex`'s thread, as does the fetch's answer.
    std::weak_ptr<Waiter> weak = waiter;
    if (deadline) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - ex->now());
        waiter->timer = ex->post_after_real((std::max)(wait, std::chrono::milliseconds(0)), [this, weak](bool cancelled) {
        if (auto w = weak.lock()) {
            w->timer = 0;
            give_up(w, *this,
                    cancelled ? std::make_exception_ptr(Cancelled())
                              : std::make_exception_ptr(TransportError(
                                    "centrali: timed out waiting for a service-account token (the token endpoint "
                                    "did not answer within the call's time limit)",
                                    28, /*timed_out=*/true, false, /*retryable=*/false)));
        }
        });
    }
    waiter->cancel = CancelRegistration(cancel, [this, weak] {
        if (auto w = weak.lock())
            w->ex->post([this, weak](bool) {
                if (auto w = weak.lock()) give_up(w, *this, std::make_exception_ptr(Cancelled()));
            });
    });
    if (!start) return;
    try {
        start_fetch();
    } catch (...) {
        // A fetch that cannot start (no base_url, say): every waiter gets the error, and the
        // next call may fetch again (fetching_ is set, and only on_fetched clears it).
        on_fetched(std::current_exception(), std::nullopt);
    }
}

CENTRALI_DECL void Auth::give_up(const std::shared_ptr<Waiter>& waiter, Auth& auth, std::exception_ptr error) {
    {
        std::lock_guard<std::mutex> lock(auth.mutex_);
        if (waiter->settled) return;
        waiter->settled = true;
        auth.waiters_.erase(std::remove(auth.waiters_.begin(), auth.waiters_.end(), waiter), auth.waiters_.end());
    }
    if (waiter->timer != 0) waiter->ex->cancel_timer(waiter->timer);
    waiter->cancel.reset();
    TokenNext next = std::move(waiter->next);
    next(std::move(error));
}

/// The client-credentials grant, as an exchange on the event loop that no caller owns: it runs
/// under the Client's own time limit and ends only with the Client.
CENTRALI_DECL void Auth::start_fetch() {
    Call call;
    call.method = "POST";
    call.url = core_.require_origins().auth + "/" + core_.options().token_path;
    call.body = form_encode({{"grant_type", "client_credentials"},
                             {"client_id", client_id_},
                             {"client_secret", client_secret_},
                             {"scope", "openid"}});
    call.content_type = "application/x-www-form-urlencoded";
    call.authenticated = false;
    call.secrets = {client_secret_};
    CallOptions options;
    options.idempotent = true;  // a second grant is harmless
    options.cancel = fetch_cancel_;
    core_.launch([this, call = std::move(call), options = std::move(options)](bool cancelled) mutable {
        if (cancelled) return on_fetched(std::make_exception_ptr(Cancelled()), std::nullopt);
        core_.exchange(core_.loop(), std::move(call), std::move(options),
                       [this](Result<HttpResponse> result, const Call& sent) {
                           if (!result) return on_fetched(result.error(), std::nullopt);
                           const HttpResponse& response = result.value();
                           std::string token;
                           std::optional<std::chrono::seconds> expires_in;
                           try {
                               core_.decode(response, sent, [&] {
                                   const nlohmann::json body = core_.parse_json(response, sent);
                                   const auto access = body.is_object() ? body.find("access_token") : body.end();
                                   if (!body.is_object() || access == body.end() || !access->is_string() ||
                                       access->get_ref<const std::string&>().empty())
                                       throw DecodeError("centrali: the token endpoint answered without an access_token");
                                   token = access->get<std::string>();
                                   {
                                       std::lock_guard<std::mutex> lock(mutex_);
                                       remember_secret_locked(token);  // before any message could quote it
                                   }
                                   if (!is_header_safe(token))
                                       throw DecodeError("centrali: the token endpoint answered an access_token with a "
                                                         "control character (CR, LF, …); it was not used");
                                   const auto lifetime = body.find("expires_in");
                                   long long seconds = 0;
                                   if (lifetime != body.end()) {
                                       if (lifetime->is_number_integer() || lifetime->is_number_unsigned()) {
                                           seconds = lifetime->is_number_unsigned()
                                                         ? static_cast<long long>((std::min)(
                                                               lifetime->get<std::uint64_t>(), std::uint64_t{1} << 40))
                                                         : lifetime->get<long long>();
                                       } else if (lifetime->is_number_float()) {
                                           const double d = lifetime->get<double>();
                                           seconds = d > 0 && d < 1e12 ? static_cast<long long>(d) : 0;
                                       } else if (lifetime->is_string()) {
                                           // "3600": a common server quirk; the token is still good.
                                           const std::string& text = lifetime->get_ref<const std::string&>();
                                           if (!text.empty() && text.size() <= 12 &&
                                               text.find_first_not_of("0123456789") == std::string::npos)
                                               seconds = std::stoll(text);
                                       }
                                       if (seconds <= 0 && core_.logging())
                                           core_.log(LogLevel::warning,
                                                     "the token endpoint's expires_in is not a positive number of "
                                                     "seconds; the token is renewed after its first 401");
                                   }
                                   if (seconds > 0)
                                       expires_in = std::chrono::seconds((std::min)(seconds, 10LL * 365 * 86400));
                               });
                           } catch (...) {
                               return on_fetched(std::current_exception(), std::nullopt);
                           }
                           on_fetched(std::move(token), expires_in);
                       });
    });
}

CENTRALI_DECL void Auth::on_fetched(Result<std::string> token, std::optional<std::chrono::seconds> expires_in) {
    std::vector<std::shared_ptr<Waiter>> waiters;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fetching_ = false;
        if (token) {
            token_ = token.value();
            expires_at_.reset();
            margin_ = refresh_margin_;
            if (expires_in) {
                expires_at_ = core_.clock().steady_now() + *expires_in;
                // A token shorter-lived than twice the margin would look stale at once.
                margin_ = (std::min)(refresh_margin_, std::chrono::seconds(expires_in->count() / 2));
            }
        }
        waiters.swap(waiters_);
        for (auto& waiter : waiters) waiter->settled = true;
    }
    for (auto& waiter : waiters) {
        waiter->ex->post([waiter, token](bool cancelled) mutable {
            if (waiter->timer != 0) waiter->ex->cancel_timer(waiter->timer);
            waiter->cancel.reset();
            TokenNext next = std::move(waiter->next);
            if (cancelled) return next(std::make_exception_ptr(Cancelled()));
            next(std::move(token));
        });
    }
}

CENTRALI_DECL void Auth::discard(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (token_ == token) {
        token_.clear();
        expires_at_.reset();
    }
}

CENTRALI_DECL void Auth::set_token(std::string token) {
    std::lock_guard<std::mutex> lock(mutex_);
    remember_secret_locked(token);
    token_ = std::move(token);
    expires_at_.reset();  // unknown; a 401 tells when it stops working
    if (mode() == AuthMode::none && !token_.empty()) mode_.store(AuthMode::static_token, std::memory_order_release);
}

CENTRALI_DECL std::optional<std::string> Auth::token() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (token_.empty()) return std::nullopt;
    return token_;
}

CENTRALI_DECL std::vector<std::string> Auth::secrets() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> all = seen_tokens_;
    for (const std::string* s : {&publishable_key_, &client_secret_})
        if (!s->empty()) all.push_back(*s);
    return all;
}

CENTRALI_DECL void Auth::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        shut_down_ = true;
    }
    fetch_cancel_.cancel();
}

CENTRALI_DECL void Auth::remember_secret_locked(const std::string& token) {
    if (token.empty()) return;
    for (const auto& known : seen_tokens_)
        if (known == token) return;
    if (seen_tokens_.size() >= 16) seen_tokens_.erase(seen_tokens_.begin());
    seen_tokens_.push_back(token);
}

}  // namespace detail
CENTRALI_NAMESPACE_END

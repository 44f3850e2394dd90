#pragma once
// The one request path every manager uses: credentials, retries, status mapping, decoding and
// redaction happen here and nowhere else.

#include <centrali/detail/auth.hpp>
#include <centrali/detail/curl_transport.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/detail/retry.hpp>
#include <centrali/detail/routes.hpp>
#include <centrali/detail/url.hpp>
#include <centrali/errors.hpp>
#include <centrali/options.hpp>
#include <centrali/transport.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// Replaces every occurrence of every secret in `text` with REDACTED.
inline std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets) {
        if (secret.size() < 4) continue;  // too short to be a credential; would shred the text
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 8))
            text.replace(at, secret.size(), "REDACTED");
    }
    return text;
}

/// The first `limit` bytes of a body, with control characters shown as '.', cut on a UTF-8
/// character boundary, for messages.
inline std::string body_snippet(std::string_view body, std::size_t limit = 512) {
    std::size_t end = (std::min)(limit, body.size());
    if (end < body.size())
        while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;  // a continuation byte
    std::string out(body.substr(0, end));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = '.';
    if (end < body.size()) out += "…";
    return out;
}

/// A snippet with the secrets replaced before the cut, so that no secret survives in part.
inline std::string safe_snippet(std::string_view body, const std::vector<std::string>& secrets, std::size_t limit) {
    std::size_t longest = 0;
    for (const auto& secret : secrets) longest = (std::max)(longest, secret.size());
    return body_snippet(redact(std::string(body.substr(0, limit + longest)), secrets), limit);
}

/// JSON nested deeper than this is refused while parsing: nlohmann copies and prints
/// recursively, and a hostile body nested 100,000 deep would overflow the stack.
inline constexpr std::size_t max_json_depth = 256;

/// nlohmann's own DOM builder, stopped by a nesting limit: one pass over the text, and the same
/// speed as json::parse (which uses this builder too). A template, like everything below that
/// instantiates nlohmann's parser or serializer: a plain inline function would compile them in
/// every TU that includes this header, a template only in the TUs that call it.
template <class = void>
class DepthLimitedBuilder {
public:
    using json = nlohmann::json;
    DepthLimitedBuilder(json& result, std::size_t max_depth) : dom_(result, /*allow_exceptions=*/false), max_(max_depth) {}

    bool null() { return dom_.null(); }
    bool boolean(bool value) { return dom_.boolean(value); }
    bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
    bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
    bool number_float(json::number_float_t value, const json::string_t& text) { return dom_.number_float(value, text); }
    bool string(json::string_t& value) { return dom_.string(value); }
    bool binary(json::binary_t& value) { return dom_.binary(value); }
    bool start_object(std::size_t n) { return ++depth_ <= max_ && dom_.start_object(n); }
    bool key(json::string_t& value) { return dom_.key(value); }
    bool end_object() { --depth_; return dom_.end_object(); }
    bool start_array(std::size_t n) { return ++depth_ <= max_ && dom_.start_array(n); }
    bool end_array() { --depth_; return dom_.end_array(); }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) { return false; }

private:
    nlohmann::detail::json_sax_dom_parser<json> dom_;
    std::size_t depth_ = 0;
    std::size_t max_;
};

/// Parses a body, or gives a discarded value when it is not JSON or nested too deep.
template <class = void>
nlohmann::json parse_body(std::string_view text) {
    nlohmann::json result;
    DepthLimitedBuilder<> builder(result, max_json_depth);
    if (!nlohmann::json::sax_parse(text, &builder, nlohmann::json::input_format_t::json, /*strict=*/true))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return result;
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

/// Builds the typed error for a non-2xx response. The status decides the class whatever the
/// body says; a body that is not Centrali's JSON error shape only costs the detail fields.
template <class = void>
[[noreturn]] void throw_api_error(const HttpResponse& response, std::string_view method, const std::string& url,
                                         const std::vector<std::string>& secrets,
                                         std::chrono::system_clock::time_point now) {
    ErrorInfo info;
    info.status = response.status;
    const nlohmann::json body = parse_body(response.body);
    if (body.is_object()) {
        auto text = [&](const char* key) -> std::string {
            auto it = body.find(key);
            return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        info.message = text("message");
        if (info.message.empty()) info.message = text("error");
        info.code = text("code");
        info.request_id = text("requestId");
        if (auto it = body.find("details"); it != body.end()) info.details = *it;
    }
    if (const auto header = response.header("x-request-id"); !header.empty()) info.request_id = std::string(header);
    const std::string snippet = safe_snippet(response.body, secrets, 512);
    if (info.message.empty())
        info.message = response.body.empty() ? std::string(reason_phrase(response.status))
                                             : std::string(reason_phrase(response.status)) +
                                                   " (body is not a Centrali JSON error): " +
                                                   safe_snippet(response.body, secrets, 120);
    info.message = redact(std::move(info.message), secrets);
    info.code = redact(std::move(info.code), secrets);
    info.request_id = redact(std::move(info.request_id), secrets);
    // Through parse_body, like every other body: one parser instantiation for the whole SDK.
    if (!info.details.is_null()) info.details = parse_body(redact(info.details.dump(), secrets));

    std::string what = "centrali: " + std::string(method) + " " + redact(url_for_messages(url), secrets) + " -> " +
                       std::to_string(response.status) + " " + reason_phrase(response.status) + ": " + info.message;
    if (!info.code.empty()) what += " [code " + info.code + "]";
    if (!info.request_id.empty()) what += " [request " + info.request_id + "]";

    std::optional<std::chrono::milliseconds> retry_after;
    if (const auto header = response.header("retry-after"); !header.empty()) retry_after = parse_retry_after(header, now);

    switch (response.status) {
    case 400: throw BadRequest(what, std::move(info), retry_after, snippet);
    case 401: throw Unauthorized(what, std::move(info), retry_after, snippet);
    case 403: throw Forbidden(what, std::move(info), retry_after, snippet);
    case 404: throw NotFound(what, std::move(info), retry_after, snippet);
    case 409: throw Conflict(what, std::move(info), retry_after, snippet);
    case 422: throw Unprocessable(what, std::move(info), retry_after, snippet);
    case 429: throw RateLimited(what, std::move(info), retry_after, snippet);
    default:
        if (response.status >= 500) throw ServerError(what, std::move(info), retry_after, snippet);
        throw ApiError(what, std::move(info), retry_after, snippet);
    }
}

/// A request before credentials and retries are applied.
struct Call {
    std::string_view method;
    std::string url;
    std::string body;
    std::string_view content_type;  ///< empty when there is no body
    bool authenticated = true;
    /// Values besides the credentials that must never appear in an error or log line (for
    /// example encrypted orchestration parameters sent in this request's body).
    std::vector<std::string> secrets;
    std::vector<MultipartPart> multipart;  ///< a multipart/form-data body instead of `body`
    ProgressCallback progress;
};

template <class = void>
class BasicCore;
using Core = BasicCore<>;

/// The request path, a class template behind the alias Core (`BasicCore<>`): its members, and
/// all they instantiate (JSON parsing and printing, std::function, the token fetch), compile
/// only in the TUs that call them, not in every TU that includes the SDK.
template <class>
class BasicCore {
public:
    explicit BasicCore(ClientOptions options)
        : options_(std::move(options)), clock_(complete_clock(options_.clock)),
          auth_(options_, clock_, [this](const CancelToken& cancel) { return request_token(cancel); }) {
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

    BasicCore(const BasicCore&) = delete;
    BasicCore& operator=(const BasicCore&) = delete;
    ~BasicCore();

    /// The event loop of the …_async calls, started on first use (async_engine.hpp).
    AsyncEngine& engine();

    const ClientOptions& options() const noexcept { return options_; }
    Auth& auth() noexcept { return auth_; }
    Transport& transport() noexcept { return *transport_; }
    const Clock& clock() const noexcept { return clock_; }

    /// A JSON call to a route of the route table (managers run it through detail::Op).
    Call make_call(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                   const nlohmann::json* body, std::vector<std::string> secrets) const {
        Call call{route.method, api_url(route, args, query), {}, {}, true, std::move(secrets), {}, {}};
        if (body != nullptr) {
            call.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            call.content_type = "application/json";
        }
        return call;
    }

    /// A multipart/form-data call (uploads). Parts may stream from disk or memory.
    Call make_multipart_call(const Route& route, std::initializer_list<std::string_view> args,
                             std::vector<MultipartPart> parts, ProgressCallback progress) const {
        return Call{route.method, api_url(route, args, {}), {}, {}, true, {}, std::move(parts), std::move(progress)};
    }

    std::string api_url(const Route& route, std::initializer_list<std::string_view> args, const Query& query) const {
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

    /// Sends with credentials and retries; returns the 2xx response or throws a typed error.
    HttpResponse execute(const Call& call, const CallOptions& call_options) {
        CallState state(*this, call, call_options);
        for (;;) {
            HttpRequest& request = state.prepare();
            std::optional<std::chrono::milliseconds> again;
            try {
                HttpResponse response = transport_->send(request);
                again = state.on_response(response);
                if (!again) return response;
            } catch (const TransportError& error) {
                again = state.on_failure(error);
            }
            pause(*again, call_options.cancel);
        }
    }

    /// The retry and credential policy of one call, one attempt at a time: execute() drives it
    /// blocking, the async engine drives it from its event loop.
    class CallState {
    public:
        CallState(BasicCore& core, const Call& call, const CallOptions& options)
            : core_(core), call_(call), options_(options),
              idempotent_(options.idempotent || is_idempotent_method(call.method)),
              max_attempts_((std::max)(1, core.options_.retry.max_attempts)) {
            core.check_credentials_allowed(call);
            request_ = core.build_request(call, options);
            request_.idempotent = idempotent_;
            fixed_headers_ = request_.headers.size();
        }

        /// The request for the next attempt, with the current credential (which may mean a
        /// token fetch). Throws Cancelled once the call's token fired.
        HttpRequest& prepare() {
            if (options_.cancel.is_cancelled()) throw Cancelled();
            ++attempt_;
            request_.headers.resize(fixed_headers_);
            token_used_.clear();
            if (call_.authenticated) {
                if (auto header = core_.auth_.header(options_.cancel)) {
                    token_used_ = std::move(header->token);
                    request_.headers.emplace_back(std::move(header->name), std::move(header->value));
                }
            }
            started_ = std::chrono::steady_clock::now();
            return request_;
        }

        /// nullopt: `response` is the call's 2xx answer. A delay: send again after it.
        /// Otherwise throws the call's typed error.
        std::optional<std::chrono::milliseconds> on_response(const HttpResponse& response) {
            if (core_.logging())
                core_.log(LogLevel::debug, core_.describe(call_, attempt_) + " -> " + std::to_string(response.status) +
                                               " in " + std::to_string(elapsed_ms(started_)) + " ms");
            if (response.status >= 200 && response.status < 300) return std::nullopt;
            if (response.status == 401 && call_.authenticated && !renewed_after_401_ &&
                core_.auth_.can_renew_after_unauthorized()) {
                // One replay with a fresh token, not counted as a retry; a second 401 is final.
                renewed_after_401_ = true;
                core_.auth_.discard(token_used_);
                --attempt_;
                return std::chrono::milliseconds(0);
            }
            if (idempotent_ && is_retryable_status(response.status) && attempt_ < max_attempts_)
                if (auto delay = core_.retry_delay(response, attempt_)) return delay;
            throw_api_error(response, call_.method, call_.url, core_.secrets_for(call_), core_.clock_.now());
        }

        /// The delay before the next attempt, or throws the (redacted) error when it is final.
        std::chrono::milliseconds on_failure(const TransportError& error) {
            const bool safe = error.retryable() && (error.connect_failed() || idempotent_);
            if (core_.logging()) core_.log(LogLevel::debug, core_.describe(call_, attempt_) + " failed: " + error.what());
            if (!safe || attempt_ >= max_attempts_) core_.rethrow_redacted(error, call_);
            return backoff_delay(core_.options_.retry, attempt_ - 1, core_.clock_.random());
        }

        const Call& call() const noexcept { return call_; }
        const CallOptions& options() const noexcept { return options_; }

    private:
        BasicCore& core_;
        const Call& call_;
        const CallOptions& options_;
        const bool idempotent_;
        const int max_attempts_;
        HttpRequest request_;
        std::size_t fixed_headers_ = 0;
        int attempt_ = 0;
        bool renewed_after_401_ = false;
        std::string token_used_;
        std::chrono::steady_clock::time_point started_;
    };

    nlohmann::json parse_json(const HttpResponse& response, const Call& call) const {
        if (response.body.empty()) return nullptr;
        nlohmann::json body = parse_body(response.body);
        if (body.is_discarded())
            throw DecodeError("centrali: " + std::string(call.method) + " " + safe_url(call.url) + " returned " +
                                  std::to_string(response.status) + " with a body that is not JSON (or nested deeper than " +
                                  std::to_string(max_json_depth) + "): " + safe_snippet(response.body, secrets_for(call), 200),
                              response.status, std::string(response.header("x-request-id")));
        return body;
    }

    bool logging() const noexcept { return static_cast<bool>(options_.logger); }

    void log(LogLevel level, const std::string& message) const {
        if (options_.logger) options_.logger(level, redact(message, auth_.secrets()));
    }

    std::string safe_url(const std::string& url) const { return redact(url_for_messages(url), auth_.secrets()); }

    const Origins& require_origins() const {
        if (!origins_)
            throw ConfigurationError("ClientOptions::base_url is empty; set it, e.g. https://centrali.io");
        return *origins_;
    }

private:
    HttpRequest build_request(const Call& call, const CallOptions& call_options) const {
        HttpRequest request;
        request.method = std::string(call.method);
        request.url = call.url;
        request.body = call.body;
        request.connect_timeout = options_.connect_timeout;
        request.timeout = call_options.timeout.value_or(options_.request_timeout);
        request.cancel = call_options.cancel;
        request.multipart = call.multipart;
        request.upload_progress = call.progress;
        request.headers.reserve(5);
        request.headers.emplace_back("Accept", "application/json");
        if (!options_.user_agent.empty()) request.headers.emplace_back("User-Agent", options_.user_agent);
        if (!call.content_type.empty()) request.headers.emplace_back("Content-Type", std::string(call.content_type));
        return request;
    }

    void check_credentials_allowed(const Call& call) const {
        if (!call.authenticated && call.body.empty() && call.multipart.empty()) return;
        const Origins& origins = require_origins();
        if (!origins.secure && !origins.loopback && !options_.allow_insecure_http && auth_.has_credentials())
            throw ConfigurationError("refusing to send credentials over plain http to a non-loopback host; "
                                     "use https (or set allow_insecure_http)");
    }

    std::optional<std::chrono::milliseconds> retry_delay(const HttpResponse& response, int attempt) const {
        if (const auto header = response.header("retry-after"); !header.empty()) {
            if (auto delay = parse_retry_after(header, clock_.now())) {
                if (*delay > options_.retry.max_retry_after) return std::nullopt;  // too long: report it
                return delay;
            }
        }
        return backoff_delay(options_.retry, attempt - 1, clock_.random());
    }

    void pause(std::chrono::milliseconds delay, const CancelToken& cancel) const {
        if (delay.count() > 0) clock_.sleep(delay, cancel);
        if (cancel.is_cancelled()) throw Cancelled();
    }

    [[noreturn]] void rethrow_redacted(const TransportError& error, const Call& call) const {
        throw TransportError(redact(error.what(), secrets_for(call)), error.curl_code(), error.timed_out(),
                             error.connect_failed(), error.retryable());
    }

    std::vector<std::string> secrets_for(const Call& call) const {
        std::vector<std::string> all = auth_.secrets();
        all.insert(all.end(), call.secrets.begin(), call.secrets.end());
        return all;
    }

    std::string describe(const Call& call, int attempt) const {
        return std::string(call.method) + " " + url_for_messages(call.url) + " (attempt " + std::to_string(attempt) + ")";
    }

    static long long elapsed_ms(std::chrono::steady_clock::time_point since) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
    }

    /// POST {auth origin}/{token_path} as a form (client credentials grant).
    TokenGrant request_token(const CancelToken& cancel) {
        Call call{"POST", require_origins().auth + "/" + options_.token_path,
                  form_encode({{"grant_type", "client_credentials"},
                               {"client_id", options_.client_id},
                               {"client_secret", options_.client_secret},
                               {"scope", "openid"}}),
                  "application/x-www-form-urlencoded", false, {}, {}, {}};
        CallOptions call_options;
        call_options.cancel = cancel;
        call_options.idempotent = true;  // a second token grant is harmless
        const nlohmann::json body = parse_json(execute(call, call_options), call);
        TokenGrant grant;
        if (body.is_object()) {
            if (auto it = body.find("access_token"); it != body.end() && it->is_string())
                grant.access_token = it->get<std::string>();
            std::optional<long long> expires_in;
            read_member(body, "expires_in", expires_in);
            if (expires_in && *expires_in > 0) grant.expires_in = std::chrono::seconds((std::min)(*expires_in, 10LL * 365 * 86400));
        }
        if (grant.access_token.empty())
            throw DecodeError("centrali: the token endpoint answered without an access_token");
        return grant;
    }

    ClientOptions options_;
    Clock clock_;
    std::optional<Origins> origins_;
    std::shared_ptr<Transport> transport_;
    Auth auth_;
    std::once_flag engine_started_;
    std::unique_ptr<AsyncEngine> engine_;  // last: destroyed first, while the rest still lives
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#include <centrali/detail/async_engine.hpp>

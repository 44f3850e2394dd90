#pragma once
// Every failure the SDK reports is a centrali::Error, so one catch clause handles them all.
//
//   Error                       root; status() is 0 when no HTTP response was received
//   ├─ ApiError                 the server answered with a non-2xx status
//   │  ├─ BadRequest       400  ├─ Unauthorized 401  ├─ Forbidden 403  ├─ NotFound 404
//   │  ├─ Conflict         409  ├─ Unprocessable 422 ├─ RateLimited 429
//   │  └─ ServerError      5xx
//   ├─ TransportError           no usable response: connect failure, timeout, reset, TLS
//   ├─ DecodeError              a 2xx response whose body is not the JSON we expect
//   ├─ Cancelled                the caller's CancelToken fired
//   ├─ DeadlineExceeded         a wait for a run reached its deadline
//   ├─ FunctionRunFailed        (runs.hpp) a waited-for run ended in failure or timeout
//   └─ ConfigurationError       the Client cannot make this call as configured
//      └─ InvalidArgument       an argument can never be valid (for example an empty id)

#include <centrali/version.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

CENTRALI_NAMESPACE_BEGIN

/// What the server (or the SDK) said about a failure. Every field may be empty.
struct ErrorInfo {
    int status = 0;              ///< HTTP status; 0 when no response was received
    std::string code;            ///< machine-readable server code, e.g. "RECORD_NOT_FOUND"
    std::string message;         ///< human-readable text (server `message`, else `error`)
    nlohmann::json details;      ///< server `details` (often [{field, message}]), null if absent
    std::string request_id;      ///< `x-request-id` header or body `requestId`
};

/// The root of every failure the SDK reports (see the hierarchy at the top of errors.hpp), so
/// one `catch (const centrali::Error&)` handles them all. what() is the full description (for
/// an ApiError: method, URL, status, message, code and request id); the accessors give its
/// parts. Credentials and a call's secrets are redacted from all of it.
class Error : public std::runtime_error {
public:
    /// `what` becomes what(); `info` the parts the accessors return.
    Error(const std::string& what, ErrorInfo info)
        : std::runtime_error(what), info_(std::move(info)) {}

    /// The HTTP status of the response, or 0 when no response was received (TransportError,
    /// Cancelled, ConfigurationError, DeadlineExceeded, FunctionRunFailed).
    int status() const noexcept { return info_.status; }
    /// The server's machine-readable `code` (e.g. "RECORD_NOT_FOUND"; empty when it sent none),
    /// or the SDK's own: "TRANSPORT_ERROR", "DECODE_ERROR", "CANCELLED", "DEADLINE_EXCEEDED",
    /// "CONFIGURATION_ERROR" (FunctionRunFailed: the run's error code).
    const std::string& code() const noexcept { return info_.code; }
    /// The human-readable text. For an ApiError: the server's `message`, else its `error`, else
    /// the HTTP reason phrase, without the method, URL and status that what() adds.
    const std::string& message() const noexcept { return info_.message; }
    /// The server's `details` (for a 400, often `[{"field": …, "message": …}]`); null when
    /// absent.
    const nlohmann::json& details() const noexcept { return info_.details; }
    /// The `x-request-id` response header, else the body's `requestId`; empty when neither
    /// came. Quote it when asking Centrali about a failed call.
    const std::string& request_id() const noexcept { return info_.request_id; }
    /// All of the above in one value.
    const ErrorInfo& info() const noexcept { return info_; }

private:
    ErrorInfo info_;
};

/// The server answered with a non-2xx status (after any retries). The status alone decides the
/// class: BadRequest (400), Unauthorized (401), Forbidden (403), NotFound (404), Conflict (409),
/// Unprocessable (422), RateLimited (429) and ServerError (5xx) derive from it; any other
/// non-2xx status is a plain ApiError. A body that is not Centrali's JSON error (an HTML page
/// from a proxy) still gives an ApiError, whose message says so.
class ApiError : public Error {
public:
    /// `retry_after` is the parsed Retry-After header, if any; `body_snippet` the start of the
    /// body, already redacted.
    ApiError(const std::string& what, ErrorInfo info,
             std::optional<std::chrono::milliseconds> retry_after, std::string body_snippet)
        : Error(what, std::move(info)), retry_after_(retry_after),
          body_snippet_(std::move(body_snippet)) {}

    /// The server's Retry-After, when it sent one we could parse.
    std::optional<std::chrono::milliseconds> retry_after() const noexcept { return retry_after_; }
    /// The start of the response body (at most 512 bytes, secrets redacted).
    const std::string& body_snippet() const noexcept { return body_snippet_; }

private:
    std::optional<std::chrono::milliseconds> retry_after_;
    std::string body_snippet_;
};

#define CENTRALI_DEFINE_API_ERROR(Name)                                                            \
    class Name : public ApiError {                                                                 \
    public:                                                                                        \
        using ApiError::ApiError;                                                                  \
    };
/// 400: the request is invalid; details() often lists the fields at fault.
CENTRALI_DEFINE_API_ERROR(BadRequest)
/// 401: the credential is missing, invalid or expired (after the SDK's one renewal and replay,
/// where it can renew).
CENTRALI_DEFINE_API_ERROR(Unauthorized)
/// 403: the credential is valid but not allowed to do this (a service account outside any
/// group, a publishable key without the scope).
CENTRALI_DEFINE_API_ERROR(Forbidden)
/// 404: no such record, collection, function, … (or route).
CENTRALI_DEFINE_API_ERROR(NotFound)
/// 409: the request conflicts with the current state of the resource.
CENTRALI_DEFINE_API_ERROR(Conflict)
/// 422: the request is well-formed, but the server cannot process it.
CENTRALI_DEFINE_API_ERROR(Unprocessable)
/// 429: too many requests. An idempotent call was retried first (RetryOptions); retry_after()
/// says how long the server asked to wait, when it did.
CENTRALI_DEFINE_API_ERROR(RateLimited)
/// Any 5xx status: the server failed. An idempotent call was retried first on 500, 502, 503 and
/// 504 (RetryOptions).
CENTRALI_DEFINE_API_ERROR(ServerError)
#undef CENTRALI_DEFINE_API_ERROR

/// No usable response: the connection failed, timed out or was reset, TLS failed, the response
/// was larger than ClientOptions::max_response_bytes, a file to upload could not be read, or
/// the call's time limit was reached. status() is 0 and code() is "TRANSPORT_ERROR". A custom
/// Transport throws it for a request that got no response.
class TransportError : public Error {
public:
    /// `curl_code` is the CURLcode (0 when not from libcurl); `timed_out`, `connect_failed` and
    /// `retryable` are what the accessors of the same names return.
    TransportError(const std::string& what, int curl_code, bool timed_out, bool connect_failed,
                   bool retryable = true)
        : Error(what, ErrorInfo{0, "TRANSPORT_ERROR", what, nullptr, {}}), curl_code_(curl_code),
          timed_out_(timed_out), connect_failed_(connect_failed), retryable_(retryable) {}

    /// The CURLcode (0 when the failure did not come from libcurl).
    int curl_code() const noexcept { return curl_code_; }
    /// True when a time limit ended it: connect_timeout, request_timeout, the whole call's limit
    /// (CallOptions::timeout), or a stream idle for longer than its idle timeout.
    bool timed_out() const noexcept { return timed_out_; }
    /// True when the request never reached the server, so even a POST is safe to resend.
    bool connect_failed() const noexcept { return connect_failed_; }
    /// False when sending again cannot help (a response over max_response_bytes, an unreadable
    /// upload file, an unknown outcome of a non-idempotent call).
    bool retryable() const noexcept { return retryable_; }

private:
    int curl_code_;
    bool timed_out_;
    bool connect_failed_;
    bool retryable_;
};

/// A 2xx response whose body is not the JSON expected: not JSON, nested deeper than 256 levels,
/// another shape, or a member of the wrong type. Also a token endpoint that answered without a
/// usable `access_token`. code() is "DECODE_ERROR"; status() and request_id() are the
/// response's (0 and empty where no response is at hand).
class DecodeError : public Error {
public:
    /// `what` is the description; `status` and `request_id` those of the response, when known.
    DecodeError(const std::string& what, int status = 0, std::string request_id = {})
        : Error(what, ErrorInfo{status, "DECODE_ERROR", what, nullptr, std::move(request_id)}) {}
};

/// The call's CancelToken (CallOptions::cancel, WaitOptions::cancel) fired, or the Client was
/// destroyed (or assigned over) while the call was in flight. code() is "CANCELLED".
class Cancelled : public Error {
public:
    /// what() is "centrali: cancelled".
    Cancelled() : Error("centrali: cancelled", ErrorInfo{0, "CANCELLED", "cancelled", nullptr, {}}) {}
};

/// A wait (runs().wait, triggers().invoke_and_wait, …) reached its deadline; no request was
/// sent after it.
class DeadlineExceeded : public Error {
public:
    /// `what` says what did not finish in time; code() is "DEADLINE_EXCEEDED".
    explicit DeadlineExceeded(const std::string& what)
        : Error(what, ErrorInfo{0, "DEADLINE_EXCEEDED", what, nullptr, {}}) {}
};

/// The Client cannot make this call as configured: an empty base_url or workspace, credentials
/// that would go over plain http to a non-loopback host (see
/// ClientOptions::allow_insecure_http), an empty token or one with a control character, a
/// token_provider that returned an empty token, fetch_service_account_token() without
/// client_id and client_secret. Trying again cannot help; status() is 0 and code() is
/// "CONFIGURATION_ERROR". An `_async` call throws it itself when the call cannot even be
/// described (an empty workspace or base_url); one found while sending (the plain-http
/// refusal, a bad token) arrives through its completion token like any other error.
class ConfigurationError : public Error {
public:
    /// what() is "centrali: " + `message`; message() is `message`.
    explicit ConfigurationError(const std::string& message)
        : Error("centrali: " + message, ErrorInfo{0, "CONFIGURATION_ERROR", message, nullptr, {}}) {}
};

/// An argument can never be valid: an empty id or slug, fields that are not a JSON object, a
/// subscription without on_event, or a blocking call made on the Client's event loop thread
/// (from an `_async` callback or coroutine; use the `_async` form there).
class InvalidArgument : public ConfigurationError {
public:
    using ConfigurationError::ConfigurationError;
};

CENTRALI_NAMESPACE_END

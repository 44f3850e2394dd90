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

class Error : public std::runtime_error {
public:
    Error(const std::string& what, ErrorInfo info)
        : std::runtime_error(what), info_(std::move(info)) {}

    int status() const noexcept { return info_.status; }
    const std::string& code() const noexcept { return info_.code; }
    const std::string& message() const noexcept { return info_.message; }
    const nlohmann::json& details() const noexcept { return info_.details; }
    const std::string& request_id() const noexcept { return info_.request_id; }
    const ErrorInfo& info() const noexcept { return info_; }

private:
    ErrorInfo info_;
};

class ApiError : public Error {
public:
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
CENTRALI_DEFINE_API_ERROR(BadRequest)
CENTRALI_DEFINE_API_ERROR(Unauthorized)
CENTRALI_DEFINE_API_ERROR(Forbidden)
CENTRALI_DEFINE_API_ERROR(NotFound)
CENTRALI_DEFINE_API_ERROR(Conflict)
CENTRALI_DEFINE_API_ERROR(Unprocessable)
CENTRALI_DEFINE_API_ERROR(RateLimited)
CENTRALI_DEFINE_API_ERROR(ServerError)
#undef CENTRALI_DEFINE_API_ERROR

class TransportError : public Error {
public:
    TransportError(const std::string& what, int curl_code, bool timed_out, bool connect_failed,
                   bool retryable = true)
        : Error(what, ErrorInfo{0, "TRANSPORT_ERROR", what, nullptr, {}}), curl_code_(curl_code),
          timed_out_(timed_out), connect_failed_(connect_failed), retryable_(retryable) {}

    /// The CURLcode (0 when the failure did not come from libcurl).
    int curl_code() const noexcept { return curl_code_; }
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

class DecodeError : public Error {
public:
    DecodeError(const std::string& what, int status = 0, std::string request_id = {})
        : Error(what, ErrorInfo{status, "DECODE_ERROR", what, nullptr, std::move(request_id)}) {}
};

class Cancelled : public Error {
public:
    Cancelled() : Error("centrali: cancelled", ErrorInfo{0, "CANCELLED", "cancelled", nullptr, {}}) {}
};

/// A wait (runs().wait, triggers().invoke_and_wait, …) reached its deadline; no request was
/// sent after it.
class DeadlineExceeded : public Error {
public:
    explicit DeadlineExceeded(const std::string& what)
        : Error(what, ErrorInfo{0, "DEADLINE_EXCEEDED", what, nullptr, {}}) {}
};

class ConfigurationError : public Error {
public:
    explicit ConfigurationError(const std::string& message)
        : Error("centrali: " + message, ErrorInfo{0, "CONFIGURATION_ERROR", message, nullptr, {}}) {}
};

class InvalidArgument : public ConfigurationError {
public:
    using ConfigurationError::ConfigurationError;
};

CENTRALI_NAMESPACE_END

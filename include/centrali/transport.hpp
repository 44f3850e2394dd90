#pragma once
// The seam between the SDK and the network. The default is detail::CurlTransport; tests and
// users with their own HTTP stack inject another through ClientOptions::transport.

#include <centrali/options.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;  ///< GET, POST, PUT, PATCH, DELETE
    std::string url;     ///< absolute, already percent-encoded
    HttpHeaders headers;
    std::string body;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{60'000};
    CancelToken cancel;
    /// False for a request that must not reach the server twice (a POST that is not marked
    /// idempotent). A transport must then never resend it on its own, not even on a fresh
    /// connection after a reused one died: the first copy may already have been applied.
    bool idempotent = true;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;  ///< names in lower case
    std::string body;

    /// The first header with this (case-insensitive) name, or an empty view.
    std::string_view header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (key.size() == name.size() &&
                std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                }))
                return value;
        }
        return {};
    }
};

/// Sends one HTTP request and returns the response, whatever its status. Failures that leave
/// no response throw TransportError (or Cancelled). Must be safe to call from many threads.
class Transport {
public:
    virtual ~Transport() = default;
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

CENTRALI_NAMESPACE_END

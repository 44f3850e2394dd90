#pragma once
// The seam between the SDK and the network. The default is detail::CurlTransport; tests and
// users with their own HTTP stack inject another through ClientOptions::transport.

#include <centrali/errors.hpp>
#include <centrali/options.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// One part of a multipart/form-data body. Exactly one source is used: `file_path` (streamed
/// from disk), else `borrowed` (streamed from the caller's memory, which must outlive the
/// call), else `data`.
struct MultipartPart {
    std::string name;
    std::string data;
    std::string_view borrowed;
    std::string file_path;
    std::string filename;      ///< sent as the part's filename (files)
    std::string content_type;  ///< empty: the transport's default
};

/// Upload progress: bytes of the request body sent so far, and its total size.
using ProgressCallback = std::function<void(std::uint64_t sent, std::uint64_t total)>;

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
    /// When not empty, the body is multipart/form-data built from these parts (and `body` is
    /// ignored); the Content-Type header with its boundary is the transport's job.
    std::vector<MultipartPart> multipart;
    ProgressCallback upload_progress;
};

struct HttpResponse {
    int status = 0;
    /// Names in lower case. The libcurl transport keeps only x-request-id from a 2xx response
    /// (the one header the SDK reads there) and every header from an error response.
    HttpHeaders headers;
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

/// Receives a streamed response (Server-Sent Events) as it arrives.
class StreamHandler {
public:
    virtual ~StreamHandler() = default;
    /// The status line and headers; return false to stop before any body is read.
    virtual bool on_open(int status, const HttpHeaders& headers) = 0;
    /// The next bytes of the body, in arbitrary chunks; return false to stop.
    virtual bool on_data(std::string_view bytes) = 0;
};

/// Lets another thread end a stream at once. The transport installs a waker while it streams,
/// so stop() interrupts even a stream that is waiting for bytes.
class StreamControl {
public:
    void stop() {
        stopped_.store(true, std::memory_order_release);
        std::lock_guard<std::mutex> lock(mutex_);
        if (waker_) waker_();
    }
    bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

    /// For transports: `wake` must be safe to call from any thread until it is cleared.
    void set_waker(std::function<void()> wake) {
        std::lock_guard<std::mutex> lock(mutex_);
        waker_ = std::move(wake);
    }

private:
    std::atomic<bool> stopped_{false};
    std::mutex mutex_;
    std::function<void()> waker_;
};

/// Sends one HTTP request and returns the response, whatever its status. Failures that leave
/// no response throw TransportError (or Cancelled). Must be safe to call from many threads.
class Transport {
public:
    virtual ~Transport() = default;
    virtual HttpResponse send(const HttpRequest& request) = 0;

    /// Streams a response into `handler` until the server closes it (returns normally), the
    /// handler or `control` stops it (returns normally), or the connection fails or stays idle
    /// longer than `idle_timeout` (throws TransportError; timed_out() for idle). There is no
    /// total timeout. Transports that cannot stream keep this default.
    virtual void stream(const HttpRequest& request, StreamHandler& handler, StreamControl& control,
                        std::chrono::milliseconds idle_timeout) {
        (void)request, (void)handler, (void)control, (void)idle_timeout;
        throw TransportError("centrali: this transport does not support streaming", 0, false, false);
    }
};

CENTRALI_NAMESPACE_END

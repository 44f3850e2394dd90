#pragma once
// The seam between the SDK and the network. The default is the libcurl transport
// (detail::CurlTransport); tests and users with their own HTTP stack inject another through
// ClientOptions::transport. The SDK's Core prepares every request and interprets every answer;
// a transport only moves bytes.

#include <centrali/async.hpp>
#include <centrali/function.hpp>
#include <centrali/errors.hpp>
#include <centrali/options.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// HTTP headers as (name, value) pairs, in order; a name may repeat.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

namespace detail {
inline bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}
}  // namespace detail

/// One part of a multipart/form-data body. Exactly one source is used: `file_path` (streamed
/// from disk), else `borrowed` (streamed from the caller's memory, which must outlive the
/// call), else `data`.
struct MultipartPart {
    std::string name;           ///< the form field's name
    std::string data;           ///< the content, held here (when both below are empty)
    std::string_view borrowed;  ///< the content, in the caller's memory (when file_path is empty)
    std::string file_path;      ///< the content, streamed from this file (when not empty)
    std::string filename;      ///< sent as the part's filename (files)
    std::string content_type;  ///< empty: the transport's default
};

/// Upload progress: bytes of the request body sent so far, and its total size.
using ProgressCallback = std::function<void(std::uint64_t sent, std::uint64_t total)>;

/// One HTTP request, as the Core hands it to a Transport: complete but for what the transport
/// adds itself (Content-Length, the multipart Content-Type with its boundary).
struct HttpRequest {
    std::string method;  ///< GET, POST, PUT, PATCH, DELETE
    std::string url;     ///< absolute, already percent-encoded
    /// Every value has been checked by the Core: no CR, LF or other control character.
    HttpHeaders headers;
    std::string body;  ///< the body (JSON or form-encoded, as Content-Type says); empty: none
    /// The limit for establishing the connection (ClientOptions::connect_timeout, never more
    /// than `timeout`).
    std::chrono::milliseconds connect_timeout{10'000};
    /// What is left of the call's time limit: the transfer must end within it.
    std::chrono::milliseconds timeout{60'000};
    /// Fires when the call is cancelled or the Client shuts down; a blocking send() should
    /// return promptly (throwing Cancelled) once it does.
    CancelToken cancel;
    /// False for a request that must not reach the server twice (a POST that is not marked
    /// idempotent). A transport must then never resend it on its own, not even on a fresh
    /// connection after a reused one died: the first copy may already have been applied.
    bool idempotent = true;
    /// When not empty, the body is multipart/form-data built from these parts (and `body` is
    /// ignored); the Content-Type header with its boundary is the transport's job.
    std::vector<MultipartPart> multipart;
    /// When set, called as the body goes out (uploads), on the thread running the transfer.
    ProgressCallback upload_progress;
};

/// The response headers the SDK reads, by name. A transport fills `headers` with at least
/// these (names in lower case); it may keep others.
inline constexpr std::string_view response_headers_read[] = {"x-request-id", "retry-after", "content-type"};

/// An HTTP response, whatever its status, as a Transport returns it to the Core.
struct HttpResponse {
    int status = 0;  ///< the HTTP status code
    /// Names in lower case. The libcurl transport keeps only response_headers_read.
    HttpHeaders headers;
    std::string body;  ///< the whole body; empty when there was none

    /// The first header with this (case-insensitive) name, or an empty view.
    std::string_view header(std::string_view name) const noexcept;
};

/// Receives a streamed response (Server-Sent Events) as it arrives.
class StreamHandler {
public:
    virtual ~StreamHandler() = default;
    /// The status and the response headers (at least response_headers_read); return false to
    /// stop before any body is read.
    virtual bool on_open(int status, const HttpHeaders& headers) = 0;
    /// The next bytes of the body, in arbitrary chunks; return false to stop.
    virtual bool on_data(std::string_view bytes) = 0;
};

/// Lets another thread end a stream at once. The transport installs a waker while it streams,
/// so stop() interrupts even a stream that is waiting for bytes.
class StreamControl {
public:
    /// Asks the stream to end, and runs the waker the transport installed (if any). Any thread.
    void stop();
    /// True once stop() was called; a transport checks it between reads.
    bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }
    /// For transports: `wake` must be safe to call from any thread until it is cleared.
    void set_waker(std::function<void()> wake);

private:
    std::atomic<bool> stopped_{false};
    std::mutex mutex_;
    std::function<void()> waker_;
};

/// The asynchronous side of a transport, driven by the Client's event loop: start() and
/// abort() are called on the loop's thread, and run() delivers completions on it.
class AsyncTransport {
public:
    using Id = std::uint64_t;  ///< a transfer's id, given by the event loop to start()
    /// Receives a transfer's outcome, exactly once (unless the transfer is aborted).
    using Completion = MoveOnlyFunction<void(Result<HttpResponse>)>;

    virtual ~AsyncTransport() = default;
    /// Starts `request` (valid until its completion runs or it is aborted). The completion gets
    /// the response, whatever its status, or a TransportError; it runs from run() or shutdown().
    virtual void start(Id id, const HttpRequest& request, Completion done) = 0;
    /// Ends transfer `id` at once, without running its completion (its caller gave up on it).
    virtual void abort(Id id) = 0;
    /// Waits at most `timeout` for progress (or wake()), then runs the completions of every
    /// transfer that finished.
    virtual void run(std::chrono::milliseconds timeout) = 0;
    /// Makes a run() in progress return soon. Any thread.
    virtual void wake() = 0;
    /// Ends every transfer, running each completion with Cancelled. The loop is stopping.
    virtual void shutdown() = 0;
};

/// Sends HTTP requests and returns the responses, whatever their status. Failures that leave
/// no response throw TransportError (or Cancelled). Must be safe to call from many threads.
class Transport {
public:
    virtual ~Transport() = default;
    /// Sends `request` and returns the response, whatever its status (an error status is the
    /// Core's to interpret). Throws TransportError when no response came, or Cancelled once
    /// `request.cancel` fires. Must not resend a request that is not idempotent on its own.
    virtual HttpResponse send(const HttpRequest& request) = 0;

    /// The asynchronous side, made once per Client when it first needs one. The default runs
    /// send() on up to `max_concurrency` threads of its own, so every transport gets working
    /// `_async` calls; override it with a native implementation (the libcurl transport drives
    /// a curl multi handle on the loop's own thread).
    CENTRALI_DECL virtual std::unique_ptr<AsyncTransport> make_async(std::size_t max_concurrency);

    /// Streams a response into `handler` until the server closes it (returns normally), the
    /// handler or `control` stops it (returns normally), or the connection fails or stays idle
    /// longer than `idle_timeout` (throws TransportError; timed_out() for idle). There is no
    /// total timeout. Transports that cannot stream keep this default, which throws.
    CENTRALI_DECL virtual void stream(const HttpRequest& request, StreamHandler& handler, StreamControl& control,
                                      std::chrono::milliseconds idle_timeout);
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/transport.ipp>
#endif

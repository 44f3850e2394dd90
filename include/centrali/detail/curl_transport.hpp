#pragma once
// The default Transport: libcurl easy handles drawn from a per-Client pool. A handle keeps its
// connection cache across curl_easy_reset, so returning handles to the pool is what makes
// sequential calls reuse one keep-alive connection, and lets N threads use N connections.

#include <centrali/detail/url.hpp>
#include <centrali/errors.hpp>
#include <centrali/transport.hpp>

#include <curl/curl.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// libcurl's global state is initialised once per process and never cleaned up: a cleanup in
/// a static destructor races with Clients that outlive main() (see Azure SDK #1499).
inline void ensure_curl_global_init() {
    static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (result != CURLE_OK) throw TransportError("centrali: curl_global_init failed", result, false, false);
}

struct CurlTransportOptions {
    TlsOptions tls;
    std::string proxy;
    std::size_t max_response_bytes = std::size_t{128} << 20;
    std::size_t max_idle_handles = 32;
    /// Collect response headers through a per-line callback even when libcurl's header API is
    /// there. The transport falls back to it by itself on libcurl older than 7.83 (or built
    /// without the API); tests set this to cover that path.
    bool header_callback = false;
};

/// The URL without its query, which may carry credentials (realtime's access_token).
inline std::string url_for_messages(const std::string& url) {
    return url.substr(0, url.find('?'));
}

template <class = void>
class BasicAsyncEngine;
using AsyncEngine = BasicAsyncEngine<>;
template <class = void>
class BasicAsyncCall;
using AsyncCall = BasicAsyncCall<>;

/// Named through the alias CurlTransport; a class template so that the transfer code compiles
/// only in the TUs that build a Client (its constructor instantiates the virtual members).
template <class = void>
class BasicCurlTransport final : public Transport {
    template <class>
    friend class BasicAsyncEngine;  // drives the same handles, options and error mapping on curl multi
    template <class>
    friend class BasicAsyncCall;  // holds an attempt's handle, exchange and body parts

public:
    explicit BasicCurlTransport(CurlTransportOptions options)
        : options_(std::move(options)), header_api_(!options_.header_callback && header_api_built_in()) {
        ensure_curl_global_init();
    }
    ~BasicCurlTransport() override = default;
    BasicCurlTransport(const BasicCurlTransport&) = delete;
    BasicCurlTransport& operator=(const BasicCurlTransport&) = delete;

    HttpResponse send(const HttpRequest& request) override {
        HandleLease lease(*this);
        Exchange& exchange = lease->prepare(request, options_.max_response_bytes);
        CURL* curl = lease->get();
        Mime mime(curl, request.multipart);

        const CURLcode code = curl_easy_perform(curl);
        if (code != CURLE_OK) throw_transfer_error(code, request, exchange);

        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        exchange.response.status = static_cast<int>(status);
        read_headers(curl, exchange.response);
        return std::move(exchange.response);
    }

    void stream(const HttpRequest& request, StreamHandler& handler, StreamControl& control,
                std::chrono::milliseconds idle_timeout) override {
        // A stream holds its connection for hours, so it gets its own handle (not the pool's)
        // and its own multi handle, whose poll another thread can interrupt with a wake-up.
        Streaming streaming(*this, request, handler, control);
        streaming.run(idle_timeout);
    }

private:
    struct Exchange {
        const HttpRequest* request;
        std::size_t max_body;
        HttpResponse response;
        bool body_too_large;
        int sends = 0;  ///< how many times libcurl was about to send the request
        curl_off_t reported_upload = -1;
        bool resend_blocked = false;
        char error_buffer[CURL_ERROR_SIZE] = {};

        /// Ready for another attempt, without rewriting the whole error buffer.
        void reset(const HttpRequest& next, std::size_t max_response_bytes) {
            request = &next;
            max_body = max_response_bytes;
            response = HttpResponse{};
            body_too_large = false;
            sends = 0;
            reported_upload = -1;
            resend_blocked = false;
            error_buffer[0] = '\0';
        }
    };

    /// The per-request options a handle last set. The defaults are a new handle's: no header
    /// list (libcurl's own default), timeouts and method not set yet.
    struct AppliedOptions {
        curl_slist* headers = nullptr;
        long connect_timeout_ms = -1;
        long timeout_ms = -1;
        bool plain_get = false;  ///< the last request was a GET without a body
    };

    class HeaderList {
    public:
        HeaderList() = default;
        explicit HeaderList(const HttpRequest& request) {
            std::string line;
            for (const auto& [name, value] : request.headers) {
                line.assign(name).append(": ").append(value);
                append(line.c_str());
            }
            // libcurl would otherwise wait for "100 Continue" before sending bodies over 1 MiB.
            // Only for requests with a body: libcurl formats every header line of every request.
            if (has_body(request)) append("Expect:");
        }
        static bool has_body(const HttpRequest& request) noexcept {
            return !request.body.empty() || !request.multipart.empty();
        }
        ~HeaderList() { curl_slist_free_all(list_); }
        HeaderList(const HeaderList&) = delete;
        HeaderList& operator=(const HeaderList&) = delete;
        curl_slist* get() const noexcept { return list_; }
        void swap(HeaderList& other) noexcept { std::swap(list_, other.list_); }

    private:
        void append(const char* line) {
            curl_slist* next = curl_slist_append(list_, line);
            if (next == nullptr) throw std::bad_alloc();
            list_ = next;
        }
        curl_slist* list_ = nullptr;
    };

    /// A multipart body for one transfer. File parts stream from disk and borrowed parts from
    /// the caller's memory through a read callback, so a large upload is never copied whole.
    class Mime {
    public:
        Mime(CURL* curl, const std::vector<MultipartPart>& parts) : curl_(curl) {
            if (parts.empty()) return;
            mime_ = curl_mime_init(curl);
            if (mime_ == nullptr) throw std::bad_alloc();
            readers_.reserve(parts.size());
            for (const auto& part : parts) add(part);
            curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime_);
        }
        ~Mime() {
            if (mime_ == nullptr) return;
            curl_easy_setopt(curl_, CURLOPT_MIMEPOST, static_cast<curl_mime*>(nullptr));
            curl_mime_free(mime_);
        }
        Mime(const Mime&) = delete;
        Mime& operator=(const Mime&) = delete;

    private:
        struct Reader {
            std::string_view data;
            std::size_t offset = 0;
        };

        static std::size_t read(char* buffer, std::size_t size, std::size_t count, void* user) {
            auto& reader = *static_cast<Reader*>(user);
            const std::size_t n = (std::min)(size * count, reader.data.size() - reader.offset);
            std::memcpy(buffer, reader.data.data() + reader.offset, n);
            reader.offset += n;
            return n;
        }
        static int seek(void* user, curl_off_t offset, int origin) {
            auto& reader = *static_cast<Reader*>(user);
            if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > reader.data.size())
                return CURL_SEEKFUNC_FAIL;
            reader.offset = static_cast<std::size_t>(offset);
            return CURL_SEEKFUNC_OK;
        }

        void add(const MultipartPart& part) {
            curl_mimepart* field = curl_mime_addpart(mime_);
            curl_mime_name(field, part.name.c_str());
            if (!part.file_path.empty()) {
                if (curl_mime_filedata(field, part.file_path.c_str()) != CURLE_OK)
                    throw TransportError("centrali: cannot read the file to upload", CURLE_READ_ERROR, false, false,
                                         /*retryable=*/false);
            } else if (!part.borrowed.empty()) {
                readers_.push_back(std::make_unique<Reader>(Reader{part.borrowed, 0}));
                curl_mime_data_cb(field, static_cast<curl_off_t>(part.borrowed.size()), &Mime::read, &Mime::seek, nullptr,
                                  readers_.back().get());
            } else {
                curl_mime_data(field, part.data.data(), part.data.size());
            }
            if (!part.filename.empty()) curl_mime_filename(field, part.filename.c_str());
            if (!part.content_type.empty()) curl_mime_type(field, part.content_type.c_str());
        }

        CURL* curl_;
        curl_mime* mime_ = nullptr;
        std::vector<std::unique_ptr<Reader>> readers_;
    };

    /// A pooled easy handle with the exchange its transfers write into, and what it last told
    /// libcurl. Consecutive requests mostly send the same headers (Accept, the same credential)
    /// with the same timeouts, so the header list is rebuilt, and an option set, only when it
    /// changes: every curl_easy_setopt is a call through a large switch.
    class EasyHandle {
    public:
        /// `cancel_in_callback`: libcurl's progress callback watches the cancel token (blocking
        /// transfers). The event loop watches tokens itself, so its handles call the progress
        /// callback only for a request that reports upload progress: libcurl calls it on every
        /// turn of the loop for every transfer.
        explicit EasyHandle(const BasicCurlTransport& owner, bool cancel_in_callback = true)
            : curl_(curl_easy_init()), cancel_in_callback_(cancel_in_callback) {
            if (curl_ == nullptr) throw TransportError("centrali: curl_easy_init failed", 0, false, false);
            owner.configure_handle(curl_);
            owner.bind_exchange(curl_, exchange_);  // the exchange lives as long as the handle
        }
        ~EasyHandle() { curl_easy_cleanup(curl_); }
        EasyHandle(const EasyHandle&) = delete;
        EasyHandle& operator=(const EasyHandle&) = delete;

        CURL* get() const noexcept { return curl_; }
        Exchange& exchange() noexcept { return exchange_; }

        /// Readies the handle for `request` (which must outlive the transfer).
        Exchange& prepare(const HttpRequest& request, std::size_t max_response_bytes) {
            exchange_.reset(request, max_response_bytes);
            set_request_options(curl_, request, headers_for(request), applied_);
            const bool progress = cancel_in_callback_ || static_cast<bool>(request.upload_progress);
            if (progress != progress_) curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, progress ? 0L : 1L);
            progress_ = progress;
            return exchange_;
        }

    private:
        /// The header list for `request`, valid until the next call (or the handle's end).
        curl_slist* headers_for(const HttpRequest& request) {
            const bool with_body = HeaderList::has_body(request);
            if (with_body != listed_with_body_ || request.headers != listed_) {
                HeaderList fresh(request);
                HttpHeaders copy = request.headers;
                list_.swap(fresh);
                listed_.swap(copy);
                listed_with_body_ = with_body;
            }
            return list_.get();
        }

        CURL* curl_;
        const bool cancel_in_callback_;
        bool progress_ = true;  // configure_handle turns the progress callback on
        Exchange exchange_{nullptr, 0, {}, false};
        AppliedOptions applied_;
        // Start as the list of no headers and no body (empty), so the first request needs no
        // special case.
        HttpHeaders listed_;
        bool listed_with_body_ = false;
        HeaderList list_;
    };

    class HandleLease {
    public:
        explicit HandleLease(BasicCurlTransport& owner) : owner_(owner), handle_(owner.acquire()) {}
        ~HandleLease() { owner_.release(std::move(handle_)); }
        HandleLease(const HandleLease&) = delete;
        HandleLease& operator=(const HandleLease&) = delete;
        EasyHandle* operator->() const noexcept { return handle_.get(); }

    private:
        BasicCurlTransport& owner_;
        std::unique_ptr<EasyHandle> handle_;
    };

    std::unique_ptr<EasyHandle> acquire() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!idle_.empty()) {
                std::unique_ptr<EasyHandle> handle = std::move(idle_.back());
                idle_.pop_back();
                return handle;
            }
        }
        return std::make_unique<EasyHandle>(*this);
    }

    /// A pooled handle keeps its options, its live connections and its DNS and TLS session
    /// caches; every request sets all the options that vary, so nothing leaks between calls.
    void release(std::unique_ptr<EasyHandle> handle) noexcept {
        std::lock_guard<std::mutex> lock(mutex_);
        if (idle_.size() < options_.max_idle_handles) idle_.push_back(std::move(handle));
    }

    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
        auto& exchange = *static_cast<Exchange*>(user);
        const std::size_t bytes = size * count;
        std::string& body = exchange.response.body;
        if (body.size() + bytes > exchange.max_body) {
            exchange.body_too_large = true;
            return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
        }
        body.append(data, bytes);
        return bytes;
    }

    /// libcurl 7.83+ keeps every response header itself. Reading the ones the SDK uses after the
    /// transfer costs less than a callback per header line copying them all: a 2xx needs only
    /// its request id (for a body that fails to decode), an error response gets every header
    /// (Retry-After, the request id, and whatever a logger or a custom Transport wants).
    void read_headers(CURL* curl, HttpResponse& response) const {
#if LIBCURL_VERSION_NUM >= 0x075300
        if (!header_api_) return;  // on_header filled them
        response.headers.clear();
        if (response.status >= 200 && response.status < 300) {
            curl_header* header = nullptr;
            if (curl_easy_header(curl, "x-request-id", 0, CURLH_HEADER, -1, &header) == CURLHE_OK)
                response.headers.emplace_back("x-request-id", header->value);
            return;
        }
        read_all_headers(curl, response.headers);
#else
        (void)curl, (void)response;
#endif
    }

#if LIBCURL_VERSION_NUM >= 0x075300
    static void read_all_headers(CURL* curl, HttpHeaders& headers) {
        for (curl_header* header = nullptr; (header = curl_easy_nextheader(curl, CURLH_HEADER, -1, header)) != nullptr;)
            headers.emplace_back(ascii_lower(header->name), header->value);
    }
#endif

    /// Whether this libcurl has the header API (7.83+, unless built with CURL_DISABLE_HEADERS_API).
    static bool header_api_built_in() {
#if LIBCURL_VERSION_NUM >= 0x075300
        static const bool built_in = [] {
            ensure_curl_global_init();  // before the first easy handle, as everywhere else
            CURL* probe = curl_easy_init();
            if (probe == nullptr) return false;
            curl_header* header = nullptr;
            const CURLHcode code = curl_easy_header(probe, "x-request-id", 0, CURLH_HEADER, -1, &header);
            curl_easy_cleanup(probe);
            return code != CURLHE_NOT_BUILT_IN;
        }();
        return built_in;
#else
        return false;
#endif
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
        auto& exchange = *static_cast<Exchange*>(user);
        const std::size_t bytes = size * count;
        std::string_view line(data, bytes);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
        HttpHeaders& headers = exchange.response.headers;
        if (line.substr(0, 5) == "HTTP/") {
            headers.clear();  // a new response (after 100 Continue or a redirect)
            headers.reserve(16);  // one allocation instead of a regrowth every few headers
            return bytes;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return bytes;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        headers.emplace_back(ascii_lower(line.substr(0, colon)), value);
        return bytes;
    }

#if LIBCURL_VERSION_NUM >= 0x075000
    // libcurl silently resends a request, POST included, when a reused connection dies before
    // any response byte arrives. For a request that is not idempotent the first copy may have
    // been applied, so the second send is refused and the outcome is reported as unknown.
    static int on_before_send(void* user, char*, char*, int, int) {
        auto& exchange = *static_cast<Exchange*>(user);
        if (++exchange.sends > 1 && !exchange.request->idempotent) {
            exchange.resend_blocked = true;
            return CURL_PREREQFUNC_ABORT;
        }
        return CURL_PREREQFUNC_OK;
    }
#endif

    static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t uploaded) {
        auto& exchange = *static_cast<Exchange*>(user);
        const HttpRequest& request = *exchange.request;
        if (request.upload_progress && upload_total > 0 && uploaded != exchange.reported_upload) {
            exchange.reported_upload = uploaded;
            request.upload_progress(static_cast<std::uint64_t>(uploaded), static_cast<std::uint64_t>(upload_total));
        }
        return request.cancel.is_cancelled() ? 1 : 0;
    }

    /// Options that are the same for every request of this transport, set once per handle.
    void configure_handle(CURL* curl) const {
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &BasicCurlTransport::on_body);
        if (!header_api_) curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &BasicCurlTransport::on_header);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &BasicCurlTransport::on_progress);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
#if LIBCURL_VERSION_NUM >= 0x075000
        curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, &BasicCurlTransport::on_before_send);
#endif
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        // Redirects are never followed: a redirect to another host would carry the x-api-key.
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        if (!options_.proxy.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy.c_str());
        const bool verify = !options_.tls.insecure_disable_verification;
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        if (!options_.tls.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.tls.ca_file.c_str());
        if (!options_.tls.ca_dir.empty()) curl_easy_setopt(curl, CURLOPT_CAPATH, options_.tls.ca_dir.c_str());
    }

    /// Points libcurl's callbacks at `exchange`: once per handle.
    void bind_exchange(CURL* curl, Exchange& exchange) const {
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, exchange.error_buffer);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
        // Only with on_header: HEADERDATA without a HEADERFUNCTION sends headers to on_body.
        if (!header_api_) curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &exchange);
#if LIBCURL_VERSION_NUM >= 0x075000
        curl_easy_setopt(curl, CURLOPT_PREREQDATA, &exchange);
#endif
    }

    /// Everything that may differ between requests; an option is set only when it differs from
    /// `last`, what this handle was last told (a fresh AppliedOptions for a new handle).
    static void set_request_options(CURL* curl, const HttpRequest& request, curl_slist* headers, AppliedOptions& last) {
        curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
        if (headers != last.headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        last.headers = headers;
#if LIBCURL_VERSION_NUM < 0x075000
        // No way to see libcurl's transparent resend: never reuse a connection for such a request.
        curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, request.idempotent ? 0L : 1L);
#endif
        const long connect_ms = static_cast<long>(request.connect_timeout.count());
        const long total_ms = static_cast<long>(request.timeout.count());
        if (connect_ms != last.connect_timeout_ms) curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
        if (total_ms != last.timeout_ms) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
        last.connect_timeout_ms = connect_ms;
        last.timeout_ms = total_ms;

        const std::string& method = request.method;
        const bool plain_get = method == "GET" && request.body.empty() && request.multipart.empty();
        if (plain_get && last.plain_get) return;  // HTTPGET, NOBODY and CUSTOMREQUEST are as they were
        last.plain_get = plain_get;
        curl_easy_setopt(curl, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                         method == "GET" || method == "POST" || method == "HEAD" ? nullptr : method.c_str());
        if (!request.multipart.empty()) {
            // The body is set by Mime; POSTFIELDS would override it.
        } else if (method == "POST" || !request.body.empty()) {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        } else if (method != "HEAD") {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        }
    }

    [[noreturn]] void throw_transfer_error(CURLcode code, const HttpRequest& request, const Exchange& exchange) const {
        if (code == CURLE_ABORTED_BY_CALLBACK && request.cancel.is_cancelled()) throw Cancelled();
        const std::string where = request.method + " " + url_for_messages(request.url);
        if (exchange.body_too_large)
            throw TransportError("centrali: " + where + ": response body exceeds max_response_bytes (" +
                                     std::to_string(options_.max_response_bytes) + ")",
                                 code, false, false, /*retryable=*/false);
        if (exchange.resend_blocked)
            throw TransportError("centrali: " + where +
                                     ": the connection closed before a response, after the request was sent; "
                                     "not resent because the call is not idempotent (it may or may not have been applied)",
                                 code, false, false, /*retryable=*/false);
        const bool timed_out = code == CURLE_OPERATION_TIMEDOUT;
        const bool connect_failed = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                                    code == CURLE_COULDNT_RESOLVE_PROXY;
        std::string detail = curl_easy_strerror(code);
        if (exchange.error_buffer[0] != '\0') detail += std::string(" (") + exchange.error_buffer + ")";
        throw TransportError("centrali: " + where + " failed: " + detail, code, timed_out, connect_failed);
    }

    class Streaming {
    public:
        Streaming(const BasicCurlTransport& owner, const HttpRequest& request, StreamHandler& handler, StreamControl& control)
            : owner_(owner), request_(request), handler_(handler), control_(control), headers_(request),
              easy_(curl_easy_init()), multi_(curl_multi_init()) {
            if (easy_ == nullptr || multi_ == nullptr) {
                release();
                throw TransportError("centrali: could not create a libcurl handle for the stream", 0, false, false);
            }
            owner.configure_handle(easy_);
            exchange_.request = &request_;
            owner.bind_exchange(easy_, exchange_);
            AppliedOptions fresh;  // a new handle: libcurl's defaults
            set_request_options(easy_, request_, headers_.get(), fresh);
            curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, 0L);  // no total timeout; the idle watchdog instead
            curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Streaming::on_bytes);
            curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
            curl_multi_add_handle(multi_, easy_);
            control_.set_waker([multi = multi_] { curl_multi_wakeup(multi); });
        }
        ~Streaming() { release(); }
        Streaming(const Streaming&) = delete;
        Streaming& operator=(const Streaming&) = delete;

        void run(std::chrono::milliseconds idle_timeout) {
            using clock = std::chrono::steady_clock;
            last_activity_ = clock::now();
            for (;;) {
                if (control_.stopped() || stopped_by_handler_) return;
                int running = 0;
                curl_multi_perform(multi_, &running);
                if (stopped_by_handler_ || control_.stopped()) return;
                if (running == 0) return finish();
                const auto idle = clock::now() - last_activity_;
                if (idle >= idle_timeout)
                    throw TransportError("centrali: stream " + url_for_messages(request_.url) + " was idle for " +
                                             std::to_string(idle_timeout.count()) + " ms",
                                         CURLE_OPERATION_TIMEDOUT, true, false);
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(idle_timeout - idle);
                curl_multi_poll(multi_, nullptr, 0, static_cast<int>((std::min<long long>)(left.count() + 1, 1000)), nullptr);
            }
        }

    private:
        static std::size_t on_bytes(char* data, std::size_t size, std::size_t count, void* user) {
            auto& self = *static_cast<Streaming*>(user);
            const std::size_t bytes = size * count;
            self.last_activity_ = std::chrono::steady_clock::now();
            if (!self.open() || !self.handler_.on_data(std::string_view(data, bytes))) {
                self.stopped_by_handler_ = true;
                return 0;
            }
            return bytes;
        }

        /// Calls on_open once, before the first body byte (or at the end for an empty body).
        bool open() {
            if (opened_) return true;
            opened_ = true;
            long status = 0;
            curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
#if LIBCURL_VERSION_NUM >= 0x075300
            if (owner_.header_api_) read_all_headers(easy_, exchange_.response.headers);
#endif
            return handler_.on_open(static_cast<int>(status), exchange_.response.headers);
        }

        void finish() {
            int queued = 0;
            while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
                if (message->msg != CURLMSG_DONE) continue;
                const CURLcode code = message->data.result;
                if (code == CURLE_OK) {
                    if (!opened_) open();
                    return;
                }
                owner_.throw_transfer_error(code, request_, exchange_);  // the one mapping of CURLcodes
            }
        }

        void release() noexcept {
            control_.set_waker(nullptr);
            if (multi_ != nullptr && easy_ != nullptr) curl_multi_remove_handle(multi_, easy_);
            if (easy_ != nullptr) curl_easy_cleanup(easy_);
            if (multi_ != nullptr) curl_multi_cleanup(multi_);
            easy_ = nullptr;
            multi_ = nullptr;
        }

        const BasicCurlTransport& owner_;
        const HttpRequest& request_;
        StreamHandler& handler_;
        StreamControl& control_;
        HeaderList headers_;
        CURL* easy_;
        CURLM* multi_;
        Exchange exchange_{nullptr, 0, {}, false};
        std::chrono::steady_clock::time_point last_activity_;
        bool opened_ = false;
        bool stopped_by_handler_ = false;
    };

    CurlTransportOptions options_;
    const bool header_api_;  ///< read headers after the transfer instead of through on_header
    std::mutex mutex_;
    std::vector<std::unique_ptr<EasyHandle>> idle_;
};
using CurlTransport = BasicCurlTransport<>;

}  // namespace detail
CENTRALI_NAMESPACE_END

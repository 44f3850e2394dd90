#pragma once
// The default Transport, on libcurl. Internal to the definitions: only core.ipp includes it, so
// a program built against the compiled library never sees <curl/curl.h>.
//
// - send(): easy handles drawn from a per-Client pool. A handle keeps its connection cache
//   across requests, so sequential calls reuse one keep-alive connection and N threads use N.
// - make_async(): a curl multi handle driven by the Client's event loop thread, with its own
//   pool of easy handles and a connection cache as large as its connection limit.
// - stream(): a handle and a multi handle of its own per stream, whose poll stop() interrupts.
//
// Response headers are read by name (HttpResponse documents which), never by walking them all:
// a hostile answer may carry 100,000 header lines.

#include <centrali/detail/url.hpp>
#include <centrali/errors.hpp>
#include <centrali/transport.hpp>

#include <curl/curl.h>

// curl_multi_poll (7.66) and curl_multi_wakeup (7.68) drive the event loop and interrupt
// streams; newer features (the header API of 7.83, PREREQFUNCTION of 7.80, PROTOCOLS_STR of
// 7.85) are used when present and replaced by older means when not.
#if LIBCURL_VERSION_NUM < 0x074400
#error "centrali needs libcurl 7.68 or newer"
#endif
// The libcurl version whose features the transport uses. A test build sets it lower than the
// installed libcurl (scripts/test.sh builds with 0x074400, i.e. 7.68) to compile and run the
// replacements for newer features, which no machine with an old libcurl checks otherwise
// (with -DCURL_DISABLE_DEPRECATION: the older options it then uses are deprecated).
#ifndef CENTRALI_LIBCURL_VERSION_NUM
#define CENTRALI_LIBCURL_VERSION_NUM LIBCURL_VERSION_NUM
#elif CENTRALI_LIBCURL_VERSION_NUM > LIBCURL_VERSION_NUM
#error "CENTRALI_LIBCURL_VERSION_NUM is newer than the installed libcurl"
#endif

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
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

/// Whether this libcurl has the header API (7.83+, unless built with CURL_DISABLE_HEADERS_API).
inline bool curl_header_api_built_in() {
#if CENTRALI_LIBCURL_VERSION_NUM >= 0x075300
    static const bool built_in = [] {
        ensure_curl_global_init();
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

/// A certificate or CA problem: sending again cannot fix it.
inline bool is_tls_trust_failure(CURLcode code) noexcept {
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return true;
    default:
        return false;
    }
}

/// What to do about a TLS failure, for its error message: libcurl's own text names the symptom
/// ("problem with the SSL CA cert") but not the fix. `curl_detail` is libcurl's error buffer, the
/// only place that tells an untrusted chain from a certificate for another host name (both are
/// CURLE_PEER_FAILED_VERIFICATION). Empty for codes that are not about TLS.
inline std::string tls_failure_advice(CURLcode code, std::string_view curl_detail) {
    const auto mentions = [curl_detail](std::string_view word) { return curl_detail.find(word) != std::string_view::npos; };
    constexpr std::string_view set_ca =
        "set ClientOptions::tls.ca_file to a PEM bundle that holds the server's CA (or tls.ca_dir to a directory of "
        "hashed CA certificates)";
    switch (code) {
    case CURLE_SSL_CACERT_BADFILE:
        return std::string("no CA certificates could be loaded to verify the server. Install the system CA "
                           "certificates (Debian/Ubuntu: apt-get install ca-certificates), or ") +
               std::string(set_ca) + "; check that the file or directory given there exists and is readable";
    case CURLE_PEER_FAILED_VERIFICATION:
        if (mentions("host name") || mentions("hostname") || mentions("subject name"))
            return "the server's certificate is valid but issued for another host name than base_url's. Use the host "
                   "name the certificate names in base_url (not an IP address or an alias it does not list)";
        if (mentions("expired") || mentions("not yet valid"))
            return "the server's certificate is outside its validity period (or this machine's clock is wrong)";
        return "the server's certificate chain is not trusted by the CA certificates in use. If the server uses a "
               "private or corporate CA, " + std::string(set_ca) + "; otherwise check that the system CA certificates "
               "are installed and current (Debian/Ubuntu: ca-certificates)";
    case CURLE_SSL_CONNECT_ERROR:
        return "the TLS handshake failed. Check that base_url's host and port speak HTTPS (an http:// server "
               "answers a handshake with garbage), and that no proxy intercepts the connection; the server may also "
               "accept no TLS version or cipher this libcurl offers";
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return "the server's certificate could not be verified; sending again will not help";
    default:
        return {};
    }
}

/// What one transfer writes into while libcurl runs it.
struct Transfer {
    const HttpRequest* request = nullptr;
    std::size_t max_body = 0;
    HttpResponse response;
    bool body_too_large = false;
    bool header_callback = false;  ///< headers arrive through on_header (no header API)
    int sends = 0;                 ///< how many times libcurl was about to send the request
    curl_off_t reported_upload = -1;
    bool resend_blocked = false;
    char error_buffer[CURL_ERROR_SIZE] = {};

    /// Ready for another request, without rewriting the whole error buffer.
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

namespace curl_callbacks {

inline std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string& body = transfer.response.body;
    if (body.size() + bytes > transfer.max_body) {
        transfer.body_too_large = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    body.append(data, bytes);
    return bytes;
}

/// Keeps only the headers the SDK reads; O(1) work per line.
inline std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    HttpHeaders& headers = transfer.response.headers;
    if (line.substr(0, 5) == "HTTP/") {
        headers.clear();  // a new response (after 100 Continue)
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon > 32) return bytes;
    const std::string_view name = line.substr(0, colon);
    for (std::string_view wanted : response_headers_read) {
        if (!equals_ignoring_case(name, wanted)) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        for (auto& header : headers)
            if (header.first == wanted) return bytes;  // the first one counts, as with the header API
        headers.emplace_back(std::string(wanted), std::string(value));
        break;
    }
    return bytes;
}

#if CENTRALI_LIBCURL_VERSION_NUM >= 0x075000
// libcurl silently resends a request, POST included, when a reused connection dies before any
// response byte arrives. For a request that is not idempotent the first copy may have been
// applied, so the second send is refused and the outcome is reported as unknown.
inline int on_before_send(void* user, char*, char*, int, int) {
    auto& transfer = *static_cast<Transfer*>(user);
    if (++transfer.sends > 1 && !transfer.request->idempotent) {
        transfer.resend_blocked = true;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}
#endif

inline int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t uploaded) {
    auto& transfer = *static_cast<Transfer*>(user);
    const HttpRequest& request = *transfer.request;
    if (request.upload_progress && upload_total > 0 && uploaded != transfer.reported_upload) {
        transfer.reported_upload = uploaded;
        request.upload_progress(static_cast<std::uint64_t>(uploaded), static_cast<std::uint64_t>(upload_total));
    }
    return request.cancel.is_cancelled() ? 1 : 0;
}

}  // namespace curl_callbacks

/// The headers of a finished transfer that the SDK reads, by name.
inline void read_response_headers(CURL* curl, Transfer& transfer) {
#if CENTRALI_LIBCURL_VERSION_NUM >= 0x075300
    if (transfer.header_callback) return;  // on_header kept them
    HttpHeaders& headers = transfer.response.headers;
    headers.clear();
    for (std::string_view name : response_headers_read) {
        curl_header* header = nullptr;
        // The names are literals of response_headers_read: NUL-terminated.
        if (curl_easy_header(curl, name.data(), 0, CURLH_HEADER, -1, &header) == CURLHE_OK)
            headers.emplace_back(std::string(name), header->value);
    }
#else
    (void)curl, (void)transfer;
#endif
}

/// The status and headers of a finished transfer; moves its response out.
inline HttpResponse take_response(CURL* curl, Transfer& transfer) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    read_response_headers(curl, transfer);
    HttpResponse response = std::move(transfer.response);
    response.status = static_cast<int>(status);
    return response;
}

/// The one mapping of a failed transfer to the SDK's errors, for requests and streams alike.
inline std::exception_ptr transfer_error(CURLcode code, const Transfer& transfer, std::size_t max_response_bytes) {
    const HttpRequest& request = *transfer.request;
    if (code == CURLE_ABORTED_BY_CALLBACK && request.cancel.is_cancelled()) return std::make_exception_ptr(Cancelled());
    const std::string where = request.method + " " + url_for_messages(request.url);
    if (transfer.body_too_large)
        return std::make_exception_ptr(TransportError("centrali: " + where + ": response body exceeds max_response_bytes (" +
                                                          std::to_string(max_response_bytes) + ")",
                                                      code, false, false, /*retryable=*/false));
    if (transfer.resend_blocked)
        return std::make_exception_ptr(
            TransportError("centrali: " + where +
                               ": the connection closed before a response, after the request was sent; "
                               "not resent because the call is not idempotent (it may or may not have been applied)",
                           code, false, false, /*retryable=*/false));
    const bool timed_out = code == CURLE_OPERATION_TIMEDOUT;
    const bool connect_failed =
        code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY;
    std::string detail = curl_easy_strerror(code);
    if (transfer.error_buffer[0] != '\0') detail += std::string(" (") + transfer.error_buffer + ")";
    if (std::string advice = tls_failure_advice(code, transfer.error_buffer); !advice.empty())
        detail += ". TLS: " + advice;
    return std::make_exception_ptr(TransportError("centrali: " + where + " failed: " + detail, code, timed_out,
                                                  connect_failed, /*retryable=*/!is_tls_trust_failure(code)));
}

/// The request's headers as libcurl's list.
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
        if (has_body(request)) append("Expect:");
    }
    static bool has_body(const HttpRequest& request) noexcept { return !request.body.empty() || !request.multipart.empty(); }
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

/// A multipart body for one transfer. File parts stream from disk and borrowed parts from the
/// caller's memory through a read callback, so a large upload is never copied whole.
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

/// An easy handle with the transfer state its callbacks write into, and what it last told
/// libcurl: consecutive requests mostly send the same headers with the same timeouts, so the
/// header list is rebuilt, and an option set, only when it changes.
class EasyHandle {
public:
    /// `cancel_in_callback`: libcurl's progress callback watches the request's cancel token
    /// (blocking transfers). The event loop aborts transfers itself, so its handles call the
    /// progress callback only for requests that report upload progress.
    EasyHandle(const CurlTransportOptions& options, bool header_callback, bool cancel_in_callback)
        : curl_(curl_easy_init()), cancel_in_callback_(cancel_in_callback) {
        if (curl_ == nullptr) throw TransportError("centrali: curl_easy_init failed", 0, false, false);
        transfer_.header_callback = header_callback;
        configure(options);
    }
    ~EasyHandle() { curl_easy_cleanup(curl_); }
    EasyHandle(const EasyHandle&) = delete;
    EasyHandle& operator=(const EasyHandle&) = delete;

    CURL* get() const noexcept { return curl_; }
    Transfer& transfer() noexcept { return transfer_; }

    /// Readies the handle for `request` (which must outlive the transfer).
    Transfer& prepare(const HttpRequest& request, std::size_t max_response_bytes) {
        transfer_.reset(request, max_response_bytes);
        set_request_options(request, headers_for(request));
        const bool progress = cancel_in_callback_ || static_cast<bool>(request.upload_progress);
        if (progress != progress_) curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, progress ? 0L : 1L);
        progress_ = progress;
        return transfer_;
    }

private:
    /// Options that are the same for every request, set once per handle.
    void configure(const CurlTransportOptions& options) {
        namespace cb = curl_callbacks;
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, transfer_.error_buffer);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &cb::on_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &transfer_);
        if (transfer_.header_callback) {
            curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &cb::on_header);
            curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &transfer_);
        }
        curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &cb::on_progress);
        curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &transfer_);
        curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
#if CENTRALI_LIBCURL_VERSION_NUM >= 0x075000
        curl_easy_setopt(curl_, CURLOPT_PREREQFUNCTION, &cb::on_before_send);
        curl_easy_setopt(curl_, CURLOPT_PREREQDATA, &transfer_);
#endif
        curl_easy_setopt(curl_, CURLOPT_TCP_KEEPALIVE, 1L);
        // Redirects are never followed: a redirect to another host would carry the credential.
        curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
#if CENTRALI_LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(curl_, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        if (!options.proxy.empty()) curl_easy_setopt(curl_, CURLOPT_PROXY, options.proxy.c_str());
        const bool verify = !options.tls.insecure_disable_verification;
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        if (!options.tls.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options.tls.ca_file.c_str());
        if (!options.tls.ca_dir.empty()) curl_easy_setopt(curl_, CURLOPT_CAPATH, options.tls.ca_dir.c_str());
    }

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

    /// Everything that may differ between requests; an option is set only when it differs from
    /// what this handle was last told.
    void set_request_options(const HttpRequest& request, curl_slist* headers) {
        curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
        if (headers != applied_headers_) curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
        applied_headers_ = headers;
#if CENTRALI_LIBCURL_VERSION_NUM < 0x075000
        // No way to see libcurl's transparent resend: never reuse a connection for such a request.
        curl_easy_setopt(curl_, CURLOPT_FRESH_CONNECT, request.idempotent ? 0L : 1L);
#endif
        const long connect_ms = static_cast<long>((std::max)(static_cast<long long>(request.connect_timeout.count()), 1LL));
        const long total_ms = static_cast<long>((std::max)(static_cast<long long>(request.timeout.count()), 1LL));
        if (connect_ms != applied_connect_ms_) curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
        if (total_ms != applied_total_ms_) curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, total_ms);
        applied_connect_ms_ = connect_ms;
        applied_total_ms_ = total_ms;

        const std::string& method = request.method;
        const bool plain_get = method == "GET" && request.body.empty() && request.multipart.empty();
        if (plain_get && applied_plain_get_) return;  // HTTPGET, NOBODY and CUSTOMREQUEST are as they were
        applied_plain_get_ = plain_get;
        curl_easy_setopt(curl_, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
        curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST,
                         method == "GET" || method == "POST" || method == "HEAD" ? nullptr : method.c_str());
        if (!request.multipart.empty()) {
            // The body is set by Mime; POSTFIELDS would override it.
        } else if (method == "POST" || !request.body.empty()) {
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        } else if (method != "HEAD") {
            curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
        }
    }

    CURL* curl_;
    const bool cancel_in_callback_;
    bool progress_ = true;
    Transfer transfer_;
    // What libcurl was last told: a new handle has no header list, no timeouts, no method.
    curl_slist* applied_headers_ = nullptr;
    long applied_connect_ms_ = -1;
    long applied_total_ms_ = -1;
    bool applied_plain_get_ = false;
    HttpHeaders listed_;
    bool listed_with_body_ = false;
    HeaderList list_;
};

class CurlTransport final : public Transport {
public:
    explicit CurlTransport(CurlTransportOptions options)
        : options_(std::move(options)), header_callback_(options_.header_callback || !curl_header_api_built_in()) {
        ensure_curl_global_init();
    }
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    HttpResponse send(const HttpRequest& request) override {
        std::unique_ptr<EasyHandle> handle = acquire();
        struct Return {
            CurlTransport& owner;
            std::unique_ptr<EasyHandle>& handle;
            ~Return() { owner.release(std::move(handle)); }
        } give_back{*this, handle};
        Transfer& transfer = handle->prepare(request, options_.max_response_bytes);
        Mime mime(handle->get(), request.multipart);
        const CURLcode code = curl_easy_perform(handle->get());
        if (code != CURLE_OK) std::rethrow_exception(transfer_error(code, transfer, options_.max_response_bytes));
        return take_response(handle->get(), transfer);
    }

    CENTRALI_DECL std::unique_ptr<AsyncTransport> make_async(std::size_t max_concurrency) override;

    CENTRALI_DECL void stream(const HttpRequest& request, StreamHandler& handler, StreamControl& control,
                              std::chrono::milliseconds idle_timeout) override;

    const CurlTransportOptions& options() const noexcept { return options_; }
    bool header_callback() const noexcept { return header_callback_; }

private:
    /// One pool under one lock, held only to push or pop: a new handle (a new connection) is made
    /// exactly when every idle one is in use. (Per-thread shards were measured against it: no
    /// faster with 16 threads sharing a Client, 6 % slower with 8, and a shard's idle handle
    /// could sit unused while another thread opened a new connection.)
    std::unique_ptr<EasyHandle> acquire() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!idle_.empty()) {
                std::unique_ptr<EasyHandle> handle = std::move(idle_.back());
                idle_.pop_back();
                return handle;
            }
        }
        return std::make_unique<EasyHandle>(options_, header_callback_, /*cancel_in_callback=*/true);
    }
    /// A pooled handle keeps its options, its live connections and its DNS and TLS session
    /// caches; every request sets all the options that vary, so nothing leaks between calls.
    void release(std::unique_ptr<EasyHandle> handle) noexcept {
        std::lock_guard<std::mutex> lock(mutex_);
        if (idle_.size() < options_.max_idle_handles) idle_.push_back(std::move(handle));
    }

    const CurlTransportOptions options_;
    const bool header_callback_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<EasyHandle>> idle_;
};

/// CurlTransport's asynchronous side: one multi handle, driven by the event loop's thread.
class CurlMulti final : public AsyncTransport {
public:
    CurlMulti(const CurlTransport& owner, std::size_t max_connections)
        : owner_(owner), multi_(curl_multi_init()) {
        if (multi_ == nullptr) throw TransportError("centrali: curl_multi_init failed", 0, false, false);
        const long limit = static_cast<long>((std::max)(max_connections, std::size_t{1}));
        curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, limit);
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, limit);
        // The connection cache: by default four per handle on the multi, so connections closed
        // as soon as finished transfers were removed, and every burst opened new ones.
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, limit);
    }
    ~CurlMulti() override {
        shutdown();
        idle_.clear();
        curl_multi_cleanup(multi_);
    }
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;

    void start(Id id, const HttpRequest& request, Completion done) override {
        auto active = std::make_unique<Active>();
        active->id = id;
        active->done = std::move(done);
        try {
            active->handle = acquire();
            active->handle->prepare(request, owner_.options().max_response_bytes);
            if (!request.multipart.empty()) active->mime.emplace(active->handle->get(), request.multipart);
        } catch (...) {
            if (active->handle) release(std::move(active->handle));
            failed_.emplace_back(std::move(active->done), std::current_exception());
            return;
        }
        curl_easy_setopt(active->handle->get(), CURLOPT_PRIVATE, active.get());
        curl_multi_add_handle(multi_, active->handle->get());
        active_.emplace(id, std::move(active));
    }

    void abort(Id id) override {
        const auto it = active_.find(id);
        if (it == active_.end()) return;
        std::unique_ptr<Active> active = std::move(it->second);
        active_.erase(it);
        end(*active);
    }

    /// Waits, then performs, then delivers: completions run last, so that whatever they post
    /// is handled right after, never behind a poll. (A transfer started since the last run makes
    /// libcurl's own timeout zero, so the poll does not hold it back.)
    void run(std::chrono::milliseconds timeout) override {
        if (!failed_.empty()) timeout = std::chrono::milliseconds(0);
        curl_multi_poll(multi_, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
        int running = 0;
        curl_multi_perform(multi_, &running);
        drain();
        deliver_failed();
    }

    void wake() override { curl_multi_wakeup(multi_); }

    void shutdown() override {
        std::vector<Completion> cancelled;
        for (auto& [id, active] : active_) {
            end(*active);
            cancelled.push_back(std::move(active->done));
        }
        active_.clear();
        for (auto& [done, error] : failed_) cancelled.push_back(std::move(done));
        failed_.clear();
        for (auto& done : cancelled) done(Result<HttpResponse>(std::make_exception_ptr(Cancelled())));
    }

private:
    struct Active {
        Id id = 0;
        std::unique_ptr<EasyHandle> handle;
        std::optional<Mime> mime;
        Completion done;
    };

    /// Takes the transfer off the multi handle and its easy handle back to the pool.
    void end(Active& active) {
        curl_multi_remove_handle(multi_, active.handle->get());
        active.mime.reset();
        release(std::move(active.handle));
    }

    void drain() {
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            Active* raw = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
            const CURLcode code = message->data.result;
            const auto it = active_.find(raw->id);
            std::unique_ptr<Active> active = std::move(it->second);
            active_.erase(it);
            Transfer& transfer = active->handle->transfer();
            std::optional<Result<HttpResponse>> result;
            if (code == CURLE_OK) result.emplace(take_response(active->handle->get(), transfer));
            else result.emplace(transfer_error(code, transfer, owner_.options().max_response_bytes));
            end(*active);
            active->done(std::move(*result));
        }
    }

    void deliver_failed() {
        std::vector<std::pair<Completion, std::exception_ptr>> failed;
        failed.swap(failed_);
        for (auto& [done, error] : failed) done(Result<HttpResponse>(error));
    }

    std::unique_ptr<EasyHandle> acquire() {
        if (idle_.empty())
            return std::make_unique<EasyHandle>(owner_.options(), owner_.header_callback(), /*cancel_in_callback=*/false);
        std::unique_ptr<EasyHandle> handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
    }
    void release(std::unique_ptr<EasyHandle> handle) { idle_.push_back(std::move(handle)); }

    const CurlTransport& owner_;
    CURLM* multi_;
    std::unordered_map<Id, std::unique_ptr<Active>> active_;
    std::vector<std::pair<Completion, std::exception_ptr>> failed_;  // failed to start; reported by run()
    std::vector<std::unique_ptr<EasyHandle>> idle_;
};

inline std::unique_ptr<AsyncTransport> CurlTransport::make_async(std::size_t max_concurrency) {
    return std::make_unique<CurlMulti>(*this, max_concurrency);
}

/// One streamed response. A stream holds its connection for hours, so it gets its own easy
/// handle (not the pool's) and its own multi handle, whose poll another thread can interrupt.
class CurlStream {
public:
    CurlStream(const CurlTransport& owner, const HttpRequest& request, StreamHandler& handler, StreamControl& control)
        : owner_(owner), handler_(handler), control_(control), handle_(owner.options(), owner.header_callback(), false),
          multi_(curl_multi_init()) {
        if (multi_ == nullptr) throw TransportError("centrali: could not create a libcurl handle for the stream", 0, false, false);
        CURL* curl = handle_.get();
        handle_.prepare(request, static_cast<std::size_t>(-1));
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);  // no total timeout; the idle watchdog instead
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CurlStream::on_bytes);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
        curl_multi_add_handle(multi_, curl);
        control_.set_waker([multi = multi_] { curl_multi_wakeup(multi); });
    }
    ~CurlStream() {
        control_.set_waker(nullptr);
        curl_multi_remove_handle(multi_, handle_.get());
        curl_multi_cleanup(multi_);
    }
    CurlStream(const CurlStream&) = delete;
    CurlStream& operator=(const CurlStream&) = delete;

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
                throw TransportError("centrali: stream " + url_for_messages(handle_.transfer().request->url) +
                                         " was idle for " + std::to_string(idle_timeout.count()) + " ms",
                                     CURLE_OPERATION_TIMEDOUT, true, false);
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(idle_timeout - idle);
            curl_multi_poll(multi_, nullptr, 0, static_cast<int>((std::min<long long>)(left.count() + 1, 1000)), nullptr);
        }
    }

private:
    static std::size_t on_bytes(char* data, std::size_t size, std::size_t count, void* user) {
        auto& self = *static_cast<CurlStream*>(user);
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
        HttpResponse head = take_response(handle_.get(), handle_.transfer());
        return handler_.on_open(head.status, head.headers);
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
            std::rethrow_exception(transfer_error(code, handle_.transfer(), owner_.options().max_response_bytes));
        }
    }

    const CurlTransport& owner_;
    StreamHandler& handler_;
    StreamControl& control_;
    EasyHandle handle_;
    CURLM* multi_;
    std::chrono::steady_clock::time_point last_activity_;
    bool opened_ = false;
    bool stopped_by_handler_ = false;
};

inline void CurlTransport::stream(const HttpRequest& request, StreamHandler& handler, StreamControl& control,
                                  std::chrono::milliseconds idle_timeout) {
    CurlStream stream(*this, request, handler, control);
    stream.run(idle_timeout);
}

}  // namespace detail
CENTRALI_NAMESPACE_END

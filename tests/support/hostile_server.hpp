#pragma once
// A deliberately misbehaving HTTP/1.1 server for tests, on raw POSIX sockets (Linux only).
//
// A well-behaved server library cannot stall mid-response, reset a connection, inject CR/LF into a
// header value, send 100,000 header lines or a 50 MB line without a newline. This one does whatever
// the handler writes, byte for byte:
//
//     centrali_test::HostileServer server([](const RawRequest& req, RawConnection& conn) {
//         conn.write(centrali_test::http_head(200, {{"Content-Type", "text/event-stream"}}));
//         conn.write("data: partial");      // no newline
//         conn.sleep_for(std::chrono::seconds(60));  // returns early when the server stops
//         conn.reset();                     // the client sees ECONNRESET
//     });
//
// Threading: one accept thread, one thread per connection; the handler runs on the connection's
// thread (so it may run concurrently for several connections) and receives a RawConnection that is
// only to be used from that thread, during the call. stop() (also run by the destructor) shuts every
// socket down, wakes sleep_for / wait_for_peer_close, and joins every thread. A handler blocked in
// something other than RawConnection's own calls (e.g. std::this_thread::sleep_for) delays stop().
// A handler may call its server's stop(): clients then see the server go away; the joins are left to
// the destructor (or a later stop() from another thread).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace centrali_test {

namespace hostile_detail {

inline char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
    return true;
}

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline constexpr std::size_t kMaxHeaderBlock = std::size_t{1} << 20;  // 1 MiB
inline constexpr std::size_t kMaxBody = std::size_t{64} << 20;        // 64 MiB
inline constexpr std::size_t kRecvChunk = 64 * 1024;
inline constexpr std::size_t kSendChunk = 1 << 20;

inline void close_fd(int fd) {
    if (fd >= 0) ::close(fd);  // never retried on EINTR: on Linux the fd is released regardless
}

// Parses a non-negative decimal (or hex) number without exceptions; false on garbage or overflow.
inline bool parse_size(std::string_view s, int base, std::size_t& out) {
    if (s.empty()) return false;
    std::size_t v = 0;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        if (v > (static_cast<std::size_t>(-1) - static_cast<std::size_t>(d)) / static_cast<std::size_t>(base))
            return false;
        v = v * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
    }
    out = v;
    return true;
}

inline const char* reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Unknown";
    }
}

inline void append_head(std::string& out, int status,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += reason_phrase(status);
    out += "\r\n";
    for (const auto& [name, value] : headers) {
        out += name;
        out += ": ";
        out += value;  // verbatim: a value may deliberately contain "\r\n"
        out += "\r\n";
    }
}

template <class S>
inline constexpr bool is_string_like_v =
    std::is_same_v<std::decay_t<S>, std::string> || std::is_same_v<std::decay_t<S>, std::string_view> ||
    std::is_same_v<std::decay_t<S>, const char*> || std::is_same_v<std::decay_t<S>, char*>;

}  // namespace hostile_detail

// ---------------------------------------------------------------------------------------------------
// Requests

struct RawRequest {
    std::string method;
    std::string target;                                        // raw request target: path + query, undecoded
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed
    std::string body;

    /// First header with this name (case-insensitive), "" if absent.
    std::string header(std::string_view name) const {
        for (const auto& [n, v] : headers)
            if (hostile_detail::iequals(n, name)) return v;
        return {};
    }
    /// The target without the query ("?..." and anything after it).
    std::string path() const { return target.substr(0, target.find('?')); }
};

class HostileServer;

// ---------------------------------------------------------------------------------------------------
// One accepted connection, handed to the handler. Use it from the handler's thread only.

class RawConnection {
public:
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    ~RawConnection() { final_close(); }

    /// Writes every byte (looping over partial writes and EINTR); false if the peer is gone, the
    /// connection was closed, or the server is stopping.
    bool write(std::string_view bytes) {
        const int fd = current_fd();
        if (fd < 0 || stopping()) return false;
        const char* p = bytes.data();
        std::size_t left = bytes.size();
        while (left > 0) {
            if (stopping()) return false;
            const std::size_t n = std::min(left, hostile_detail::kSendChunk);
            const ssize_t sent = ::send(fd, p, n, MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {  // only if someone made it non-blocking
                    pollfd pfd{fd, POLLOUT, 0};
                    ::poll(&pfd, 1, 100);
                    continue;
                }
                return false;
            }
            p += sent;
            left -= static_cast<std::size_t>(sent);
        }
        return true;
    }

    /// shutdown(SHUT_WR) then close: the peer sees a clean FIN. The server stops reading this connection.
    /// (Bytes the client already sent are discarded first, since closing a socket with unread data
    /// makes the kernel send a reset instead; a client still sending after that may get a reset.)
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (fd_ < 0) return;
        ::shutdown(fd_, SHUT_WR);
        char sink[4096];
        for (std::size_t drained = 0; drained < hostile_detail::kMaxHeaderBlock;) {
            const ssize_t n = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
            if (n > 0)
                drained += static_cast<std::size_t>(n);
            else if (!(n < 0 && errno == EINTR))
                break;
        }
        hostile_detail::close_fd(fd_);
        fd_ = -1;
        closed_ = true;
    }

    /// SO_LINGER {1, 0} then close: the peer sees a reset (RST).
    void reset() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (fd_ < 0) return;
        linger lg{};
        lg.l_onoff = 1;
        lg.l_linger = 0;
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        hostile_detail::close_fd(fd_);
        fd_ = -1;
        closed_ = true;
    }

    /// Sleeps for d; returns false early when the server stops, true when the full time passed.
    inline bool sleep_for(std::chrono::milliseconds d);

    /// True once the client closed its side (recv returns 0 or an error) within max; false on
    /// timeout, when the server stops, or when this side was already closed. Bytes the client sends
    /// meanwhile are kept for the next request on this connection.
    bool wait_for_peer_close(std::chrono::milliseconds max) {
        const auto deadline = std::chrono::steady_clock::now() + max;
        const int fd = current_fd();
        if (fd < 0) return false;
        if (peer_eof_) return !stopping();
        for (;;) {
            if (stopping()) return false;
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) return false;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
            pollfd pfd{fd, static_cast<short>(POLLIN | POLLRDHUP), 0};
            // Sliced so a stop() is noticed even if the shutdown did not wake poll for some reason.
            const int rc = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left + 1, 200)));
            if (rc < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            if (rc == 0) continue;
            if (!fill()) return !stopping();  // 0 or error from recv: the peer closed (unless we are stopping)
            if (buffered() > hostile_detail::kMaxHeaderBlock + hostile_detail::kMaxBody) {
                buf_.clear();  // a client flooding us: keep memory bounded; this connection is beyond saving
                off_ = 0;
            }
        }
    }

    bool stopping() const;

    /// True once this side closed the connection (close(), reset(), or a handler exception).
    bool is_closed() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return closed_;
    }

private:
    friend class HostileServer;

    RawConnection(HostileServer& server, int fd) : server_(server), fd_(fd) {}

    int current_fd() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return fd_;
    }

    // Called by stop() from another thread: unblocks recv/send/poll on this connection.
    void shutdown_for_stop() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }

    // Called by the connection thread when it is done.
    void final_close() {
        std::lock_guard<std::mutex> lock(mutex_);
        hostile_detail::close_fd(fd_);
        fd_ = -1;
    }

    // --- buffered reader (connection thread only) ---

    // Appends whatever recv delivers; false on EOF, error, or stop.
    bool fill() {
        if (peer_eof_) return false;
        const int fd = current_fd();
        if (fd < 0) return false;
        if (off_ > 0 && off_ >= buf_.size() / 2) {
            buf_.erase(0, off_);
            off_ = 0;
        }
        const std::size_t old = buf_.size();
        buf_.resize(old + hostile_detail::kRecvChunk);
        ssize_t got;
        do {
            got = ::recv(fd, &buf_[old], hostile_detail::kRecvChunk, 0);
        } while (got < 0 && errno == EINTR);
        buf_.resize(old + (got > 0 ? static_cast<std::size_t>(got) : 0));
        if (got <= 0) {
            peer_eof_ = true;
            return false;
        }
        return !stopping();
    }

    std::size_t buffered() const { return buf_.size() - off_; }

    // One line without its "\n" (and a trailing "\r"); budget is decreased by the bytes consumed.
    bool read_line(std::string& line, std::size_t& budget) {
        std::size_t scanned = 0;
        for (;;) {
            const std::size_t nl = buf_.find('\n', off_ + scanned);
            if (nl != std::string::npos) {
                const std::size_t consumed = nl - off_ + 1;
                if (consumed > budget) return false;
                budget -= consumed;
                std::size_t end = nl;
                if (end > off_ && buf_[end - 1] == '\r') --end;
                line.assign(buf_, off_, end - off_);
                off_ = nl + 1;
                return true;
            }
            scanned = buffered();
            if (scanned > budget) return false;
            if (!fill()) return false;
        }
    }

    bool read_exact(std::size_t n, std::string& out) {
        while (buffered() < n)
            if (!fill()) return false;
        out.append(buf_, off_, n);
        off_ += n;
        return true;
    }

    enum class ReadResult { ok, eof, bad };

    // Reads one request; answers "100 Continue" when asked to before reading the body.
    ReadResult read_request(RawRequest& req) {
        using namespace hostile_detail;
        std::size_t budget = kMaxHeaderBlock;
        std::string line;
        // Request line; empty lines before it are ignored (RFC 9112 section 2.2).
        do {
            if (!read_line(line, budget))
                return (buffered() == 0 && budget == kMaxHeaderBlock) ? ReadResult::eof : ReadResult::bad;
        } while (line.empty());
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
        if (sp1 == std::string::npos || sp2 == std::string::npos || sp1 == 0 || sp2 == sp1 + 1) return ReadResult::bad;
        req.method = line.substr(0, sp1);
        req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);

        for (;;) {
            if (!read_line(line, budget)) return ReadResult::bad;
            if (line.empty()) break;
            if ((line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {  // obsolete line folding
                std::string& v = req.headers.back().second;
                v += ' ';
                v += trim(line);
                continue;
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string::npos || colon == 0) return ReadResult::bad;
            req.headers.emplace_back(to_lower(trim(std::string_view(line).substr(0, colon))),
                                     std::string(trim(std::string_view(line).substr(colon + 1))));
        }

        const bool chunked = to_lower(req.header("transfer-encoding")).find("chunked") != std::string::npos;
        std::size_t length = 0;
        if (!chunked) {
            const std::string cl = req.header("content-length");
            if (!cl.empty() && !parse_size(cl, 10, length)) return ReadResult::bad;
            if (length > kMaxBody) return ReadResult::bad;
        }
        if ((chunked || length > 0) && iequals(req.header("expect"), "100-continue"))
            if (!write("HTTP/1.1 100 Continue\r\n\r\n")) return ReadResult::bad;

        if (!chunked) return read_exact(length, req.body) ? ReadResult::ok : ReadResult::bad;

        for (;;) {  // chunked body: size [; ext] CRLF data CRLF ... 0 CRLF [trailers] CRLF
            std::size_t line_budget = kMaxHeaderBlock;
            if (!read_line(line, line_budget)) return ReadResult::bad;
            std::string_view size_text = trim(std::string_view(line).substr(0, line.find(';')));
            std::size_t size = 0;
            if (!parse_size(size_text, 16, size)) return ReadResult::bad;
            if (size == 0) break;
            if (size > kMaxBody - req.body.size()) return ReadResult::bad;
            if (!read_exact(size, req.body)) return ReadResult::bad;
            if (!read_line(line, line_budget) || !line.empty()) return ReadResult::bad;
        }
        std::size_t trailer_budget = kMaxHeaderBlock;
        do {
            if (!read_line(line, trailer_budget)) return ReadResult::bad;
        } while (!line.empty());
        return ReadResult::ok;
    }

    HostileServer& server_;
    mutable std::mutex mutex_;  // guards fd_ and closed_ against stop() on another thread
    int fd_ = -1;
    bool closed_ = false;
    // Reader state: connection thread only.
    std::string buf_;
    std::size_t off_ = 0;
    bool peer_eof_ = false;
};

// ---------------------------------------------------------------------------------------------------
// The server

class HostileServer {
public:
    using Handler = std::function<void(const RawRequest&, RawConnection&)>;

    /// Starts listening on 127.0.0.1 at an ephemeral port at once; throws std::runtime_error on failure.
    explicit HostileServer(Handler handler) : handler_(std::move(handler)) {
        int wake[2];
        if (::pipe2(wake, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        wake_read_ = wake[0];
        wake_write_ = wake[1];
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) fail("socket");
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
        if (::listen(listen_fd_, SOMAXCONN) != 0) fail("listen");
        socklen_t len = sizeof addr;
        if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
        port_ = ntohs(addr.sin_port);
        try {
            accept_thread_ = std::thread([this] { accept_loop(); });
        } catch (...) {
            close_all_fds();
            throw;
        }
    }

    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    ~HostileServer() { stop(); }

    /// Idempotent (and safe from several threads): closes the listener, shuts every open connection
    /// down both ways, wakes sleepers, and joins every thread. Called from inside a handler it only
    /// does the first part (a server "crash" as seen by clients) and returns; the joins then happen
    /// in the next stop() from another thread, at the latest in the destructor.
    void stop() {
        if (on_connection_thread()) {
            signal_stop();
            return;
        }
        std::lock_guard<std::mutex> stop_lock(stop_mutex_);
        if (stopped_) return;
        signal_stop();
        if (accept_thread_.joinable()) accept_thread_.join();
        // No connection can be added any more (accept_loop checks stopping_ under mutex_).
        std::vector<std::unique_ptr<Conn>> conns;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            conns.swap(conns_);
        }
        for (auto& c : conns)
            if (c->thread.joinable()) c->thread.join();
        conns.clear();
        close_all_fds();
        stopped_ = true;
    }

    int port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// Connections accepted so far.
    std::size_t connections() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return connections_;
    }
    /// Requests parsed so far.
    std::size_t requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_.size();
    }
    /// Every parsed request, in order (a copy).
    std::vector<RawRequest> seen() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }
    /// How many seen requests have a path starting with path_prefix.
    std::size_t requests_to(std::string_view path_prefix) const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::size_t n = 0;
        for (const auto& r : seen_)
            if (std::string_view(r.target).substr(0, r.target.find('?')).substr(0, path_prefix.size()) == path_prefix)
                ++n;
        return n;
    }

private:
    friend class RawConnection;

    struct Conn {
        std::unique_ptr<RawConnection> conn;
        std::thread thread;
        std::atomic<bool> done{false};
    };

    [[noreturn]] void fail(const char* what) {
        const std::string message = std::string(what) + ": " + std::strerror(errno);
        close_all_fds();
        throw std::runtime_error("HostileServer: " + message);
    }

    bool on_connection_thread() const {
        const auto self = std::this_thread::get_id();
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& c : conns_)
            if (c->thread.get_id() == self) return true;
        return false;
    }

    // Everything stop() does short of joining: new connections are refused, every open connection is
    // shut down both ways (unblocking recv/send/poll), sleepers wake, the accept thread is woken.
    void signal_stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_.store(true);
            if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
            for (auto& c : conns_) c->conn->shutdown_for_stop();
        }
        cv_.notify_all();
        if (wake_write_ >= 0) {
            const char b = 'x';
            ssize_t ignored;
            do {
                ignored = ::write(wake_write_, &b, 1);
            } while (ignored < 0 && errno == EINTR);
        }
    }

    void close_all_fds() {
        hostile_detail::close_fd(listen_fd_);
        hostile_detail::close_fd(wake_read_);
        hostile_detail::close_fd(wake_write_);
        listen_fd_ = wake_read_ = wake_write_ = -1;
    }

    void accept_loop() {
        for (;;) {
            pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
            const int rc = ::poll(fds, 2, -1);
            if (stopping_.load()) return;
            if (rc < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (fds[1].revents != 0) return;
            if ((fds[0].revents & POLLIN) == 0) {
                if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) return;
                continue;
            }
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED || errno == EPROTO) continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    continue;
                }
                return;
            }
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

            std::vector<std::unique_ptr<Conn>> finished;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_.load()) {
                    hostile_detail::close_fd(fd);
                    return;
                }
                // Reap connections whose threads have finished, so a long test does not pile them up.
                for (auto it = conns_.begin(); it != conns_.end();) {
                    if ((*it)->done.load()) {
                        finished.push_back(std::move(*it));
                        it = conns_.erase(it);
                    } else {
                        ++it;
                    }
                }
                auto c = std::make_unique<Conn>();
                c->conn.reset(new RawConnection(*this, fd));
                Conn* raw = c.get();
                try {
                    c->thread = std::thread([this, raw] { serve(*raw); });
                    conns_.push_back(std::move(c));
                    ++connections_;
                } catch (...) {
                    // No thread: c (and the fd, via ~RawConnection) is released below.
                }
            }
            for (auto& c : finished) c->thread.join();
        }
    }

    void serve(Conn& c) {
        RawConnection& conn = *c.conn;
        while (!stopping_.load()) {
            RawRequest req;
            const auto result = conn.read_request(req);
            if (result != RawConnection::ReadResult::ok) {
                if (result == RawConnection::ReadResult::bad) conn.close();
                break;
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                seen_.push_back(req);
            }
            try {
                handler_(req, conn);
            } catch (...) {
                conn.close();
            }
            if (conn.is_closed()) break;
        }
        conn.final_close();
        c.done.store(true);
    }

    const Handler handler_;
    int port_ = 0;
    int listen_fd_ = -1;
    int wake_read_ = -1;
    int wake_write_ = -1;
    std::thread accept_thread_;

    mutable std::mutex mutex_;  // guards conns_, connections_, seen_; with cv_ for sleepers
    std::condition_variable cv_;
    std::atomic<bool> stopping_{false};
    std::vector<std::unique_ptr<Conn>> conns_;
    std::size_t connections_ = 0;
    std::vector<RawRequest> seen_;

    std::mutex stop_mutex_;  // serialises stop()
    bool stopped_ = false;
};

inline bool RawConnection::stopping() const { return server_.stopping_.load(); }

inline bool RawConnection::sleep_for(std::chrono::milliseconds d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    std::unique_lock<std::mutex> lock(server_.mutex_);
    return !server_.cv_.wait_until(lock, deadline, [this] { return server_.stopping_.load(); });
}

// ---------------------------------------------------------------------------------------------------
// Response helpers (plain strings, written with RawConnection::write). Header values are written
// verbatim: a value may deliberately contain "\r\n" to inject a header line.

/// Status line (with a reason phrase), the headers, Content-Length (unless a header named
/// content-length or transfer-encoding is given, or the status is 1xx, 204 or 304, which must not
/// carry one), a blank line and the body.
inline std::string http_response(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string_view body) {
    std::string out;
    out.reserve(128 + body.size());
    hostile_detail::append_head(out, status, headers);
    bool framed = (status >= 100 && status < 200) || status == 204 || status == 304;
    for (const auto& h : headers)
        if (hostile_detail::iequals(h.first, "content-length") ||
            hostile_detail::iequals(h.first, "transfer-encoding"))
            framed = true;
    if (!framed) {
        out += "Content-Length: ";
        out += std::to_string(body.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

/// Status line + headers + blank line, no Content-Length: for streamed or close-delimited bodies.
inline std::string http_head(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out;
    hostile_detail::append_head(out, status, headers);
    out += "\r\n";
    return out;
}

/// http_response with "Content-Type: application/json" first, then extra_headers.
/// (A template only so that it does not collide with fake_transport.hpp's json_response(int,
/// const nlohmann::json&, ...) when both headers are included: string arguments pick this one.)
template <class S, std::enable_if_t<hostile_detail::is_string_like_v<S>, int> = 0>
inline std::string json_response(int status, const S& json_body,
                                 std::vector<std::pair<std::string, std::string>> extra_headers = {}) {
    extra_headers.insert(extra_headers.begin(), {"Content-Type", "application/json"});
    return http_response(status, extra_headers, std::string_view(json_body));
}

}  // namespace centrali_test

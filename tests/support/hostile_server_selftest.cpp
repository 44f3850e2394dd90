// Self-test of tests/support/hostile_server.hpp: a real client (libcurl, or a raw socket where curl
// would hide what happens) against every behaviour the SDK tests rely on.
#include "catch.hpp"
#include "hostile_server.hpp"

#include <curl/curl.h>

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace centrali_test;
using namespace std::chrono_literals;

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~CurlGlobal() { curl_global_cleanup(); }
};
const CurlGlobal curl_global;

struct CurlResult {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::vector<std::string> headers;  // raw header lines as curl delivered them, "\r\n" included
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<CurlResult*>(user)->body.append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<CurlResult*>(user)->headers.emplace_back(data, size * n);
    return size * n;
}

// One easy handle, reused across requests (so connections are reused).
class Curl {
public:
    Curl() : h_(curl_easy_init()) {}  // no REQUIRE here: clients also run on worker threads
    ~Curl() {
        if (list_) curl_slist_free_all(list_);
        curl_easy_cleanup(h_);
    }
    Curl(const Curl&) = delete;
    Curl& operator=(const Curl&) = delete;

    CURL* get() { return h_; }

    void add_header(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }

    CurlResult perform(const std::string& url, long timeout_ms = 20000) {
        CurlResult r;
        if (h_ == nullptr) {
            r.code = CURLE_FAILED_INIT;
            return r;
        }
        curl_easy_setopt(h_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h_, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h_, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(h_, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h_, CURLOPT_HEADERDATA, &r);
        curl_easy_setopt(h_, CURLOPT_HTTPHEADER, list_);
        r.code = curl_easy_perform(h_);
        curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
        return r;
    }

private:
    CURL* h_;
    curl_slist* list_ = nullptr;
};

CurlResult get(const std::string& url, long timeout_ms = 20000) {
    Curl c;
    return c.perform(url, timeout_ms);
}

bool has_line(const CurlResult& r, const std::string& line) {
    for (const auto& h : r.headers)
        if (h == line + "\r\n") return true;
    return false;
}

// A raw TCP client, for what curl would paper over.
class RawClient {
public:
    explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
        timeval tv{20, 0};  // never hang the test run
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    ~RawClient() { ::close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool send_all(std::string_view s) {
        while (!s.empty()) {
            const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Reads until `needle` was received, EOF, or an error; returns everything read.
    std::string read_until(std::string_view needle) {
        std::string out;
        char buf[4096];
        while (out.find(needle) == std::string::npos) {
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    // Reads until EOF/error; true if that was a clean EOF (recv returned 0).
    bool read_to_eof(std::string* out = nullptr) {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) return true;
            if (n < 0) return false;
            if (out) out->append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
};

std::size_t count_dir_entries(const char* path) {
    std::size_t n = 0;
    if (DIR* d = ::opendir(path)) {
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') ++n;
        ::closedir(d);
    }
    return n;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds max = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + max;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return pred();
}

}  // namespace

TEST_CASE("a plain JSON response", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        conn.write(json_response(200, R"({"ok":true})", {{"X-Extra", "yes"}}));
    });
    REQUIRE(server.port() > 0);
    REQUIRE(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));

    const CurlResult r = get(server.base_url() + "/v1/things");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.status == 200);
    CHECK(r.body == R"({"ok":true})");
    CHECK(r.headers.front() == "HTTP/1.1 200 OK\r\n");
    CHECK(has_line(r, "Content-Type: application/json"));
    CHECK(has_line(r, "X-Extra: yes"));
    CHECK(has_line(r, "Content-Length: 11"));
    CHECK(server.requests() == 1);
    CHECK(server.connections() == 1);
}

TEST_CASE("response helpers write exactly what they are given", "[hostile]") {
    CHECK(http_response(404, {{"A", "b"}}, "nope") == "HTTP/1.1 404 Not Found\r\nA: b\r\nContent-Length: 4\r\n\r\nnope");
    CHECK(http_response(200, {{"content-length", "99"}}, "x") == "HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\nx");
    CHECK(http_response(200, {{"Transfer-Encoding", "chunked"}}, "1\r\nx\r\n0\r\n\r\n") ==
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
    CHECK(http_response(204, {}, "") == "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK(http_head(200, {{"Content-Type", "text/event-stream"}}) ==
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
    CHECK(http_head(599, {}) == "HTTP/1.1 599 Unknown\r\n\r\n");
    CHECK(json_response(201, std::string("{}")) ==
          "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(json_response(200, std::string_view("[]"), {{"X", "a\r\nY: b"}}) ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX: a\r\nY: b\r\nContent-Length: 2\r\n\r\n[]");
}

TEST_CASE("keep-alive: two requests on one curl handle use one connection", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        conn.write(json_response(200, "\"" + req.path() + "\""));
    });
    Curl curl;
    const CurlResult a = curl.perform(server.base_url() + "/a");
    const CurlResult b = curl.perform(server.base_url() + "/b?q=1");
    REQUIRE(a.code == CURLE_OK);
    REQUIRE(b.code == CURLE_OK);
    CHECK(a.body == "\"/a\"");
    CHECK(b.body == "\"/b\"");
    CHECK(server.connections() == 1);
    CHECK(server.requests() == 2);
}

TEST_CASE("a CR/LF in a header value injects an extra header line", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        conn.write(http_response(200, {{"X-Note", "hello\r\nX-Injected: 1"}}, "ok"));
    });
    const CurlResult r = get(server.base_url() + "/inject");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    CHECK(has_line(r, "X-Note: hello"));
    CHECK(has_line(r, "X-Injected: 1"));
}

TEST_CASE("reset() makes curl fail", "[hostile]") {
    // Catch2 assertions are not thread-safe: handlers record, the test thread checks.
    std::atomic<bool> closed{false};
    std::atomic<bool> wrote_after{true};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        conn.reset();
        closed = conn.is_closed();
        wrote_after = conn.write("too late");
    });
    const CurlResult r = get(server.base_url() + "/reset");
    INFO(curl_easy_strerror(r.code));
    CHECK((r.code == CURLE_RECV_ERROR || r.code == CURLE_GOT_NOTHING));
    server.stop();
    CHECK(closed);
    CHECK_FALSE(wrote_after);
}

TEST_CASE("reset() mid-body makes curl fail", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Length", "1000"}}) + "only a little");
        conn.sleep_for(50ms);
        conn.reset();
    });
    const CurlResult r = get(server.base_url() + "/reset");
    INFO(curl_easy_strerror(r.code));
    CHECK((r.code == CURLE_RECV_ERROR || r.code == CURLE_PARTIAL_FILE));
}

TEST_CASE("close() mid-body gives a clean EOF and a partial transfer", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Length", "1000"}}) + "only a little");
        conn.close();
    });
    const CurlResult r = get(server.base_url() + "/short");
    INFO(curl_easy_strerror(r.code));
    CHECK(r.code == CURLE_PARTIAL_FILE);
    CHECK(r.body == "only a little");
}

TEST_CASE("a close-delimited body ends with close()", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Type", "text/html"}}));
        conn.write("<html>not an event stream</html>");
        conn.close();
    });
    const CurlResult r = get(server.base_url() + "/events");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.body == "<html>not an event stream</html>");
}

TEST_CASE("a handler exception closes the connection", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection&) { throw std::runtime_error("boom"); });
    const CurlResult r = get(server.base_url() + "/throw");
    CHECK(r.code == CURLE_GOT_NOTHING);
    CHECK(server.requests() == 1);
}

TEST_CASE("stop() interrupts a handler sleeping for 60 s", "[hostile]") {
    std::atomic<bool> sleeping{false};
    std::atomic<int> slept_fully{-1};
    std::atomic<bool> saw_stopping{false};
    std::atomic<bool> wrote_after{true};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Type", "text/event-stream"}}) + "data: partial");
        sleeping = true;
        slept_fully = conn.sleep_for(60s) ? 1 : 0;
        saw_stopping = conn.stopping();
        wrote_after = conn.write("more");
    });
    CurlResult result;
    std::thread client([&] { result = get(server.base_url() + "/stall", 120000); });
    REQUIRE(eventually([&] { return sleeping.load(); }));

    const auto start = std::chrono::steady_clock::now();
    server.stop();
    const auto took = std::chrono::steady_clock::now() - start;
    client.join();
    CHECK(slept_fully == 0);
    CHECK(saw_stopping);
    CHECK_FALSE(wrote_after);
    CHECK(took < 30s);  // not a timing test: this only fails (or hangs) if stop() waited for the sleep
    // The body was close-delimited, so the FIN sent by stop() ends it normally.
    INFO(curl_easy_strerror(result.code));
    CHECK(result.code == CURLE_OK);
    CHECK(result.body == "data: partial");
    server.stop();  // idempotent
}

TEST_CASE("stop() called from a handler: clients see the server vanish", "[hostile]") {
    HostileServer* self = nullptr;
    std::atomic<int> wrote_after{-1};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        self->stop();  // returns without joining (that would be this very thread)
        wrote_after = conn.write(json_response(200, "{}")) ? 1 : 0;
    });
    self = &server;
    const CurlResult first = get(server.base_url() + "/crash");
    CHECK(first.code == CURLE_GOT_NOTHING);
    const CurlResult second = get(server.base_url() + "/again", 5000);
    INFO(curl_easy_strerror(second.code));
    CHECK(second.code == CURLE_COULDNT_CONNECT);
    server.stop();  // the joins happen here
    CHECK(wrote_after == 0);  // only now is the handler known to have finished
    CHECK(server.requests() == 1);
}

TEST_CASE("sleep_for returns true when the full time passed", "[hostile]") {
    std::atomic<int> result{-1};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        result = conn.sleep_for(20ms) ? 1 : 0;
        conn.write(json_response(200, "{}"));
    });
    REQUIRE(get(server.base_url() + "/").code == CURLE_OK);
    CHECK(result == 1);
}

TEST_CASE("stop() unblocks a handler stuck in write to a client that does not read", "[hostile]") {
    std::atomic<bool> writing{false};
    std::atomic<int> wrote{-1};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Type", "text/event-stream"}}));
        writing = true;
        wrote = conn.write(std::string(50u << 20, 'x')) ? 1 : 0;  // a 50 MB line without a newline
    });
    RawClient client(server.port());
    REQUIRE(client.send_all("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(eventually([&] { return writing.load(); }));
    std::this_thread::sleep_for(100ms);  // let send() fill the socket buffers and block
    server.stop();
    CHECK(wrote == 0);
}

TEST_CASE("stop() with an idle client holding its connection open", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) { conn.write(json_response(200, "{}")); });
    RawClient idle(server.port());                 // connected, never sends
    RawClient half(server.port());                 // half a request
    REQUIRE(half.send_all("GET /half HTTP/1.1\r\nHost: x\r\n"));
    RawClient served(server.port());               // served, then keeps the connection
    REQUIRE(served.send_all("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK(served.read_until("{}").find("HTTP/1.1 200 OK") == 0);
    REQUIRE(eventually([&] { return server.connections() == 3; }));
    server.stop();
    CHECK(idle.read_to_eof());
    CHECK(served.read_to_eof());
}

TEST_CASE("100,000 response header lines are delivered", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) {
        std::vector<std::pair<std::string, std::string>> headers;
        headers.reserve(100000);
        for (int i = 0; i < 99999; ++i) headers.emplace_back("X-" + std::to_string(i), "v");
        headers.emplace_back("X-Last", "done");
        conn.write(http_response(503, headers, "busy"));
    });

    SECTION("every line reaches the client") {
        RawClient client(server.port());
        REQUIRE(client.send_all("GET /many HTTP/1.1\r\nHost: x\r\n\r\n"));
        const std::string got = client.read_until("\r\n\r\nbusy");
        CHECK(got.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
        std::size_t lines = 0;
        for (std::size_t p = got.find("\r\n"); p != std::string::npos; p = got.find("\r\n", p + 2)) ++lines;
        CHECK(lines == 1 + 100000 + 1 + 1);  // status line, 100,000 headers, Content-Length, blank line
        CHECK(got.find("\r\nX-Last: done\r\nContent-Length: 4\r\n\r\nbusy") != std::string::npos);
    }

    SECTION("curl sees the 503 (and the last header, if its header cap allows)") {
        // libcurl 8.3+ and Debian's patched 7.88.1 (CVE-2023-38039) refuse more than 300 KiB of
        // response headers with CURLE_RECV_ERROR ("Too large response headers"); 100,000 lines can
        // never fit in that (even "a:\r\n" is 4 bytes). Older libcurl delivers them all.
        const CurlResult r = get(server.base_url() + "/many", 60000);
        INFO(curl_easy_strerror(r.code));
        CHECK(r.status == 503);
        CHECK(r.headers.front() == "HTTP/1.1 503 Service Unavailable\r\n");
        if (r.code == CURLE_OK) {
            CHECK(has_line(r, "X-Last: done"));
            CHECK(r.headers.size() == 1 + 100000 + 1 + 1);
            CHECK(r.body == "busy");
        } else {
            CHECK(r.code == CURLE_RECV_ERROR);
            CHECK(r.headers.size() > 10000);  // it got well into them before giving up
        }
    }
}

TEST_CASE("requests are recorded: method, target, lower-cased headers, body", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        conn.write(json_response(200, R"({"echo":")" + req.body + "\"}"));
    });
    Curl curl;
    curl.add_header("X-Custom-Thing:   Some Value  ");
    curl.add_header("Content-Type: application/json");
    const std::string payload = "payload";
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    const CurlResult a = curl.perform(server.base_url() + "/data/records?limit=5&q=a%20b");
    REQUIRE(a.code == CURLE_OK);
    CHECK(a.body == R"({"echo":"payload"})");

    curl_easy_setopt(curl.get(), CURLOPT_HTTPGET, 1L);
    REQUIRE(curl.perform(server.base_url() + "/other").code == CURLE_OK);

    REQUIRE(server.requests() == 2);
    const std::vector<RawRequest> seen = server.seen();
    REQUIRE(seen.size() == 2);
    const RawRequest& r = seen[0];
    CHECK(r.method == "POST");
    CHECK(r.target == "/data/records?limit=5&q=a%20b");
    CHECK(r.path() == "/data/records");
    CHECK(r.body == "payload");
    CHECK(r.header("x-custom-thing") == "Some Value");
    CHECK(r.header("X-CUSTOM-THING") == "Some Value");
    CHECK(r.header("content-length") == "7");
    CHECK(r.header("absent").empty());
    bool found = false;
    for (const auto& h : r.headers) {
        CHECK(h.first == hostile_detail::to_lower(h.first));
        if (h.first == "x-custom-thing") found = true;
    }
    CHECK(found);
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].target == "/other");
    CHECK(seen[1].body.empty());
    CHECK(server.requests_to("/data") == 1);
    CHECK(server.requests_to("/data/records") == 1);
    CHECK(server.requests_to("/") == 2);
    CHECK(server.requests_to("/nothing") == 0);
}

TEST_CASE("Expect: 100-continue is answered before the body is read", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        conn.write(json_response(200, std::to_string(req.body.size())));
    });
    Curl curl;
    curl.add_header("Expect: 100-continue");
    const std::string payload(200000, 'p');
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    curl_easy_setopt(curl.get(), CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);  // would stall 30 s without the 100
    const auto start = std::chrono::steady_clock::now();
    const CurlResult r = curl.perform(server.base_url() + "/upload", 60000);
    REQUIRE(r.code == CURLE_OK);
    CHECK(std::chrono::steady_clock::now() - start < 20s);
    CHECK(r.body == "200000");
    CHECK(has_line(r, "HTTP/1.1 100 Continue"));
    CHECK(server.seen().at(0).header("expect") == "100-continue");
}

TEST_CASE("a chunked request body is decoded", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) { conn.write(json_response(200, "{}")); });
    RawClient client(server.port());
    REQUIRE(client.send_all("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n"));
    CHECK(client.read_until("{}").find("HTTP/1.1 200 OK") == 0);
    REQUIRE(server.seen().size() == 1);
    CHECK(server.seen()[0].body == "hello world");
}

TEST_CASE("a handler that does not answer: the next request on the connection is read", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        if (req.path() == "/answer") conn.write(http_response(200, {}, "second"));
    });
    RawClient client(server.port());
    REQUIRE(client.send_all("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(eventually([&] { return server.requests() == 1; }));
    REQUIRE(client.send_all("GET /answer HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK(client.read_until("second").find("second") != std::string::npos);
    CHECK(server.requests() == 2);
    CHECK(server.connections() == 1);
}

TEST_CASE("pipelined requests and a missing body", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        conn.write(http_response(200, {}, "<" + req.body + ">"));
    });
    RawClient client(server.port());
    REQUIRE(client.send_all("POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                            "DELETE /2 HTTP/1.1\r\n\r\n"
                            "PUT /3 HTTP/1.1\nContent-Length: 1\n\nz"));
    const std::string got = client.read_until("<z>");
    CHECK(got.find("<abc>") != std::string::npos);
    CHECK(got.find("<>") != std::string::npos);
    CHECK(got.find("<z>") != std::string::npos);
    const auto seen = server.seen();
    REQUIRE(seen.size() == 3);
    CHECK(seen[1].method == "DELETE");
    CHECK(seen[1].body.empty());
    CHECK(seen[2].method == "PUT");
}

TEST_CASE("an oversized header block or body closes the connection", "[hostile]") {
    HostileServer server([](const RawRequest&, RawConnection& conn) { conn.write(json_response(200, "{}")); });
    {
        RawClient client(server.port());
        client.send_all("GET / HTTP/1.1\r\nX-Big: " + std::string(2u << 20, 'a') + "\r\n\r\n");
        std::string out;
        client.read_to_eof(&out);  // EOF or reset, but no response
        CHECK(out.empty());
    }
    {
        RawClient client(server.port());
        REQUIRE(client.send_all("POST / HTTP/1.1\r\nContent-Length: 67108865\r\n\r\n"));
        std::string out;
        CHECK(client.read_to_eof(&out));
        CHECK(out.empty());
    }
    {
        RawClient client(server.port());
        REQUIRE(client.send_all("GET / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n"));
        std::string out;
        CHECK(client.read_to_eof(&out));
        CHECK(out.empty());
    }
    CHECK(server.requests() == 0);
}

TEST_CASE("wait_for_peer_close sees the client give up", "[hostile]") {
    std::atomic<int> peer_closed{-1};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        conn.write(http_head(200, {{"Content-Type", "text/event-stream"}}) + "data: x\n\n");
        peer_closed = conn.wait_for_peer_close(20s) ? 1 : 0;
    });
    const CurlResult r = get(server.base_url() + "/events", 300);
    CHECK(r.code == CURLE_OPERATION_TIMEDOUT);
    REQUIRE(eventually([&] { return peer_closed.load() != -1; }, 15s));
    CHECK(peer_closed == 1);
}

TEST_CASE("wait_for_peer_close times out, and returns false on stop", "[hostile]") {
    std::atomic<int> first{-1};
    std::atomic<int> second{-1};
    HostileServer server([&](const RawRequest&, RawConnection& conn) {
        first = conn.wait_for_peer_close(50ms) ? 1 : 0;
        second = conn.wait_for_peer_close(60s) ? 1 : 0;
    });
    RawClient client(server.port());
    REQUIRE(client.send_all("GET / HTTP/1.1\r\n\r\n"));
    REQUIRE(eventually([&] { return first.load() != -1; }));
    server.stop();
    CHECK(first == 0);
    CHECK(second == 0);
}

TEST_CASE("no fds or threads are leaked", "[hostile]") {
    // Warm up curl (it may keep process-wide state) before counting.
    { HostileServer warm([](const RawRequest&, RawConnection& conn) { conn.write(json_response(200, "{}")); });
      get(warm.base_url() + "/"); }
    const std::size_t fds_before = count_dir_entries("/proc/self/fd");
    const std::size_t threads_before = count_dir_entries("/proc/self/task");
    {
        HostileServer server([](const RawRequest& req, RawConnection& conn) {
            if (req.path() == "/reset") return conn.reset();
            if (req.path() == "/close") return conn.close();
            conn.write(json_response(200, "{}"));
        });
        for (int i = 0; i < 20; ++i) {
            get(server.base_url() + "/ok");
            get(server.base_url() + "/reset");
            get(server.base_url() + "/close");
        }
        RawClient held(server.port());
        REQUIRE(eventually([&] { return server.connections() == 61; }));
        CHECK(count_dir_entries("/proc/self/task") > threads_before);
    }
    CHECK(count_dir_entries("/proc/self/fd") == fds_before);
    CHECK(count_dir_entries("/proc/self/task") == threads_before);
}

TEST_CASE("many concurrent clients", "[hostile]") {
    HostileServer server([](const RawRequest& req, RawConnection& conn) {
        conn.sleep_for(10ms);
        conn.write(json_response(200, "\"" + req.path() + "\""));
    });
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
        clients.emplace_back([&, i] {
            Curl curl;
            for (int j = 0; j < 5; ++j) {
                const std::string path = "/c" + std::to_string(i) + "/" + std::to_string(j);
                const CurlResult r = curl.perform(server.base_url() + path);
                if (r.code == CURLE_OK && r.body == "\"" + path + "\"") ++ok;
            }
        });
    for (auto& t : clients) t.join();
    CHECK(ok == 80);
    CHECK(server.requests() == 80);
    CHECK(server.requests_to("/c3/") == 5);
}

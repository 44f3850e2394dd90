// TLS over real libcurl: a loopback HTTPS server with a certificate from a test CA.
#include "catch.hpp"

#include <centrali/client.hpp>

#include <curl/curl.h>

#include <httplib.h>

#include <atomic>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace {

const std::string kTlsDir = CENTRALI_TLS_DIR;
constexpr const char* kToken = "tls-secret-token-123";

/// A minimal HTTPS Centrali: one record route, and a redirect to another (plain) server.
struct HttpsServer {
    httplib::SSLServer server{(kTlsDir + "/server.pem").c_str(), (kTlsDir + "/server.key").c_str()};
    std::thread thread;
    std::string address;
    int port = 0;

    explicit HttpsServer(std::string redirect_to = {}, std::string bind_address = "127.0.0.1") : address(std::move(bind_address)) {
        server.Get(R"(/data/workspace/acme/api/v1/records/slug/orders/(.+))", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(R"({"data":{"id":")" + req.matches[1].str() + R"(","data":{"secure":true}}})", "application/json");
        });
        server.Get("/data/workspace/acme/api/v1/records/slug/moved/1", [redirect_to](const httplib::Request&, httplib::Response& res) {
            res.status = 302;
            res.set_header("Location", redirect_to);
        });
        server.set_tcp_nodelay(true);
        port = server.bind_to_any_port(address);
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~HttpsServer() {
        server.stop();
        thread.join();
    }
    centrali::ClientOptions options() const {
        centrali::ClientOptions o;
        o.base_url = "https://" + address + ":" + std::to_string(port);
        o.workspace = "acme";
        o.token = kToken;
        o.retry.max_attempts = 1;
        return o;
    }
};

/// A plain server that counts what reaches it (the other host of a redirect).
struct Recorder {
    httplib::Server server;
    std::thread thread;
    std::atomic<int> hits{0};
    std::atomic<int> with_credentials{0};
    int port = 0;
    Recorder() {
        server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
            ++hits;
            if (req.has_header("Authorization") || req.has_header("x-api-key")) ++with_credentials;
            res.set_content("{}", "application/json");
        });
        port = server.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Recorder() {
        server.stop();
        thread.join();
    }
};

/// The TransportError one GET through `options` raises.
centrali::TransportError transport_error_of(const centrali::ClientOptions& options) {
    centrali::Client client(options);
    try {
        client.records().get("orders", "1");
    } catch (const centrali::TransportError& e) {
        return e;
    }
    FAIL("expected a TransportError");
    throw std::logic_error("unreachable");
}

bool says(const centrali::TransportError& e, std::string_view text) {
    return std::string_view(e.what()).find(text) != std::string_view::npos;
}

}  // namespace

// With the system CA certificates installed the test CA is simply not trusted (60); without them
// (a minimal Debian root has no ca-certificates) there is no store at all (77). Either way the
// message says what to do, and it is not retried.
TEST_CASE("a self-signed server is rejected by default with a clear error", "[integration][tls][fault]") {
    HttpsServer https;
    const auto e = transport_error_of(https.options());
    CHECK((e.curl_code() == CURLE_PEER_FAILED_VERIFICATION || e.curl_code() == CURLE_SSL_CACERT_BADFILE));
    CHECK_FALSE(e.connect_failed());
    CHECK_FALSE(e.retryable());
    CHECK(says(e, "certificate"));
    CHECK(says(e, "tls.ca_file"));
    CHECK(says(e, "ca-certificates"));
    CHECK_FALSE(says(e, kToken));
}

TEST_CASE("no CA certificates to load (77) names the package and the options that fix it", "[integration][tls][fault]") {
    HttpsServer https;
    auto options = https.options();
    options.tls.ca_file = kTlsDir + "/no-such-bundle.pem";
    const auto e = transport_error_of(options);
    CHECK(e.curl_code() == CURLE_SSL_CACERT_BADFILE);
    CHECK_FALSE(e.retryable());
    CHECK(says(e, "no CA certificates could be loaded"));
    CHECK(says(e, "apt-get install ca-certificates"));
    CHECK(says(e, "tls.ca_file"));
    CHECK(says(e, "tls.ca_dir"));
}

TEST_CASE("an untrusted certificate chain (60) says to give the server's CA", "[integration][tls][fault]") {
    HttpsServer https;
    auto options = https.options();
    options.tls.ca_file = kTlsDir + "/other-ca.pem";  // a valid CA, but not the one that signed the server
    const auto e = transport_error_of(options);
    CHECK(e.curl_code() == CURLE_PEER_FAILED_VERIFICATION);
    CHECK_FALSE(e.retryable());
    CHECK(says(e, "not trusted"));
    CHECK(says(e, "tls.ca_file"));
    CHECK_FALSE(says(e, "host name"));
}

// 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1 and localhost.
TEST_CASE("a certificate for another host name (60) says so, not that the CA is missing", "[integration][tls][fault]") {
    HttpsServer https({}, "127.0.0.2");
    auto options = https.options();
    options.tls.ca_file = kTlsDir + "/ca.pem";
    const auto e = transport_error_of(options);
    CHECK(e.curl_code() == CURLE_PEER_FAILED_VERIFICATION);
    CHECK_FALSE(e.retryable());
    CHECK(says(e, "another host name"));
    CHECK(says(e, "base_url"));
    CHECK_FALSE(says(e, "not trusted"));
}

TEST_CASE("a handshake failure (35) points at base_url's scheme and port", "[integration][tls][fault]") {
    Recorder plain_http;  // answers the ClientHello with an HTTP error, not TLS
    centrali::ClientOptions options;
    options.base_url = "https://127.0.0.1:" + std::to_string(plain_http.port);
    options.workspace = "acme";
    options.token = kToken;
    options.retry.max_attempts = 1;
    const auto e = transport_error_of(options);
    CHECK(e.curl_code() == CURLE_SSL_CONNECT_ERROR);
    CHECK(says(e, "TLS handshake failed"));
    CHECK(says(e, "speak HTTPS"));
    CHECK(plain_http.with_credentials == 0);
}

TEST_CASE("the server is accepted when its CA is given", "[integration][tls]") {
    HttpsServer https;
    auto options = https.options();
    options.tls.ca_file = kTlsDir + "/ca.pem";
    centrali::Client client(options);
    const auto record = client.records().get("orders", "42");
    CHECK(record.id == "42");
    CHECK(record.data["secure"] == true);
}

TEST_CASE("turning verification off works and is logged as a warning", "[integration][tls]") {
    HttpsServer https;
    auto options = https.options();
    options.tls.insecure_disable_verification = true;
    std::vector<std::pair<centrali::LogLevel, std::string>> lines;
    options.logger = [&lines](centrali::LogLevel level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
    centrali::Client client(options);
    CHECK(client.records().get("orders", "7").id == "7");
    bool warned = false;
    for (const auto& [level, line] : lines) warned |= level == centrali::LogLevel::warning && line.find("DISABLED") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("a redirect to another host is not followed, so credentials stay home", "[integration][tls][secrets]") {
    Recorder other;
    HttpsServer https("http://localhost:" + std::to_string(other.port) + "/steal");
    auto options = https.options();
    options.tls.ca_file = kTlsDir + "/ca.pem";
    centrali::Client client(options);
    try {
        client.records().get("moved", "1");
        FAIL("expected an ApiError for the 302");
    } catch (const centrali::ApiError& e) {
        CHECK(e.status() == 302);
    }
    CHECK(other.hits == 0);
    CHECK(other.with_credentials == 0);

    // The same with a publishable key, which libcurl would otherwise carry across hosts.
    options.token.clear();
    options.publishable_key = "pk_live_tls_key_987";
    centrali::Client keyed(options);
    CHECK_THROWS_AS(keyed.records().get("moved", "1"), centrali::ApiError);
    CHECK(other.hits == 0);
}

TEST_CASE("a certificate failure is not retried", "[integration][tls][fault]") {
    HttpsServer https;
    auto options = https.options();
    options.retry.max_attempts = 3;
    options.retry.initial_delay = std::chrono::milliseconds(1);
    std::vector<std::string> failures;
    options.logger = [&failures](centrali::LogLevel, std::string_view line) {
        if (line.find(" failed: ") != std::string_view::npos) failures.emplace_back(line);
    };
    centrali::Client client(options);
    try {
        client.records().get("orders", "1");
        FAIL("expected a TransportError");
    } catch (const centrali::TransportError& e) {
        CHECK_FALSE(e.retryable());
    }
    REQUIRE(failures.size() == 1);  // one attempt: sending again cannot fix a certificate
    CHECK(failures[0].find("(attempt 1)") != std::string::npos);
}

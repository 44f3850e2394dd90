// What a hostile or broken server does to the token fetch, async calls and secrets, over real
// HTTP from a raw-socket server on loopback (tests/support/hostile_server.hpp). Each case is a
// failure found by trying the SDK as an outsider would; see issue "One core for every request".

#include "catch.hpp"
#include "emulator_fixture.hpp"
#include "fake_transport.hpp"
#include "hostile_server.hpp"

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using centrali_test::HostileServer;
using centrali_test::RawConnection;
using centrali_test::RawRequest;
using nlohmann::json;

namespace {

constexpr const char* kToken = "tok-HOSTILE-5f2e9a";
constexpr const char* kSecret = "sk/SECRET+123-hostile";  // '/' and '+' change when percent-encoded

centrali::ClientOptions options_for(const HostileServer& server) {
    centrali::ClientOptions options;
    options.base_url = server.base_url();
    options.workspace = "acme";
    options.retry.initial_delay = 1ms;
    options.retry.max_delay = 5ms;
    return options;
}

centrali::ClientOptions service_account(const HostileServer& server) {
    auto options = options_for(server);
    options.client_id = "ci_hostile";
    options.client_secret = kSecret;
    return options;
}

std::string record_body(const std::string& id) { return json{{"data", {{"id", id}, {"data", {{"n", 1}}}}}}.dump(); }

bool is_token_request(const RawRequest& request) { return request.path() == "/oidc/token"; }

/// What a hostile token endpoint does while it "stalls": nothing, until the test ends.
void stall(RawConnection& connection) { connection.sleep_for(10min); }

bool mentions(const std::string& text, const std::string& secret) { return text.find(secret) != std::string::npos; }

}  // namespace

// ---- the token fetch and deadlines --------------------------------------------------------

TEST_CASE("a call's timeout covers the wait for a stalled token endpoint", "[integration][fault][auth]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        if (is_token_request(request)) return stall(connection);
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    centrali::Client client(service_account(server));
    centrali::CallOptions call;
    call.timeout = 300ms;
    try {
        client.records().get("orders", "r1", {}, call);
        FAIL("the call should have reached its time limit");
    } catch (const centrali::TransportError& e) {
        CHECK(e.timed_out());
    }
    CHECK(server.requests_to("/data/") == 0);  // nothing was sent without a token
}

TEST_CASE("an access_token with CR LF is refused, never sent as a header", "[integration][fault][auth]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        if (is_token_request(request)) {
            connection.write(centrali_test::json_response(
                200, json{{"access_token", "abc\r\nX-Injected: 1"}, {"expires_in", 3600}}.dump()));
            return;
        }
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    centrali::Client client(service_account(server));
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::DecodeError);
    for (const auto& request : server.seen()) CHECK(request.header("x-injected").empty());
    CHECK(server.requests_to("/data/") == 0);
}

TEST_CASE("expires_in sent as a string is read, and the token is kept", "[integration][fault][auth]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        if (is_token_request(request)) {
            connection.write(centrali_test::json_response(200, json{{"access_token", kToken}, {"expires_in", "3600"}}.dump()));
            return;
        }
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    centrali::Client client(service_account(server));
    for (int i = 0; i < 20; ++i) CHECK(client.records().get("orders", "r1").id == "r1");
    CHECK(server.requests_to("/oidc/token") == 1);
    for (const auto& request : server.seen())
        if (!is_token_request(request)) CHECK(request.header("authorization") == std::string("Bearer ") + kToken);
}

// ---- async ---------------------------------------------------------------------------------

TEST_CASE("destroying the Client ends async calls waiting for a stalled token with Cancelled",
          "[integration][fault][async][auth]") {
    std::promise<void> fetch_seen;
    std::once_flag once;
    HostileServer server([&](const RawRequest& request, RawConnection& connection) {
        if (is_token_request(request)) {
            std::call_once(once, [&] { fetch_seen.set_value(); });
            return stall(connection);
        }
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    std::vector<std::future<centrali::Record>> pending;
    {
        centrali::Client client(service_account(server));
        for (int i = 0; i < 4; ++i) pending.push_back(client.records().get_async("orders", "r1"));
        // The fetch is under way before the Client goes.
        REQUIRE(fetch_seen.get_future().wait_for(10s) == std::future_status::ready);
    }
    for (auto& future : pending) CHECK_THROWS_AS(future.get(), centrali::Cancelled);
    CHECK(server.requests_to("/oidc/token") == 1);  // one fetch, shared, never repeated
}

TEST_CASE("an async call's timeout covers a stalled token fetch", "[integration][fault][async][auth]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        if (is_token_request(request)) return stall(connection);
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    centrali::Client client(service_account(server));
    centrali::CallOptions call;
    call.timeout = 300ms;
    auto future = client.records().get_async("orders", "r1", {}, call);
    try {
        future.get();
        FAIL("the call should have reached its time limit");
    } catch (const centrali::TransportError& e) {
        CHECK(e.timed_out());
    }
}

TEST_CASE("async calls keep their connections: no more than the connection limit are opened",
          "[integration][fault][async][connections]") {
    centrali_test::LiveEmulator emu;
    auto options = emu.token_options();
    options.async_max_connections = 16;
    centrali::Client client(options);
    const auto record = client.records().create("orders", {{"n", 1}});
    emu.server.clear_requests();
    const std::size_t before = emu.server.connections();
    for (int round = 0; round < 10; ++round) {
        std::vector<std::future<centrali::Record>> batch;
        for (int i = 0; i < 48; ++i) batch.push_back(client.records().get_async("orders", record.id));
        for (auto& future : batch) CHECK(future.get().id == record.id);
    }
    // 480 calls, at most 16 at once: the cache keeps those 16 open between batches.
    CHECK(emu.server.connections() - before <= 16);
}

namespace {
/// A transport of the user's own (no make_async of its own): blocking libcurl, one easy handle
/// per call.
class PlainCurlTransport final : public centrali::Transport {
public:
    centrali::HttpResponse send(const centrali::HttpRequest& request) override {
        CURL* curl = curl_easy_init();
        centrali::HttpResponse response;
        curl_slist* headers = nullptr;
        for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
        curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* data, std::size_t size, std::size_t count, void* out) {
            static_cast<std::string*>(out)->append(data, size * count);
            return size * count;
        });
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
        const CURLcode code = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        if (code != CURLE_OK) throw centrali::TransportError("plain transport failed", code, false, false);
        response.status = static_cast<int>(status);
        return response;
    }
};
}  // namespace

TEST_CASE("a custom transport's async calls run concurrently, up to the connection limit",
          "[integration][fault][async]") {
    std::mutex mutex;
    std::condition_variable all_in;
    int in_flight = 0, most = 0;
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            most = (std::max)(most, ++in_flight);
            all_in.notify_all();
            // Held until 4 are in at once (or a while passed: then the test's CHECK says so).
            all_in.wait_for(lock, 5s, [&] { return most >= 4; });
        }
        connection.write(centrali_test::json_response(200, record_body("r1")));
        std::lock_guard<std::mutex> lock(mutex);
        --in_flight;
    });
    auto options = options_for(server);
    options.token = kToken;
    options.transport = std::make_shared<PlainCurlTransport>();
    options.async_max_connections = 8;
    centrali::Client client(options);
    std::vector<std::future<centrali::Record>> calls;
    for (int i = 0; i < 8; ++i) calls.push_back(client.records().get_async("orders", "r1"));
    for (auto& call : calls) CHECK(call.get().id == "r1");
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(most >= 4);
}

// ---- secrets -------------------------------------------------------------------------------

TEST_CASE("a 2xx non-JSON answer whose x-request-id echoes the token leaks it nowhere", "[integration][fault][secrets]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(centrali_test::http_response(200, {{"Content-Type", "text/plain"}, {"X-Request-Id", kToken}},
                                                      std::string("oops ") + kToken));
    });
    auto options = options_for(server);
    options.token = kToken;
    centrali::Client client(options);
    try {
        client.records().get("orders", "r1");
        FAIL("expected a DecodeError");
    } catch (const centrali::DecodeError& e) {
        CHECK_FALSE(mentions(e.request_id(), kToken));
        CHECK_FALSE(mentions(e.what(), kToken));
        CHECK_FALSE(mentions(e.message(), kToken));
        CHECK(e.status() == 200);
    }
}

TEST_CASE("a 2xx JSON of the wrong shape quoting the token leaks it nowhere", "[integration][fault][secrets]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(centrali_test::json_response(200, json{{"data", std::string("token is ") + kToken}}.dump()));
    });
    auto options = options_for(server);
    options.token = kToken;
    centrali::Client client(options);
    try {
        client.records().get("orders", "r1");
        FAIL("expected a DecodeError");
    } catch (const centrali::DecodeError& e) {
        CHECK_FALSE(mentions(e.what(), kToken));
        CHECK(mentions(e.what(), "REDACTED"));
    }
}

TEST_CASE("a token endpoint echoing the form body does not leak the percent-encoded secret",
          "[integration][fault][secrets][auth]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        // Echoes what it received, as some proxies' error pages do, in a JSON error and a header.
        connection.write(centrali_test::json_response(400, json{{"message", "bad form: " + request.body},
                                                                {"details", {{"form", request.body}}}}
                                                               .dump(),
                                                      {{"X-Request-Id", request.body}}));
    });
    centrali::Client client(service_account(server));
    const std::string encoded = centrali::detail::percent_encode(kSecret);
    REQUIRE(encoded != kSecret);
    try {
        client.records().get("orders", "r1");
        FAIL("expected the token fetch's error");
    } catch (const centrali::ApiError& e) {
        for (const std::string& field : {std::string(e.what()), e.message(), e.code(), e.request_id(), e.details().dump(),
                                         e.body_snippet()}) {
            CHECK_FALSE(mentions(field, kSecret));
            CHECK_FALSE(mentions(field, encoded));
        }
    }
}

// ---- elsewhere -----------------------------------------------------------------------------

TEST_CASE("an error answer with 60,000 header lines is read by the names the SDK needs", "[integration][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        std::string head = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n";
        head.reserve(400'000);
        for (int i = 0; i < 60'000; ++i) head += "a:b\r\n";  // 5 bytes: under libcurl's 300 KiB cap
        const std::string body = json{{"message", "no such record"}, {"code", "RECORD_NOT_FOUND"}}.dump();
        head += "X-Request-Id: req-last\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        connection.write(head);
    });
    auto options = options_for(server);
    options.token = kToken;
    centrali::Client client(options);
    try {
        client.records().get("orders", "r1");
        FAIL("expected NotFound");
    } catch (const centrali::NotFound& e) {
        CHECK(e.code() == "RECORD_NOT_FOUND");
        CHECK(e.request_id() == "req-last");
    }
}

TEST_CASE("Retry-After with leading zeros is read as its value", "[integration][fault][retry]") {
    std::atomic<int> served{0};
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        if (served++ == 0) {
            connection.write(centrali_test::http_response(503, {{"Retry-After", "0000000001"}}, ""));
            return;
        }
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    auto options = options_for(server);
    options.token = kToken;
    centrali_test::FakeClock fake;
    options.clock = fake.clock();
    centrali::Client client(options);
    CHECK(client.records().get("orders", "r1").id == "r1");
    CHECK(fake.slept() == std::vector<std::chrono::milliseconds>{1000ms});
}

TEST_CASE("setting a token while other threads make calls is race-free", "[integration][fault][auth]") {
    // Under ThreadSanitizer this is the check: the credential mode used to be read unlocked.
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(centrali_test::json_response(200, record_body("r1")));
    });
    centrali::Client client(options_for(server));  // no credentials yet
    std::atomic<bool> go{false};
    std::thread setter([&] {
        while (!go) std::this_thread::yield();
        for (int i = 0; i < 50; ++i) client.set_token(std::string(kToken) + std::to_string(i));
    });
    int ok = 0;
    go = true;
    for (int i = 0; i < 50; ++i) {
        try {
            client.records().get("orders", "r1");
            ++ok;
        } catch (const centrali::Error&) {
        }
    }
    setter.join();
    CHECK(ok == 50);
}

// The start call answers a run without an id: the wait must end with a typed error, not poll a
// route with an empty segment, and not throw on the event loop's thread (which terminates).
TEST_CASE("an orchestration start answered without a run id ends the wait with DecodeError", "[integration][fault][orchestrations]") {
    std::atomic<int> requests{0};
    HostileServer server([&requests](const RawRequest&, RawConnection& connection) {
        ++requests;
        connection.write(centrali_test::json_response(200, json{{"data", {{"status", "pending"}}}}.dump()));
    });
    centrali::Client client(options_for(server));
    centrali::WaitOptions wait;
    wait.deadline = std::chrono::seconds(10);
    CHECK_THROWS_AS(client.orchestrations().start_and_wait("orch-1", json::object(), wait), centrali::DecodeError);
    auto future = client.orchestrations().start_and_wait_async("orch-1", json::object(), wait);
    CHECK_THROWS_AS(future.get(), centrali::DecodeError);
    CHECK(requests == 2);  // one start each, and no poll
}

// ---- tolerant models over the wire ---------------------------------------------------------

TEST_CASE("a page whose one item has an odd member still decodes over real HTTP, in every area",
          "[integration][fault][records][compute][orchestrations][admin]") {
    HostileServer server([](const RawRequest& request, RawConnection& connection) {
        const std::string path(request.path());
        json items;
        if (path.find("/records/") != std::string::npos)
            items = {{{"id", "r1"}, {"version", 1}, {"updatedBy", nullptr}}, {{"id", "r2"}, {"version", "2"}}};
        else if (path.find("/function-runs/") != std::string::npos)
            items = {{{"id", "run1"}}, {{"id", "run2"}, {"rerunCount", "2"}}};
        else if (path.find("/orchestrations") != std::string::npos)
            items = {{{"id", "o1"}}, {{"id", "o2"}, {"version", "2"}}};
        else
            items = {{{"id", "c1"}}, {{"id", "c2"}, {"enableVersioning", "yes"}}};
        connection.write(centrali_test::json_response(200, json{{"data", items}, {"meta", {{"total", 2}}}}.dump()));
    });
    auto options = options_for(server);
    options.token = kToken;
    centrali::Client client(options);

    const auto records = client.records().query("orders");  // the text reader gives up; the JSON path decodes
    REQUIRE(records.items.size() == 2);
    CHECK(records.items[0].sent_null("updatedBy"));
    CHECK_FALSE(records.items[1].version);
    CHECK(records.items[1].raw["version"] == "2");

    const auto runs = client.runs().list_by_function("f1");
    REQUIRE(runs.items.size() == 2);
    CHECK(runs.items[1].rerun_count == 0);
    CHECK(runs.items[1].raw["rerunCount"] == "2");

    const auto orchestrations = client.orchestrations().list();
    REQUIRE(orchestrations.items.size() == 2);
    CHECK_FALSE(orchestrations.items[1].version);
    CHECK(orchestrations.items[1].raw["version"] == "2");

    const auto collections = client.collections().list();
    REQUIRE(collections.items.size() == 2);
    CHECK_FALSE(collections.items[1].enable_versioning);
    CHECK(collections.items[1].raw["enableVersioning"] == "yes");
}

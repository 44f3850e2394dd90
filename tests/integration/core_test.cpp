// The request path over real libcurl against the in-process emulator on 127.0.0.1.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <future>

#include <centrali/detail/curl_transport.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace centrali_test;
using centrali_emulator::Fault;
using centrali_emulator::FaultKind;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
std::string header_seen(const centrali_emulator::SeenRequest& request, const std::string& name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
}

Fault fault(FaultKind kind, std::string method = {}, int status = 500) {
    Fault f;
    f.kind = kind;
    f.method = std::move(method);
    f.status = status;
    return f;
}
}  // namespace

TEST_CASE("a new token goes out on the next call over the same pooled handle", "[integration][auth]") {
    // The transport keeps each handle's header list while the headers stay the same; a token
    // change must still reach the wire, sync and async, and the right one after changing back.
    LiveEmulator emu;
    auto client = emu.client();
    const auto id = client.records().create("orders", {{"title", "t"}}).id;
    client.set_token("not-the-emulators-token");
    CHECK_THROWS_AS(client.records().get("orders", id), centrali::Unauthorized);
    CHECK_THROWS_AS(client.records().get_async("orders", id).get(), centrali::Unauthorized);
    client.set_token(kStaticToken);
    CHECK(client.records().get("orders", id).id == id);
    CHECK(client.records().get_async("orders", id).get().id == id);
    const auto seen = emu.server.requests();
    REQUIRE(seen.size() == 5);
    CHECK(header_seen(seen[1], "authorization") == "Bearer not-the-emulators-token");
    CHECK(header_seen(seen[3], "authorization") == std::string("Bearer ") + kStaticToken);
    CHECK(header_seen(seen[1], "expect").empty());
}

TEST_CASE("a static bearer token is accepted and sent as Authorization", "[integration][auth]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto record = client.records().create("orders", {{"title", "first"}});
    CHECK(record.created_by == "user");
    const auto seen = emu.server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(header_seen(seen[0], "authorization") == std::string("Bearer ") + kStaticToken);
    CHECK(header_seen(seen[0], "user-agent").empty());  // opt-in: ClientOptions::user_agent
    CHECK(header_seen(seen[0], "content-type") == "application/json");
}

TEST_CASE("a publishable key is sent as x-api-key", "[integration][auth]") {
    LiveEmulator emu;
    auto options = emu.bare_options();
    options.publishable_key = kPublishableKey;
    centrali::Client client(options);
    CHECK(client.records().create("orders", {{"title", "pk"}}).created_by == "publishable-key");
    const auto seen = emu.server.requests();
    CHECK(header_seen(seen.back(), "x-api-key") == kPublishableKey);
    CHECK(header_seen(seen.back(), "authorization").empty());
}

TEST_CASE("a service account fetches one token and uses it", "[integration][auth]") {
    LiveEmulator emu;
    centrali::Client client(emu.service_account_options());
    CHECK(client.records().create("orders", {{"n", 1}}).created_by == "service-account");
    client.records().query("orders");
    CHECK(emu.server.token_requests() == 1);
    REQUIRE(client.token().has_value());
    CHECK(client.token()->rfind("emu_at_", 0) == 0);
    const std::string fetched = client.fetch_service_account_token();
    CHECK(fetched != "");
    CHECK(emu.server.token_requests() == 2);
    CHECK(client.token() == std::optional<std::string>(fetched));

    // The same fetch without blocking: a future, and a callback on the event loop.
    const std::string from_future = client.fetch_service_account_token_async().get();
    CHECK(from_future.rfind("emu_at_", 0) == 0);
    CHECK(from_future != fetched);
    CHECK(emu.server.token_requests() == 3);
    std::promise<centrali::Result<std::string>> delivered;
    client.fetch_service_account_token_async({}, [&](centrali::Result<std::string> r) { delivered.set_value(std::move(r)); });
    auto result = delivered.get_future().get();
    REQUIRE(result.has_value());
    CHECK(client.token() == std::optional<std::string>(result.value()));
    CHECK(emu.server.token_requests() == 4);
}

TEST_CASE("an async token fetch with wrong credentials delivers Unauthorized", "[integration][auth][async]") {
    LiveEmulator emu;
    auto options = emu.service_account_options();
    options.client_secret = "sk_wrong_secret_value";
    centrali::Client client(options);
    auto future = client.fetch_service_account_token_async();
    CHECK_THROWS_AS(future.get(), centrali::Unauthorized);
}

TEST_CASE("wrong client credentials give Unauthorized from the token endpoint", "[integration][auth]") {
    LiveEmulator emu;
    auto options = emu.service_account_options();
    options.client_secret = "sk_wrong_secret_value";
    centrali::Client client(options);
    try {
        client.records().query("orders");
        FAIL("expected Unauthorized");
    } catch (const centrali::Unauthorized& e) {
        CHECK(e.status() == 401);
        CHECK(e.message() == "Invalid client credentials");
        CHECK(std::string(e.what()).find("sk_wrong_secret_value") == std::string::npos);
    }
}

TEST_CASE("an unknown or missing token is Unauthorized with the server's code", "[integration][auth][errors]") {
    LiveEmulator emu;
    auto options = emu.bare_options();
    options.token = "not-a-valid-token";
    centrali::Client client(options);
    try {
        client.records().query("orders");
        FAIL("expected Unauthorized");
    } catch (const centrali::Unauthorized& e) {
        CHECK(e.code() == "INVALID_TOKEN");
        CHECK(e.request_id().rfind("req-", 0) == 0);
    }
    centrali::Client anonymous(emu.bare_options());
    try {
        anonymous.records().query("orders");
        FAIL("expected Unauthorized");
    } catch (const centrali::Unauthorized& e) {
        CHECK(e.code() == "MISSING_TOKEN");
    }
}

TEST_CASE("an expired service-account token is refreshed once and the call replayed", "[integration][auth]") {
    LiveEmulator emu;
    centrali::Client client(emu.service_account_options());
    client.records().create("orders", {{"n", 1}});
    CHECK(emu.server.token_requests() == 1);
    emu.server.expire_all_tokens();
    CHECK(client.records().create("orders", {{"n", 2}}).data["n"] == 2);
    CHECK(emu.server.token_requests() == 2);
    CHECK(emu.server.record_count("orders") == 2);  // the rejected create was not applied, the replay was
}

TEST_CASE("16 threads share one token fetch", "[integration][auth]") {
    LiveEmulator emu;
    centrali::Client client(emu.service_account_options());
    CHECK(succeed_in_threads(16, [&] { client.records().query("orders"); }) == 16);
    CHECK(emu.server.token_requests() == 1);

    // And again after every token expired: one refresh for all of them.
    emu.server.expire_all_tokens();
    CHECK(succeed_in_threads(16, [&] { client.records().query("orders"); }) == 16);
    CHECK(emu.server.token_requests() == 2);
}

TEST_CASE("error statuses over the wire map to their classes", "[integration][errors]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.retry.max_attempts = 1;
    centrali::Client client(options);

    CHECK_THROWS_AS(client.records().query("orders", centrali::RecordQuery().page_size(-1).param("pageSize", "0")),
                    centrali::BadRequest);
    CHECK_THROWS_AS(client.records().get("orders", "no-such-id"), centrali::NotFound);
    const auto record = client.records().create("orders", {{"n", 1}});
    CHECK_THROWS_AS(client.records().restore("orders", record.id), centrali::Conflict);

    emu.server.inject(fault(FaultKind::Status, "GET", 403));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::Forbidden);
    emu.server.inject(fault(FaultKind::Status, "GET", 409));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::Conflict);
    emu.server.inject(fault(FaultKind::Status, "GET", 422));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::Unprocessable);
    emu.server.inject(fault(FaultKind::Status, "GET", 500));
    try {
        client.records().query("orders");
        FAIL("expected ServerError");
    } catch (const centrali::ServerError& e) {
        CHECK(e.code() == "INJECTED");
        CHECK(e.status() == 500);
    }
    auto rate = fault(FaultKind::Status, "GET", 429);
    rate.retry_after = "7";
    emu.server.inject(rate);
    try {
        client.records().query("orders");
        FAIL("expected RateLimited");
    } catch (const centrali::RateLimited& e) {
        CHECK(e.retry_after() == milliseconds(7000));
    }
}

TEST_CASE("HTML, non-JSON and empty bodies give clear typed errors", "[integration][errors]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.retry.max_attempts = 1;
    centrali::Client client(options);

    emu.server.inject(fault(FaultKind::Html, "GET", 502));
    try {
        client.records().query("orders");
        FAIL("expected ServerError");
    } catch (const centrali::ServerError& e) {
        CHECK(e.status() == 502);
        CHECK(e.body_snippet().find("<html>") != std::string::npos);
    }
    emu.server.inject(fault(FaultKind::NonJson, "GET", 500));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::ServerError);
    emu.server.inject(fault(FaultKind::NonJson, "GET", 200));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
    emu.server.inject(fault(FaultKind::EmptyOk, "GET"));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
    emu.server.inject(fault(FaultKind::Truncate, "GET"));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
    emu.server.inject(fault(FaultKind::MalformedShape, "GET"));
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
    // The client is still healthy afterwards.
    CHECK(client.records().query("orders").empty());
}

TEST_CASE("connection refused is a TransportError that says it never connected", "[integration][errors]") {
    int port = 0;
    {
        LiveEmulator emu;  // learn a free port, then close it
        port = emu.server.port();
    }
    centrali::ClientOptions options;
    options.base_url = "http://127.0.0.1:" + std::to_string(port);
    options.workspace = "acme";
    options.token = kStaticToken;
    options.retry.max_attempts = 2;
    options.retry.initial_delay = milliseconds(1);
    centrali::Client client(options);
    try {
        client.records().query("orders");
        FAIL("expected TransportError");
    } catch (const centrali::TransportError& e) {
        CHECK(e.connect_failed());
        CHECK_FALSE(e.timed_out());
        CHECK(e.status() == 0);
        CHECK(e.curl_code() == 7);
    }
}

TEST_CASE("a response slower than the timeout is a timed-out TransportError", "[integration][errors]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.retry.max_attempts = 1;
    centrali::Client client(options);
    auto slow = fault(FaultKind::Delay, "GET");
    slow.delay_ms = 1500;
    emu.server.inject(slow);
    centrali::CallOptions call;
    call.timeout = milliseconds(200);
    try {
        client.records().query("orders", {}, call);
        FAIL("expected TransportError");
    } catch (const centrali::TransportError& e) {
        CHECK(e.timed_out());
        CHECK(e.curl_code() == 28);
    }
}

TEST_CASE("GETs are retried through 503s; POSTs are not, and are not applied twice", "[integration][retry]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto busy = fault(FaultKind::Status, "GET", 503);
    busy.times = 2;
    emu.server.inject(busy);
    CHECK(client.records().query("orders").empty());
    CHECK(emu.server.requests().size() == 3);

    emu.server.clear_requests();
    emu.server.inject(fault(FaultKind::Status, "POST", 503));
    CHECK_THROWS_AS(client.records().create("orders", {{"n", 1}}), centrali::ServerError);
    CHECK(emu.server.requests().size() == 1);
    CHECK(emu.server.record_count("orders") == 0);

    // The server applied the create but the connection died before the answer: reported,
    // never resent, so exactly one record exists.
    auto cut = fault(FaultKind::Reset, "POST");
    cut.apply_after_handling = true;
    emu.server.inject(cut);
    CHECK_THROWS_AS(client.records().create("orders", {{"n", 2}}), centrali::TransportError);
    CHECK(emu.server.record_count("orders") == 1);
}

TEST_CASE("a 503 with Retry-After is waited for and then succeeds", "[integration][retry]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    std::vector<milliseconds> slept;
    options.clock.sleep = [&slept](milliseconds d, const centrali::CancelToken&) { slept.push_back(d); };
    centrali::Client client(options);
    auto busy = fault(FaultKind::Status, "GET", 503);
    busy.retry_after = "1";
    emu.server.inject(busy);
    CHECK(client.records().query("orders").empty());
    CHECK(slept == std::vector<milliseconds>{milliseconds(1000)});
}

TEST_CASE("sequential calls reuse one TCP connection", "[integration][connections]") {
    LiveEmulator emu;
    auto client = emu.client();
    for (int i = 0; i < 50; ++i) client.records().query("orders");
    CHECK(emu.server.connections() == 1);
}

TEST_CASE("threads sharing a Client open no more connections than they run at once", "[integration][connections]") {
    LiveEmulator emu;
    auto client = emu.client();
    client.records().query("orders");  // this thread's connection, idle when the workers start
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t)
        workers.emplace_back([&client] {
            for (int i = 0; i < 25; ++i) client.records().query("orders");
        });
    for (auto& worker : workers) worker.join();
    client.records().query("orders");
    // At most four in use at once; the first one's idle handle is taken up by a worker rather
    // than left aside for the thread that made it.
    CHECK(emu.server.connections() <= 4);
}

TEST_CASE("a cancel token aborts a call that is waiting on a slow server", "[integration][cancel]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto slow = fault(FaultKind::Delay, "GET");
    slow.delay_ms = 3000;
    emu.server.inject(slow);
    centrali::CallOptions call;
    std::thread canceller([token = call.cancel] {
        std::this_thread::sleep_for(milliseconds(100));
        token.cancel();
    });
    // Without cancellation the call would succeed after 3 s; it must end in Cancelled instead.
    CHECK_THROWS_AS(client.records().query("orders", {}, call), centrali::Cancelled);
    canceller.join();
}

// Response headers come from libcurl's header API (7.83+) after the transfer, or from a per-line
// callback where that API is missing; both must give the same request ids and Retry-After.
TEST_CASE("request ids and Retry-After arrive through either way of reading response headers",
          "[integration][errors][async]") {
    for (const bool header_callback : {false, true}) {
        CAPTURE(header_callback);
        LiveEmulator emu;
        auto options = emu.token_options();
        options.retry.max_attempts = 1;
        centrali::detail::CurlTransportOptions transport;
        transport.header_callback = header_callback;
        options.transport = std::make_shared<centrali::detail::CurlTransport>(transport);
        centrali::Client client(options);

        // An error page without a JSON body: the request id comes from the header alone.
        emu.server.inject(fault(FaultKind::Html, "GET", 502));
        try {
            client.records().query("orders");
            FAIL("expected ServerError");
        } catch (const centrali::ServerError& e) {
            CHECK(e.request_id().rfind("req-", 0) == 0);
        }
        // A 2xx that does not decode still names its request.
        emu.server.inject(fault(FaultKind::NonJson, "GET", 200));
        try {
            client.records().query("orders");
            FAIL("expected DecodeError");
        } catch (const centrali::DecodeError& e) {
            CHECK(e.request_id().rfind("req-", 0) == 0);
        }
        auto rate = fault(FaultKind::Status, "GET", 429);
        rate.retry_after = "7";
        emu.server.inject(rate);
        try {
            client.records().query_async("orders").get();
            FAIL("expected RateLimited");
        } catch (const centrali::RateLimited& e) {
            CHECK(e.retry_after() == milliseconds(7000));
            CHECK(e.request_id().rfind("req-", 0) == 0);
        }
        // Headers are not mistaken for body bytes on either path.
        const auto record = client.records().create("orders", {{"n", 1}});
        CHECK(client.records().get_async("orders", record.id).get().id == record.id);
        CHECK(client.records().get("orders", record.id).data["n"] == 1);
    }
}

// Sequential calls share one pooled easy handle, which sets an option only when it differs
// from the handle's last request: a GET after a POST must not resend the body, and a timeout
// set for one call must not stick to the next.
TEST_CASE("one pooled handle switches methods, bodies and timeouts between calls", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto record = client.records().create("orders", {{"n", 1}});
    CHECK(client.records().get("orders", record.id).data["n"] == 1);
    client.records().update("orders", record.id, {{"n", 2}});
    centrali::CallOptions quick;
    quick.timeout = milliseconds(200);
    emu.server.inject([] {
        Fault slow = fault(FaultKind::Delay, "GET");
        slow.delay_ms = 600;
        slow.times = 3;  // every attempt
        return slow;
    }());
    CHECK_THROWS_AS(client.records().get("orders", record.id, {}, quick), centrali::TransportError);
    // The next call has the default 60 s timeout again: a 600 ms delay is no failure.
    emu.server.inject([] {
        Fault slow = fault(FaultKind::Delay, "GET");
        slow.delay_ms = 600;
        return slow;
    }());
    CHECK(client.records().get("orders", record.id).data["n"] == 2);
    client.records().remove("orders", record.id);
    CHECK(client.records().query("orders").empty());
    // A multipart upload, then a plain GET on the same handle: no body, no multipart left over.
    centrali::UploadOptions upload;
    upload.folder = "/root/shared";
    upload.file_name = "small.txt";
    CHECK(client.files().upload_bytes("hello", upload).size == 5);
    CHECK(client.records().query("orders").empty());

    const auto seen = emu.server.requests();
    std::vector<std::string> methods;
    for (const auto& request : seen) methods.push_back(request.method);
    // The call's 200 ms limit covers all its attempts: the timed-out GET is not tried again.
    CHECK(methods == std::vector<std::string>{"POST", "GET", "PATCH", "GET", "GET", "DELETE", "GET", "POST", "GET"});
    for (const auto& request : seen)
        if (request.method == "GET" || request.method == "DELETE") {
            CHECK(request.body.empty());
            CHECK(request.headers.count("content-type") == 0);
        }
}

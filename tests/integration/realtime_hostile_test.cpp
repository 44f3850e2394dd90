// Realtime against a hostile server (tests/support/hostile_server.hpp): streams that end at once,
// answers that are not event streams, retry: values, 50 MB lines, deep nesting, tokens refused
// after renewal, stalls in every state, and secrets echoed back. Reconnect delays are read from
// the Clock's sleep hook, so the tests see each wait without waiting it.

#include "catch.hpp"
#include "emulator_fixture.hpp"
#include "fake_transport.hpp"
#include "hostile_server.hpp"
#include "realtime_recorder.hpp"

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
using centrali_test::RealtimeRecorder;
using milliseconds = std::chrono::milliseconds;
using nlohmann::json;

namespace {

constexpr const char* kToken = "tok-STREAM-7c1d04";
const std::string kEventStream = centrali_test::http_head(200, {{"Content-Type", "text/event-stream"}, {"Connection", "close"}});

std::string event(int id) {
    return "id: " + std::to_string(id) + "\ndata: " +
           json{{"event", "record_created"}, {"recordSlug", "orders"}, {"recordId", "r" + std::to_string(id)}}.dump() +
           "\n\n";
}

/// Records every reconnect delay the subscription asks its Clock to sleep, returning at once;
/// after `limit` of them it holds the subscription in the last one until it is stopped.
struct SleepRecorder {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<milliseconds> delays;
    std::size_t limit;

    explicit SleepRecorder(std::size_t hold_after) : limit(hold_after) {}

    centrali::Clock clock() {
        centrali::Clock clock;
        clock.sleep = [this](milliseconds delay, const centrali::CancelToken& cancel) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                delays.push_back(delay);
                changed.notify_all();
                if (delays.size() < limit) return;
            }
            while (!cancel.is_cancelled()) std::this_thread::sleep_for(1ms);
        };
        clock.random = [] { return 1.0; };  // jitter at its top: each delay is exactly its cap
        return clock;
    }
    bool wait_for(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex);
        return changed.wait_for(lock, 20s, [&] { return delays.size() >= n; });
    }
    std::vector<milliseconds> first(std::size_t n) {
        std::lock_guard<std::mutex> lock(mutex);
        return std::vector<milliseconds>(delays.begin(), delays.begin() + static_cast<long>(n));
    }
};

centrali::ClientOptions options_for(const HostileServer& server, const centrali::Clock& clock = {}) {
    centrali::ClientOptions options;
    options.base_url = server.base_url();
    options.workspace = "acme";
    options.token = kToken;
    options.clock = clock;
    return options;
}

/// Reconnect settings that make the growth visible: 1 s base, 100 ms floor, 30 s cap.
centrali::SubscribeOptions subscribe_options(RealtimeRecorder& recorder) {
    auto options = recorder.options();
    options.initial_reconnect_delay = 1000ms;
    options.min_reconnect_delay = 100ms;
    options.max_reconnect_delay = 30'000ms;
    return options;
}

bool mentions(const std::string& text, const std::string& secret) { return text.find(secret) != std::string::npos; }

}  // namespace

TEST_CASE("a stream that opens and ends at once: every reconnect waits, longer each time",
          "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(kEventStream + ": hello\n\n");
        connection.close();
    });
    SleepRecorder sleeps(6);
    centrali::Client client(options_for(server, sleeps.clock()));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(sleeps.wait_for(6));
    CHECK(sleeps.first(6) == std::vector<milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 16000ms, 30000ms});
    subscription.stop();
    CHECK(server.requests() == 6);  // one connection per wait, not thousands
}

TEST_CASE("a 200 that is not an event stream is a failed attempt", "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(centrali_test::http_response(200, {{"Content-Type", "text/html"}}, "<html>maintenance</html>"));
    });
    SleepRecorder sleeps(3);
    centrali::Client client(options_for(server, sleeps.clock()));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(sleeps.wait_for(3));
    CHECK(sleeps.first(3) == std::vector<milliseconds>{1000ms, 2000ms, 4000ms});
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    REQUIRE_FALSE(recorder.errors.empty());
    CHECK(recorder.errors.front().code == "NOT_AN_EVENT_STREAM");
    CHECK_FALSE(recorder.errors.front().fatal);
    CHECK(recorder.connects == 0);
}

TEST_CASE("the server's retry: is the base of every reconnect delay", "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(kEventStream + "retry: 2000\n\n");
        connection.close();
    });
    SleepRecorder sleeps(3);
    centrali::Client client(options_for(server, sleeps.clock()));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(sleeps.wait_for(3));
    CHECK(sleeps.first(3) == std::vector<milliseconds>{2000ms, 4000ms, 8000ms});
}

TEST_CASE("retry: 0, then 503 forever: the waits start at the floor and grow", "[integration][realtime][fault]") {
    std::atomic<int> connections{0};
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        if (connections++ == 0) {
            connection.write(kEventStream + "retry: 0\n\n");
            connection.close();
            return;
        }
        connection.write(centrali_test::json_response(503, R"({"message":"busy"})"));
    });
    SleepRecorder sleeps(4);
    centrali::Client client(options_for(server, sleeps.clock()));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(sleeps.wait_for(4));
    CHECK(sleeps.first(4) == std::vector<milliseconds>{100ms, 200ms, 400ms, 800ms});
}

TEST_CASE("retry: 500, then a clean close after events: each reconnect waits the server's delay",
          "[integration][realtime][fault]") {
    std::atomic<int> connections{0};
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        const int n = ++connections;
        connection.write(kEventStream + "retry: 500\n\n" + event(n));
        connection.close();
    });
    SleepRecorder sleeps(3);
    centrali::Client client(options_for(server, sleeps.clock()));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(sleeps.wait_for(3));
    CHECK(sleeps.first(3) == std::vector<milliseconds>{500ms, 500ms, 500ms});
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    CHECK(recorder.events.size() == 3);
}

TEST_CASE("a 50 MB line is skipped with EVENT_TOO_LARGE and the stream goes on", "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(kEventStream + "id: 1\ndata: ");
        const std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 50; ++i)
            if (!connection.write(chunk)) return;
        connection.write("\n\n" + event(2));
        connection.sleep_for(10min);
    });
    centrali::Client client(options_for(server));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(recorder.wait([&] { return !recorder.events.empty(); }));
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    REQUIRE(recorder.errors.size() == 1);
    CHECK(recorder.errors[0].code == "EVENT_TOO_LARGE");
    CHECK_FALSE(recorder.errors[0].fatal);
    CHECK(recorder.events[0].record_id == "r2");
    CHECK(subscription.last_event_id() == "2");
}

TEST_CASE("an event nested 200,000 deep is a DECODE_ERROR, not a crash", "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        // Inside an event object, where decoding it would copy it recursively.
        connection.write(kEventStream + R"(data: {"event":"record_created","recordId":"deep","data":)" +
                         std::string(200'000, '[') + std::string(200'000, ']') + "}\n\n" + event(2));
        connection.sleep_for(10min);
    });
    centrali::Client client(options_for(server));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(recorder.wait([&] { return !recorder.events.empty(); }));
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    REQUIRE(recorder.errors.size() == 1);
    CHECK(recorder.errors[0].code == "DECODE_ERROR");
    CHECK(recorder.events[0].record_id == "r2");
}

TEST_CASE("a renewed token refused again backs off, then ends the subscription with a fatal error",
          "[integration][realtime][fault][auth]") {
    std::atomic<int> issued{0};
    HostileServer server([&](const RawRequest& request, RawConnection& connection) {
        if (request.path() == "/oidc/token") {
            connection.write(centrali_test::json_response(
                200, json{{"access_token", "sa-token-" + std::to_string(++issued)}, {"expires_in", 3600}}.dump()));
            return;
        }
        connection.write(centrali_test::json_response(401, R"({"code":"TOKEN_EXPIRED","message":"Token expired"})"));
    });
    SleepRecorder sleeps(1000);  // never holds: every wait returns at once
    centrali::ClientOptions options;
    options.base_url = server.base_url();
    options.workspace = "acme";
    options.client_id = "ci_stream";
    options.client_secret = "sk_stream_secret";
    options.clock = sleeps.clock();
    centrali::Client client(options);
    RealtimeRecorder recorder;
    auto subscribe = subscribe_options(recorder);
    subscribe.max_token_refusals = 3;
    auto subscription = client.realtime().subscribe(subscribe);
    REQUIRE(recorder.wait([&] { return !recorder.errors.empty() && recorder.errors.back().fatal; }));
    CHECK(subscription.is_stopped());
    std::lock_guard<std::mutex> lock(recorder.mutex);
    REQUIRE(recorder.errors.size() == 2);  // the first refusal is answered by a renewal, silently
    CHECK(recorder.errors[0].code == "TOKEN_EXPIRED");
    CHECK_FALSE(recorder.errors[0].fatal);
    CHECK(recorder.errors[1].fatal);
    CHECK(issued == 3);  // one token per attempt: every refusal got a fresh one
    for (const auto& error : recorder.errors) CHECK_FALSE(mentions(error.message, "sa-token-"));
}

TEST_CASE("stop() returns promptly while the token endpoint stalls", "[integration][realtime][fault][auth]") {
    std::promise<void> fetching;
    std::once_flag once;
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        std::call_once(once, [&] { fetching.set_value(); });
        connection.sleep_for(10min);
    });
    centrali::ClientOptions options;
    options.base_url = server.base_url();
    options.workspace = "acme";
    options.client_id = "ci_stream";
    options.client_secret = "sk_stream_secret";
    centrali::Client client(options);
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(fetching.get_future().wait_for(10s) == std::future_status::ready);
    subscription.stop();  // would wait for the stalled fetch if it could not cancel it
    CHECK(subscription.is_stopped());
    std::lock_guard<std::mutex> lock(recorder.mutex);
    CHECK(recorder.errors.empty());
}

TEST_CASE("stop() returns promptly while connecting to a server that never answers", "[integration][realtime][fault]") {
    std::promise<void> asked;
    std::once_flag once;
    HostileServer server([&](const RawRequest&, RawConnection& connection) {
        std::call_once(once, [&] { asked.set_value(); });
        connection.sleep_for(10min);
    });
    centrali::Client client(options_for(server));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(asked.get_future().wait_for(10s) == std::future_status::ready);
    subscription.stop();
    CHECK(subscription.is_stopped());
}

TEST_CASE("stop() returns promptly in a long back-off, and destroying the Client ends a subscription",
          "[integration][realtime][fault]") {
    HostileServer server([](const RawRequest&, RawConnection& connection) {
        connection.write(centrali_test::json_response(503, R"({"message":"busy"})"));
    });
    RealtimeRecorder recorder;
    auto subscription = [&] {
        centrali::Client client(options_for(server));
        auto options = subscribe_options(recorder);
        options.initial_reconnect_delay = 600'000ms;  // ten minutes: only stop() ends this wait
        auto running = client.realtime().subscribe(options);
        REQUIRE(recorder.wait([&] { return !recorder.errors.empty(); }));
        CHECK_FALSE(running.is_stopped());
        return running;  // the Client goes here, and takes the subscription with it
    }();
    CHECK(subscription.is_stopped());
    subscription.stop();
}

TEST_CASE("a 403 or an event: error echoing the token leaks it nowhere", "[integration][realtime][fault][secrets]") {
    std::atomic<int> connections{0};
    HostileServer server([&](const RawRequest& request, RawConnection& connection) {
        const std::string echoed = request.header("authorization");
        if (connections++ == 0) {
            connection.write(kEventStream + "event: error\ndata: " +
                             json{{"code", "E_" + echoed}, {"message", "bad " + echoed}}.dump() + "\n\n");
            connection.close();
            return;
        }
        connection.write(centrali_test::json_response(
            403, json{{"code", "FORBIDDEN " + echoed}, {"message", "you sent " + echoed}}.dump(),
            {{"X-Request-Id", echoed}}));
    });
    centrali::Client client(options_for(server));
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(subscribe_options(recorder));
    REQUIRE(recorder.wait([&] { return recorder.errors.size() >= 2; }));
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    for (const auto& error : recorder.errors) {
        CHECK_FALSE(mentions(error.code, kToken));
        CHECK_FALSE(mentions(error.message, kToken));
    }
    CHECK(recorder.errors[1].http_status == 403);
    CHECK(recorder.errors[1].fatal);
}

TEST_CASE("over plain http to a non-loopback host the stream never carries the credential",
          "[integration][realtime][fault][auth]") {
    centrali_test::UnitClient unit;
    unit.options.base_url = "http://centrali.example";  // not https, not loopback
    auto client = unit.make();
    RealtimeRecorder recorder;
    auto subscription = client.realtime().subscribe(recorder.options());
    REQUIRE(recorder.wait([&] { return !recorder.errors.empty(); }));
    CHECK(subscription.is_stopped());
    subscription.stop();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    CHECK(recorder.errors.size() == 1);
    CHECK(recorder.errors[0].code == "CONFIGURATION_ERROR");
    CHECK(recorder.errors[0].fatal);
    CHECK(unit.transport->stream_requests().empty());
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::ConfigurationError);
}

TEST_CASE("realtime fault matrix: every transient fault is survived, typed, non-fatal and secret-free",
          "[integration][realtime][fault]") {
    using centrali_emulator::Fault;
    using centrali_emulator::FaultKind;
    struct Case {
        const char* name;
        Fault fault;
        const char* code;  ///< the error the subscription reports
        int http_status;   ///< and its status: 0 when no answer came
    };
    auto make = [](FaultKind kind, int status = 500, std::string retry_after = {}) {
        Fault f;
        f.kind = kind;
        f.method = "GET";
        f.path_contains = "/realtime/";
        f.status = status;
        f.retry_after = std::move(retry_after);
        f.times = 2;
        return f;
    };
    const std::vector<Case> cases = {
        {"reset", make(FaultKind::Reset), "CONNECTION_FAILED", 0},
        {"500", make(FaultKind::Status, 500), "INJECTED", 500},
        {"503 Retry-After", make(FaultKind::Status, 503, "1"), "INJECTED", 503},
        {"429", make(FaultKind::Status, 429, "0"), "INJECTED", 429},
        {"HTML 502", make(FaultKind::Html, 502), "HTTP_502", 502},
        {"non-JSON 200", make(FaultKind::NonJson, 200), "NOT_AN_EVENT_STREAM", 200},
        {"empty 200", make(FaultKind::EmptyOk), "NOT_AN_EVENT_STREAM", 200},
        {"delay", [&] {
             Fault f = make(FaultKind::Delay);
             f.delay_ms = 300;
             return f;
         }(), nullptr, 0},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        centrali_test::LiveEmulator emu;
        SleepRecorder sleeps(1000);  // back-off waits return at once
        auto options = emu.token_options();
        options.clock = sleeps.clock();
        centrali::Client client(options);
        emu.server.inject(c.fault);
        RealtimeRecorder recorder;
        auto subscription = client.realtime().subscribe(subscribe_options(recorder));
        REQUIRE(recorder.wait([&] { return recorder.connects >= 1; }));
        const auto record = client.records().create("orders", {{"n", 1}});
        REQUIRE(recorder.wait([&] { return !recorder.events.empty(); }));
        subscription.stop();
        std::lock_guard<std::mutex> lock(recorder.mutex);
        CHECK(recorder.events.size() == 1);
        CHECK(recorder.events[0].record_id == record.id);
        if (c.code) {
            REQUIRE(recorder.errors.size() == 2);  // one per faulted attempt
            for (const auto& error : recorder.errors) {
                CHECK(error.code == c.code);
                CHECK(error.http_status == c.http_status);
                CHECK_FALSE(error.fatal);
                CHECK_FALSE(mentions(error.message, centrali_test::kStaticToken));
            }
        } else {
            CHECK(recorder.errors.empty());  // a slow answer is no error
        }
    }
}

// client.realtime() over real libcurl against the emulator's SSE endpoint.
#include "catch.hpp"
#include "emulator_fixture.hpp"
#include "realtime_recorder.hpp"

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

using namespace centrali_test;
using centrali::RealtimeEventType;
using centrali::RealtimeRecordEvent;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

/// Reconnects quickly, but not in a busy loop: the emulator is a real server.
struct Recorder : RealtimeRecorder {
    Recorder() : RealtimeRecorder(milliseconds(20), milliseconds(100)) {}
};

/// Makes the emulator tell clients to reconnect after `retry_ms` and ping every 100 ms, so
/// that reconnects and watchdogs happen within a test's time.
void speed_up_realtime(LiveEmulator& emu, int retry_ms) {
    centrali_emulator::RealtimeOptions realtime;
    realtime.retry_ms = retry_ms;
    realtime.ping_interval_ms = 100;
    emu.server.set_realtime_options(realtime);
}

}  // namespace

TEST_CASE("each event type arrives, with before and after on updates", "[integration][realtime]") {
    LiveEmulator emu;
    speed_up_realtime(emu, 20);
    auto client = emu.client();
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.connects == 1; }));
    CHECK(subscription.is_connected());

    const auto order = client.records().create("orders", {{"status", "pending"}, {"total", 42}});
    client.records().update("orders", order.id, {{"status", "shipped"}});
    client.records().remove("orders", order.id);
    REQUIRE(rec.wait([&] { return rec.events.size() == 3; }));

    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.events[0].event == RealtimeEventType::record_created);
    CHECK(rec.events[0].record_id == order.id);
    CHECK(rec.events[0].record_slug == "orders");
    CHECK(rec.events[0].workspace_slug == "acme");
    CHECK(rec.events[0].data == json{{"status", "pending"}, {"total", 42}});
    CHECK_FALSE(rec.events[0].created_by.empty());
    CHECK_FALSE(rec.events[0].timestamp.empty());
    CHECK(rec.events[1].event == RealtimeEventType::record_updated);
    CHECK(rec.events[1].before() == json{{"status", "pending"}, {"total", 42}});
    CHECK(rec.events[1].after() == json{{"status", "shipped"}, {"total", 42}});
    CHECK(rec.events[2].event == RealtimeEventType::record_deleted);
    CHECK(std::stoll(rec.events[2].id) > std::stoll(rec.events[0].id));
    CHECK(rec.errors.empty());
}

TEST_CASE("structures, events and CFL filters are honoured", "[integration][realtime]") {
    LiveEmulator emu;
    auto client = emu.client();
    Recorder rec;
    auto options = rec.options();
    options.structures = {"orders"};
    options.events = {RealtimeEventType::record_updated};
    options.filter = "data.after.status:shipped";
    auto subscription = client.realtime().subscribe(options);
    REQUIRE(rec.wait([&] { return rec.connects == 1; }));

    const auto other = client.records().create("invoices", {{"status", "pending"}});
    client.records().update("invoices", other.id, {{"status", "shipped"}});  // other collection
    const auto a = client.records().create("orders", {{"status", "pending"}});  // a create
    client.records().update("orders", a.id, {{"status", "packed"}});            // filtered out
    client.records().update("orders", a.id, {{"status", "shipped"}});           // the one
    // A second matching event: the stream is ordered, so anything filtered wrongly would arrive
    // before it.
    const auto b = client.records().create("orders", {{"status", "pending"}});
    client.records().update("orders", b.id, {{"status", "shipped"}});
    REQUIRE(rec.wait([&] { return rec.events.size() >= 2; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    REQUIRE(rec.events.size() == 2);
    CHECK(rec.events[0].after()["status"] == "shipped");
    CHECK(rec.events[0].record_id == a.id);
    CHECK(rec.events[1].record_id == b.id);
}

TEST_CASE("a stream cut mid-event 20 times delivers every event exactly once", "[integration][realtime]") {
    LiveEmulator emu;
    speed_up_realtime(emu, 10);
    auto client = emu.client();
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.connects == 1; }));

    emu.server.cut_next_events(20);
    std::vector<std::string> ids;
    for (int i = 0; i < 40; ++i) ids.push_back(client.records().create("orders", {{"i", i}}).id);
    REQUIRE(rec.wait([&] { return rec.events.size() >= 40; }, milliseconds(30'000)));
    // One more, after the cuts: a duplicate of any of the 40 would arrive before it.
    ids.push_back(client.records().create("orders", {{"i", 40}}).id);
    REQUIRE(rec.wait([&] {
        for (const auto& e : rec.events)
            if (e.record_id == ids.back()) return true;
        return false;
    }));

    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.events.size() == 41);  // none duplicated
    std::set<std::string> seen;
    for (const auto& e : rec.events) seen.insert(e.record_id);
    CHECK(seen.size() == 41);  // none lost
    for (const auto& id : ids) CHECK(seen.count(id) == 1);
    for (std::size_t i = 1; i < rec.events.size(); ++i) CHECK(std::stoll(rec.events[i].id) > std::stoll(rec.events[i - 1].id));
    CHECK(emu.server.stream_connections() >= 21);
    // Every reconnect resumed from the last complete event.
    const auto resumed = emu.server.stream_last_event_ids();
    int with_id = 0;
    for (const auto& id : resumed) with_id += !id.empty();
    CHECK(with_id >= 20);
    CHECK(rec.errors.empty());
}

TEST_CASE("the watchdog drops a silent stream and reconnects", "[integration][realtime]") {
    LiveEmulator emu;
    auto client = emu.client();
    emu.server.silence_next_streams(1);
    Recorder rec;
    auto options = rec.options();
    options.idle_timeout = milliseconds(500);
    auto subscription = client.realtime().subscribe(options);
    REQUIRE(rec.wait([&] { return rec.connects >= 2; }));  // the silent one, then a live one
    client.records().create("orders", {{"n", 1}});
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    CHECK(emu.server.stream_connections() >= 2);
}

TEST_CASE("the server's one-hour close is followed by a silent reconnect", "[integration][realtime]") {
    LiveEmulator emu;
    auto client = emu.client();
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.connects == 1; }));
    client.records().create("orders", {{"n", 1}});
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    emu.server.close_all_streams();
    REQUIRE(rec.wait([&] { return rec.connects == 2; }));
    client.records().create("orders", {{"n", 2}});
    REQUIRE(rec.wait([&] { return rec.events.size() == 2; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.disconnects.size() == 1);
    CHECK(rec.errors.empty());
}

TEST_CASE("fatal errors stop the subscription with the right code", "[integration][realtime]") {
    SECTION("INVALID_TOKEN") {
        LiveEmulator emu;
        auto options = emu.bare_options();
        options.token = "not-a-real-token";
        centrali::Client client(options);
        Recorder rec;
        auto subscription = client.realtime().subscribe(rec.options());
        REQUIRE(rec.wait([&] { return !rec.errors.empty(); }));
        CHECK(subscription.is_stopped());
        std::lock_guard<std::mutex> lock(rec.mutex);
        CHECK(rec.errors[0].code == "INVALID_TOKEN");
        CHECK(rec.errors[0].http_status == 401);
        CHECK(rec.errors[0].fatal);
        CHECK(emu.server.stream_connections() == 0);
    }
    SECTION("WORKSPACE_MISMATCH") {
        LiveEmulator emu;
        auto options = emu.token_options();
        options.workspace = "someone-else";
        centrali::Client client(options);
        Recorder rec;
        auto subscription = client.realtime().subscribe(rec.options());
        REQUIRE(rec.wait([&] { return !rec.errors.empty(); }));
        std::lock_guard<std::mutex> lock(rec.mutex);
        CHECK(rec.errors[0].code == "WORKSPACE_MISMATCH");
        CHECK(rec.errors[0].http_status == 403);
        CHECK(rec.errors.size() == 1);
    }
}

TEST_CASE("TOKEN_EXPIRED makes a service account fetch a new token and reconnect", "[integration][realtime]") {
    LiveEmulator emu;
    centrali::Client client(emu.service_account_options());
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.connects == 1; }));
    CHECK(emu.server.token_requests() == 1);

    emu.server.expire_all_tokens();
    emu.server.close_all_streams();  // the reconnect presents the expired token first
    REQUIRE(rec.wait([&] { return rec.connects == 2; }));
    CHECK(emu.server.token_requests() == 2);
    client.records().create("orders", {{"n", 1}});
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.errors.empty());
}

TEST_CASE("stop() from inside a callback, and destroying a subscription while it reconnects", "[integration][realtime]") {
    LiveEmulator emu;
    auto client = emu.client();
    {
        Recorder rec;
        auto options = rec.options();
        centrali::Subscription subscription;
        std::atomic<bool> assigned{false};
        std::atomic<int> delivered{0};
        std::promise<void> first_delivered;
        options.on_event = [&](const RealtimeRecordEvent&) {
            while (!assigned) std::this_thread::yield();
            if (++delivered == 1) first_delivered.set_value();
            subscription.stop();
        };
        subscription = client.realtime().subscribe(options);
        assigned = true;
        REQUIRE(rec.wait([&] { return rec.connects == 1; }));
        client.records().bulk_create("orders", {{{"n", 1}}, {{"n", 2}}, {{"n", 3}}});
        REQUIRE(first_delivered.get_future().wait_for(std::chrono::seconds(15)) == std::future_status::ready);
        subscription.stop();  // waits for the thread the callback's stop() left to finish
        CHECK(subscription.is_stopped());
        CHECK(delivered == 1);
    }
    {
        centrali_emulator::Fault down;
        down.kind = centrali_emulator::FaultKind::Status;
        down.status = 503;
        down.path_contains = "/realtime/";
        down.times = 1000;
        emu.server.inject(down);
        Recorder rec;
        auto options = rec.options();
        options.initial_reconnect_delay = milliseconds(60'000);
        options.max_reconnect_delay = milliseconds(60'000);
        auto subscription = client.realtime().subscribe(options);
        REQUIRE(rec.wait([&] { return !rec.errors.empty(); }));
    }  // destroyed while sleeping before the next reconnect: returns at once
    SUCCEED("the destructor returned");
}

TEST_CASE("twenty subscriptions on one Client each get every event", "[integration][realtime]") {
    LiveEmulator emu;
    auto client = emu.client();
    std::vector<std::unique_ptr<Recorder>> recorders;
    std::vector<centrali::Subscription> subscriptions;
    for (int i = 0; i < 20; ++i) {
        recorders.push_back(std::make_unique<Recorder>());
        subscriptions.push_back(client.realtime().subscribe(recorders.back()->options()));
    }
    for (auto& rec : recorders) REQUIRE(rec->wait([&] { return rec->connects == 1; }));
    client.records().create("orders", {{"n", 1}});
    client.records().create("orders", {{"n", 2}});
    for (auto& rec : recorders) CHECK(rec->wait([&] { return rec->events.size() == 2; }));
}

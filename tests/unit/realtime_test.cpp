// Unit tests of client.realtime() on a scripted streaming transport: the request, decoding,
// reconnection with Last-Event-ID, fatal errors, token renewal, stop from a callback.
#include "catch.hpp"
#include "fake_transport.hpp"
#include "realtime_recorder.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

using namespace centrali_test;
using centrali::RealtimeEventType;
using centrali::RealtimeRecordEvent;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

using Recorder = RealtimeRecorder;

std::string event_frame(const std::string& id, const json& payload) {
    return "id: " + id + "\nevent: message\ndata: " + payload.dump() + "\n\n";
}

json created(const std::string& record_id) {
    return {{"event", "record_created"}, {"workspaceSlug", "acme"}, {"recordSlug", "orders"}, {"recordId", record_id},
            {"data", {{"total", 1}}}, {"timestamp", "2026-01-01T00:00:00Z"}, {"createdBy", "u1"}};
}

std::string header_or_empty(const centrali::HttpRequest& r, const std::string& name) { return header_of(r, name); }

}  // namespace

TEST_CASE("subscribe sends the documented request and decodes record events", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript script;
    script.chunks = {"retry: 1\n: connected\n\n", event_frame("1", created("r1")).substr(0, 30),
                     event_frame("1", created("r1")).substr(30),
                     event_frame("2", {{"event", "record_updated"}, {"recordSlug", "orders"}, {"recordId", "r1"},
                                       {"data", {{"before", {{"s", "a"}}}, {"after", {{"s", "b"}}}}}, {"updatedBy", "u2"}})};
    script.end = StreamScript::End::hang;
    unit.transport->then_stream(script);

    Recorder rec;
    auto options = rec.options();
    options.structures = {"orders", "invoices"};
    options.events = {RealtimeEventType::record_created, RealtimeEventType::record_updated};
    options.filter = "data.status:shipped";
    auto subscription = client.realtime().subscribe(options);
    REQUIRE(rec.wait([&] { return rec.events.size() == 2; }));
    CHECK(subscription.is_connected());

    const auto request = unit.transport->stream_requests().at(0);
    CHECK(request.method == "GET");
    CHECK(request.url == "https://api.centrali.io/realtime/workspace/acme/events?structures=orders%2Cinvoices"
                         "&events=record_created%2Crecord_updated&filter=data.status%3Ashipped");
    CHECK(header_of(request, "Accept") == "text/event-stream");
    CHECK(header_of(request, "Authorization") == "Bearer tok-secret-123");
    CHECK(header_or_empty(request, "Last-Event-ID").empty());

    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.connects == 1);
    CHECK(rec.events[0].event == RealtimeEventType::record_created);
    CHECK(rec.events[0].record_id == "r1");
    CHECK(rec.events[0].data == json{{"total", 1}});
    CHECK(rec.events[0].created_by == "u1");
    CHECK(rec.events[0].id == "1");
    CHECK(rec.events[0].before().is_null());  // a create has no before/after
    CHECK(rec.events[0].after().is_null());
    CHECK(rec.events[1].before() == json{{"s", "a"}});
    CHECK(rec.events[1].after() == json{{"s", "b"}});
    CHECK(rec.events[1].updated_by == "u2");
    CHECK(subscription.last_event_id() == "2");
}

TEST_CASE("the token can go in the query when asked", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    Recorder rec;
    auto options = rec.options();
    options.token_in_query = true;
    auto subscription = client.realtime().subscribe(options);
    REQUIRE(unit.transport->wait_for_streams(1));
    CHECK(unit.transport->stream_requests()[0].url ==
          "https://api.centrali.io/realtime/workspace/acme/events?access_token=tok-secret-123");
}

TEST_CASE("a cut stream reconnects with Last-Event-ID and loses or repeats nothing", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript first;
    first.chunks = {event_frame("1", created("a")), event_frame("2", created("b")), "id: 3\ndata: {\"event\":\"rec"};
    first.end = StreamScript::End::fail;
    StreamScript second;  // the server replays after 2
    second.chunks = {event_frame("3", created("c")), event_frame("4", created("d"))};
    second.end = StreamScript::End::close;  // a clean close (the server's one-hour limit)
    StreamScript third;
    third.chunks = {event_frame("5", created("e"))};
    third.end = StreamScript::End::hang;
    unit.transport->then_stream(first);
    unit.transport->then_stream(second);
    unit.transport->then_stream(third);

    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.events.size() == 5; }));
    const auto requests = unit.transport->stream_requests();
    REQUIRE(requests.size() == 3);
    CHECK(header_of(requests[1], "Last-Event-ID") == "2");
    CHECK(header_of(requests[2], "Last-Event-ID") == "4");
    std::lock_guard<std::mutex> lock(rec.mutex);
    std::string ids;
    for (const auto& e : rec.events) ids += e.record_id;
    CHECK(ids == "abcde");
    CHECK(rec.connects == 3);
    CHECK(rec.disconnects.size() == 2);
    CHECK(rec.errors.empty());  // reconnects after an open stream are silent
}

TEST_CASE("fatal codes are reported once and end the subscription", "[unit][realtime]") {
    for (const auto& [status, code] : std::vector<std::pair<int, std::string>>{
             {401, "INVALID_TOKEN"}, {401, "MISSING_TOKEN"}, {403, "WORKSPACE_MISMATCH"}, {404, "NOT_FOUND"}}) {
        UnitClient unit;
        auto client = unit.make();
        StreamScript refused;
        refused.status = status;
        refused.chunks = {json{{"error", "x"}, {"message", "no tok-secret-123"}, {"code", code}}.dump()};
        unit.transport->then_stream(refused);
        Recorder rec;
        auto subscription = client.realtime().subscribe(rec.options());
        REQUIRE(rec.wait([&] { return !rec.errors.empty(); }));
        CHECK(subscription.is_stopped());  // a fatal error has ended it by the time it is reported
        CHECK_FALSE(subscription.is_connected());
        CHECK(unit.transport->stream_requests().size() == 1);
        std::lock_guard<std::mutex> lock(rec.mutex);
        REQUIRE(rec.errors.size() == 1);
        CHECK(rec.errors[0].code == code);
        CHECK(rec.errors[0].http_status == status);
        CHECK(rec.errors[0].fatal);
        CHECK(rec.errors[0].message.find("tok-secret-123") == std::string::npos);
    }
}

TEST_CASE("an error event inside the stream with a fatal code stops it", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript script;
    script.chunks = {event_frame("1", created("a")),
                     "event: error\ndata: {\"code\":\"WORKSPACE_MISMATCH\",\"message\":\"wrong workspace\"}\n\n",
                     event_frame("2", created("never"))};
    script.end = StreamScript::End::hang;
    unit.transport->then_stream(script);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return !rec.errors.empty(); }));
    CHECK(subscription.is_stopped());
    // The stream that was open ends too: on_disconnected pairs with the one on_connected.
    REQUIRE(rec.wait([&] { return !rec.disconnects.empty(); }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.events.size() == 1);
    CHECK(rec.errors.size() == 1);
    CHECK(rec.errors[0].code == "WORKSPACE_MISMATCH");
    CHECK(rec.errors[0].fatal);
    CHECK(rec.connects == 1);
    CHECK(rec.disconnects.size() == 1);
}

TEST_CASE("TOKEN_EXPIRED renews a service-account token and reconnects", "[unit][realtime]") {
    UnitClient unit;
    unit.options.token.clear();
    unit.options.client_id = "ci_x";
    unit.options.client_secret = "sk_y";
    auto client = unit.make();
    unit.transport->then_json(200, {{"access_token", "at-1"}, {"expires_in", 3600}});
    unit.transport->then_json(200, {{"access_token", "at-2"}, {"expires_in", 3600}});
    StreamScript expired;
    expired.status = 401;
    expired.chunks = {R"({"error":"Unauthorized","message":"Token expired","code":"TOKEN_EXPIRED"})"};
    StreamScript ok;
    ok.chunks = {event_frame("1", created("a"))};
    ok.end = StreamScript::End::hang;
    unit.transport->then_stream(expired);
    unit.transport->then_stream(ok);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    const auto streams = unit.transport->stream_requests();
    REQUIRE(streams.size() == 2);
    CHECK(header_of(streams[0], "Authorization") == "Bearer at-1");
    CHECK(header_of(streams[1], "Authorization") == "Bearer at-2");
    CHECK(unit.transport->count() == 2);  // two token fetches
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.errors.empty());
}

TEST_CASE("TOKEN_EXPIRED with a static token waits for set_token, then reconnects", "[unit][realtime]") {
    UnitClient unit;
    // Counts the subscription's waits for a new token (each returns at once: a fake clock).
    std::mutex waits_mutex;
    std::condition_variable waited;
    int waits = 0;
    unit.options.clock.sleep = [&](milliseconds, const centrali::CancelToken&) {
        std::lock_guard<std::mutex> lock(waits_mutex);
        ++waits;
        waited.notify_all();
    };
    auto client = unit.make();
    StreamScript expired;
    expired.status = 401;
    expired.chunks = {R"({"code":"TOKEN_EXPIRED","message":"Token expired"})"};
    StreamScript ok;
    ok.chunks = {event_frame("1", created("a"))};
    ok.end = StreamScript::End::hang;
    unit.transport->then_stream(expired);
    unit.transport->then_stream(ok);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.errors.size() == 1; }));
    {
        std::unique_lock<std::mutex> lock(waits_mutex);
        REQUIRE(waited.wait_for(lock, std::chrono::seconds(15), [&] { return waits >= 3; }));
    }
    CHECK(unit.transport->stream_requests().size() == 1);  // waiting, not hammering
    client.set_token("renewed-token-1");
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    CHECK(header_of(unit.transport->stream_requests()[1], "Authorization") == "Bearer renewed-token-1");
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK_FALSE(rec.errors[0].fatal);
}

TEST_CASE("transient failures back off and retry; 5xx and refused connections are reported", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript busy;
    busy.status = 503;
    busy.chunks = {"<html>busy</html>"};
    StreamScript ok;
    ok.chunks = {event_frame("1", created("a"))};
    ok.end = StreamScript::End::hang;
    unit.transport->then_stream(busy);
    unit.transport->then_stream(ok);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    REQUIRE(rec.errors.size() == 1);
    CHECK(rec.errors[0].http_status == 503);
    CHECK_FALSE(rec.errors[0].fatal);
}

TEST_CASE("stop() from inside a callback ends the subscription cleanly", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript script;
    script.chunks = {event_frame("1", created("a")) + event_frame("2", created("b")) + event_frame("3", created("c"))};
    script.end = StreamScript::End::hang;
    unit.transport->then_stream(script);
    Recorder rec;
    auto options = rec.options();
    centrali::Subscription subscription;
    std::atomic<int> delivered{0};
    std::atomic<bool> assigned{false};
    std::promise<void> first_delivered;
    options.on_event = [&](const RealtimeRecordEvent&) {
        while (!assigned) std::this_thread::yield();  // until `subscription` holds the handle
        if (++delivered == 1) first_delivered.set_value();
        subscription.stop();  // from the subscription's own thread
    };
    subscription = client.realtime().subscribe(options);
    assigned = true;
    REQUIRE(first_delivered.get_future().wait_for(std::chrono::seconds(15)) == std::future_status::ready);
    subscription.stop();  // from here: waits for the thread the callback's stop() left running
    CHECK(subscription.is_stopped());
    CHECK(delivered == 1);  // nothing after stop(), not even the rest of the same chunk
}

TEST_CASE("destroying a subscription while it reconnects returns promptly", "[unit][realtime]") {
    UnitClient unit;
    // Sleeps that really take their time, unless cancelled (as a user's hook must): the fake
    // clock's instant sleeps would let the subscription race through its reconnects instead.
    unit.options.clock.sleep = [](milliseconds delay, const centrali::CancelToken& cancel) {
        const auto until = std::chrono::steady_clock::now() + delay;
        while (!cancel.is_cancelled() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(milliseconds(1));
    };
    auto client = unit.make();
    for (int i = 0; i < 3; ++i) {
        StreamScript fail;
        fail.status = 502;
        unit.transport->then_stream(fail);
    }
    Recorder rec;
    auto options = rec.options();
    options.initial_reconnect_delay = milliseconds(60'000);  // it will be sleeping when destroyed
    options.max_reconnect_delay = milliseconds(60'000);
    {
        auto subscription = client.realtime().subscribe(options);
        REQUIRE(unit.transport->wait_for_streams(1));
        REQUIRE(rec.wait([&] { return rec.errors.size() == 1; }));
    }  // the destructor wakes the back-off sleep and joins; a 60 s sleep would hang the test
    CHECK(unit.transport->stream_requests().size() == 1);
}

TEST_CASE("a bad event payload is reported and the stream goes on", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript script;
    script.chunks = {"data: not json\n\n", event_frame("1", {{"event", 5}}), event_frame("2", created("ok"))};
    script.end = StreamScript::End::hang;
    unit.transport->then_stream(script);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.events[0].record_id == "ok");
    REQUIRE(rec.errors.size() == 2);
    CHECK(rec.errors[0].code == "DECODE_ERROR");
    CHECK(rec.errors[1].code == "DECODE_ERROR");
    CHECK(rec.errors[0].http_status == 200);  // inside an open stream, as error events are
    CHECK(rec.errors[1].http_status == 200);
}

TEST_CASE("unknown event types are delivered with their name kept", "[unit][realtime]") {
    UnitClient unit;
    auto client = unit.make();
    StreamScript script;
    script.chunks = {event_frame("1", {{"event", "function_run_completed"}, {"jobId", "j1"}}),
                     event_frame("2", {{"event", "record_archived_v9"}})};
    script.end = StreamScript::End::hang;
    unit.transport->then_stream(script);
    Recorder rec;
    auto subscription = client.realtime().subscribe(rec.options());
    REQUIRE(rec.wait([&] { return rec.events.size() == 2; }));
    std::lock_guard<std::mutex> lock(rec.mutex);
    CHECK(rec.events[0].event == RealtimeEventType::function_run_completed);
    CHECK(rec.events[0].raw["jobId"] == "j1");
    CHECK(rec.events[1].event.str() == "record_archived_v9");
}

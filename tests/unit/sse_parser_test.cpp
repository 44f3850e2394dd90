// The SSE parser against fixtures, each fed whole, split at every byte offset, and byte by byte.
#include "catch.hpp"

#include <centrali/detail/sse_parser.hpp>

#include <string>
#include <vector>

using namespace std::string_literals;
using centrali::detail::SseEvent;
using centrali::detail::SseParser;

namespace {

struct Outcome {
    std::vector<SseEvent> events;
    std::vector<std::string> comments;
    std::string last_id;
    std::optional<long long> retry;
};

bool same_event(const SseEvent& a, const SseEvent& b) { return a.type == b.type && a.data == b.data && a.id == b.id; }

template <class Feeder>
Outcome parse_with(Feeder feed_all) {
    Outcome out;
    SseParser parser([&](const SseEvent& e) { out.events.push_back(e); },
                     [&](std::string_view c) { out.comments.emplace_back(c); });
    feed_all(parser);
    out.last_id = parser.last_event_id();
    out.retry = parser.retry_ms();
    return out;
}

bool same(const Outcome& a, const Outcome& b) {
    return a.events.size() == b.events.size() && std::equal(a.events.begin(), a.events.end(), b.events.begin(), same_event) &&
           a.comments == b.comments && a.last_id == b.last_id && a.retry == b.retry;
}

/// Parses `stream` whole, then split at every offset into two and three chunks, then one byte
/// at a time; every way must give exactly the same events.
Outcome parse_every_way(const std::string& stream) {
    const Outcome whole = parse_with([&](SseParser& p) { p.feed(stream); });
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        const Outcome two = parse_with([&](SseParser& p) {
            p.feed(std::string_view(stream).substr(0, cut));
            p.feed(std::string_view(stream).substr(cut));
        });
        INFO("split at " << cut);
        REQUIRE(same(two, whole));
        const std::size_t second = cut + (stream.size() - cut) / 2;
        const Outcome three = parse_with([&](SseParser& p) {
            p.feed(std::string_view(stream).substr(0, cut));
            p.feed(std::string_view(stream).substr(cut, second - cut));
            p.feed(std::string_view(stream).substr(second));
        });
        REQUIRE(same(three, whole));
    }
    const Outcome bytes = parse_with([&](SseParser& p) {
        for (char c : stream) p.feed(std::string_view(&c, 1));
    });
    REQUIRE(same(bytes, whole));
    return whole;
}

}  // namespace

TEST_CASE("the documented Centrali stream parses into its events", "[unit][realtime][sse]") {
    const std::string stream =
        "retry: 3000\n"
        ": connected to workspace acme\n"
        "\n"
        "event: message\n"
        "id: 41\n"
        "data: {\"event\":\"record_created\",\"recordId\":\"r1\"}\n"
        "\n"
        ": ping\n"
        "\n"
        "id: 42\n"
        "data: {\"event\":\"record_updated\"}\n"
        "\n";
    const Outcome out = parse_every_way(stream);
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[0].type == "message");
    CHECK(out.events[0].id == "41");
    CHECK(out.events[0].data == "{\"event\":\"record_created\",\"recordId\":\"r1\"}");
    CHECK(out.events[1].type == "message");
    CHECK(out.events[1].id == "42");
    CHECK(out.comments == std::vector<std::string>{" connected to workspace acme", " ping"});
    CHECK(out.retry == 3000);
    CHECK(out.last_id == "42");
}

TEST_CASE("LF, CRLF and lone CR line endings are equivalent", "[unit][realtime][sse]") {
    const std::string lf = "event: a\ndata: one\ndata: two\n\ndata: three\n\n";
    std::string crlf, cr;
    for (char c : lf) {
        if (c == '\n') {
            crlf += "\r\n";
            cr += '\r';
        } else {
            crlf += c;
            cr += c;
        }
    }
    const Outcome a = parse_every_way(lf), b = parse_every_way(crlf), c = parse_every_way(cr);
    REQUIRE(a.events.size() == 2);
    CHECK(a.events[0].type == "a");
    CHECK(a.events[0].data == "one\ntwo");
    CHECK(a.events[1].type == "message");  // the event type does not carry over
    CHECK(a.events[1].data == "three");
    CHECK(same(a, b));
    CHECK(same(a, c));
    // Mixed endings in one stream.
    const Outcome mixed = parse_every_way("data: x\r\ndata: y\rdata: z\n\r\n");
    REQUIRE(mixed.events.size() == 1);
    CHECK(mixed.events[0].data == "x\ny\nz");
}

TEST_CASE("a leading BOM is skipped, only at the start", "[unit][realtime][sse]") {
    const Outcome out = parse_every_way("\xEF\xBB\xBF" "data: first\n\ndata: \xEF\xBB\xBF" "second\n\n");
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[0].data == "first");
    CHECK(out.events[1].data == "\xEF\xBB\xBF" "second");
    // Bytes that only begin like a BOM are data.
    const Outcome not_bom = parse_every_way("\xEF\xBB" "x\ndata: y\n\n");
    REQUIRE(not_bom.events.size() == 1);
    CHECK(not_bom.events[0].data == "y");
}

TEST_CASE("field details: spaces, bare fields, id rules, retry rules", "[unit][realtime][sse]") {
    const Outcome out = parse_every_way(
        "data:no space\n\n"s +
        "data:  two spaces\n\n"
        "data\n\n"
        "id: 7\ndata: with id\n\n"
        "data: keeps id 7\n\n"
        "id\ndata: id reset\n\n"
        "id: bad\0id\ndata: nul id ignored\n\n"s +
        "retry: soon\nretry: -5\nretry: 1500\nretry: 12x\n"
        "unknown: field\n"
        "event: lonely\n\n"
        "data: after lonely\n\n"
        "data: never dispatched"s);
    REQUIRE(out.events.size() == 8);
    CHECK(out.events[0].data == "no space");
    CHECK(out.events[1].data == " two spaces");
    CHECK(out.events[2].data.empty());
    CHECK(out.events[3].id == "7");
    CHECK(out.events[4].id == "7");
    CHECK(out.events[5].id.empty());
    CHECK(out.events[6].id.empty());
    CHECK(out.events[6].data == "nul id ignored");
    CHECK(out.events[7].type == "message");  // the lonely event type was dropped with its empty event
    CHECK(out.events[7].data == "after lonely");
    CHECK(out.retry == 1500);
}

TEST_CASE("a dropped connection forgets the half event but keeps the id and retry", "[unit][realtime][sse]") {
    std::vector<SseEvent> events;
    SseParser parser([&](const SseEvent& e) { events.push_back(e); });
    parser.feed("retry: 2000\nid: 5\ndata: complete\n\nid: 6\ndata: cut in the mid");
    parser.reset_connection();
    parser.feed("\xEF\xBB\xBF" "data: next\n\n");
    REQUIRE(events.size() == 2);
    CHECK(events[1].data == "next");
    CHECK(parser.last_event_id() == "5");  // event 6 never completed: resume after 5
    CHECK(parser.retry_ms() == 2000);
}

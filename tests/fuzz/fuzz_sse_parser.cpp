// libFuzzer target: the realtime stream path, from bytes to events: centrali::detail::SseParser
// (unlimited, and with a size limit), then each event's payload as a subscription decodes it
// (the depth-limited JSON parser, then RealtimeRecordEvent).
//
// The whole input is the event stream. It is parsed (1) whole, (2) in chunks whose lengths
// come from a generator seeded by the first bytes of the input, including empty chunks, and
// (3) byte by byte when short. All must give the same events, comments, last event id and
// retry, and all must match a plain reference reading of the WHATWG rules written here
// (which checks, among others, that the parser never adds a '\n' to `data` that the stream
// did not have: each event's data has exactly one '\n' fewer than it had data lines).
#include "fuzz_common.hpp"

#include <centrali/client.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/detail/sse_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using centrali::detail::SseEvent;
using centrali::detail::SseParser;
using centrali_fuzz::check;

namespace {

struct Outcome {
    std::vector<SseEvent> events;
    std::vector<std::string> comments;
    std::vector<std::size_t> data_lines;  // reference only: data lines per event
    std::string last_id;
    std::optional<long long> retry;
};

bool same_events(const Outcome& a, const Outcome& b) {
    if (a.events.size() != b.events.size()) return false;
    for (std::size_t i = 0; i < a.events.size(); ++i)
        if (a.events[i].type != b.events[i].type || a.events[i].data != b.events[i].data ||
            a.events[i].id != b.events[i].id)
            return false;
    return true;
}

void compare(const Outcome& a, const Outcome& b, const char* what, std::string_view input) {
    check(same_events(a, b), what, input);
    check(a.comments == b.comments, what, input);
    check(a.last_id == b.last_id, what, input);
    check(a.retry == b.retry, what, input);
}

template <class Feed>
Outcome run_parser(Feed feed) {
    Outcome out;
    SseParser parser([&](const SseEvent& e) { out.events.push_back(e); },
                     [&](std::string_view c) { out.comments.emplace_back(c); });
    feed(parser);
    out.last_id = parser.last_event_id();
    out.retry = parser.retry_ms();
    return out;
}

/// The WHATWG "event stream interpretation", written as plainly as possible.
Outcome reference(std::string_view stream) {
    Outcome out;
    if (stream.substr(0, 3) == "\xEF\xBB\xBF") stream.remove_prefix(3);
    std::string data, type, id_buffer, last_id;
    bool has_data = false;
    std::size_t lines = 0;
    std::size_t pos = 0;
    while (pos < stream.size()) {
        std::size_t end = stream.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) break;  // an unterminated last line is never processed
        const std::string_view line = stream.substr(pos, end - pos);
        pos = end + 1;
        if (stream[end] == '\r' && pos < stream.size() && stream[pos] == '\n') ++pos;

        if (line.empty()) {
            last_id = id_buffer;
            if (has_data) {
                data.pop_back();  // the spec: remove the buffer's last LF at dispatch
                out.events.push_back(SseEvent{type.empty() ? "message" : type, data, last_id});
                out.data_lines.push_back(lines);
            }
            data.clear(), type.clear(), has_data = false, lines = 0;
            continue;
        }
        if (line[0] == ':') {
            out.comments.emplace_back(line.substr(1));
            continue;
        }
        std::string_view field = line, value;
        if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            field = line.substr(0, colon);
            value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        if (field == "data") {
            data.append(value).push_back('\n');  // the spec: value, then LF
            has_data = true;
            ++lines;
        } else if (field == "event") {
            type = std::string(value);
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) id_buffer = std::string(value);
        } else if (field == "retry") {
            // The SDK accepts 1..12 ASCII digits (longer values would overflow); so does this.
            if (!value.empty() && value.size() <= 12 &&
                value.find_first_not_of("0123456789") == std::string_view::npos)
                out.retry = std::stoll(std::string(value));
        }
    }
    out.last_id = last_id;
    return out;
}

/// The same reading with a size limit: an event with a line longer than `limit`, or data
/// longer than `limit` once joined, is skipped and reported (with the id it leaves).
struct Limited {
    std::vector<SseEvent> events;
    std::vector<std::string> oversized_ids;
};

Limited reference_limited(std::string_view stream, std::size_t limit) {
    Limited out;
    if (stream.substr(0, 3) == "\xEF\xBB\xBF") stream.remove_prefix(3);
    std::string data, type, id_buffer;
    bool has_data = false, oversized = false;
    std::size_t pos = 0;
    while (pos < stream.size()) {
        std::size_t end = stream.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) break;
        const std::string_view line = stream.substr(pos, end - pos);
        pos = end + 1;
        if (stream[end] == '\r' && pos < stream.size() && stream[pos] == '\n') ++pos;
        if (line.empty()) {
            if (oversized) {
                out.oversized_ids.push_back(id_buffer);
            } else if (has_data) {
                out.events.push_back(SseEvent{type.empty() ? "message" : type, data, id_buffer});
            }
            data.clear(), type.clear(), has_data = false, oversized = false;
            continue;
        }
        if (line.size() > limit) {
            oversized = true;
            continue;
        }
        if (line[0] == ':') continue;
        std::string_view field = line, value;
        if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            field = line.substr(0, colon);
            value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        if (field == "data") {
            if (oversized) continue;
            if (data.size() + (has_data ? 1 : 0) + value.size() > limit) {
                oversized = true;
                continue;
            }
            if (has_data) data.push_back('\n');
            data.append(value);
            has_data = true;
        } else if (field == "event") {
            type = std::string(value);
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) id_buffer = std::string(value);
        }
    }
    return out;
}

/// Decodes an event's payload the way a subscription does; only centrali::Error may come out.
void decode_like_a_subscription(const SseEvent& event) {
    const nlohmann::json payload = centrali::detail::parse_json_text(event.data);
    if (!payload.is_object()) return;
    try {
        centrali::RealtimeRecordEvent decoded;
        from_json(payload, decoded);
        // Every member is in a field or in raw, none in both.
        check(decoded.raw.is_object() && decoded.raw.size() <= payload.size(), "stream_event_raw", event.data);
        if (payload.contains("recordId") && payload["recordId"].is_string())
            check(decoded.record_id == payload["recordId"].get<std::string>() && !decoded.raw.contains("recordId"),
                  "stream_event_record_id", event.data);
    } catch (const centrali::Error&) {
    } catch (const std::exception& e) {
        centrali_fuzz::unexpected_exception("RealtimeRecordEvent decoding", e.what());
    }
}

std::uint64_t splitmix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(bytes), size);

    const Outcome whole = run_parser([&](SseParser& p) { p.feed(input); });

    // Chunk lengths from the first (up to) 4 bytes; byte 0 also picks the largest chunk.
    std::uint64_t seed = 0;
    for (std::size_t i = 0; i < size && i < 4; ++i) seed = seed << 8 | bytes[i];
    const std::size_t max_chunk = size > 0 ? 1 + bytes[0] % 17 : 1;
    const Outcome chunked = run_parser([&](SseParser& p) {
        std::uint64_t state = seed;
        std::size_t at = 0;
        while (at < size) {
            const std::size_t n = splitmix(state) % (max_chunk + 1);  // 0: an empty feed
            const std::size_t len = n < size - at ? n : size - at;
            p.feed(input.substr(at, len));
            at += len;
        }
    });
    compare(whole, chunked, "sse_whole_vs_chunked", input);

    if (size <= 256) {
        const Outcome bytewise = run_parser([&](SseParser& p) {
            for (std::size_t i = 0; i < size; ++i) p.feed(input.substr(i, 1));
        });
        compare(whole, bytewise, "sse_whole_vs_bytewise", input);
    }

    const Outcome expected = reference(input);
    compare(whole, expected, "sse_matches_reference", input);

    for (std::size_t i = 0; i < whole.events.size(); ++i) {
        const SseEvent& e = whole.events[i];
        std::size_t newlines = 0;
        for (char c : e.data) newlines += c == '\n';
        // One '\n' between data lines, none added after the last one.
        check(i < expected.data_lines.size() && newlines + 1 == expected.data_lines[i], "sse_data_newlines", e.data);
        check(e.data.find('\r') == std::string::npos, "sse_data_has_cr", e.data);
        check(!e.type.empty(), "sse_empty_type", input);
        check(e.type.find_first_of("\r\n") == std::string::npos, "sse_type_has_newline", e.type);
        check(e.id.find_first_of("\r\n") == std::string::npos && e.id.find('\0') == std::string::npos,
              "sse_id_has_newline_or_nul", e.id);
    }

    // With a size limit (1..128 bytes, from the last byte), fed in the same chunks.
    if (size > 0) {
        const std::size_t limit = 1 + bytes[size - 1] % 128;
        Limited got;
        SseParser limited([&](const SseEvent& e) { got.events.push_back(e); }, {},
                          [&](const std::string& id) { got.oversized_ids.push_back(id); }, limit);
        std::uint64_t state = seed;
        std::size_t at = 0;
        while (at < size) {
            const std::size_t n = splitmix(state) % (max_chunk + 1);
            const std::size_t len = n < size - at ? n : size - at;
            limited.feed(input.substr(at, len));
            at += len;
        }
        const Limited want = reference_limited(input, limit);
        check(same_events(Outcome{got.events, {}, {}, {}, {}}, Outcome{want.events, {}, {}, {}, {}}),
              "sse_limited_matches_reference", input);
        check(got.oversized_ids == want.oversized_ids, "sse_limited_oversized", input);
        for (const auto& e : got.events) check(e.data.size() <= limit, "sse_limited_data_size", e.data);
    }

    // Every event's payload, through the decoding a subscription does.
    for (const auto& e : whole.events) decode_like_a_subscription(e);

    // A dropped connection: reset halfway, then the rest. Must not crash, and the id kept
    // must be one the stream completed.
    {
        std::string last_seen;
        SseParser p([&](const SseEvent& e) { last_seen = e.id; });
        p.feed(input.substr(0, size / 2));
        const std::string before = p.last_event_id();
        p.reset_connection();
        check(p.last_event_id() == before, "sse_reset_keeps_last_id", input);
        p.feed(input.substr(size / 2));
    }
    return 0;
}

#pragma once
// A Server-Sent Events parser (WHATWG HTML, "event stream interpretation"), fed bytes in any
// chunking. It does no I/O and keeps at most `max_event_bytes` of a line or an event's data:
// an event over the limit is skipped whole (its id still counts, so a reconnect does not fetch
// it again) and reported, and the stream goes on.

#include <centrali/function.hpp>
#include <centrali/version.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

struct SseEvent {
    std::string type;  ///< `event:` field, "message" when absent
    std::string data;  ///< the `data:` lines joined with '\n'
    std::string id;    ///< the stream's last event id when this event was dispatched
};

class SseParser {
public:
    using EventHandler = std::function<void(const SseEvent&)>;
    using CommentHandler = std::function<void(std::string_view)>;
    /// An event skipped for its size; `id` is the stream's last event id after it.
    using OversizedHandler = std::function<void(const std::string& id)>;

    static constexpr std::size_t default_max_event_bytes = std::size_t{4} << 20;

    explicit SseParser(EventHandler on_event, CommentHandler on_comment = {}, OversizedHandler on_oversized = {},
                       std::size_t max_event_bytes = default_max_event_bytes)
        : on_event_(std::move(on_event)), on_comment_(std::move(on_comment)), on_oversized_(std::move(on_oversized)),
          max_bytes_(max_event_bytes) {}

    /// Feeds the next bytes of the stream.
    void feed(std::string_view bytes);

    /// The id a reconnect sends as Last-Event-ID (empty: none).
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    /// The server's latest valid `retry:` in milliseconds.
    std::optional<long long> retry_ms() const noexcept { return retry_ms_; }

    /// Forgets a half-received line and event (the connection dropped); keeps the last event id
    /// of the last complete event and the retry time, which outlive a connection.
    void reset_connection();

private:
    void scan(std::string_view bytes);
    void process_line(std::string_view line);
    void dispatch();

    EventHandler on_event_;
    CommentHandler on_comment_;
    OversizedHandler on_oversized_;
    std::size_t max_bytes_;
    std::string line_;
    std::string data_;
    std::string type_;
    std::string id_buffer_;
    std::string last_event_id_;
    std::optional<long long> retry_ms_;
    SseEvent event_;
    bool has_data_ = false;
    bool skip_lf_ = false;
    bool bom_done_ = false;
    std::size_t bom_matched_ = 0;
    bool discarding_line_ = false;  ///< the current line passed the limit: drop it to its end
    bool oversized_ = false;        ///< the current event passed the limit: skip it at dispatch
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/sse_parser.ipp>
#endif

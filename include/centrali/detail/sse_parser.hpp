#pragma once
// A Server-Sent Events parser (WHATWG HTML, "event stream interpretation"), fed bytes in any
// chunking. It does no I/O and allocates only for the line and data it must keep.

#include <centrali/version.hpp>

#include <cstddef>
#include <cstring>
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

    explicit SseParser(EventHandler on_event, CommentHandler on_comment = {})
        : on_event_(std::move(on_event)), on_comment_(std::move(on_comment)) {}

    /// Feeds the next bytes of the stream.
    void feed(std::string_view bytes) {
        // A UTF-8 BOM is skipped only at the very start of a stream, and may arrive split.
        static constexpr char bom[] = {'\xEF', '\xBB', '\xBF'};
        while (!bom_done_ && !bytes.empty()) {
            if (bytes.front() == bom[bom_matched_]) {
                bytes.remove_prefix(1);
                bom_done_ = ++bom_matched_ == 3;
            } else {
                bom_done_ = true;
                scan(std::string_view(bom, bom_matched_));  // those bytes were data after all
            }
        }
        if (!bytes.empty()) scan(bytes);
    }

    /// The id a reconnect sends as Last-Event-ID (empty: none).
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    /// The server's latest valid `retry:` in milliseconds.
    std::optional<long long> retry_ms() const noexcept { return retry_ms_; }

    /// Forgets a half-received line and event (the connection dropped); keeps the last event id
    /// of the last complete event and the retry time, which outlive a connection.
    void reset_connection() {
        id_buffer_ = last_event_id_;
        line_.clear();
        data_.clear();
        type_.clear();
        has_data_ = false;
        skip_lf_ = false;
        bom_done_ = false;
        bom_matched_ = 0;
    }

private:
    void scan(std::string_view bytes) {
        std::size_t start = 0;
        const std::size_t size = bytes.size();
        if (skip_lf_ && size > 0) {
            skip_lf_ = false;
            if (bytes[0] == '\n') start = 1;
        }
        while (start < size) {
            std::size_t end = start;
            while (end < size && bytes[end] != '\n' && bytes[end] != '\r') ++end;
            if (end == size) {
                line_.append(bytes.data() + start, size - start);
                return;
            }
            if (line_.empty()) {
                process_line(bytes.substr(start, end - start));
            } else {
                line_.append(bytes.data() + start, end - start);
                process_line(line_);
                line_.clear();
            }
            if (bytes[end] == '\r') {
                if (end + 1 < size) {
                    if (bytes[end + 1] == '\n') ++end;
                } else {
                    skip_lf_ = true;  // a CRLF split across chunks
                }
            }
            start = end + 1;
        }
    }

    void process_line(std::string_view line) {
        if (line.empty()) {
            dispatch();
            return;
        }
        if (line.front() == ':') {
            if (on_comment_) on_comment_(line.substr(1));
            return;
        }
        const auto colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        }
        if (field == "data") {
            if (has_data_) data_ += '\n';
            data_.append(value.data(), value.size());
            has_data_ = true;
        } else if (field == "event") {
            type_.assign(value.data(), value.size());
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value.data(), value.size());
        } else if (field == "retry") {
            if (!value.empty() && value.size() <= 12 &&
                value.find_first_not_of("0123456789") == std::string_view::npos)
                retry_ms_ = std::stoll(std::string(value));
        }
    }

    void dispatch() {
        // The id becomes the stream's last event id only now, at the end of its event: a
        // connection cut before that point must resume from the previous event, not skip it.
        last_event_id_ = id_buffer_;
        if (!has_data_) {
            type_.clear();
            return;
        }
        event_.type = type_.empty() ? std::string("message") : std::move(type_);
        event_.data = std::move(data_);
        event_.id = last_event_id_;
        type_.clear();
        data_.clear();
        has_data_ = false;
        on_event_(event_);
    }

    EventHandler on_event_;
    CommentHandler on_comment_;
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
};

}  // namespace detail
CENTRALI_NAMESPACE_END

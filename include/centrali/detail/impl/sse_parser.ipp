#pragma once

#include <centrali/detail/sse_parser.hpp>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL void SseParser::feed(std::string_view bytes) {
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

CENTRALI_DECL void SseParser::reset_connection() {
    id_buffer_ = last_event_id_;
    line_.clear();
    data_.clear();
    type_.clear();
    has_data_ = false;
    skip_lf_ = false;
    bom_done_ = false;
    bom_matched_ = 0;
    discarding_line_ = false;
    oversized_ = false;
}

CENTRALI_DECL void SseParser::scan(std::string_view bytes) {
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
            // An unfinished line: kept up to the limit, then dropped to its end.
            if (!discarding_line_) {
                if (line_.size() + (size - start) > max_bytes_) {
                    discarding_line_ = true;
                    oversized_ = true;
                    std::string().swap(line_);
                } else {
                    line_.append(bytes.data() + start, size - start);
                }
            }
            return;
        }
        if (discarding_line_) {
            discarding_line_ = false;  // the end of the dropped line
        } else if (line_.empty()) {
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

CENTRALI_DECL void SseParser::process_line(std::string_view line) {
    if (line.empty()) {
        dispatch();
        return;
    }
    if (line.size() > max_bytes_) {
        oversized_ = true;
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
        if (oversized_) return;
        if (data_.size() + (has_data_ ? 1 : 0) + value.size() > max_bytes_) {
            oversized_ = true;
            std::string().swap(data_);
            return;
        }
        if (has_data_) data_ += '\n';
        data_.append(value.data(), value.size());
        has_data_ = true;
    } else if (field == "event") {
        type_.assign(value.data(), value.size());
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value.data(), value.size());
    } else if (field == "retry") {
        if (!value.empty() && value.size() <= 12 && value.find_first_not_of("0123456789") == std::string_view::npos)
            retry_ms_ = std::stoll(std::string(value));
    }
}

CENTRALI_DECL void SseParser::dispatch() {
    // The id becomes the stream's last event id only now, at the end of its event: a
    // connection cut before that point must resume from the previous event, not skip it.
    last_event_id_ = id_buffer_;
    if (oversized_) {
        oversized_ = false;
        data_.clear();
        type_.clear();
        has_data_ = false;
        if (on_oversized_) on_oversized_(last_event_id_);
        return;
    }
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

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/detail/retry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL bool is_idempotent_method(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

CENTRALI_DECL bool is_retryable_status(int status) noexcept {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

CENTRALI_DECL std::chrono::milliseconds backoff_delay(const RetryOptions& retry, int retry_index, double random01) {
    const double cap = (std::min)(static_cast<double>(retry.max_delay.count()),
                                  static_cast<double>(retry.initial_delay.count()) *
                                      std::pow(retry.multiplier, static_cast<double>(retry_index)));
    return std::chrono::milliseconds(static_cast<long long>((std::max)(0.0, cap) * random01));
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), so that
/// HTTP dates parse without timegm/_mkgmtime.
inline long long days_from_civil(int y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

CENTRALI_DECL std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                                         std::chrono::system_clock::time_point now) {
    static constexpr long long max_seconds = 999'999'999;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        // Leading zeros are part of the number's spelling, not of its size.
        while (value.size() > 1 && value.front() == '0') value.remove_prefix(1);
        if (value.size() > 9) return std::chrono::milliseconds(max_seconds * 1000);
        long long seconds = 0;
        for (char c : value) seconds = seconds * 10 + (c - '0');
        return std::chrono::milliseconds(seconds * 1000);
    }
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char weekday[4] = {}, month[4] = {}, zone[4] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    const std::string text(value);
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &hour, &minute,
                    &second, zone) != 8)
        return std::nullopt;
    if (std::string_view(zone) != "GMT" || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 60 || year < 1970 || year > 9999)
        return std::nullopt;
    unsigned month_number = 0;
    for (unsigned i = 0; i < 12; ++i)
        if (std::string_view(month) == months[i]) month_number = i + 1;
    if (month_number == 0) return std::nullopt;
    const long long epoch_seconds = days_from_civil(year, month_number, static_cast<unsigned>(day)) * 86400LL +
                                    hour * 3600LL + minute * 60LL + second;
    // In seconds: a time_point of year 9999 would overflow the clock's nanosecond count.
    const long long now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const long long delta = epoch_seconds - now_seconds;
    if (delta <= 0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds((std::min)(delta, max_seconds) * 1000);
}

CENTRALI_DECL Clock complete_clock(Clock clock) {
    if (!clock.now) clock.now = [] { return std::chrono::system_clock::now(); };
    if (!clock.steady_now) clock.steady_now = [] { return std::chrono::steady_clock::now(); };
    // clock.sleep stays empty: the executors then wait in a way other threads can interrupt.
    if (!clock.random)
        // splitmix64 per thread: jitter needs spread, not secrecy.
        clock.random = [] {
            thread_local std::uint64_t state =
                static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                (static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())) << 1);
            std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            return static_cast<double>(z >> 11) * 0x1.0p-53;  // [0, 1)
        };
    return clock;
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once
// Retry decisions and back-off math, kept free of I/O so that they can be tested exactly.

#include <centrali/options.hpp>

#include <chrono>
#include <optional>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

bool is_idempotent_method(std::string_view method) noexcept;
bool is_retryable_status(int status) noexcept;

/// Full jitter: uniform in [0, min(max_delay, initial * multiplier^retry_index)].
std::chrono::milliseconds backoff_delay(const RetryOptions& retry, int retry_index, double random01);

/// Parses Retry-After as delta-seconds (leading zeros allowed) or an IMF-fixdate
/// ("Sun, 06 Nov 1994 08:49:37 GMT"). Garbage gives nullopt; a date in the past gives zero;
/// anything beyond 999,999,999 s is capped there.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

/// Fills the hooks the caller left empty with the real clocks and a per-thread generator.
Clock complete_clock(Clock clock);

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/retry.ipp>
#endif

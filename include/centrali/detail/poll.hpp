#pragma once
// The one polling loop behind every wait helper (runs, triggers, orchestrations).

#include <centrali/errors.hpp>
#include <centrali/options.hpp>

#include <algorithm>
#include <chrono>
#include <string>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// Calls `fetch` until `done(result)`, sleeping with back-off between calls. Never sends a
/// request once the deadline has passed or `wait.cancel` has fired.
template <class Fetch, class Done>
auto poll_until(const Clock& clock, const WaitOptions& wait, const std::string& what, Fetch&& fetch, Done&& done)
    -> decltype(fetch()) {
    using std::chrono::milliseconds;
    const auto deadline = clock.now() + wait.deadline;
    auto interval = (std::max)(wait.initial_interval, milliseconds(1));
    auto expired = [&] {
        return DeadlineExceeded("centrali: " + what + " did not finish within " +
                                std::to_string(wait.deadline.count()) + " ms");
    };
    for (;;) {
        if (wait.cancel.is_cancelled()) throw Cancelled();
        auto value = fetch();
        if (done(value)) return value;
        const auto now = clock.now();
        if (now >= deadline) throw expired();
        const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
        clock.sleep((std::min)(interval, remaining), wait.cancel);
        if (wait.cancel.is_cancelled()) throw Cancelled();
        if (clock.now() >= deadline) throw expired();
        const double grown = static_cast<double>(interval.count()) * (std::max)(1.0, wait.multiplier);
        interval = (std::min)(wait.max_interval, milliseconds(static_cast<long long>(grown)));
        interval = (std::max)(interval, milliseconds(1));
    }
}

}  // namespace detail
CENTRALI_NAMESPACE_END

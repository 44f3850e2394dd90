#pragma once
// The one polling loop behind every wait helper (runs, triggers, orchestrations).

#include <centrali/detail/manager.hpp>
#include <centrali/errors.hpp>
#include <centrali/options.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <memory>
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

/// poll_until on the Client's event loop: `make_op()` builds the Op of one poll, `done`
/// says when to stop, `finish` turns the last value into the result (or throws). The same
/// deadline, back-off and cancel rules; the waits between polls are event-loop timers.
template <class Value, class Result, class MakeOp, class Done, class Finish>
std::future<Result> poll_async(Core& core, const WaitOptions& wait, std::string what, MakeOp make_op, Done done,
                               Finish finish) {
    struct State : std::enable_shared_from_this<State> {
        Core* core;
        WaitOptions wait;
        std::string what;
        MakeOp make_op;
        Done done;
        Finish finish;
        std::chrono::system_clock::time_point deadline;
        std::chrono::milliseconds interval;
        std::promise<Result> promise;

        State(Core& c, WaitOptions w, std::string label, MakeOp m, Done d, Finish f)
            : core(&c), wait(std::move(w)), what(std::move(label)), make_op(std::move(m)), done(std::move(d)),
              finish(std::move(f)), deadline(core->clock().now() + wait.deadline),
              interval((std::max)(wait.initial_interval, std::chrono::milliseconds(1))) {}

        void fail(std::exception_ptr error) { promise.set_exception(std::move(error)); }
        void expired() {
            fail(std::make_exception_ptr(DeadlineExceeded("centrali: " + what + " did not finish within " +
                                                          std::to_string(wait.deadline.count()) + " ms")));
        }

        void poll() {
            if (wait.cancel.is_cancelled()) return fail(std::make_exception_ptr(Cancelled()));
            CallOptions call;
            call.cancel = wait.cancel;
            auto self = this->shared_from_this();
            try {
                make_op().submit(
                    call, [self](Value value) { self->on_value(std::move(value)); },
                    [self](std::exception_ptr error) { self->fail(std::move(error)); });
            } catch (...) {
                fail(std::current_exception());
            }
        }

        void on_value(Value value) {
            if (done(value)) {
                try {
                    promise.set_value(finish(std::move(value)));
                } catch (...) {
                    fail(std::current_exception());
                }
                return;
            }
            const auto now = core->clock().now();
            if (now >= deadline) return expired();
            const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
            const auto pause = (std::min)(interval, remaining);
            const double grown = static_cast<double>(interval.count()) * (std::max)(1.0, wait.multiplier);
            interval = (std::max)(std::chrono::milliseconds(1),
                                  (std::min)(wait.max_interval, std::chrono::milliseconds(static_cast<long long>(grown))));
            auto self = this->shared_from_this();
            core->engine().schedule(pause, [self](bool shutting_down) {
                if (shutting_down || self->wait.cancel.is_cancelled()) return self->fail(std::make_exception_ptr(Cancelled()));
                if (self->core->clock().now() >= self->deadline) return self->expired();
                self->poll();
            });
        }
    };
    auto state = std::make_shared<State>(core, wait, std::move(what), std::move(make_op), std::move(done), std::move(finish));
    std::future<Result> future = state->promise.get_future();
    state->poll();
    return future;
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once
// Where the steps of an exchange run. Every operation of the SDK (a call with its retries, the
// token fetch, a wait that polls) is written once, as continuations on an Executor, and runs
// unchanged on either of the two:
// - BlockingExecutor: the caller's own thread, for one blocking call; a transfer is a blocking
//   Transport::send, a delay is a sleep (Clock::sleep, or a wait that other threads can end).
// - EventLoop (event_loop.hpp): the Client's one thread for every `_async` call; a transfer is
//   an AsyncTransport start, a delay a timer.

#include <centrali/function.hpp>
#include <centrali/options.hpp>
#include <centrali/transport.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// A continuation. `cancelled` is true when its executor shut down before it could run it.
using Task = MoveOnlyFunction<void(bool cancelled)>;

class Executor {
public:
    using TimerId = std::uint64_t;
    using TransferId = AsyncTransport::Id;
    using Clock = std::chrono::steady_clock;

    virtual ~Executor() = default;

    /// This executor's steady time (a fake one in tests of blocking calls).
    virtual Clock::time_point now() const = 0;
    /// Runs `task` on this executor's thread. Any thread may post; a task posted after the
    /// executor ended is destroyed without running (what it continued has already ended).
    virtual void post(Task task) = 0;
    /// This executor's thread only, as are the members below.
    virtual TimerId post_after(std::chrono::milliseconds delay, Task task) = 0;
    /// A timer that bounds a wait for another thread (the shared token fetch). It runs on real
    /// time even under a test's fake Clock: a fake sleep cannot make another thread finish.
    virtual TimerId post_after_real(std::chrono::milliseconds delay, Task task) { return post_after(delay, std::move(task)); }
    /// Destroys a pending timer's task without running it.
    virtual void cancel_timer(TimerId id) = 0;
    /// Sends `request` (which must stay valid until `done` runs); `done` runs later on this
    /// executor's thread with the response or the transport's error.
    virtual TransferId send(const HttpRequest& request, AsyncTransport::Completion done) = 0;
    /// Ends a transfer without running its completion.
    virtual void abort(TransferId id) = 0;
};

/// Timers of one executor, by due time; cancelling one destroys its task.
class TimerQueue {
public:
    using Id = Executor::TimerId;
    using TimePoint = Executor::Clock::time_point;

    Id add(TimePoint due, Task task);
    /// Adds with an id chosen by the caller (unique across the queues it shares ids with).
    void add(Id id, TimePoint due, Task task);
    void cancel(Id id);
    bool empty() const noexcept { return by_due_.empty(); }
    TimePoint next_due() const { return by_due_.begin()->first; }
    /// The task of the earliest timer due at `now`, removed; empty when none is.
    Task take_due(TimePoint now);
    std::vector<Task> take_all();

private:
    using Entries = std::multimap<TimePoint, std::pair<Id, Task>>;
    Entries by_due_;
    std::unordered_map<Id, Entries::iterator> by_id_;
    Id next_id_ = 0;
};

/// Runs one blocking call on the caller's thread: transfers are blocking sends, delays are
/// sleeps, and continuations posted by other threads (the shared token fetch, a cancellation)
/// wake it. Made with std::make_shared, so that other threads can post to it safely even
/// after the call ended (close()).
class BlockingExecutor final : public Executor {
public:
    BlockingExecutor(Transport& transport, const centrali::Clock& clock, CancelToken cancel)
        : transport_(transport), clock_(clock), cancel_(std::move(cancel)) {}

    Clock::time_point now() const override { return clock_.steady_now(); }
    CENTRALI_DECL void post(Task task) override;
    CENTRALI_DECL TimerId post_after(std::chrono::milliseconds delay, Task task) override;
    CENTRALI_DECL TimerId post_after_real(std::chrono::milliseconds delay, Task task) override;
    void cancel_timer(TimerId id) override {
        timers_.cancel(id);
        real_timers_.cancel(id);
    }
    CENTRALI_DECL TransferId send(const HttpRequest& request, AsyncTransport::Completion done) override;
    void abort(TransferId) override {}  // a blocking send has already finished when anything can abort it

    /// Runs tasks, timers and transfers until `finished()` is true.
    template <class Finished>
    void run_until(Finished finished) {
        while (!finished()) step();
    }
    /// Ends this executor: later posts are dropped. Tasks still queued are destroyed here.
    void close();

private:
    /// Runs what is ready, or waits for the next timer or post.
    void step();

    Transport& transport_;
    const centrali::Clock& clock_;
    CancelToken cancel_;
    std::deque<Task> local_;  // this thread's own continuations
    TimerQueue timers_;       // on the Clock's steady time (a test's fake one)
    TimerQueue real_timers_;  // on std::chrono::steady_clock
    TimerId next_timer_ = 0;

    std::mutex mutex_;  // guards what other threads post
    std::condition_variable posted_;
    std::deque<Task> inbox_;
    bool closed_ = false;
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/executor.ipp>
#endif

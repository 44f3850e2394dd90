#pragma once
// The Client's event loop: one thread, started on the first `_async` call (or the first token
// fetch), that runs every asynchronous operation's steps, its timers and its transfers (through
// the transport's AsyncTransport). Nothing on it blocks: a token fetch is itself an exchange on
// the loop that waiting calls share.

#include <centrali/detail/executor.hpp>
#include <centrali/transport.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class EventLoop final : public Executor, public std::enable_shared_from_this<EventLoop> {
public:
    /// Use start(): the loop's thread holds the loop alive until it has drained.
    explicit EventLoop(std::unique_ptr<AsyncTransport> transfers) : transfers_(std::move(transfers)) {}
    static std::shared_ptr<EventLoop> start(std::unique_ptr<AsyncTransport> transfers);
    CENTRALI_DECL ~EventLoop() override;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    Clock::time_point now() const override { return Clock::now(); }
    CENTRALI_DECL void post(Task task) override;
    /// post(), but hands the task back (instead of dropping it) once the loop has ended.
    Task try_post(Task task);
    CENTRALI_DECL TimerId post_after(std::chrono::milliseconds delay, Task task) override;
    void cancel_timer(TimerId id) override { timers_.cancel(id); }
    CENTRALI_DECL TransferId send(const HttpRequest& request, AsyncTransport::Completion done) override;
    void abort(TransferId id) override { transfers_->abort(id); }

    bool in_loop_thread() const noexcept { return std::this_thread::get_id() == thread_id_.load(); }

    /// Ends the loop: every transfer, timer and posted task still pending completes with
    /// Cancelled, on the loop's thread. Waits for that unless called from the loop's thread
    /// itself (a callback that destroyed its Client), where the loop finishes after it returns.
    void shutdown();

private:
    void run();
    void drain();  // the loop's last turn: everything pending ends cancelled

    std::unique_ptr<AsyncTransport> transfers_;
    TimerQueue timers_;  // loop thread only
    TransferId next_transfer_ = 0;
    std::thread thread_;
    std::atomic<std::thread::id> thread_id_{};

    /// True while the loop is in (or about to enter) the transport's poll: only then does a
    /// post need a wake-up, a system call. Set before the loop's last look at the inbox, read
    /// after a post's push, both in seq_cst order: one of the two always sees the other.
    std::atomic<bool> polling_{false};

    std::mutex mutex_;  // guards what other threads hand in
    std::vector<Task> inbox_;
    bool stopping_ = false;
    bool closed_ = false;  // drained: posts are refused
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/event_loop.ipp>
#endif

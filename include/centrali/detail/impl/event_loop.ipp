#pragma once

#include <centrali/detail/event_loop.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL std::shared_ptr<EventLoop> EventLoop::start(std::unique_ptr<AsyncTransport> transfers) {
    auto loop = std::make_shared<EventLoop>(std::move(transfers));
    loop->thread_ = std::thread([self = loop] { self->run(); });
    return loop;
}

CENTRALI_DECL EventLoop::~EventLoop() {
    // Only reached once the thread has ended (it holds the loop), or if it never started.
    if (thread_.joinable()) thread_.detach();
}

CENTRALI_DECL void EventLoop::post(Task task) {
    if (Task refused = try_post(std::move(task))) {
        // The loop has ended: what this continued has ended too.
    }
}

CENTRALI_DECL Task EventLoop::try_post(Task task) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return task;
        inbox_.push_back(std::move(task));
    }
    // The loop looks at its inbox before it polls: only a loop already polling needs waking,
    // and never from its own thread.
    if (polling_.load() && !in_loop_thread()) transfers_->wake();
    return nullptr;
}

CENTRALI_DECL Executor::TimerId EventLoop::post_after(std::chrono::milliseconds delay, Task task) {
    return timers_.add(now() + delay, std::move(task));
}

CENTRALI_DECL Executor::TransferId EventLoop::send(const HttpRequest& request, AsyncTransport::Completion done) {
    const TransferId id = ++next_transfer_;
    transfers_->start(id, request, std::move(done));
    return id;
}

CENTRALI_DECL void EventLoop::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    transfers_->wake();
    if (in_loop_thread()) return;  // run() drains once the current task returns
    if (thread_.joinable()) thread_.join();
}

CENTRALI_DECL void EventLoop::run() {
    thread_id_.store(std::this_thread::get_id());
    std::vector<Task> batch;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) break;
            batch.swap(inbox_);
        }
        for (auto& task : batch) task(false);
        batch.clear();
        const auto current = now();
        while (Task task = timers_.take_due(current)) task(false);

        auto timeout = std::chrono::milliseconds(1000);
        if (!timers_.empty()) {
            const auto until = std::chrono::ceil<std::chrono::milliseconds>(timers_.next_due() - now());
            timeout = std::clamp(until, std::chrono::milliseconds(0), timeout);
        }
        polling_.store(true);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!inbox_.empty() || stopping_) timeout = std::chrono::milliseconds(0);
        }
        transfers_->run(timeout);
        polling_.store(false);
    }
    drain();
}

CENTRALI_DECL void EventLoop::drain() {
    // Transfers first: their completions may post or set timers, which the passes below end.
    transfers_->shutdown();
    for (;;) {
        std::vector<Task> batch;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            batch.swap(inbox_);
            if (batch.empty() && timers_.empty()) {
                closed_ = true;  // in the same lock as the last look: no post can slip in between
                return;
            }
        }
        for (auto& task : batch) task(true);
        for (auto& task : timers_.take_all()) task(true);
    }
}

}  // namespace detail
CENTRALI_NAMESPACE_END

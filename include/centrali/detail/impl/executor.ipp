#pragma once

#include <centrali/detail/executor.hpp>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL TimerQueue::Id TimerQueue::add(TimePoint due, Task task) {
    const Id id = ++next_id_;
    add(id, due, std::move(task));
    return id;
}

CENTRALI_DECL void TimerQueue::add(Id id, TimePoint due, Task task) {
    by_id_.emplace(id, by_due_.emplace(due, std::make_pair(id, std::move(task))));
}

CENTRALI_DECL void TimerQueue::cancel(Id id) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return;
    Task task = std::move(it->second->second.second);  // destroyed after the tables are consistent
    by_due_.erase(it->second);
    by_id_.erase(it);
}

CENTRALI_DECL Task TimerQueue::take_due(TimePoint now) {
    if (by_due_.empty() || by_due_.begin()->first > now) return nullptr;
    const auto first = by_due_.begin();
    Task task = std::move(first->second.second);
    by_id_.erase(first->second.first);
    by_due_.erase(first);
    return task;
}

CENTRALI_DECL std::vector<Task> TimerQueue::take_all() {
    std::vector<Task> tasks;
    tasks.reserve(by_due_.size());
    for (auto& entry : by_due_) tasks.push_back(std::move(entry.second.second));
    by_due_.clear();
    by_id_.clear();
    return tasks;
}

CENTRALI_DECL void BlockingExecutor::post(Task task) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!closed_) {
            inbox_.push_back(std::move(task));
            posted_.notify_one();
            return;
        }
    }
    // Closed: `task` is destroyed here, outside the lock.
}

CENTRALI_DECL Executor::TimerId BlockingExecutor::post_after(std::chrono::milliseconds delay, Task task) {
    const TimerId id = ++next_timer_;
    timers_.add(id, now() + delay, std::move(task));
    return id;
}

CENTRALI_DECL Executor::TimerId BlockingExecutor::post_after_real(std::chrono::milliseconds delay, Task task) {
    const TimerId id = ++next_timer_;
    real_timers_.add(id, Clock::now() + delay, std::move(task));
    return id;
}

CENTRALI_DECL Executor::TransferId BlockingExecutor::send(const HttpRequest& request, AsyncTransport::Completion done) {
    // The transfer happens now; its continuation runs from the queue, like every other, so that
    // no step of an operation runs inside another.
    std::optional<Result<HttpResponse>> result;
    try {
        result.emplace(transport_.send(request));
    } catch (...) {
        result.emplace(std::current_exception());
    }
    local_.push_back([done = std::move(done), result = std::move(*result)](bool) mutable { done(std::move(result)); });
    return 0;
}

CENTRALI_DECL void BlockingExecutor::step() {
    if (!local_.empty()) {
        Task task = std::move(local_.front());
        local_.pop_front();
        return task(false);
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (!inbox_.empty()) {
        Task task = std::move(inbox_.front());
        inbox_.pop_front();
        lock.unlock();
        return task(false);
    }
    if (!real_timers_.empty()) {
        // Waiting for another thread, bounded on real time.
        const auto due = real_timers_.next_due();
        if (!posted_.wait_until(lock, due, [this] { return !inbox_.empty(); })) {
            lock.unlock();
            if (Task task = real_timers_.take_due(Clock::now())) task(false);
        }
        return;
    }
    if (timers_.empty()) {
        // Only another thread can continue this call now (a cancellation).
        posted_.wait(lock, [this] { return !inbox_.empty(); });
        return;
    }
    const auto due = timers_.next_due();
    const auto current = now();
    if (due <= current) {
        lock.unlock();
        if (Task task = timers_.take_due(current)) task(false);
        return;
    }
    if (clock_.sleep) {
        lock.unlock();
        // Whole milliseconds, rounded up: the hook's unit. The hook's word is taken for it: once
        // it returns, the timer is due (unless a post, a cancellation, came in meanwhile).
        clock_.sleep(std::chrono::ceil<std::chrono::milliseconds>(due - current), cancel_);
        {
            std::lock_guard<std::mutex> relock(mutex_);
            if (!inbox_.empty()) return;
        }
        if (Task task = timers_.take_due(due)) task(false);
        return;
    }
    posted_.wait_for(lock, due - current, [this] { return !inbox_.empty(); });
}

CENTRALI_DECL void BlockingExecutor::close() {
    std::deque<Task> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        dropped.swap(inbox_);
    }
    local_.clear();
    timers_.take_all();
    real_timers_.take_all();
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once

#include <centrali/transport.hpp>

#include <condition_variable>
#include <deque>
#include <thread>
#include <unordered_map>

CENTRALI_NAMESPACE_BEGIN

namespace detail {

/// Transport::make_async's default: blocking send() calls on a small pool of threads, their
/// results handed to the event loop. Threads start as concurrency needs them, up to the limit.
class ThreadedAsyncTransport final : public AsyncTransport {
public:
    ThreadedAsyncTransport(Transport& transport, std::size_t max_threads)
        : transport_(transport), max_threads_(max_threads == 0 ? 1 : max_threads) {}
    ~ThreadedAsyncTransport() override { shutdown(); }
    ThreadedAsyncTransport(const ThreadedAsyncTransport&) = delete;
    ThreadedAsyncTransport& operator=(const ThreadedAsyncTransport&) = delete;

    void start(Id id, const HttpRequest& request, Completion done) override {
        auto job = std::make_shared<Job>();
        job->id = id;
        job->request = request;             // a worker may still hold it after an abort
        job->request.cancel = CancelToken();  // this transfer's own: abort() and shutdown() fire it
        job->done = std::move(done);
        std::lock_guard<std::mutex> lock(mutex_);
        live_.emplace(id, job);
        queue_.push_back(std::move(job));
        if (idle_ == 0 && workers_.size() < max_threads_) workers_.emplace_back([this] { work(); });
        else work_ready_.notify_one();
    }

    void abort(Id id) override {
        std::shared_ptr<Job> job;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto it = live_.find(id);
            if (it == live_.end()) return;
            job = std::move(it->second);
            live_.erase(it);
            job->aborted = true;
        }
        job->request.cancel.cancel();
    }

    void run(std::chrono::milliseconds timeout) override {
        std::vector<std::shared_ptr<Job>> finished;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            finished_ready_.wait_for(lock, timeout, [this] { return !finished_.empty() || woken_; });
            woken_ = false;
            finished.swap(finished_);
            for (const auto& job : finished) live_.erase(job->id);
        }
        for (auto& job : finished) job->done(std::move(*job->result));
    }

    void wake() override {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
        finished_ready_.notify_one();
    }

    void shutdown() override {
        std::vector<std::shared_ptr<Job>> pending;
        std::vector<std::thread> workers;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_ && workers_.empty() && live_.empty()) return;
            stopping_ = true;
            for (auto& [id, job] : live_) pending.push_back(std::move(job));
            live_.clear();
            queue_.clear();
            finished_.clear();
            workers.swap(workers_);
        }
        for (auto& job : pending) job->request.cancel.cancel();
        work_ready_.notify_all();
        // A custom transport whose send() ignores HttpRequest::cancel holds us here until it
        // returns by itself.
        for (auto& worker : workers) worker.join();
        for (auto& job : pending) job->done(Result<HttpResponse>(std::make_exception_ptr(Cancelled())));
    }

private:
    struct Job {
        Id id = 0;
        HttpRequest request;
        Completion done;
        std::optional<Result<HttpResponse>> result;
        bool aborted = false;  // under mutex_
    };

    void work() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            ++idle_;
            work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            --idle_;
            if (stopping_) return;
            std::shared_ptr<Job> job = std::move(queue_.front());
            queue_.pop_front();
            if (job->aborted) continue;
            lock.unlock();
            std::optional<Result<HttpResponse>> result;
            try {
                result.emplace(transport_.send(job->request));
            } catch (...) {
                result.emplace(std::current_exception());
            }
            lock.lock();
            if (job->aborted || stopping_) continue;
            job->result = std::move(result);
            finished_.push_back(std::move(job));
            finished_ready_.notify_one();
        }
    }

    Transport& transport_;
    const std::size_t max_threads_;
    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable finished_ready_;
    std::deque<std::shared_ptr<Job>> queue_;
    std::unordered_map<Id, std::shared_ptr<Job>> live_;
    std::vector<std::shared_ptr<Job>> finished_;
    std::vector<std::thread> workers_;
    std::size_t idle_ = 0;
    bool woken_ = false;
    bool stopping_ = false;
};

}  // namespace detail

CENTRALI_DECL std::string_view HttpResponse::header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers)
        if (detail::equals_ignoring_case(key, name)) return value;
    return {};
}

CENTRALI_DECL void StreamControl::stop() {
    stopped_.store(true, std::memory_order_release);
    std::lock_guard<std::mutex> lock(mutex_);
    if (waker_) waker_();
}

CENTRALI_DECL void StreamControl::set_waker(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    waker_ = std::move(wake);
}

CENTRALI_DECL std::unique_ptr<AsyncTransport> Transport::make_async(std::size_t max_concurrency) {
    return std::make_unique<detail::ThreadedAsyncTransport>(*this, max_concurrency);
}

CENTRALI_DECL void Transport::stream(const HttpRequest&, StreamHandler&, StreamControl&, std::chrono::milliseconds) {
    throw TransportError("centrali: this transport does not support streaming", 0, false, false, /*retryable=*/false);
}

CENTRALI_NAMESPACE_END

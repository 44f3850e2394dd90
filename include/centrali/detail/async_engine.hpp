#pragma once
// The event loop behind every …_async call: one thread per Client, started on first use,
// driving all asynchronous transfers on one curl multi handle with a bounded number of
// connections. Retries wait on the loop's timers, never on a sleeping thread.
//
// A token fetch (service accounts: once per token lifetime) runs blocking on the loop thread.

#include <centrali/detail/core.hpp>
#include <centrali/detail/curl_transport.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// One asynchronous call as the engine sees it: what to send, the state of its attempts, and
/// how it ends. A subclass delivers the outcome (into a promise, or to callbacks), so a call
/// costs one allocation here instead of a job, a transfer and a chain of std::functions.
/// Exactly one of succeed() and fail() runs, once. Named through the alias AsyncCall.
template <class>
class BasicAsyncCall {
public:
    BasicAsyncCall(Call call, CallOptions options) : call_(std::move(call)), options_(std::move(options)) {}
    virtual ~BasicAsyncCall() = default;
    BasicAsyncCall(const BasicAsyncCall&) = delete;
    BasicAsyncCall& operator=(const BasicAsyncCall&) = delete;

    /// The 2xx response. Runs on the loop thread; must not throw.
    virtual void succeed(HttpResponse&& response) noexcept = 0;
    /// The call's final error (Cancelled when the engine shuts down first); must not throw.
    virtual void fail(std::exception_ptr error) noexcept = 0;

    const Call& call() const noexcept { return call_; }

private:
    template <class>
    friend class BasicAsyncEngine;

    Call call_;
    CallOptions options_;
    std::uint64_t sequence_ = 0;  ///< submission order
    std::optional<Core::CallState> state_;  // references call_ and options_: an AsyncCall never moves

    // The attempt on the multi handle, when one is in flight; the handle holds its exchange.
    std::unique_ptr<CurlTransport::EasyHandle> handle_;
    CURL* easy() const noexcept { return handle_->get(); }
    CurlTransport::Exchange& exchange() noexcept { return handle_->exchange(); }
    std::optional<CurlTransport::Mime> mime_;
};

/// Named through the alias AsyncEngine; a class template so that the loop, and the std::thread,
/// std::sort and std::multimap code it instantiates, compile only where Core::engine() is used.
template <class>
class BasicAsyncEngine {
public:
    using Success = std::function<void(HttpResponse&&)>;
    using Failure = std::function<void(std::exception_ptr)>;
    /// A scheduled task; `cancelled` is true when the engine shuts down before it is due.
    using Task = std::function<void(bool cancelled)>;

    BasicAsyncEngine(Core& core, CurlTransport* curl, std::size_t max_connections)
        : core_(core), curl_(curl), multi_(curl_multi_init()) {
        if (multi_ == nullptr) throw TransportError("centrali: curl_multi_init failed", 0, false, false);
        curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(max_connections));
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(max_connections));
        thread_ = std::thread([this] { run(); });
    }

    /// Completes every call still in flight with Cancelled, then joins the loop.
    ~BasicAsyncEngine() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        curl_multi_wakeup(multi_);
        thread_.join();
        idle_.clear();
        curl_multi_cleanup(multi_);
    }
    BasicAsyncEngine(const BasicAsyncEngine&) = delete;
    BasicAsyncEngine& operator=(const BasicAsyncEngine&) = delete;

    /// Runs `job`: its succeed() or fail() runs on the loop thread (or on this thread with
    /// Cancelled when the engine is shutting down).
    void submit(std::unique_ptr<AsyncCall> job) {
        bool wake = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!stopping_) {
                // One wake-up per batch: a non-empty inbox already has one pending, and the
                // loop takes the whole inbox at once (a wake-up is a system call).
                wake = inbox_.empty();
                job->sequence_ = ++submitted_;
                inbox_.push_back(std::move(job));
            }
        }
        if (job) return job->fail(std::make_exception_ptr(Cancelled()));
        if (wake) curl_multi_wakeup(multi_);
    }

    /// The callback form: exactly one of the callbacks runs. Callbacks must not throw.
    void submit(Call call, CallOptions options, Success on_success, Failure on_failure) {
        submit(std::make_unique<CallbackCall>(std::move(call), std::move(options), std::move(on_success),
                                              std::move(on_failure)));
    }

    /// Runs `task` on the loop thread after `delay` (the async wait helpers' polls).
    void schedule(std::chrono::milliseconds delay, Task task) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!stopping_) {
                tasks_.emplace(std::chrono::steady_clock::now() + delay, std::move(task));
                task = nullptr;
            }
        }
        if (task) return task(true);
        curl_multi_wakeup(multi_);
    }

private:
    using Clock = std::chrono::steady_clock;
    using Job = std::unique_ptr<AsyncCall>;

    class CallbackCall final : public AsyncCall {
    public:
        CallbackCall(Call c, CallOptions o, Success s, Failure f)
            : AsyncCall(std::move(c), std::move(o)), on_success_(std::move(s)), on_failure_(std::move(f)) {}
        void succeed(HttpResponse&& response) noexcept override { on_success_(std::move(response)); }
        void fail(std::exception_ptr error) noexcept override { on_failure_(std::move(error)); }

    private:
        Success on_success_;
        Failure on_failure_;
    };

    void run() {
        std::vector<Job> incoming;
        for (;;) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_) break;
                incoming.swap(inbox_);
            }
            for (auto& job : incoming) start(std::move(job));
            incoming.clear();
            run_due_timers();
            int running = 0;
            curl_multi_perform(multi_, &running);
            drain_completions();
            drop_cancelled();
            curl_multi_poll(multi_, nullptr, 0, poll_timeout_ms(), nullptr);
        }
        shut_down();
    }

    void start(Job job) {
        HttpRequest* request = nullptr;
        try {
            if (!job->state_) job->state_.emplace(core_, job->call_, job->options_);
            request = &job->state_->prepare();
        } catch (...) {
            return job->fail(std::current_exception());
        }
        if (curl_ == nullptr) return send_blocking(std::move(job), *request);

        try {
            job->handle_ = acquire();
            job->handle_->prepare(*request, curl_->options_.max_response_bytes);
            if (!request->multipart.empty()) job->mime_.emplace(job->easy(), request->multipart);
        } catch (...) {
            end_attempt(*job);
            return job->fail(std::current_exception());
        }
        curl_easy_setopt(job->easy(), CURLOPT_PRIVATE, job.get());
        curl_multi_add_handle(multi_, job->easy());
        active_.push_back(std::move(job));
    }

    /// A transport other than libcurl (a test double, a custom stack) has no multi handle:
    /// its send runs on the loop thread.
    void send_blocking(Job job, HttpRequest& request) {
        try {
            HttpResponse response = core_.transport().send(request);
            on_response(std::move(job), std::move(response));
        } catch (const TransportError& error) {
            on_transport_error(std::move(job), error);
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    /// Finishes every transfer that completed, newest call first. A caller that waits on its
    /// futures in order sleeps on the oldest: delivering that one last means that when it
    /// wakes, the rest of the batch is ready too, instead of one wake-up (and, on a busy core,
    /// one context switch each way) per completion.
    void drain_completions() {
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            AsyncCall* raw = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
            completed_.emplace_back(take(raw), message->data.result);
        }
        std::sort(completed_.begin(), completed_.end(),
                  [](const auto& a, const auto& b) { return a.first->sequence_ > b.first->sequence_; });
        for (auto& [job, code] : completed_) finish(std::move(job), code);
        completed_.clear();
    }

    /// Takes the attempt's handle off the multi handle (harmless if it never got on) and back
    /// to the pool.
    void end_attempt(AsyncCall& job) {
        if (!job.handle_) return;
        curl_multi_remove_handle(multi_, job.easy());
        job.mime_.reset();
        release(std::move(job.handle_));
    }

    void finish(Job job, CURLcode code) {
        if (code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(job->easy(), CURLINFO_RESPONSE_CODE, &status);
            HttpResponse response = std::move(job->exchange().response);
            response.status = static_cast<int>(status);
            curl_->read_headers(job->easy(), response);
            end_attempt(*job);
            return on_response(std::move(job), std::move(response));
        }
        std::exception_ptr failure;
        try {
            curl_->throw_transfer_error(code, *job->exchange().request, job->exchange());
        } catch (...) {
            failure = std::current_exception();
        }
        end_attempt(*job);
        try {
            std::rethrow_exception(failure);
        } catch (const TransportError& error) {
            on_transport_error(std::move(job), error);
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    void on_response(Job job, HttpResponse response) {
        std::optional<std::chrono::milliseconds> again;
        try {
            again = job->state_->on_response(response);
        } catch (...) {
            return job->fail(std::current_exception());
        }
        if (!again) return job->succeed(std::move(response));
        retry_later(std::move(job), *again);
    }

    void on_transport_error(Job job, const TransportError& error) {
        std::chrono::milliseconds delay{};
        try {
            delay = job->state_->on_failure(error);
        } catch (...) {
            return job->fail(std::current_exception());
        }
        retry_later(std::move(job), delay);
    }

    void retry_later(Job job, std::chrono::milliseconds delay) {
        if (delay.count() <= 0) return start(std::move(job));
        retries_.emplace(Clock::now() + delay, std::move(job));
    }

    void run_due_timers() {
        const auto now = Clock::now();
        while (!retries_.empty() && retries_.begin()->first <= now) {
            auto job = std::move(retries_.begin()->second);
            retries_.erase(retries_.begin());
            start(std::move(job));
        }
        for (;;) {
            Task task;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (tasks_.empty() || tasks_.begin()->first > now) break;
                task = std::move(tasks_.begin()->second);
                tasks_.erase(tasks_.begin());
            }
            task(false);
        }
    }

    /// Cancel tokens are checked every turn of the loop, so a cancelled call ends within one
    /// poll interval whether it is waiting to retry or transferring.
    void drop_cancelled() {
        for (auto it = retries_.begin(); it != retries_.end();) {
            if (it->second->options_.cancel.is_cancelled()) {
                auto job = std::move(it->second);
                it = retries_.erase(it);
                job->fail(std::make_exception_ptr(Cancelled()));
            } else {
                ++it;
            }
        }
        for (std::size_t i = 0; i < active_.size();) {
            if (active_[i]->options_.cancel.is_cancelled()) {
                Job job = take(active_[i].get());
                end_attempt(*job);
                job->fail(std::make_exception_ptr(Cancelled()));
            } else {
                ++i;
            }
        }
    }

    int poll_timeout_ms() {
        auto due = Clock::time_point::max();
        if (!retries_.empty()) due = retries_.begin()->first;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!tasks_.empty()) due = (std::min)(due, tasks_.begin()->first);
        }
        // With work in flight, look at cancel tokens at least every 50 ms; idle, sleep long.
        const long long cap = active_.empty() && retries_.empty() ? 1000 : 50;
        if (due == Clock::time_point::max()) return static_cast<int>(cap);
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
        return static_cast<int>((std::max)(0LL, (std::min)(cap, static_cast<long long>(wait))));
    }

    void shut_down() {
        const auto cancelled = [] { return std::make_exception_ptr(Cancelled()); };
        for (auto& job : active_) {
            end_attempt(*job);
            job->fail(cancelled());
        }
        active_.clear();
        for (auto& [due, job] : retries_) job->fail(cancelled());
        retries_.clear();
        std::vector<Job> inbox;
        std::multimap<Clock::time_point, Task> tasks;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            inbox.swap(inbox_);
            tasks.swap(tasks_);
        }
        for (auto& job : inbox) job->fail(cancelled());
        for (auto& [due, task] : tasks) task(true);
    }

    /// Removes `raw` from the active list in O(1): the last entry takes its place.
    Job take(AsyncCall* raw) {
        for (auto& slot : active_) {
            if (slot.get() != raw) continue;
            Job job = std::move(slot);
            slot = std::move(active_.back());
            active_.pop_back();
            return job;
        }
        return nullptr;
    }

    std::unique_ptr<CurlTransport::EasyHandle> acquire() {
        if (idle_.empty()) return std::make_unique<CurlTransport::EasyHandle>(*curl_, /*cancel_in_callback=*/false);
        std::unique_ptr<CurlTransport::EasyHandle> handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
    }
    void release(std::unique_ptr<CurlTransport::EasyHandle> handle) { idle_.push_back(std::move(handle)); }

    Core& core_;
    CurlTransport* curl_;
    CURLM* multi_;
    std::thread thread_;

    // Loop thread only.
    std::vector<Job> active_;
    std::vector<std::pair<Job, CURLcode>> completed_;  // drain_completions' batch, kept for its capacity
    std::multimap<Clock::time_point, Job> retries_;
    std::vector<std::unique_ptr<CurlTransport::EasyHandle>> idle_;

    std::mutex mutex_;  // guards what other threads hand in
    bool stopping_ = false;
    std::uint64_t submitted_ = 0;
    std::vector<Job> inbox_;
    std::multimap<Clock::time_point, Task> tasks_;
};

template <class T>
AsyncEngine& BasicCore<T>::engine() {
    std::call_once(engine_started_, [this] {
        engine_ = std::make_unique<AsyncEngine>(*this, dynamic_cast<CurlTransport*>(transport_.get()),
                                                options_.async_max_connections);
    });
    return *engine_;
}

template <class T>
BasicCore<T>::~BasicCore() {
    engine_.reset();  // first: it completes in-flight calls with Cancelled while the rest still lives
}

}  // namespace detail
CENTRALI_NAMESPACE_END

#pragma once
// The event loop behind every …_async call: one thread per Client, started on first use,
// driving all asynchronous transfers on one curl multi handle with a bounded number of
// connections. Retries wait on the loop's timers, never on a sleeping thread.
//
// A token fetch (service accounts: once per token lifetime) runs blocking on the loop thread.

#include <centrali/detail/core.hpp>
#include <centrali/detail/curl_transport.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class AsyncEngine {
public:
    using Success = std::function<void(HttpResponse&&)>;
    using Failure = std::function<void(std::exception_ptr)>;
    /// A scheduled task; `cancelled` is true when the engine shuts down before it is due.
    using Task = std::function<void(bool cancelled)>;

    AsyncEngine(Core& core, CurlTransport* curl, std::size_t max_connections)
        : core_(core), curl_(curl), multi_(curl_multi_init()) {
        if (multi_ == nullptr) throw TransportError("centrali: curl_multi_init failed", 0, false, false);
        curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(max_connections));
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(max_connections));
        thread_ = std::thread([this] { run(); });
    }

    /// Completes every call still in flight with Cancelled, then joins the loop.
    ~AsyncEngine() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        curl_multi_wakeup(multi_);
        thread_.join();
        for (CURL* easy : idle_) curl_easy_cleanup(easy);
        curl_multi_cleanup(multi_);
    }
    AsyncEngine(const AsyncEngine&) = delete;
    AsyncEngine& operator=(const AsyncEngine&) = delete;

    /// Runs `call`; exactly one of the callbacks runs, on the loop thread (or on this thread
    /// with Cancelled when the engine is shutting down). Callbacks must not throw.
    void submit(Call call, CallOptions options, Success on_success, Failure on_failure) {
        auto job = std::make_unique<Job>(std::move(call), std::move(options), std::move(on_success), std::move(on_failure));
        bool wake = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!stopping_) {
                // One wake-up per batch: a non-empty inbox already has one pending, and the
                // loop takes the whole inbox at once (a wake-up is a system call).
                wake = inbox_.empty();
                inbox_.push_back(std::move(job));
                job = nullptr;
            }
        }
        if (job) return job->fail(std::make_exception_ptr(Cancelled()));
        if (wake) curl_multi_wakeup(multi_);
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

    struct Job {
        Job(Call c, CallOptions o, Success s, Failure f)
            : call(std::move(c)), options(std::move(o)), on_success(std::move(s)), on_failure(std::move(f)) {}
        void fail(std::exception_ptr error) { on_failure(std::move(error)); }

        Call call;
        CallOptions options;
        Success on_success;
        Failure on_failure;
        std::unique_ptr<Core::CallState> state;  // references call and options: Job never moves
    };

    /// One attempt of a job on the multi handle.
    struct Transfer {
        std::unique_ptr<Job> job;
        CURL* easy = nullptr;
        CurlTransport::Exchange exchange{nullptr, 0, {}, false};
        std::unique_ptr<CurlTransport::HeaderList> headers;
        std::unique_ptr<CurlTransport::Mime> mime;
    };

    void run() {
        std::vector<std::unique_ptr<Job>> incoming;
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

    void start(std::unique_ptr<Job> job) {
        HttpRequest* request = nullptr;
        try {
            if (!job->state) job->state = std::make_unique<Core::CallState>(core_, job->call, job->options);
            request = &job->state->prepare();
        } catch (...) {
            return job->fail(std::current_exception());
        }
        if (curl_ == nullptr) return send_blocking(std::move(job), *request);

        auto transfer = std::make_unique<Transfer>();
        transfer->easy = acquire();
        transfer->exchange.request = request;
        transfer->exchange.max_body = curl_->options_.max_response_bytes;
        transfer->headers = std::make_unique<CurlTransport::HeaderList>(request->headers);
        CurlTransport::configure(transfer->easy, *request, transfer->exchange, transfer->headers->get());
        transfer->mime = std::make_unique<CurlTransport::Mime>(transfer->easy, request->multipart);
        curl_easy_setopt(transfer->easy, CURLOPT_PRIVATE, transfer.get());
        transfer->job = std::move(job);
        curl_multi_add_handle(multi_, transfer->easy);
        active_.push_back(std::move(transfer));
    }

    /// A transport other than libcurl (a test double, a custom stack) has no multi handle:
    /// its send runs on the loop thread.
    void send_blocking(std::unique_ptr<Job> job, HttpRequest& request) {
        try {
            HttpResponse response = core_.transport().send(request);
            on_response(std::move(job), std::move(response));
        } catch (const TransportError& error) {
            on_transport_error(std::move(job), error);
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    void drain_completions() {
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            Transfer* raw = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
            const CURLcode code = message->data.result;
            std::unique_ptr<Transfer> transfer = take(raw);
            finish(std::move(transfer), code);
        }
    }

    void finish(std::unique_ptr<Transfer> transfer, CURLcode code) {
        curl_multi_remove_handle(multi_, transfer->easy);
        std::unique_ptr<Job> job = std::move(transfer->job);
        if (code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
            HttpResponse response = std::move(transfer->exchange.response);
            response.status = static_cast<int>(status);
            transfer->mime.reset();
            release(transfer->easy);
            return on_response(std::move(job), std::move(response));
        }
        std::exception_ptr failure;
        try {
            curl_->throw_transfer_error(code, *transfer->exchange.request, transfer->exchange);
        } catch (...) {
            failure = std::current_exception();
        }
        transfer->mime.reset();
        release(transfer->easy);
        try {
            std::rethrow_exception(failure);
        } catch (const TransportError& error) {
            on_transport_error(std::move(job), error);
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    void on_response(std::unique_ptr<Job> job, HttpResponse response) {
        try {
            const auto again = job->state->on_response(response);
            if (!again) return job->on_success(std::move(response));
            retry_later(std::move(job), *again);
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    void on_transport_error(std::unique_ptr<Job> job, const TransportError& error) {
        try {
            retry_later(std::move(job), job->state->on_failure(error));
        } catch (...) {
            job->fail(std::current_exception());
        }
    }

    void retry_later(std::unique_ptr<Job> job, std::chrono::milliseconds delay) {
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
            if (it->second->options.cancel.is_cancelled()) {
                auto job = std::move(it->second);
                it = retries_.erase(it);
                job->fail(std::make_exception_ptr(Cancelled()));
            } else {
                ++it;
            }
        }
        for (std::size_t i = 0; i < active_.size();) {
            if (active_[i]->job->options.cancel.is_cancelled()) {
                std::unique_ptr<Transfer> transfer = take(active_[i].get());
                curl_multi_remove_handle(multi_, transfer->easy);
                transfer->mime.reset();
                release(transfer->easy);
                transfer->job->fail(std::make_exception_ptr(Cancelled()));
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
        for (auto& transfer : active_) {
            curl_multi_remove_handle(multi_, transfer->easy);
            transfer->mime.reset();
            curl_easy_cleanup(transfer->easy);
            transfer->job->fail(cancelled());
        }
        active_.clear();
        for (auto& [due, job] : retries_) job->fail(cancelled());
        retries_.clear();
        std::vector<std::unique_ptr<Job>> inbox;
        std::multimap<Clock::time_point, Task> tasks;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            inbox.swap(inbox_);
            tasks.swap(tasks_);
        }
        for (auto& job : inbox) job->fail(cancelled());
        for (auto& [due, task] : tasks) task(true);
    }

    std::unique_ptr<Transfer> take(Transfer* raw) {
        for (auto it = active_.begin(); it != active_.end(); ++it) {
            if (it->get() == raw) {
                std::unique_ptr<Transfer> transfer = std::move(*it);
                active_.erase(it);
                return transfer;
            }
        }
        return nullptr;
    }

    CURL* acquire() {
        if (!idle_.empty()) {
            CURL* easy = idle_.back();
            idle_.pop_back();
            return easy;
        }
        CURL* easy = curl_easy_init();
        if (easy == nullptr) throw std::bad_alloc();
        curl_->configure_handle(easy);
        return easy;
    }
    void release(CURL* easy) { idle_.push_back(easy); }

    Core& core_;
    CurlTransport* curl_;
    CURLM* multi_;
    std::thread thread_;

    // Loop thread only.
    std::vector<std::unique_ptr<Transfer>> active_;
    std::multimap<Clock::time_point, std::unique_ptr<Job>> retries_;
    std::vector<CURL*> idle_;

    std::mutex mutex_;  // guards what other threads hand in
    bool stopping_ = false;
    std::vector<std::unique_ptr<Job>> inbox_;
    std::multimap<Clock::time_point, Task> tasks_;
};

inline AsyncEngine& Core::engine() {
    std::call_once(engine_started_, [this] {
        engine_ = std::make_unique<AsyncEngine>(*this, dynamic_cast<CurlTransport*>(transport_.get()),
                                                options_.async_max_connections);
    });
    return *engine_;
}

inline Core::~Core() {
    engine_.reset();  // first: it completes in-flight calls with Cancelled while the rest still lives
}

}  // namespace detail
CENTRALI_NAMESPACE_END

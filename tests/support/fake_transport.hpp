#pragma once
// A scripted Transport for unit tests: records every request and answers from a queue.

#include <centrali/client.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <thread>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace centrali_test {

using Responder = std::function<centrali::HttpResponse(const centrali::HttpRequest&)>;

/// One scripted streaming connection.
struct StreamScript {
    int status = 200;
    std::vector<std::string> chunks;
    enum class End { close, fail, hang } end = End::close;  ///< after the chunks
    centrali::HttpHeaders headers = {{"content-type", "text/event-stream"}};
};

inline centrali::HttpResponse json_response(int status, const nlohmann::json& body,
                                            centrali::HttpHeaders headers = {}) {
    headers.emplace_back("content-type", "application/json");
    return centrali::HttpResponse{status, std::move(headers), body.dump()};
}

inline centrali::HttpResponse raw_response(int status, std::string body, centrali::HttpHeaders headers = {}) {
    return centrali::HttpResponse{status, std::move(headers), std::move(body)};
}

class FakeTransport : public centrali::Transport {
public:
    centrali::HttpResponse send(const centrali::HttpRequest& request) override {
        Responder responder;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(request);
            if (!script_.empty()) {
                responder = std::move(script_.front());
                script_.pop_front();
            } else {
                responder = fallback_;
            }
        }
        // Unscripted calls get an object with the one member every model requires, its id.
        if (!responder) return json_response(200, {{"data", {{"id", "fake-id"}}}});
        return responder(request);
    }

    void stream(const centrali::HttpRequest& request, centrali::StreamHandler& handler,
                centrali::StreamControl& control, std::chrono::milliseconds) override {
        StreamScript script;
        bool scripted = false;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            stream_requests_.push_back(request);
            streams_changed_.notify_all();
            if (!streams_.empty()) {
                script = std::move(streams_.front());
                streams_.pop_front();
                scripted = true;
            }
        }
        if (!scripted) {  // like a server that never answers: wait until stopped
            while (!control.stopped()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return;
        }
        if (!handler.on_open(script.status, script.headers)) return;
        for (const auto& chunk : script.chunks) {
            if (control.stopped()) return;
            if (!handler.on_data(chunk)) return;
        }
        if (script.end == StreamScript::End::fail) throw centrali::TransportError("stream reset", 56, false, false);
        if (script.end == StreamScript::End::hang)
            while (!control.stopped()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    void then_stream(StreamScript script) {
        std::lock_guard<std::mutex> lock(mutex_);
        streams_.push_back(std::move(script));
    }
    std::vector<centrali::HttpRequest> stream_requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return stream_requests_;
    }
    /// Blocks until at least `n` streams were opened (or the timeout passes); true if so.
    bool wait_for_streams(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        std::unique_lock<std::mutex> lock(mutex_);
        return streams_changed_.wait_for(lock, timeout, [&] { return stream_requests_.size() >= n; });
    }

    void then(Responder responder) {
        std::lock_guard<std::mutex> lock(mutex_);
        script_.push_back(std::move(responder));
    }
    void then(centrali::HttpResponse response) {
        then([response](const centrali::HttpRequest&) { return response; });
    }
    void then_json(int status, const nlohmann::json& body, centrali::HttpHeaders headers = {}) {
        then(json_response(status, body, std::move(headers)));
    }
    void then_throw(const centrali::TransportError& error) {
        then([error](const centrali::HttpRequest&) -> centrali::HttpResponse { throw error; });
    }
    void otherwise(Responder responder) {
        std::lock_guard<std::mutex> lock(mutex_);
        fallback_ = std::move(responder);
    }

    std::vector<centrali::HttpRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    std::size_t count() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_.size();
    }
    centrali::HttpRequest last() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_.back();
    }

private:
    mutable std::mutex mutex_;
    std::vector<centrali::HttpRequest> requests_;
    std::deque<Responder> script_;
    Responder fallback_;
    std::deque<StreamScript> streams_;
    std::vector<centrali::HttpRequest> stream_requests_;
    mutable std::condition_variable streams_changed_;
};

/// The value of a request header (case-insensitive), or "" when absent.
inline std::string header_of(const centrali::HttpRequest& request, const std::string& name) {
    centrali::HttpResponse view{0, request.headers, {}};
    return std::string(view.header(name));
}

inline bool has_header(const centrali::HttpRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
        (void)value;
        if (centrali::detail::ascii_lower(key) == centrali::detail::ascii_lower(name)) return true;
    }
    return false;
}

/// A clock whose sleeps are recorded instead of slept, and whose time (wall and steady alike)
/// only moves when told or slept.
struct FakeClock {
    std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
    std::shared_ptr<std::chrono::system_clock::time_point> now =
        std::make_shared<std::chrono::system_clock::time_point>(std::chrono::seconds(1'700'000'000));
    std::shared_ptr<std::chrono::steady_clock::time_point> steady =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::hours(1000));
    std::shared_ptr<std::vector<std::chrono::milliseconds>> sleeps =
        std::make_shared<std::vector<std::chrono::milliseconds>>();
    double random_value = 1.0;  // full jitter at its upper bound: delays are exactly the caps

    centrali::Clock clock() const {
        centrali::Clock c;
        auto m = mutex;
        auto t = now;
        auto s = sleeps;
        auto st = steady;
        double r = random_value;
        c.now = [m, t] {
            std::lock_guard<std::mutex> lock(*m);
            return *t;
        };
        c.steady_now = [m, st] {
            std::lock_guard<std::mutex> lock(*m);
            return *st;
        };
        c.sleep = [m, t, st, s](std::chrono::milliseconds d, const centrali::CancelToken&) {
            std::lock_guard<std::mutex> lock(*m);
            s->push_back(d);
            *t += d;
            *st += d;
        };
        c.random = [r] { return r; };
        return c;
    }
    void advance(std::chrono::seconds by) {
        std::lock_guard<std::mutex> lock(*mutex);
        *now += by;
        *steady += by;
    }
    std::vector<std::chrono::milliseconds> slept() const {
        std::lock_guard<std::mutex> lock(*mutex);
        return *sleeps;
    }
};

/// A Client on a fake transport, https://centrali.io, workspace "acme", static token "tok".
struct UnitClient {
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    FakeClock fake_clock;
    centrali::ClientOptions options;

    UnitClient() {
        options.base_url = "https://centrali.io";
        options.workspace = "acme";
        options.token = "tok-secret-123";
        options.transport = transport;
        options.clock = fake_clock.clock();
    }
    centrali::Client make() const { return centrali::Client(options); }
};

inline const std::string kApi = "https://api.centrali.io/data/workspace/acme/api/v1/";

}  // namespace centrali_test

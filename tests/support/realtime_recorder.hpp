#pragma once
// Collects what a subscription's callbacks saw, and lets a test wait for it.

#include <centrali/client.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace centrali_test {

struct RealtimeRecorder {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<centrali::RealtimeRecordEvent> events;
    std::vector<centrali::RealtimeError> errors;
    std::vector<std::string> disconnects;
    int connects = 0;
    std::chrono::milliseconds first_delay, max_delay;

    explicit RealtimeRecorder(std::chrono::milliseconds first = std::chrono::milliseconds(1),
                              std::chrono::milliseconds max = std::chrono::milliseconds(5))
        : first_delay(first), max_delay(max) {}

    centrali::SubscribeOptions options() {
        centrali::SubscribeOptions o;
        o.initial_reconnect_delay = first_delay;
        o.min_reconnect_delay = (std::min)(first_delay, std::chrono::milliseconds(1));
        o.max_reconnect_delay = max_delay;
        o.on_event = [this](const centrali::RealtimeRecordEvent& e) { note([&] { events.push_back(e); }); };
        o.on_error = [this](const centrali::RealtimeError& e) { note([&] { errors.push_back(e); }); };
        o.on_connected = [this] { note([&] { ++connects; }); };
        o.on_disconnected = [this](const std::string& r) { note([&] { disconnects.push_back(r); }); };
        return o;
    }
    template <class F>
    void note(F f) {
        std::lock_guard<std::mutex> lock(mutex);
        f();
        changed.notify_all();
    }
    template <class Pred>
    bool wait(Pred pred, std::chrono::milliseconds within = std::chrono::milliseconds(15'000)) {
        std::unique_lock<std::mutex> lock(mutex);
        return changed.wait_for(lock, within, [&] { return pred(); });
    }
};

}  // namespace centrali_test

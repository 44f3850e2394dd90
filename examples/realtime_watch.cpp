// Realtime: subscribe to record events, make three mutations, print the three events.
//
// Configuration from the environment, as in quickstart.cpp.
#include <centrali/client.hpp>

#include <condition_variable>
#include <iostream>
#include <mutex>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        std::mutex mutex;
        std::condition_variable changed;
        bool connected = false;
        int received = 0;

        centrali::SubscribeOptions options;
        options.structures = {"orders"};
        options.on_connected = [&] {
            std::lock_guard<std::mutex> lock(mutex);
            connected = true;
            changed.notify_all();
        };
        options.on_event = [&](const centrali::RealtimeRecordEvent& event) {
            std::lock_guard<std::mutex> lock(mutex);
            std::cout << "event " << event.id << ": " << event.event << " " << event.record_slug << "/" << event.record_id;
            if (event.event == centrali::RealtimeEventType::record_updated)
                std::cout << " before=" << event.before().dump() << " after=" << event.after().dump();
            else
                std::cout << " data=" << event.data.dump();
            std::cout << "\n";
            ++received;
            changed.notify_all();
        };
        options.on_error = [](const centrali::RealtimeError& error) {
            std::cerr << "realtime error " << error.code << ": " << error.message << "\n";
        };
        centrali::Subscription subscription = client.realtime().subscribe(options);

        std::unique_lock<std::mutex> lock(mutex);
        if (!changed.wait_for(lock, std::chrono::seconds(10), [&] { return connected; })) {
            std::cerr << "could not connect\n";
            return 1;
        }
        lock.unlock();

        const auto order = client.records().create("orders", {{"status", "pending"}, {"total", 42}});
        client.records().update("orders", order.id, {{"status", "shipped"}});
        client.records().remove("orders", order.id);

        lock.lock();
        const bool all = changed.wait_for(lock, std::chrono::seconds(10), [&] { return received >= 3; });
        std::cout << received << " events received\n";
        return all ? 0 : 1;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}

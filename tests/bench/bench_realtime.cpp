// P4: realtime. (1) End to end: record events delivered to a real subscription's on_event per
// second, from a server on the other core that writes them as fast as the socket takes them
// (goal >= 200,000/s). (2) The parts: how fast SseParser splits the stream, fed as libcurl hands
// it over (16 KiB chunks), and with the decoding a subscription does after it. (3) What an idle
// subscription costs: one open stream, the server pinging every second, nothing else for 5 s.
//
// Not a test: run `bash scripts/bench.sh`.
#include "bench_util.hpp"
#include "hostile_server.hpp"

#include <centrali/client.hpp>
#include <emulator.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

constexpr const char* kToken = "bench-token-0123456789";

/// 200,000 frames as the emulator writes them (`id`, `event: message`, one `data:` line of
/// JSON), with the mix a busy collection produces: creates, updates carrying before/after, and
/// deletes, plus a `: ping` comment now and then. Payloads cycle through 256 distinct ones so
/// building the buffer stays cheap; the parser does not care that they repeat.
std::string make_event_stream(int events) {
    std::vector<std::string> payloads;
    for (int i = 0; i < 256; ++i) {
        const nlohmann::json record = bench::realistic_record(i);
        nlohmann::json payload = {{"workspaceSlug", "acme"},
                                  {"recordSlug", "orders"},
                                  {"recordId", record["id"]},
                                  {"timestamp", "2025-03-15T11:02:07.114Z"}};
        if (i % 10 < 6) {
            payload["event"] = "record_created";
            payload["data"] = record["data"];
            payload["createdBy"] = "sa_7f3c2a91";
        } else if (i % 10 < 9) {
            nlohmann::json after = record["data"];
            after["status"] = "shipped";
            payload["event"] = "record_updated";
            payload["data"] = {{"before", record["data"]}, {"after", after}};
            payload["updatedBy"] = "user_2b8e40d7";
        } else {
            payload["event"] = "record_deleted";
            payload["data"] = record["data"];
            payload["deletedBy"] = "user_2b8e40d7";
        }
        payloads.push_back(payload.dump());
    }
    std::string stream = "retry: 3000\n: connected to workspace acme\n\n";
    stream.reserve(static_cast<std::size_t>(events) * 700);
    for (int i = 0; i < events; ++i) {
        if (i % 1000 == 999) stream += ": ping\n\n";
        stream += "id: " + std::to_string(i + 1) + "\nevent: message\ndata: " + payloads[i % payloads.size()] + "\n\n";
    }
    return stream;
}

/// Feeds `stream` in `chunk`-byte pieces; returns the events seen.
template <class Handler>
long feed_all(const std::string& stream, std::size_t chunk, Handler handler) {
    long count = 0;
    centrali::detail::SseParser parser([&](const centrali::detail::SseEvent& event) {
        ++count;
        handler(event);
    });
    const std::string_view all(stream);
    for (std::size_t at = 0; at < all.size(); at += chunk) parser.feed(all.substr(at, chunk));
    return count;
}

struct Throughput {
    double parser_events_per_s;
    double parser_mib_per_s;
    double decoded_events_per_s;
    double json_parse_events_per_s;  ///< the parser + nlohmann::json::parse of each data line, nothing else
};

Throughput measure_parser(int events, int rounds) {
    const std::string stream = make_event_stream(events);
    constexpr std::size_t kChunk = 16 * 1024;  // CURL_MAX_WRITE_SIZE: what one write callback gets
    std::size_t checksum = 0;
    feed_all(stream, kChunk, [&](const auto& e) { checksum += e.data.size(); });  // warm-up
    std::vector<double> cpu;
    for (int round = 0; round < rounds; ++round) {
        const double start = bench::thread_cpu_us();
        const long seen = feed_all(stream, kChunk, [&](const auto& e) { checksum += e.data.size(); });
        cpu.push_back(bench::thread_cpu_us() - start);
        if (seen != events) throw std::runtime_error("the parser saw " + std::to_string(seen) + " events");
    }
    const double seconds = bench::median(cpu) / 1e6;

    // The parser plus what the subscription does next with each event (the depth-limited parse
    // of the data line and its conversion to RealtimeRecordEvent), on a tenth of the stream;
    // and, interleaved with it, the parser plus a bare nlohmann::json::parse of each data line:
    // the ceiling of any subscription whose events carry their data as a JSON document.
    const std::string head = stream.substr(0, stream.find("id: " + std::to_string(events / 10 + 1) + "\n"));
    std::vector<double> decode_cpu, parse_cpu;
    auto pass = [&](bool decode) {
        const double start = bench::thread_cpu_us();
        const long seen = feed_all(head, kChunk, [&](const centrali::detail::SseEvent& e) {
            if (decode) {
                centrali::RealtimeRecordEvent event;
                centrali::detail::decode_event(centrali::detail::parse_json_text(e.data), event);
                checksum += event.record_id.size();
            } else {
                checksum += nlohmann::json::parse(e.data).size();
            }
        });
        (decode ? decode_cpu : parse_cpu).push_back(bench::thread_cpu_us() - start);
        if (seen != events / 10) throw std::runtime_error("a decoding pass saw the wrong number of events");
    };
    for (int round = 0; round < 5; ++round) {
        pass(round % 2 == 0);
        pass(round % 2 != 0);
    }
    if (checksum == 0) std::puts("");  // keeps the handlers' work observable
    return {events / seconds, static_cast<double>(stream.size()) / (1 << 20) / seconds,
            (events / 10) / (bench::median(decode_cpu) / 1e6), (events / 10) / (bench::median(parse_cpu) / 1e6)};
}

/// The emulator's realtime options with a 1 s ping, when this emulator has them (the API was
/// being added while this benchmark was written): detected at compile time, not assumed.
template <class E>
auto set_one_second_ping(E& emulator, int) -> decltype(emulator.set_realtime_options({3000, 1000}), true) {
    emulator.set_realtime_options({3000, 1000});
    return true;
}
template <class E>
bool set_one_second_ping(E&, long) {
    return false;
}

/// The emulator in a child process, so that getrusage(RUSAGE_SELF) in this one counts the client
/// alone. Forked while this process has a single thread. The child serves until `stop` closes.
struct EmulatorProcess {
    pid_t pid = -1;
    int stop_fd = -1;
    std::string base_url;
    bool one_second_ping = false;

    EmulatorProcess() {
        int ready[2], stop[2];
        if (pipe(ready) != 0 || pipe(stop) != 0) throw std::runtime_error("pipe failed");
        std::fflush(stdout);
        pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            close(ready[0]);
            close(stop[1]);
            centrali_emulator::Options options;
            options.static_token = kToken;
            centrali_emulator::Emulator emulator(options);
            const bool ping = set_one_second_ping(emulator, 0);
            emulator.start();
            const std::string line = std::to_string(ping ? 1 : 0) + " " + emulator.base_url();
            if (write(ready[1], line.data(), line.size()) < 0) _exit(1);
            close(ready[1]);
            char byte;
            while (read(stop[0], &byte, 1) > 0) {
            }
            emulator.stop();
            _exit(0);
        }
        close(ready[1]);
        close(stop[0]);
        stop_fd = stop[1];
        char buffer[256] = {};
        const ssize_t got = read(ready[0], buffer, sizeof buffer - 1);
        close(ready[0]);
        if (got <= 2) throw std::runtime_error("the emulator process did not start");
        one_second_ping = buffer[0] == '1';
        base_url = std::string(buffer + 2, static_cast<std::size_t>(got - 2));
    }
    ~EmulatorProcess() {
        close(stop_fd);
        int status = 0;
        waitpid(pid, &status, 0);
    }
};

struct Idle {
    double cpu_percent;
    double window_s;
    int disconnects;
    bool one_second_ping;
};

Idle measure_idle(double window_seconds) {
    EmulatorProcess server;
    centrali::ClientOptions options;
    options.base_url = server.base_url;
    options.workspace = "acme";
    options.token = kToken;
    centrali::Client client(options);

    std::atomic<int> disconnects{0};
    centrali::SubscribeOptions subscribe;
    subscribe.on_event = [](const centrali::RealtimeRecordEvent&) {};
    subscribe.on_disconnected = [&](const std::string&) { ++disconnects; };
    auto subscription = client.realtime().subscribe(std::move(subscribe));
    const auto deadline = bench::Clock::now() + std::chrono::seconds(5);
    while (!subscription.is_connected() && bench::Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!subscription.is_connected()) throw std::runtime_error("the subscription did not connect");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past the greeting and setup

    const double cpu_start = bench::process_cpu_us();
    const auto start = bench::Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(window_seconds));
    const double cpu = bench::process_cpu_us() - cpu_start;
    const double wall = bench::elapsed_us(start);
    if (!subscription.is_connected()) throw std::runtime_error("the subscription dropped while idle");
    return {100.0 * cpu / wall, wall / 1e6, disconnects.load(), server.one_second_ping};
}

struct EndToEnd {
    double events_per_s;
    double subscription_cpu_us_per_event;
};

/// `events` record events written by a raw-socket server on `server_cpu` into one stream, and
/// a subscription on this process's core counting them in on_event: events per second between
/// the first and the last delivered, median of `rounds`.
EndToEnd measure_end_to_end(int events, int rounds, int server_cpu) {
    const std::string stream = make_event_stream(events);
    std::unique_ptr<centrali_test::HostileServer> server;
    std::thread starter([&] {
        bench::pin_thread_to(server_cpu);
        server = std::make_unique<centrali_test::HostileServer>([&](const centrali_test::RawRequest&,
                                                                    centrali_test::RawConnection& connection) {
            connection.write(centrali_test::http_head(200, {{"Content-Type", "text/event-stream"}}) + stream);
            connection.sleep_for(std::chrono::minutes(10));
        });
    });
    starter.join();
    centrali::ClientOptions options;
    options.base_url = server->base_url();
    options.workspace = "acme";
    options.token = kToken;
    centrali::Client client(options);
    std::vector<double> rates, cpu_per_event;
    for (int round = 0; round < rounds; ++round) {
        std::mutex mutex;
        std::condition_variable done;
        long seen = 0;
        bench::Clock::time_point first, last;
        double cpu_first = 0, cpu_last = 0;
        centrali::SubscribeOptions subscribe;
        subscribe.on_event = [&](const centrali::RealtimeRecordEvent& event) {
            if (event.record_id.empty()) throw std::runtime_error("an event without its record id");
            if (++seen == 1) {
                first = bench::Clock::now();
                cpu_first = bench::thread_cpu_us();
            }
            if (seen == events) {
                last = bench::Clock::now();
                cpu_last = bench::thread_cpu_us();
                std::lock_guard<std::mutex> lock(mutex);
                done.notify_one();
            }
        };
        auto subscription = client.realtime().subscribe(std::move(subscribe));
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (!done.wait_for(lock, std::chrono::minutes(2), [&] { return seen == events; }))
                throw std::runtime_error("the subscription delivered " + std::to_string(seen) + " events");
        }
        subscription.stop();
        const double seconds = std::chrono::duration<double>(last - first).count();
        rates.push_back((events - 1) / seconds);
        cpu_per_event.push_back((cpu_last - cpu_first) / (events - 1));
    }
    return {bench::median(rates), bench::median(cpu_per_event)};
}

}  // namespace

int main(int argc, char** argv) {
    const int events = argc > 1 ? std::atoi(argv[1]) : 200000;
    const double idle_seconds = argc > 2 ? std::atof(argv[2]) : 5.0;

    bench::pin_thread_to(0);  // the client's core; the end-to-end server gets the other
    const int server_cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
    const EndToEnd e2e = measure_end_to_end(events, 3, server_cpu);
    std::printf("P4 end to end: %d record events through one subscription, median of 3 rounds, client on core 0, "
                "server on core %d:\n  %.0f events/s delivered to on_event (goal >= 200000); the subscription "
                "thread's CPU %.2f us per event\n",
                events, server_cpu, e2e.events_per_s, e2e.subscription_cpu_us_per_event);
    bench::result("p4.end_to_end_events_per_s", e2e.events_per_s);
    bench::result("p4.end_to_end_cpu_us_per_event", e2e.subscription_cpu_us_per_event);

    const Throughput t = measure_parser(events, 5);
    std::printf("P4 SSE parse: %d record events in 16 KiB chunks, median of 5 rounds (thread CPU):\n", events);
    std::printf("  SseParser alone: %.0f events/s (%.0f MiB/s) (goal >= 200000)\n", t.parser_events_per_s,
                t.parser_mib_per_s);
    std::printf("  SseParser + the subscription's decoding (depth-limited parse, RealtimeRecordEvent): %.0f events/s\n",
                t.decoded_events_per_s);
    std::printf("  SseParser + nlohmann::json::parse of each data line, nothing else: %.0f events/s (the ceiling)\n",
                t.json_parse_events_per_s);
    bench::result("p4.parser_events_per_s", t.parser_events_per_s);
    bench::result("p4.decoded_events_per_s", t.decoded_events_per_s);
    bench::result("p4.json_parse_events_per_s", t.json_parse_events_per_s);

    const Idle idle = measure_idle(idle_seconds);
    std::printf("P4 idle subscription: %.2f%% of one core over %.1f s (client process only; server pings %s), "
                "%d disconnects\n",
                idle.cpu_percent, idle.window_s,
                idle.one_second_ping ? "every 1 s" : "at its default interval: set_realtime_options was missing",
                idle.disconnects);
    bench::result("p4.idle_cpu_percent", idle.cpu_percent);
    bench::result("p4.idle_one_second_ping", idle.one_second_ping ? 1 : 0);
    return 0;
}

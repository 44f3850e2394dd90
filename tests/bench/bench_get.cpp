// Per-call cost of the SDK against the floor: the same GET of one record, through the SDK and
// through a hand-written loop on one reused libcurl easy handle + nlohmann::json::parse, against
// the in-process emulator on loopback, interleaved in rounds so both see the same machine noise.
// Then the TCP connections the emulator saw for 1,000 sequential SDK calls on one Client.
//
// Not a test: run `bash scripts/bench.sh`. It prints `ratio sdk/raw = X.XX`.
#include <centrali/client.hpp>
#include <emulator.hpp>

#include <curl/curl.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "bench-token-0123456789";

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

/// The floor: what a careful engineer writes by hand with libcurl.
struct RawLoop {
    CURL* curl = curl_easy_init();
    curl_slist* headers = nullptr;
    std::string body;

    explicit RawLoop(const std::string& url) {
        headers = curl_slist_append(headers, (std::string("Authorization: Bearer ") + kToken).c_str());
        headers = curl_slist_append(headers, "Accept: application/json");
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    }
    ~RawLoop() {
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
    }
    std::string get() {
        body.clear();
        if (curl_easy_perform(curl) != CURLE_OK) throw std::runtime_error("raw GET failed");
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) throw std::runtime_error("raw GET status " + std::to_string(status));
        return nlohmann::json::parse(body)["data"]["id"].get<std::string>();
    }
};

/// CPU time of the calling thread: the SDK's own work, free of the scheduling noise that wall
/// time on a shared 2-core machine carries (client and server threads share the cores).
double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

/// Keeps the client and every emulator thread on one core. On a shared 2-core machine the
/// request/response hand-off otherwise lands on one core or crosses to the other at random,
/// which doubles some rounds' latency for whichever side drew it; the ratio then measures the
/// scheduler instead of the SDK. Threads created later inherit the mask.
void pin_to_one_core() {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
}

int main(int argc, char** argv) {
    pin_to_one_core();
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
    const int calls_per_round = argc > 2 ? std::atoi(argv[2]) : 400;

    centrali_emulator::Options emulator_options;
    emulator_options.static_token = kToken;
    centrali_emulator::Emulator emulator(emulator_options);
    emulator.start();

    centrali::ClientOptions options;
    options.base_url = emulator.base_url();
    options.workspace = "acme";
    options.token = kToken;
    centrali::Client client(options);
    const auto record = client.records().create("bench", {{"title", "benchmark"}, {"n", 1}, {"tags", {"a", "b"}}});
    RawLoop raw(emulator.base_url() + "/data/workspace/acme/api/v1/records/slug/bench/" + record.id);

    // Warm up both paths (connections, allocator, caches).
    for (int i = 0; i < 200; ++i) {
        client.records().get("bench", record.id);
        raw.get();
    }

    std::vector<double> sdk_us, raw_us, sdk_cpu, raw_cpu;
    auto timed = [&](auto&& call, std::vector<double>& wall, std::vector<double>& cpu) {
        const auto start = Clock::now();
        const double cpu_start = thread_cpu_us();
        for (int i = 0; i < calls_per_round; ++i)
            if (call() != record.id) throw std::runtime_error("wrong record");
        cpu.push_back((thread_cpu_us() - cpu_start) / calls_per_round);
        wall.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / calls_per_round);
    };
    for (int round = 0; round < rounds; ++round) {
        // Alternate which side goes first so neither always follows the other.
        auto sdk_round = [&] { timed([&] { return client.records().get("bench", record.id).id; }, sdk_us, sdk_cpu); };
        auto raw_round = [&] { timed([&] { return raw.get(); }, raw_us, raw_cpu); };
        if (round % 2 == 0) { sdk_round(); raw_round(); } else { raw_round(); sdk_round(); }
    }
    const double sdk = median(sdk_us), floor = median(raw_us);
    std::printf("GET one record, %d rounds x %d calls, medians per call:\n", rounds, calls_per_round);
    std::printf("  wall: sdk %.1f us, raw libcurl %.1f us\n", sdk, floor);
    std::printf("  client-thread CPU: sdk %.1f us, raw libcurl %.1f us (ratio %.2f)\n", median(sdk_cpu),
                median(raw_cpu), median(sdk_cpu) / median(raw_cpu));
    std::printf("ratio sdk/raw = %.2f\n", sdk / floor);

    // Connections: a fresh emulator so that nothing else has connected to it.
    centrali_emulator::Emulator counted(emulator_options);
    counted.start();
    options.base_url = counted.base_url();
    centrali::Client sequential(options);
    const auto probe = sequential.records().create("bench", {{"n", 1}});
    for (int i = 0; i < 1000; ++i) sequential.records().get("bench", probe.id);
    std::printf("connections for 1001 sequential SDK calls on one Client: %zu\n", counted.connections());
    return 0;
}

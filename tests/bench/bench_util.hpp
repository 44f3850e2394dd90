// What every benchmark program shares: clocks, medians, pinning, realistic test data and the
// `result KEY VALUE` lines that scripts/bench.sh turns into docs/benchmarks.md.
//
// The machine is 2 cores shared with other work, so no figure here is an absolute claim: each
// comparison is a ratio of medians of rounds that ran interleaved in the same process run.
#pragma once

#include <nlohmann/json.hpp>

#include <sched.h>
#include <unistd.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double elapsed_us(Clock::time_point since) {
    return std::chrono::duration<double, std::micro>(Clock::now() - since).count();
}

/// CPU time of the calling thread. On a shared machine it is far steadier than wall time: it
/// does not grow while the thread waits for the core or for the server.
inline double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

/// User + system CPU time of the whole process (every thread).
inline double process_cpu_us() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

/// The median, not the mean: one round that lost the core to another process must not move it.
inline double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/// Keeps this process (and every thread it starts later, which inherit the mask) on the core it
/// runs on now. Client and in-process server then share one core, as they would share a busy
/// production core: on a shared 2-core machine the request/response hand-off otherwise lands on
/// one core or crosses to the other at random, which doubles some rounds' latency for whichever
/// side drew it, and the ratio measures the scheduler instead of the SDK. Returns the core.
inline int pin_to_one_core() {
    const int cpu = sched_getcpu() < 0 ? 0 : sched_getcpu();
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
    return cpu;
}

/// Keeps the calling thread (and the threads it starts later) on `cpu`.
inline void pin_thread_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
}

/// Lets the calling thread (and the threads it starts later) run on every core.
inline void unpin_thread() {
    cpu_set_t set;
    CPU_ZERO(&set);
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < cores; ++c) CPU_SET(static_cast<int>(c), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
}

/// A machine-readable figure for scripts/bench.sh (which writes docs/benchmarks.md from them).
inline void result(const char* key, double value) {
    std::printf("result %s %.6g\n", key, value);
    std::fflush(stdout);
}

/// A field map shaped like a real business record: ten fields of mixed types, strings of
/// realistic lengths, one nested object and one array (what an orders collection holds).
inline nlohmann::json realistic_fields(int n) {
    static const char* const names[] = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
                                        "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton"};
    static const char* const cities[] = {"Lisbon", "Berlin", "Nairobi", "Montreal", "Osaka", "Lima"};
    static const char* const states[] = {"pending", "paid", "shipped", "delivered", "refunded"};
    const std::string name = names[n % 8];
    std::string email = name;
    std::replace(email.begin(), email.end(), ' ', '.');
    std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
    return {{"orderNumber", "ORD-" + std::to_string(100000 + n)},
            {"customer", name},
            {"email", email + "@example.com"},
            {"total", 10.0 + (n * 37 % 10000) / 100.0},
            {"currency", n % 3 == 0 ? "EUR" : "USD"},
            {"status", states[n % 5]},
            {"quantity", 1 + n % 7},
            {"express", n % 4 == 0},
            {"tags", {"web", n % 2 == 0 ? "returning" : "new"}},
            {"shipping", {{"city", cities[n % 6]}, {"postcode", std::to_string(10000 + n % 89999)}, {"country", "PT"}}}};
}

/// A whole record as the server sends it (the emulator's record_json shape).
inline nlohmann::json realistic_record(int n) {
    char id[40];
    std::snprintf(id, sizeof id, "%08x-4b1d-4c0f-9a3e-%012x", 0x1f000000u + static_cast<unsigned>(n),
                  0x5eed0000u + static_cast<unsigned>(n));
    return {{"id", id},
            {"recordSlug", "orders"},
            {"workspaceSlug", "acme"},
            {"data", realistic_fields(n)},
            {"status", "active"},
            {"version", 1 + n % 3},
            {"createdAt", "2025-03-14T09:26:53.589Z"},
            {"updatedAt", "2025-03-15T11:02:07.114Z"},
            {"createdBy", "sa_7f3c2a91"},
            {"updatedBy", "user_2b8e40d7"}};
}

/// VmRSS or VmHWM of this process from /proc/self/status, in KiB.
inline long proc_status_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.compare(0, prefix.size(), prefix) == 0) return std::stol(line.substr(prefix.size()));
    return -1;
}

}  // namespace bench

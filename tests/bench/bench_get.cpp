// Per-call cost, connections and async throughput of the SDK, each against a floor measured in
// the same run against the in-process emulator on loopback:
//
//   P1  a GET of one record and a query of 100 records, through the SDK's sync API, through a
//       hand-written loop on one reused libcurl easy handle + nlohmann::json::parse (the floor),
//       and through axios on Node with a keep-alive agent (what the official JS SDK uses).
//   P2  the TCP connections of 1,000 sequential calls on one Client (exactly 1) and of
//       4 threads x 250 calls (at most 4).
//   A   2,000 GETs with 64 in flight through get_async(), against a hand-written curl multi
//       loop over 64 easy handles, and against the same GETs made one by one with get().
//
// Every comparison is a ratio of medians of rounds run interleaved in this one process run:
// the machine (2 shared cores) is too noisy for absolute figures to mean anything.
//
// Not a test: run `bash scripts/bench.sh`.
#include "bench_util.hpp"

#include <centrali/client.hpp>
#include <emulator.hpp>

#include <curl/curl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifndef CENTRALI_BENCH_AXIOS_DIR
#define CENTRALI_BENCH_AXIOS_DIR "tests/bench/axios"
#endif

namespace {

using bench::median;

constexpr const char* kToken = "bench-token-0123456789";
constexpr const char* kSlug = "orders";

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

/// The floor: what a careful engineer writes by hand with libcurl. One easy handle for every
/// call (so one keep-alive connection), the headers the server needs (Authorization, Accept),
/// the body parsed with nlohmann. No retries, no typed records, no error mapping: what the SDK
/// does on top of this is exactly what the ratio prices.
class RawLoop {
public:
    explicit RawLoop(const std::string& record_url, const std::string& query_url)
        : record_url_(record_url), query_url_(query_url) {
        headers_ = curl_slist_append(headers_, (std::string("Authorization: Bearer ") + kToken).c_str());
        headers_ = curl_slist_append(headers_, "Accept: application/json");
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &append_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    }
    ~RawLoop() {
        curl_slist_free_all(headers_);
        curl_easy_cleanup(curl_);
    }
    RawLoop(const RawLoop&) = delete;
    RawLoop& operator=(const RawLoop&) = delete;

    std::string get() { return fetch(record_url_)["data"]["id"].get<std::string>(); }
    std::size_t query() { return fetch(query_url_)["data"].size(); }

private:
    nlohmann::json fetch(const std::string& url) {
        body_.clear();
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        if (curl_easy_perform(curl_) != CURLE_OK) throw std::runtime_error("raw GET failed");
        long status = 0;
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) throw std::runtime_error("raw GET status " + std::to_string(status));
        return nlohmann::json::parse(body_);
    }

    CURL* curl_ = curl_easy_init();
    curl_slist* headers_ = nullptr;
    std::string body_;
    std::string record_url_, query_url_;
};

centrali_emulator::Options emulator_options() {
    centrali_emulator::Options options;
    options.static_token = kToken;
    return options;
}

centrali::ClientOptions client_options(const centrali_emulator::Emulator& emulator) {
    centrali::ClientOptions options;
    options.base_url = emulator.base_url();
    options.workspace = "acme";
    options.token = kToken;
    return options;
}

std::string record_url(const centrali_emulator::Emulator& emulator, const std::string& id) {
    return emulator.base_url() + "/data/workspace/acme/api/v1/records/slug/" + kSlug + "/" + id;
}

/// Wall and client-thread CPU time per call of `rounds` rounds.
struct Series {
    std::vector<double> wall_us, cpu_us;
    double wall() const { return median(wall_us); }
    double cpu() const { return median(cpu_us); }
};

template <class Call>
void timed_round(Series& series, int calls, Call&& call) {
    const auto start = bench::Clock::now();
    const double cpu_start = bench::thread_cpu_us();
    for (int i = 0; i < calls; ++i) call();
    series.cpu_us.push_back((bench::thread_cpu_us() - cpu_start) / calls);
    series.wall_us.push_back(bench::elapsed_us(start) / calls);
}

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("benchmark sanity check failed: ") + what);
}

// ---- P1: axios on Node ---------------------------------------------------------------------

std::string axios_dir() {
    const char* dir = std::getenv("CENTRALI_BENCH_AXIOS_DIR");
    return dir != nullptr && *dir != '\0' ? dir : CENTRALI_BENCH_AXIOS_DIR;
}

bool axios_installed() {
    struct stat info {};
    return stat((axios_dir() + "/node_modules/axios/package.json").c_str(), &info) == 0;
}

/// Runs bench.mjs once against `emulator` and returns its JSON line. Node runs on `cpu`, the
/// core this process (client and emulator threads) is pinned to, so both clients see the same
/// conditions: the server's work competes with the client's on one core either way. (A child
/// inherits the affinity mask anyway; taskset states the intent where the command is read.)
std::optional<nlohmann::json> run_axios(int cpu, const centrali_emulator::Emulator& emulator, const std::string& id,
                                        int iterations, int rounds) {
    const std::string command = "taskset -c " + std::to_string(cpu) + " node '" + axios_dir() + "/bench.mjs' " +
                                emulator.base_url() + " " + kToken + " " + kSlug + " " + id + " " +
                                std::to_string(iterations) + " " + std::to_string(rounds) + " 2>&1";
    std::fflush(stdout);
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int status = pclose(pipe);
    const auto brace = output.rfind("\n{") == std::string::npos ? output.find('{') : output.rfind("\n{") + 1;
    if (status != 0 || brace == std::string::npos) {
        std::fprintf(stderr, "axios run failed (%d): %s\n", status, output.c_str());
        return std::nullopt;
    }
    return nlohmann::json::parse(output.substr(brace));
}

// ---- A: the raw curl multi floor -----------------------------------------------------------

/// `concurrency` easy handles on one multi handle, each re-added as soon as its transfer ends,
/// until `total` GETs are done; bodies parsed like the SDK's. The multi handle (and with it its
/// connection cache) lives across rounds, as the SDK's event loop does.
class RawMulti {
public:
    RawMulti(const std::string& url, int concurrency) : multi_(curl_multi_init()) {
        headers_ = curl_slist_append(headers_, (std::string("Authorization: Bearer ") + kToken).c_str());
        headers_ = curl_slist_append(headers_, "Accept: application/json");
        curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(concurrency));
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));
        slots_.resize(static_cast<std::size_t>(concurrency));
        for (auto& slot : slots_) {
            slot.easy = curl_easy_init();
            curl_easy_setopt(slot.easy, CURLOPT_URL, url.c_str());
            curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, headers_);
            curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, &append_body);
            curl_easy_setopt(slot.easy, CURLOPT_WRITEDATA, &slot.body);
            curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
        }
    }
    ~RawMulti() {
        for (auto& slot : slots_) curl_easy_cleanup(slot.easy);
        curl_multi_cleanup(multi_);
        curl_slist_free_all(headers_);
    }
    RawMulti(const RawMulti&) = delete;
    RawMulti& operator=(const RawMulti&) = delete;

    /// Makes `total` GETs; returns how many answered with the expected record.
    int run(int total, const std::string& expected_id) {
        int started = 0, done = 0, ok = 0;
        for (auto& slot : slots_) {
            if (started == total) break;
            start(slot);
            ++started;
        }
        while (done < total) {
            int running = 0;
            curl_multi_perform(multi_, &running);
            int queued = 0;
            while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
                if (message->msg != CURLMSG_DONE) continue;
                Slot* slot = nullptr;
                curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
                long status = 0;
                curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status);
                if (message->data.result == CURLE_OK && status == 200 &&
                    nlohmann::json::parse(slot->body)["data"]["id"] == expected_id)
                    ++ok;
                ++done;
                curl_multi_remove_handle(multi_, slot->easy);
                if (started < total) {
                    start(*slot);
                    ++started;
                }
            }
            if (done < total) curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
        }
        return ok;
    }

private:
    struct Slot {
        CURL* easy = nullptr;
        std::string body;
    };
    void start(Slot& slot) {
        slot.body.clear();
        curl_multi_add_handle(multi_, slot.easy);
    }

    CURLM* multi_;
    curl_slist* headers_ = nullptr;
    std::vector<Slot> slots_;
};

/// The ids of this process's threads now.
std::set<int> thread_ids() {
    std::set<int> ids;
    if (DIR* dir = opendir("/proc/self/task")) {
        while (dirent* entry = readdir(dir))
            if (entry->d_name[0] != '.') ids.insert(std::atoi(entry->d_name));
        closedir(dir);
    }
    return ids;
}

/// CPU time of another thread of this process, by its kernel id. The SDK's event-loop thread is
/// not ours to ask, so its CPU clock is built the way glibc's pthread_getcpuclockid builds one
/// (CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED on ~tid), which Linux accepts for any thread of the
/// calling process.
double thread_cpu_us(int tid) {
    const clockid_t clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
    timespec ts{};
    if (clock_gettime(clock, &ts) != 0) return 0;
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

/// Names a thread of this process (as perf and top show it), so that a profile of this program
/// tells the SDK's loop thread from the emulator's many worker threads.
void name_thread(int tid, const char* name) {
    std::ofstream("/proc/self/task/" + std::to_string(tid) + "/comm") << name;
}

/// 2,000 GETs through get_async with `concurrency` futures in flight: when the oldest is done,
/// the next call goes in. Returns how many came back with the expected record.
int sdk_async_gets(centrali::Client& client, const std::string& id, int total, int concurrency) {
    std::deque<std::future<centrali::Record>> in_flight;
    int submitted = 0, ok = 0;
    while (submitted < total && static_cast<int>(in_flight.size()) < concurrency) {
        in_flight.push_back(client.records().get_async(kSlug, id));
        ++submitted;
    }
    while (!in_flight.empty()) {
        if (in_flight.front().get().id == id) ++ok;
        in_flight.pop_front();
        if (submitted < total) {
            in_flight.push_back(client.records().get_async(kSlug, id));
            ++submitted;
        }
    }
    return ok;
}

/// The whole P1 comparison. Blocks of interleaved SDK/raw rounds, each followed by one Node run
/// (which does its own rounds after its own warm-up): Node's start-up stays out of every timed
/// round, and all three clients are still sampled across the whole run, not one after another.
void per_call(int cpu, int blocks, int rounds_per_block, int get_calls) {
    const int query_calls = std::max(1, get_calls / 10);  // a 100-record page is ~10x a GET
    centrali_emulator::Emulator emulator(emulator_options());
    emulator.start();
    centrali::Client client(client_options(emulator));
    std::vector<nlohmann::json> fields;
    for (int i = 0; i < 100; ++i) fields.push_back(bench::realistic_fields(i));
    const auto created = client.records().bulk_create(kSlug, fields);
    check(created.size() == 100, "100 records created");
    const std::string id = created.front().id;
    const auto page_query = centrali::RecordQuery().page_size(100);
    RawLoop raw(record_url(emulator, id), emulator.base_url() + "/data/workspace/acme/api/v1/records/slug/" + kSlug +
                                              "?pageSize=100");

    auto sdk_get = [&] { check(client.records().get(kSlug, id).id == id, "SDK GET"); };
    auto raw_get = [&] { check(raw.get() == id, "raw GET"); };
    auto sdk_query = [&] { check(client.records().query(kSlug, page_query).size() == 100, "SDK query"); };
    auto raw_query = [&] { check(raw.query() == 100, "raw query"); };
    for (int i = 0; i < 200; ++i) sdk_get(), raw_get();  // connections, allocator, caches
    for (int i = 0; i < 20; ++i) sdk_query(), raw_query();

    const bool with_axios = axios_installed();
    if (!with_axios)
        std::printf("note: %s/node_modules/axios is missing (scripts/bench.sh installs it): no axios figures\n",
                    axios_dir().c_str());
    Series sdk_g, raw_g, sdk_q, raw_q;
    std::vector<double> ax_g, ax_q, ax_g_cpu, ax_q_cpu;
    std::string node_version, axios_version;
    int round = 0;
    for (int block = 0; block < blocks; ++block) {
        for (int r = 0; r < rounds_per_block; ++r, ++round) {
            // Alternate which side goes first so neither always follows the other.
            if (round % 2 == 0) {
                timed_round(sdk_g, get_calls, sdk_get), timed_round(raw_g, get_calls, raw_get);
                timed_round(raw_q, query_calls, raw_query), timed_round(sdk_q, query_calls, sdk_query);
            } else {
                timed_round(raw_g, get_calls, raw_get), timed_round(sdk_g, get_calls, sdk_get);
                timed_round(sdk_q, query_calls, sdk_query), timed_round(raw_q, query_calls, raw_query);
            }
            emulator.clear_requests();  // the emulator logs every request; keep that log small
        }
        if (!with_axios) continue;
        const auto line = run_axios(cpu, emulator, id, get_calls, rounds_per_block);
        if (!line) throw std::runtime_error("the axios benchmark failed");
        auto append = [](std::vector<double>& to, const nlohmann::json& from) {
            for (const auto& v : from) to.push_back(v.get<double>());
        };
        append(ax_g, (*line)["get_rounds_us"]);
        append(ax_q, (*line)["query_rounds_us"]);
        append(ax_g_cpu, (*line)["get_cpu_rounds_us"]);
        append(ax_q_cpu, (*line)["query_cpu_rounds_us"]);
        node_version = (*line)["node"].get<std::string>();
        axios_version = (*line)["axios"].get<std::string>();
        emulator.clear_requests();
    }

    std::printf("P1 per call, %d rounds (GET: %d calls/round, query of 100 records: %d calls/round), medians, "
                "all pinned to core %d:\n",
                round, get_calls, query_calls, cpu);
    auto report = [&](const char* name, const Series& sdk, const Series& floor, const std::vector<double>& ax,
                      const std::vector<double>& ax_cpu, const std::string& key) {
        std::printf("  %s wall: sdk %.1f us, raw libcurl %.1f us", name, sdk.wall(), floor.wall());
        if (!ax.empty()) std::printf(", axios %.1f us", median(ax));
        std::printf("\n  %s client CPU: sdk %.1f us, raw libcurl %.1f us (client thread)", name, sdk.cpu(), floor.cpu());
        if (!ax_cpu.empty()) std::printf(", axios %.1f us (whole node process)", median(ax_cpu));
        std::printf("\n  %s sdk/raw = %.2f (client CPU %.2f)\n", name, sdk.wall() / floor.wall(), sdk.cpu() / floor.cpu());
        bench::result(("p1." + key + ".sdk_us").c_str(), sdk.wall());
        bench::result(("p1." + key + ".raw_us").c_str(), floor.wall());
        bench::result(("p1." + key + ".sdk_cpu_us").c_str(), sdk.cpu());
        bench::result(("p1." + key + ".raw_cpu_us").c_str(), floor.cpu());
        bench::result(("p1." + key + ".sdk_over_raw").c_str(), sdk.wall() / floor.wall());
        bench::result(("p1." + key + ".sdk_over_raw_cpu").c_str(), sdk.cpu() / floor.cpu());
        if (ax.empty()) return;
        std::printf("  %s axios/sdk = %.2f (client CPU %.2f)\n", name, median(ax) / sdk.wall(), median(ax_cpu) / sdk.cpu());
        bench::result(("p1." + key + ".axios_us").c_str(), median(ax));
        bench::result(("p1." + key + ".axios_cpu_us").c_str(), median(ax_cpu));
        bench::result(("p1." + key + ".axios_over_sdk").c_str(), median(ax) / sdk.wall());
        bench::result(("p1." + key + ".axios_over_sdk_cpu").c_str(), median(ax_cpu) / sdk.cpu());
    };
    report("GET  ", sdk_g, raw_g, ax_g, ax_g_cpu, "get");
    report("query", sdk_q, raw_q, ax_q, ax_q_cpu, "query");
    if (with_axios) std::printf("  (node %s, axios %s)\n", node_version.c_str(), axios_version.c_str());
}

/// P2, on fresh emulators so that nothing else has connected to them.
void connections() {
    {
        centrali_emulator::Emulator counted(emulator_options());
        counted.start();
        centrali::Client sequential(client_options(counted));
        const auto probe = sequential.records().create(kSlug, bench::realistic_fields(1));
        for (int i = 0; i < 1000; ++i) check(sequential.records().get(kSlug, probe.id).id == probe.id, "sequential GET");
        std::printf("P2 connections for 1,000 sequential calls on one Client (+1 create): %zu (goal: exactly 1)\n",
                    counted.connections());
        bench::result("p2.sequential_connections", static_cast<double>(counted.connections()));
    }
    {
        centrali_emulator::Emulator counted(emulator_options());
        counted.start();
        centrali::Client shared(client_options(counted));
        const auto probe = shared.records().create(kSlug, bench::realistic_fields(2));
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 250; ++i)
                    if (shared.records().get(kSlug, probe.id).id == probe.id) ++ok;
            });
        for (auto& thread : threads) thread.join();
        check(ok == 1000, "threaded GETs");
        std::printf("P2 connections for 4 threads x 250 calls on one Client (+1 create): %zu (goal: at most 4)\n",
                    counted.connections());
        bench::result("p2.threaded_connections", static_cast<double>(counted.connections()));
    }
}

void async_throughput(int cpu) {
    const int async_total = 2000, async_concurrency = 64, async_rounds = 5;
    // One emulator per contender. A keep-alive connection holds one of the emulator's 64 worker
    // threads until it closes, so 64 connections are all one emulator can serve at once: the
    // SDK's 64 idle connections would starve the raw loop's (and the other way round) on a
    // shared server, and a 65th connection waits for the 60 s keep-alive timeout.
    centrali_emulator::Emulator async_server(emulator_options()), multi_server(emulator_options()),
        sync_server(emulator_options());
    async_server.start();
    multi_server.start();
    sync_server.start();
    // The record each contender GETs, created by a client that is gone (its connection closed)
    // before the contenders open their 64.
    auto seed = [](const centrali_emulator::Emulator& server) {
        centrali::Client seeder(client_options(server));
        return seeder.records().create(kSlug, bench::realistic_fields(3)).id;
    };
    const std::string async_id = seed(async_server), multi_id = seed(multi_server), sync_id = seed(sync_server);
    centrali::Client async_client(client_options(async_server)), sync_client(client_options(sync_server));
    RawMulti multi(record_url(multi_server, multi_id), async_concurrency);

    // Client CPU per request: this thread's, plus for the SDK its event-loop thread's (found
    // below as the one thread that appears with the first get_async). The emulator's threads
    // are left out: they serve all three contenders alike.
    std::vector<int> loop_threads;
    auto loop_cpu_us = [&] {
        double total = 0;
        for (int tid : loop_threads) total += thread_cpu_us(tid);
        return total;
    };
    struct Figures {
        std::vector<double> rps, cpu_us, loop_cpu_us;
    } async_f, multi_f, sync_f;
    auto rps_round = [&](Figures& into, auto&& run) {
        const auto start = bench::Clock::now();
        const double caller_start = bench::thread_cpu_us(), loop_start = loop_cpu_us();
        check(run() == async_total, "every concurrent GET answered");
        const double loop = loop_cpu_us() - loop_start;
        into.loop_cpu_us.push_back(loop / async_total);
        into.cpu_us.push_back((bench::thread_cpu_us() - caller_start + loop) / async_total);
        into.rps.push_back(async_total / (bench::elapsed_us(start) / 1e6));
    };
    auto async_run = [&] { return sdk_async_gets(async_client, async_id, async_total, async_concurrency); };
    auto multi_run = [&] { return multi.run(async_total, multi_id); };
    auto sync_run = [&] {
        int ok = 0;
        for (int i = 0; i < async_total; ++i) ok += sync_client.records().get(kSlug, sync_id).id == sync_id;
        return ok;
    };
    name_thread(static_cast<int>(getpid()), "bench-client");
    const std::set<int> before = thread_ids();
    Figures discard;
    rps_round(discard, async_run);  // warm-up, and the SDK's loop thread starts
    for (int tid : thread_ids())
        if (before.count(tid) == 0) loop_threads.push_back(tid);
    check(loop_threads.size() == 1, "exactly one new thread (the SDK's event loop) after the first get_async");
    name_thread(loop_threads.front(), "sdk-async-loop");
    rps_round(discard, multi_run), rps_round(discard, sync_run);
    for (int r = 0; r < async_rounds; ++r) {
        // Rotate the order: whoever runs right after another inherits its cache and scheduler state.
        for (int k = 0; k < 3; ++k) {
            switch ((r + k) % 3) {
            case 0: rps_round(async_f, async_run); break;
            case 1: rps_round(multi_f, multi_run); break;
            default: rps_round(sync_f, sync_run); break;
            }
        }
        async_server.clear_requests(), multi_server.clear_requests(), sync_server.clear_requests();
    }
    const double a = median(async_f.rps), m = median(multi_f.rps), s = median(sync_f.rps);
    const double a_cpu = median(async_f.cpu_us), m_cpu = median(multi_f.cpu_us), s_cpu = median(sync_f.cpu_us);
    std::printf("Async: %d GETs, %d in flight, %d rounds, medians (all on core %d):\n", async_total, async_concurrency,
                async_rounds, cpu);
    std::printf("  SDK get_async %.0f req/s, raw curl multi %.0f req/s, SDK sync one by one %.0f req/s\n", a, m, s);
    const double a_loop = median(async_f.loop_cpu_us);
    std::printf("  client CPU per request: SDK async %.1f us (of which its loop thread %.1f us), raw multi %.1f us, "
                "sync %.1f us\n",
                a_cpu, a_loop, m_cpu, s_cpu);
    std::printf("  async/raw-multi = %.2f (goal >= 0.9), async/sync = %.2f; client CPU async/raw-multi = %.2f\n", a / m,
                a / s, a_cpu / m_cpu);
    bench::result("async.sdk_cpu_us", a_cpu);
    bench::result("async.sdk_loop_cpu_us", a_loop);
    bench::result("async.raw_multi_cpu_us", m_cpu);
    bench::result("async.sync_cpu_us", s_cpu);
    bench::result("async.sdk_over_raw_cpu", a_cpu / m_cpu);
    bench::result("async.sdk_rps", a);
    bench::result("async.raw_multi_rps", m);
    bench::result("async.sync_rps", s);
    bench::result("async.sdk_over_raw", a / m);
    bench::result("async.sdk_over_sync", a / s);
}

}  // namespace

/// bench_get [SECTIONS [BLOCKS [ROUNDS_PER_BLOCK [GET_CALLS_PER_ROUND]]]]
/// SECTIONS: any of p1, p2, async, comma-separated (default: all), e.g. `bench_get async` under perf.
int main(int argc, char** argv) {
    const int cpu = bench::pin_to_one_core();
    const std::string sections = argc > 1 ? argv[1] : "p1,p2,async";
    const int blocks = argc > 2 ? std::atoi(argv[2]) : 3;
    const int rounds_per_block = argc > 3 ? std::atoi(argv[3]) : 4;
    const int get_calls = argc > 4 ? std::atoi(argv[4]) : 1000;
    auto wanted = [&](const char* name) { return sections.find(name) != std::string::npos; };
    if (wanted("p1")) per_call(cpu, blocks, rounds_per_block, get_calls);
    if (wanted("p2")) connections();
    if (wanted("async")) async_throughput(cpu);
    return 0;
}

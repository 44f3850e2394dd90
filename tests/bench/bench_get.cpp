// Per-call cost, threads, connections and async throughput of the SDK, each against a floor
// measured in the same run against the in-process emulator on loopback. The client runs on one
// core and the server on the other (its threads are started from a thread pinned there), as a
// service and its clients would, except where a section says otherwise:
//
//   P1  a GET of one record (as Record, and as a typed record of the caller's own struct) and a
//       query of 100 records, through the SDK's blocking API, through a hand-written loop on one
//       reused libcurl easy handle + nlohmann::json::parse (the floor), and through axios on
//       Node with a keep-alive agent (what the official JS SDK uses).
//   T   one Client shared by 8 and by 16 threads, against the floor with a handle per thread;
//       client and server threads free on both cores.
//   P2  the TCP connections of 1,000 sequential calls on one Client (exactly 1) and of
//       4 threads x 250 calls (at most 4).
//   A   2,000 GETs with 64 in flight through get_async() (future and callback tokens), against
//       a hand-written curl multi loop over 64 easy handles, and the connections each opened.
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
#include <condition_variable>
#include <functional>
#include <mutex>
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

/// A typed record: the caller's own struct for bench::realistic_fields, as a C++ service
/// declares it (get<Order>).
struct Shipping {
    std::string city, postcode, country;
};
struct Order {
    std::string order_number, customer, email, currency, status;
    double total = 0;
    int quantity = 0;
    bool express = false;
    std::vector<std::string> tags;
    Shipping shipping;
};
void from_json(const nlohmann::json& j, Shipping& s) {
    j.at("city").get_to(s.city);
    j.at("postcode").get_to(s.postcode);
    j.at("country").get_to(s.country);
}
void from_json(const nlohmann::json& j, Order& o) {
    j.at("orderNumber").get_to(o.order_number);
    j.at("customer").get_to(o.customer);
    j.at("email").get_to(o.email);
    j.at("currency").get_to(o.currency);
    j.at("status").get_to(o.status);
    j.at("total").get_to(o.total);
    j.at("quantity").get_to(o.quantity);
    j.at("express").get_to(o.express);
    j.at("tags").get_to(o.tags);
    j.at("shipping").get_to(o.shipping);
}

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
    Order get_typed() { return fetch(record_url_)["data"]["data"].get<Order>(); }
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

/// An emulator whose threads run on `cpu` only (they inherit the mask of the thread that
/// starts them), or on every core when `cpu` is negative.
std::unique_ptr<centrali_emulator::Emulator> start_emulator(int cpu) {
    std::unique_ptr<centrali_emulator::Emulator> emulator;
    std::thread starter([&] {
        if (cpu >= 0) bench::pin_thread_to(cpu);
        else bench::unpin_thread();
        emulator = std::make_unique<centrali_emulator::Emulator>(emulator_options());
        emulator->start();
    });
    starter.join();
    return emulator;
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
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(concurrency));  // keep them between bursts
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
void per_call(int client_cpu, int server_cpu, int blocks, int rounds_per_block, int get_calls) {
    const int query_calls = std::max(1, get_calls / 10);  // a 100-record page is ~10x a GET
    auto server = start_emulator(server_cpu);
    centrali_emulator::Emulator& emulator = *server;
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
    auto sdk_typed = [&] { check(client.records().get<Order>(kSlug, id).data.quantity == 1, "SDK typed GET"); };
    auto raw_typed = [&] { check(raw.get_typed().quantity == 1, "raw typed GET"); };
    auto sdk_query = [&] { check(client.records().query(kSlug, page_query).size() == 100, "SDK query"); };
    auto raw_query = [&] { check(raw.query() == 100, "raw query"); };
    for (int i = 0; i < 200; ++i) sdk_get(), raw_get(), sdk_typed(), raw_typed();  // connections, allocator, caches
    for (int i = 0; i < 20; ++i) sdk_query(), raw_query();

    const bool with_axios = axios_installed();
    if (!with_axios)
        std::printf("note: %s/node_modules/axios is missing (scripts/bench.sh installs it): no axios figures\n",
                    axios_dir().c_str());
    Series sdk_g, raw_g, sdk_t, raw_t, sdk_q, raw_q;
    std::vector<double> ax_g, ax_q, ax_g_cpu, ax_q_cpu;
    std::string node_version, axios_version;
    int round = 0;
    for (int block = 0; block < blocks; ++block) {
        for (int r = 0; r < rounds_per_block; ++r, ++round) {
            // Alternate which side goes first so neither always follows the other.
            if (round % 2 == 0) {
                timed_round(sdk_g, get_calls, sdk_get), timed_round(raw_g, get_calls, raw_get);
                timed_round(raw_t, get_calls, raw_typed), timed_round(sdk_t, get_calls, sdk_typed);
                timed_round(raw_q, query_calls, raw_query), timed_round(sdk_q, query_calls, sdk_query);
            } else {
                timed_round(raw_g, get_calls, raw_get), timed_round(sdk_g, get_calls, sdk_get);
                timed_round(sdk_t, get_calls, sdk_typed), timed_round(raw_t, get_calls, raw_typed);
                timed_round(sdk_q, query_calls, sdk_query), timed_round(raw_q, query_calls, raw_query);
            }
            emulator.clear_requests();  // the emulator logs every request; keep that log small
        }
        if (!with_axios) continue;
        const auto line = run_axios(client_cpu, emulator, id, get_calls, rounds_per_block);
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
                "client on core %d, server on core %d:\n",
                round, get_calls, query_calls, client_cpu, server_cpu);
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
    report("typed", sdk_t, raw_t, {}, {}, "typed");
    report("query", sdk_q, raw_q, ax_q, ax_q_cpu, "query");
    if (with_axios) std::printf("  (node %s, axios %s)\n", node_version.c_str(), axios_version.c_str());
}

/// T: one Client shared by `threads` threads, against a raw libcurl handle per thread, both
/// making `calls` GETs per thread per round; every thread (and the server's) on either core.
void shared_client(int rounds) {
    bench::unpin_thread();
    auto server = start_emulator(-1);
    centrali::Client shared(client_options(*server));
    const std::string id = shared.records().create(kSlug, bench::realistic_fields(5)).id;
    const std::string url = record_url(*server, id);
    for (const int threads : {8, 16}) {
        const int calls = 4000 / threads;
        auto run_round = [&](bool sdk) {
            std::atomic<int> ok{0};
            std::atomic<bool> go{false};
            std::vector<std::thread> workers;
            std::vector<std::unique_ptr<RawLoop>> loops;
            if (!sdk)
                for (int t = 0; t < threads; ++t) loops.push_back(std::make_unique<RawLoop>(url, url));
            for (int t = 0; t < threads; ++t)
                workers.emplace_back([&, t] {
                    while (!go) std::this_thread::yield();
                    for (int i = 0; i < calls; ++i) {
                        if (sdk) ok += shared.records().get(kSlug, id).id == id;
                        else ok += loops[static_cast<std::size_t>(t)]->get() == id;
                    }
                });
            const auto start = bench::Clock::now();
            go = true;
            for (auto& worker : workers) worker.join();
            check(ok == threads * calls, "every threaded GET answered");
            return threads * calls / (bench::elapsed_us(start) / 1e6);
        };
        run_round(true), run_round(false);  // warm-up: connections and handles
        std::vector<double> sdk_rps, raw_rps;
        for (int r = 0; r < rounds; ++r) {
            if (r % 2 == 0) sdk_rps.push_back(run_round(true)), raw_rps.push_back(run_round(false));
            else raw_rps.push_back(run_round(false)), sdk_rps.push_back(run_round(true));
            server->clear_requests();
        }
        const double sdk = median(sdk_rps), raw = median(raw_rps);
        std::printf("T  %2d threads x %d GETs, %d rounds, both cores: one shared Client %.0f req/s, a raw handle "
                    "per thread %.0f req/s: sdk/raw = %.2f (goal >= 0.95)\n",
                    threads, calls, rounds, sdk, raw, sdk / raw);
        const std::string key = "threads." + std::to_string(threads);
        bench::result((key + ".sdk_rps").c_str(), sdk);
        bench::result((key + ".raw_rps").c_str(), raw);
        bench::result((key + ".sdk_over_raw").c_str(), sdk / raw);
    }
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

/// The same GETs with a callback completion token: each completion (on the loop's thread)
/// starts the next call, so `concurrency` stay in flight; no future, no waiting thread.
int sdk_callback_gets(centrali::Client& client, const std::string& id, int total, int concurrency) {
    std::mutex mutex;
    std::condition_variable finished;
    std::atomic<int> submitted{0}, ok{0};
    int done = 0;
    std::function<void()> next;
    next = [&] {
        if (submitted.fetch_add(1) >= total) return;
        client.records().get_async(kSlug, id, {}, {}, [&](centrali::Result<centrali::Record> record) {
            if (record && record.value().id == id) ++ok;
            next();
            std::lock_guard<std::mutex> lock(mutex);
            if (++done == total) finished.notify_one();
        });
    };
    for (int i = 0; i < concurrency; ++i) next();
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [&] { return done == total; });
    return ok;
}

void async_throughput(int client_cpu, int server_cpu) {
    const int async_total = 2000, async_concurrency = 64, async_rounds = 5;
    // One emulator per contender, on the server's core. A keep-alive connection holds one of
    // the emulator's 64 worker threads until it closes, so 64 connections are all one emulator
    // can serve at once: contenders sharing one would starve each other.
    auto future_server = start_emulator(server_cpu), callback_server = start_emulator(server_cpu),
         multi_server = start_emulator(server_cpu);
    // The record each contender GETs, created by a client that is gone (its connection closed,
    // and counted below) before the contenders open theirs.
    auto seed = [](const centrali_emulator::Emulator& server) {
        centrali::Client seeder(client_options(server));
        return seeder.records().create(kSlug, bench::realistic_fields(3)).id;
    };
    const std::string future_id = seed(*future_server), callback_id = seed(*callback_server),
                      multi_id = seed(*multi_server);
    centrali::Client future_client(client_options(*future_server)), callback_client(client_options(*callback_server));
    RawMulti multi(record_url(*multi_server, multi_id), async_concurrency);

    // Client CPU per request: this thread's, plus the SDK's event-loop threads' (found below as
    // the threads that appear with the first async calls). The emulators' threads are left out.
    std::vector<int> loop_threads;
    auto loop_cpu_us = [&] {
        double total = 0;
        for (int tid : loop_threads) total += thread_cpu_us(tid);
        return total;
    };
    struct Figures {
        std::vector<double> rps, cpu_us;
    } future_f, callback_f, multi_f;
    auto rps_round = [&](Figures& into, auto&& run) {
        const auto start = bench::Clock::now();
        const double caller_start = bench::thread_cpu_us(), loop_start = loop_cpu_us();
        check(run() == async_total, "every concurrent GET answered");
        into.cpu_us.push_back((bench::thread_cpu_us() - caller_start + loop_cpu_us() - loop_start) / async_total);
        into.rps.push_back(async_total / (bench::elapsed_us(start) / 1e6));
    };
    auto future_run = [&] { return sdk_async_gets(future_client, future_id, async_total, async_concurrency); };
    auto callback_run = [&] { return sdk_callback_gets(callback_client, callback_id, async_total, async_concurrency); };
    auto multi_run = [&] { return multi.run(async_total, multi_id); };
    name_thread(static_cast<int>(getpid()), "bench-client");
    const std::set<int> before = thread_ids();
    Figures discard;
    rps_round(discard, future_run), rps_round(discard, callback_run);  // warm-up; the loops start
    for (int tid : thread_ids())
        if (before.count(tid) == 0) loop_threads.push_back(tid);
    check(loop_threads.size() == 2, "one event loop thread per Client, started by its first async call");
    for (int tid : loop_threads) name_thread(tid, "sdk-async-loop");
    rps_round(discard, multi_run);
    for (int r = 0; r < async_rounds; ++r) {
        // Rotate the order: whoever runs right after another inherits its cache and scheduler state.
        for (int k = 0; k < 3; ++k) {
            switch ((r + k) % 3) {
            case 0: rps_round(future_f, future_run); break;
            case 1: rps_round(callback_f, callback_run); break;
            default: rps_round(multi_f, multi_run); break;
            }
        }
        future_server->clear_requests(), callback_server->clear_requests(), multi_server->clear_requests();
    }
    const double f = median(future_f.rps), c = median(callback_f.rps), m = median(multi_f.rps);
    const double f_cpu = median(future_f.cpu_us), c_cpu = median(callback_f.cpu_us), m_cpu = median(multi_f.cpu_us);
    // Every connection each server saw, less the seeding client's one.
    const double f_conn = static_cast<double>(future_server->connections()) - 1,
                 c_conn = static_cast<double>(callback_server->connections()) - 1,
                 m_conn = static_cast<double>(multi_server->connections()) - 1;
    std::printf("Async: %d GETs, %d in flight, %d rounds (+ warm-up), medians, client on core %d, server on core %d:\n",
                async_total, async_concurrency, async_rounds, client_cpu, server_cpu);
    std::printf("  SDK get_async (future) %.0f req/s, (callback) %.0f req/s, raw curl multi %.0f req/s\n", f, c, m);
    std::printf("  client CPU per request: future %.1f us, callback %.1f us, raw multi %.1f us\n", f_cpu, c_cpu, m_cpu);
    std::printf("  connections opened over all rounds: future %.0f, callback %.0f, raw multi %.0f (limit %d)\n", f_conn,
                c_conn, m_conn, async_concurrency);
    std::printf("  future/raw-multi = %.2f, callback/raw-multi = %.2f (goal >= 0.95)\n", f / m, c / m);
    bench::result("async.future_rps", f);
    bench::result("async.callback_rps", c);
    bench::result("async.raw_multi_rps", m);
    bench::result("async.future_over_raw", f / m);
    bench::result("async.callback_over_raw", c / m);
    bench::result("async.future_cpu_us", f_cpu);
    bench::result("async.callback_cpu_us", c_cpu);
    bench::result("async.raw_multi_cpu_us", m_cpu);
    bench::result("async.future_connections", f_conn);
    bench::result("async.callback_connections", c_conn);
    bench::result("async.raw_multi_connections", m_conn);
}

}  // namespace

/// bench_get [SECTIONS [BLOCKS [ROUNDS_PER_BLOCK [GET_CALLS_PER_ROUND]]]]
/// SECTIONS: any of p1, threads, p2, async, comma-separated (default: all), e.g. `bench_get async`.
int main(int argc, char** argv) {
    const int client_cpu = 0, server_cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
    const std::string sections = argc > 1 ? argv[1] : "p1,threads,p2,async";
    const int blocks = argc > 2 ? std::atoi(argv[2]) : 3;
    const int rounds_per_block = argc > 3 ? std::atoi(argv[3]) : 4;
    const int get_calls = argc > 4 ? std::atoi(argv[4]) : 1000;
    auto wanted = [&](const char* name) { return sections.find(name) != std::string::npos; };
    bench::pin_thread_to(client_cpu);
    if (wanted("p1")) per_call(client_cpu, server_cpu, blocks, rounds_per_block, get_calls);
    if (wanted("async")) async_throughput(client_cpu, server_cpu);
    if (wanted("p2")) connections();
    if (wanted("threads")) shared_client(blocks * rounds_per_block);
    return 0;
}

// P3: what decoding a large page into typed records costs on top of parsing its JSON.
//
// A 10,000-record page (records shaped like the emulator's, ten-field data maps) as JSON text is
// turned into `Page<Record>` the way records().query() does it (RecordPageReader: straight
// from the text), and compared with `nlohmann::json::parse(text)` alone: the floor any
// nlohmann-based client pays. The SDK's other path, `decode_page(nlohmann::json::parse(text))`
// (bodies of another shape), is measured too. Time and peak memory are both reported; the goal
// is decode ≤ 1.3 × parse.
//
// Not a test: run `bash scripts/bench.sh`.
#include "bench_util.hpp"

#include <centrali/client.hpp>

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

constexpr int kRecords = 10000;

std::string make_page_text() {
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < kRecords; ++i) items.push_back(bench::realistic_record(i));
    nlohmann::json page = {{"data", std::move(items)}, {"meta", {{"total", kRecords}, {"page", 1}, {"pageSize", kRecords}}}};
    return page.dump();
}

/// The two things compared. Each builds its result and destroys it: a caller pays both, and
/// the decoded page frees differently shaped memory than the DOM does.
std::size_t parse_only(const std::string& text) {
    const nlohmann::json dom = nlohmann::json::parse(text);
    return dom["data"].size();
}
std::size_t sdk_decode(const std::string& text) {
    centrali::Page<centrali::Record> page;
    if (!centrali::detail::RecordPageReader::read(text, page)) throw std::runtime_error("not read");
    return page.items.size();
}
/// The SDK's JSON path, as any body not read from the text takes it: the depth-limited parse,
/// then decoding that moves the members out of the document.
std::size_t parse_and_decode(const std::string& text) {
    const auto page = centrali::detail::decode_page<centrali::Record>(centrali::detail::parse_json_text(text), "records");
    return page.items.size();
}

/// One record, decoded `kGets` times each way: from the text (RecordPageReader, a one-record
/// page) and through JSON (what a GET does). What keeping a text reader for GETs would save.
constexpr int kGets = 20000;
std::size_t get_from_text(const std::string& one_record_page) {
    std::size_t ids = 0;
    for (int i = 0; i < kGets; ++i) {
        centrali::Page<centrali::Record> page;
        if (!centrali::detail::RecordPageReader::read(one_record_page, page)) throw std::runtime_error("not read");
        ids += page.items[0].id.size();
    }
    return ids;
}
std::size_t get_through_json(const std::string& body) {
    std::size_t ids = 0;
    for (int i = 0; i < kGets; ++i) {
        nlohmann::json dom = centrali::detail::parse_json_text(body);
        const auto record = centrali::detail::Decoder<centrali::Record>::decode(
            std::move(centrali::detail::unwrap_object(dom, "record")), "record");
        ids += record.id.size();
    }
    return ids;
}

/// Extra peak memory (KiB) of `work`, measured in a child process so that neither variant sees
/// the heap the other (or the timing rounds) left behind. The child resets its high-water mark
/// to its current RSS (/proc/self/clear_refs "5"), so the answer is the peak above the fork-time
/// footprint (which includes the shared input text), not the footprint itself.
template <class Work>
long peak_extra_kib(const std::string& text, Work work) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    const pid_t child = fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        close(pipe_fds[0]);
        { std::ofstream("/proc/self/clear_refs") << "5"; }
        const long baseline = bench::proc_status_kib("VmRSS");
        long before_hwm = bench::proc_status_kib("VmHWM");
        const bool reset_worked = before_hwm <= baseline + 64;
        if (work(text) != static_cast<std::size_t>(kRecords)) _exit(2);
        long peak = bench::proc_status_kib("VmHWM");
        if (!reset_worked) {  // an old kernel: fall back to getrusage's lifetime maximum
            rusage usage{};
            getrusage(RUSAGE_SELF, &usage);
            peak = usage.ru_maxrss;
        }
        const long extra = peak - baseline;
        if (write(pipe_fds[1], &extra, sizeof extra) != static_cast<ssize_t>(sizeof extra)) _exit(3);
        _exit(0);
    }
    close(pipe_fds[1]);
    long extra = -1;
    const ssize_t got = read(pipe_fds[0], &extra, sizeof extra);
    close(pipe_fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (got != static_cast<ssize_t>(sizeof extra) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the memory probe child failed");
    return extra;
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 9;
    const std::string text = make_page_text();
    // The DOM that built the text is gone; hand its pages back so the children start lean.
    malloc_trim(0);

    // Memory first, while this process's heap is still small.
    const long parse_kib = peak_extra_kib(text, parse_only);
    const long decode_kib = peak_extra_kib(text, sdk_decode);
    const long json_kib = peak_extra_kib(text, parse_and_decode);

    // Warm-up: page faults of the first big allocation, caches.
    parse_only(text);
    sdk_decode(text);
    parse_and_decode(text);

    std::vector<double> parse_cpu, decode_cpu, json_cpu, parse_wall, decode_wall, json_wall;
    auto timed = [&](auto work, std::vector<double>& cpu, std::vector<double>& wall) {
        const auto start = bench::Clock::now();
        const double cpu_start = bench::thread_cpu_us();
        if (work(text) != static_cast<std::size_t>(kRecords)) throw std::runtime_error("wrong record count");
        cpu.push_back(bench::thread_cpu_us() - cpu_start);
        wall.push_back(bench::elapsed_us(start));
    };
    for (int round = 0; round < rounds; ++round) {
        // Alternate the order so that neither always runs on the heap the other just freed.
        // Rotate the order so that none always runs on the heap another just freed.
        switch (round % 3) {
        case 0:
            timed(parse_only, parse_cpu, parse_wall);
            timed(sdk_decode, decode_cpu, decode_wall);
            timed(parse_and_decode, json_cpu, json_wall);
            break;
        case 1:
            timed(sdk_decode, decode_cpu, decode_wall);
            timed(parse_and_decode, json_cpu, json_wall);
            timed(parse_only, parse_cpu, parse_wall);
            break;
        default:
            timed(parse_and_decode, json_cpu, json_wall);
            timed(parse_only, parse_cpu, parse_wall);
            timed(sdk_decode, decode_cpu, decode_wall);
        }
    }

    // One record, as a GET answers it: the text reader against the JSON path.
    const std::string get_body = nlohmann::json{{"data", bench::realistic_record(7)}}.dump();
    const std::string one_record_page = nlohmann::json{{"data", {bench::realistic_record(7)}}}.dump();
    std::vector<double> get_text_cpu, get_json_cpu;
    for (int round = 0; round < rounds; ++round) {
        for (int which = 0; which < 2; ++which) {
            const bool text_first = (round + which) % 2 == 0;
            const double cpu_start = bench::thread_cpu_us();
            const std::size_t ids = text_first ? get_from_text(one_record_page) : get_through_json(get_body);
            (text_first ? get_text_cpu : get_json_cpu).push_back((bench::thread_cpu_us() - cpu_start) / kGets);
            if (ids == 0) throw std::runtime_error("no ids");
        }
    }
    const double get_text_us = bench::median(get_text_cpu), get_json_us = bench::median(get_json_cpu);

    const double parse_ms = bench::median(parse_cpu) / 1e3, decode_ms = bench::median(decode_cpu) / 1e3;
    const double json_ms = bench::median(json_cpu) / 1e3;
    std::printf("P3 decode: a %d-record page, %.1f MiB of JSON, %d rounds, medians of thread CPU time:\n", kRecords,
                static_cast<double>(text.size()) / (1 << 20), rounds);
    std::printf("  json::parse alone            %7.1f ms   (wall %.1f ms)   peak +%.1f MiB\n", parse_ms,
                bench::median(parse_wall) / 1e3, parse_kib / 1024.0);
    std::printf("  SDK: Page<Record> from text  %7.1f ms   (wall %.1f ms)   peak +%.1f MiB\n", decode_ms,
                bench::median(decode_wall) / 1e3, decode_kib / 1024.0);
    std::printf("  decode_page<Record>(parse)   %7.1f ms   (wall %.1f ms)   peak +%.1f MiB   (other body shapes)\n",
                json_ms, bench::median(json_wall) / 1e3, json_kib / 1024.0);
    std::printf("decode/parse = %.2f (goal <= 1.3), peak memory decode/parse = %.2f; through JSON: %.2f\n",
                decode_ms / parse_ms, static_cast<double>(decode_kib) / static_cast<double>(parse_kib), json_ms / parse_ms);
    std::printf("One GET's body (%zu bytes), decoded %d times per round, medians per decode:\n", get_body.size(), kGets);
    std::printf("  from the text (a one-record page)  %.2f us   JSON path (the GET's)  %.2f us   JSON / text = %.2f\n", get_text_us,
                get_json_us, get_json_us / get_text_us);
    bench::result("p3.get_text_us", get_text_us);
    bench::result("p3.get_json_us", get_json_us);
    bench::result("p3.page_json_over_text", json_ms / decode_ms);
    bench::result("p3.page_mib", static_cast<double>(text.size()) / (1 << 20));
    bench::result("p3.parse_ms", parse_ms);
    bench::result("p3.decode_ms", decode_ms);
    bench::result("p3.decode_over_parse", decode_ms / parse_ms);
    bench::result("p3.json_decode_ms", json_ms);
    bench::result("p3.json_decode_over_parse", json_ms / parse_ms);
    bench::result("p3.json_decode_peak_mib", json_kib / 1024.0);
    bench::result("p3.parse_peak_mib", parse_kib / 1024.0);
    bench::result("p3.decode_peak_mib", decode_kib / 1024.0);
    return 0;
}

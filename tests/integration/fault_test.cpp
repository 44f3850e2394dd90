// The fault matrix: every fault the emulator can inject, crossed with GET, POST, PATCH/PUT and
// DELETE, over real libcurl. Each case checks the typed outcome, that retries happened only
// where safe, that no write was applied twice, and that no secret leaked into an error or a
// log line.
#include "catch.hpp"
#include "emulator_fixture.hpp"
#include "fake_transport.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

using namespace centrali_test;
using centrali_emulator::Fault;
using centrali_emulator::FaultKind;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

enum class Outcome { ok, server_error, rate_limited, transport, timeout, decode, connect };

const char* name_of(Outcome o) {
    switch (o) {
    case Outcome::ok: return "ok";
    case Outcome::server_error: return "ServerError";
    case Outcome::rate_limited: return "RateLimited";
    case Outcome::transport: return "TransportError";
    case Outcome::timeout: return "TransportError(timeout)";
    case Outcome::decode: return "DecodeError";
    case Outcome::connect: return "TransportError(connect)";
    }
    return "?";
}

struct FaultCase {
    std::string name;
    std::function<Fault()> make;
    Outcome idempotent;      ///< GET, PUT, DELETE: retried where safe
    Outcome non_idempotent;  ///< POST, PATCH: sent once
    Outcome on_delete;       ///< DELETE ignores its (empty) body
};

std::string http_date_in(int seconds) {
    const std::time_t t = std::time(nullptr) + seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

Fault fault(FaultKind kind, int status = 500, std::string retry_after = {}) {
    Fault f;
    f.kind = kind;
    f.status = status;
    f.retry_after = std::move(retry_after);
    return f;
}

std::vector<FaultCase> fault_cases() {
    using O = Outcome;
    return {
        {"reset before the response", [] { return fault(FaultKind::Reset); }, O::ok, O::transport, O::ok},
        {"reset mid-body", [] { return fault(FaultKind::ResetMidBody); }, O::ok, O::transport, O::ok},
        {"500", [] { return fault(FaultKind::Status, 500); }, O::ok, O::server_error, O::ok},
        {"502", [] { return fault(FaultKind::Status, 502); }, O::ok, O::server_error, O::ok},
        {"503 Retry-After seconds", [] { return fault(FaultKind::Status, 503, "1"); }, O::ok, O::server_error, O::ok},
        {"503 Retry-After date", [] { return fault(FaultKind::Status, 503, http_date_in(1)); }, O::ok, O::server_error, O::ok},
        {"429", [] { return fault(FaultKind::Status, 429, "0"); }, O::ok, O::rate_limited, O::ok},
        {"delay past the timeout",
         [] {
             auto f = fault(FaultKind::Delay);
             f.delay_ms = 700;
             return f;
         },
         O::ok, O::timeout, O::ok},
        {"truncated body", [] { return fault(FaultKind::Truncate); }, O::decode, O::decode, O::ok},
        {"non-JSON 200", [] { return fault(FaultKind::NonJson, 200); }, O::decode, O::decode, O::ok},
        {"HTML 502 page", [] { return fault(FaultKind::Html, 502); }, O::ok, O::server_error, O::ok},
        {"empty 200", [] { return fault(FaultKind::EmptyOk); }, O::decode, O::decode, O::ok},
        {"2xx with a malformed shape", [] { return fault(FaultKind::MalformedShape); }, O::decode, O::decode, O::ok},
        {"huge body", [] { return fault(FaultKind::HugeBody); }, O::transport, O::transport, O::transport},
    };
}

struct Operation {
    std::string name;
    std::string method;  ///< the HTTP method the fault is matched on
    bool idempotent;
    bool is_delete;
    bool creates;  ///< a POST create whose applications are counted
};

const std::vector<Operation> kOperations = {
    {"GET records.get", "GET", true, false, false},
    {"POST records.create", "POST", false, false, true},
    {"PATCH records.update", "PATCH", false, false, false},
    {"PUT functions.update", "PUT", true, false, false},
    {"DELETE records.remove", "DELETE", true, true, false},
};

enum class Mode { blocking, async };

/// Runs one operation, blocking or through its `_async` twin; returns the outcome class. Never
/// lets anything but centrali::Error out.
Outcome run(centrali::Client& client, const Operation& op, Mode mode, const std::string& record_id,
            const std::string& function_id, std::vector<std::string>& messages) {
    centrali::CallOptions call;  // attempts are limited by the Client's request_timeout
    const bool async = mode == Mode::async;
    try {
        if (op.name == "GET records.get") {
            if (async) client.records().get_async("orders", record_id, {}, call).get();
            else client.records().get("orders", record_id, {}, call);
        } else if (op.name == "POST records.create") {
            if (async) client.records().create_async("orders", {{"n", 1}}, {}, call).get();
            else client.records().create("orders", {{"n", 1}}, {}, call);
        } else if (op.name == "PATCH records.update") {
            if (async) client.records().update_async("orders", record_id, {{"n", 2}}, call).get();
            else client.records().update("orders", record_id, {{"n", 2}}, call);
        } else if (op.name == "PUT functions.update") {
            centrali::UpdateComputeFunctionInput input;
            input.description = "touched";
            if (async) client.functions().update_async(function_id, input, call).get();
            else client.functions().update(function_id, input, call);
        } else if (async) {
            client.records().remove_async("orders", record_id, {}, call).get();
        } else {
            client.records().remove("orders", record_id, {}, call);
        }
        return Outcome::ok;
    } catch (const centrali::RateLimited& e) {
        messages.push_back(std::string(e.what()) + e.message() + e.body_snippet() + e.details().dump());
        return Outcome::rate_limited;
    } catch (const centrali::ServerError& e) {
        messages.push_back(std::string(e.what()) + e.message() + e.body_snippet() + e.details().dump());
        return Outcome::server_error;
    } catch (const centrali::TransportError& e) {
        messages.push_back(e.what());
        if (e.connect_failed()) return Outcome::connect;
        return e.timed_out() ? Outcome::timeout : Outcome::transport;
    } catch (const centrali::DecodeError& e) {
        messages.push_back(e.what());
        return Outcome::decode;
    }
}

bool contains_secret(const std::string& text) {
    for (const char* secret : {kClientSecret, kStaticToken, kPublishableKey})
        if (text.find(secret) != std::string::npos) return true;
    return text.find("emu_at_") != std::string::npos;  // issued service-account tokens
}

}  // namespace

TEST_CASE("fault matrix: typed errors, retries only where safe, no duplicate writes, no leaked secrets",
          "[integration][fault][async]") {
    int cases = 0, duplicate_writes = 0, wrong = 0, leaks = 0;
    std::ostringstream failures;

    for (const Mode mode : {Mode::blocking, Mode::async}) {
    const char* mode_name = mode == Mode::async ? " (async)" : "";
    for (const auto& fault_case : fault_cases()) {
        for (const auto& op : kOperations) {
            LiveEmulator emu;
            auto options = emu.service_account_options();
            options.retry.max_attempts = 3;
            options.request_timeout = milliseconds(400);  // per attempt: the delay case times out once, then succeeds
            options.max_response_bytes = 8u << 20;  // the huge body is 64 MiB
            std::vector<std::string> log_lines;
            std::mutex log_mutex;
            options.logger = [&](centrali::LogLevel, std::string_view line) {
                std::lock_guard<std::mutex> lock(log_mutex);
                log_lines.emplace_back(line);
            };
            centrali::Client client(options);
            const auto record = client.records().create("orders", {{"n", 0}});
            const auto function = client.functions().create({"f", "async function run() {}", "", std::nullopt});
            const std::size_t records_before = emu.server.record_count("orders");
            emu.server.clear_requests();

            Fault injected = fault_case.make();
            injected.method = op.method;
            injected.apply_after_handling = op.creates;  // the server applies the create, then the fault hits
            emu.server.inject(injected);

            std::vector<std::string> messages;
            const Outcome got = run(client, op, mode, record.id, function.id, messages);
            const Outcome want = op.is_delete ? fault_case.on_delete
                                              : (op.idempotent ? fault_case.idempotent : fault_case.non_idempotent);
            ++cases;
            if (got != want) {
                ++wrong;
                failures << "  " << fault_case.name << " x " << op.name << mode_name << ": got " << name_of(got)
                         << ", want " << name_of(want) << "\n";
            }
            // A non-idempotent call reaches the server once, whatever happened.
            std::size_t sent = 0;
            for (const auto& seen : emu.server.requests()) sent += seen.method == op.method;
            if (!op.idempotent && sent != 1) {
                ++wrong;
                failures << "  " << fault_case.name << " x " << op.name << mode_name << ": sent " << sent << " times\n";
            }
            if (op.creates && emu.server.record_count("orders") > records_before + 1) ++duplicate_writes;
            for (const auto& text : messages) leaks += contains_secret(text);
            for (const auto& line : log_lines) leaks += contains_secret(line);
        }
    }

    // Connection refused, for every method: typed, and nothing written anywhere.
    for (const auto& op : kOperations) {
        int port = 0;
        {
            LiveEmulator gone;
            port = gone.server.port();
        }
        centrali::ClientOptions options;
        options.base_url = "http://127.0.0.1:" + std::to_string(port);
        options.workspace = "acme";
        options.token = kStaticToken;
        options.retry.max_attempts = 2;
        options.retry.initial_delay = milliseconds(1);
        centrali::Client client(options);
        std::vector<std::string> messages;
        const Outcome got = run(client, op, mode, "r1", "f1", messages);
        ++cases;
        if (got != Outcome::connect) {
            ++wrong;
            failures << "  connection refused x " << op.name << mode_name << ": got " << name_of(got) << "\n";
        }
        for (const auto& text : messages) leaks += contains_secret(text);
    }
    }

    std::printf("fault matrix: %d cases, 0 crashes, %d duplicate writes\n", cases, duplicate_writes);
    INFO(failures.str());
    CHECK(wrong == 0);
    CHECK(duplicate_writes == 0);
    CHECK(leaks == 0);
    CHECK(cases == 150);  // (14 faults x 5 methods + 5 refused connections), blocking and async
}

TEST_CASE("32 threads share one Client while its token expires: one token request, every call succeeds", "[integration][fault][auth]") {
    LiveEmulator emu;  // issues tokens for 25,200 s
    auto options = emu.service_account_options();
    FakeClock fake;
    options.clock = fake.clock();
    centrali::Client client(options);
    client.records().query("orders");
    CHECK(emu.server.token_requests() == 1);
    fake.advance(std::chrono::seconds(25'200 - 30));  // now inside the 60 s renewal margin

    CHECK(succeed_in_threads(32, [&] { client.records().query("orders"); }) == 32);
    CHECK(emu.server.token_requests() == 2);
}

TEST_CASE("a response over the size cap is a clear, non-retried error", "[integration][fault]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.max_response_bytes = 1u << 20;
    centrali::Client client(options);
    Fault huge;
    huge.kind = FaultKind::HugeBody;
    huge.times = 3;
    emu.server.inject(huge);
    try {
        client.records().query("orders");
        FAIL("expected a TransportError");
    } catch (const centrali::TransportError& e) {
        CHECK(std::string(e.what()).find("max_response_bytes") != std::string::npos);
        CHECK_FALSE(e.retryable());
    }
    CHECK(emu.server.requests().size() == 1);
}

TEST_CASE("hostile ids never inject a header or escape their segment, on every method", "[integration][fault][hostile]") {
    LiveEmulator emu;
    auto client = emu.client();
    const std::vector<std::string> hostile = {"a/b",  "..", "../../x", "?q=1", "#frag", "%2F", "sp ace", "ünï",
                                              std::string("nul\0id", 6), "cr\rlf\nX-Evil: 1"};
    for (const auto& id : hostile) {
        emu.server.clear_requests();
        CHECK_THROWS_AS(client.records().get("orders", id), centrali::NotFound);
        CHECK_THROWS_AS(client.records().update("orders", id, {{"a", 1}}), centrali::NotFound);
        CHECK_THROWS_AS(client.records().remove("orders", id), centrali::NotFound);
        CHECK_THROWS_AS(client.records().restore("orders", id), centrali::NotFound);
        const auto seen = emu.server.requests();
        REQUIRE(seen.size() == 4);
        for (const auto& request : seen) {
            const std::string prefix = "/data/workspace/acme/api/v1/records/slug/orders/";
            REQUIRE(request.target.rfind(prefix, 0) == 0);
            std::string rest = request.target.substr(prefix.size());
            if (request.method == "POST") rest = rest.substr(0, rest.rfind("/restore"));
            CAPTURE(id, request.target);
            CHECK(rest.find_first_of("/?#\r\n ") == std::string::npos);
            CHECK(request.headers.count("x-evil") == 0);
        }
    }
}

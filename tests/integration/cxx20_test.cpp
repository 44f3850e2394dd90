// Built as C++20 (and header-only): the `co_await` adapter over the callback core, and the
// forward declarations of <centrali/fwd.hpp>.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <centrali/fwd.hpp>

#include <coroutine>
#include <exception>
#include <future>
#include <optional>
#include <string>

static_assert(__cplusplus >= 202002L, "this test is compiled as C++20");
static_assert(CENTRALI_HAS_COROUTINES, "C++20 builds have the co_await adapter");

namespace {

/// A function that only names the Client needs nothing but <centrali/fwd.hpp>.
std::string workspace_of(const centrali::Client& client);

/// The smallest coroutine type a test needs: runs eagerly, reports through a std::promise.
template <class T>
struct Task {
    struct promise_type {
        std::promise<T> result;
        Task get_return_object() { return Task{result.get_future()}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_value(T value) { result.set_value(std::move(value)); }
        void unhandled_exception() { result.set_exception(std::current_exception()); }
    };
    std::future<T> outcome;
};

// Each call is made in a statement of its own and its Awaitable awaited in the next: g++ before
// 13 destroys the temporaries of a co_await full-expression twice (GCC bug 100611).
Task<std::string> create_then_read(centrali::Client& client) {
    auto creating = client.records().create_async("orders", {{"n", 7}}, {}, {}, centrali::use_awaitable);
    const centrali::Record created = co_await std::move(creating);
    auto reading = client.records().get_async("orders", created.id, {}, {}, centrali::use_awaitable);
    const centrali::Record read = co_await std::move(reading);
    co_return read.id + ":" + read.data["n"].dump();
}

Task<std::string> await_a_missing_record(centrali::Client& client) {
    try {
        auto reading = client.records().get_async("orders", "missing", {}, {}, centrali::use_awaitable);
        co_await std::move(reading);
    } catch (const centrali::NotFound& e) {
        co_return std::string("NotFound ") + std::to_string(e.status());
    }
    co_return "no error";
}

std::string workspace_of(const centrali::Client& client) { return client.options().workspace; }

}  // namespace

TEST_CASE("co_await an async call: values and errors arrive in the coroutine", "[integration][async][cxx20]") {
    centrali_test::LiveEmulator emu;
    auto client = emu.client();
    auto first = create_then_read(client);
    const std::string got = first.outcome.get();
    CHECK(got.substr(got.find(':')) == ":7");
    CHECK(await_a_missing_record(client).outcome.get() == "NotFound 404");
    CHECK(workspace_of(client) == "acme");
}

TEST_CASE("a callback completion token gets the Result on the event loop", "[integration][async][cxx20]") {
    centrali_test::LiveEmulator emu;
    auto client = emu.client();
    std::promise<std::string> seen;
    client.records().get_async("orders", "missing", {}, {}, [&seen](centrali::Result<centrali::Record> result) {
        seen.set_value(result ? std::string("value") : std::string("error"));
    });
    CHECK(seen.get_future().get() == "error");
    // A blocking call from the loop's thread would stall every async call: it is refused.
    std::promise<std::string> refused;
    client.records().query_async("orders", {}, {}, [&](centrali::Result<centrali::Page<centrali::Record>>) {
        try {
            client.records().query("orders");
            refused.set_value("ran");
        } catch (const centrali::InvalidArgument&) {
            refused.set_value("refused");
        }
    });
    CHECK(refused.get_future().get() == "refused");
}

// The …_async calls over real libcurl (one curl multi loop per Client) against the emulator.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <future>
#include <thread>

using namespace centrali_test;
using centrali_emulator::Fault;
using centrali_emulator::FaultKind;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
template <class T>
bool ready(std::future<T>& f, milliseconds within = milliseconds(10'000)) {
    return f.wait_for(within) == std::future_status::ready;
}
Fault delay(int ms, std::string method = "GET") {
    Fault f;
    f.kind = FaultKind::Delay;
    f.delay_ms = ms;
    f.method = std::move(method);
    f.times = 100;
    return f;
}
}  // namespace

TEST_CASE("async record calls give the same results as the sync ones", "[integration][async][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& records = client.records();

    auto created_future = records.create_async("tasks", {{"title", "async"}, {"n", 1}});
    REQUIRE(ready(created_future));
    const auto created = created_future.get();
    const auto sync_get = records.get("tasks", created.id);
    auto async_get = records.get_async("tasks", created.id);
    REQUIRE(ready(async_get));
    const auto got = async_get.get();
    CHECK(got.id == sync_get.id);
    CHECK(got.data == sync_get.data);
    CHECK(got.raw == sync_get.raw);

    auto page = records.query_async("tasks", centrali::RecordQuery().where("data.n", 1).include_total());
    REQUIRE(ready(page));
    const auto async_page = page.get();
    const auto sync_page = records.query("tasks", centrali::RecordQuery().where("data.n", 1).include_total());
    CHECK(async_page.meta.total == sync_page.meta.total);
    CHECK(async_page.items.size() == sync_page.items.size());

    auto updated = records.update_async("tasks", created.id, {{"n", 2}});
    REQUIRE(ready(updated));
    CHECK(updated.get().data["n"] == 2);
    auto upserted = records.upsert_async("tasks", {{"title", "async"}}, {{"n", 3}});
    REQUIRE(ready(upserted));
    CHECK_FALSE(upserted.get().created);
    auto bulk = records.bulk_create_async("tasks", {{{"n", 10}}, {{"n", 11}}});
    REQUIRE(ready(bulk));
    CHECK(bulk.get().size() == 2);
    auto removed = records.remove_async("tasks", created.id);
    REQUIRE(ready(removed));
    removed.get();
    auto missing = records.get_async("tasks", created.id);
    REQUIRE(ready(missing));
    CHECK_THROWS_AS(missing.get(), centrali::NotFound);
}

TEST_CASE("async compute calls, including invoke_and_wait on the loop's timers", "[integration][async][compute]") {
    LiveEmulator emu;
    centrali_emulator::ComputeBehavior behavior;
    behavior.pending_ms = 30;
    behavior.running_ms = 30;
    emu.server.set_compute_behavior(behavior);
    auto client = emu.client();
    auto fn = client.functions().create_async({"f", "async function run() {}", "", std::nullopt});
    REQUIRE(ready(fn));
    const auto function = fn.get();
    centrali::CreateTriggerInput input;
    input.name = "t";
    input.function_id = function.id;
    input.execution_type = centrali::TriggerType::on_demand;
    input.trigger_metadata = centrali::TriggerMetadata::on_demand();
    auto trigger = client.triggers().create_async(input);
    REQUIRE(ready(trigger));
    const auto trigger_id = trigger.get().id;

    centrali::WaitOptions wait;
    wait.initial_interval = milliseconds(10);
    wait.max_interval = milliseconds(40);
    wait.deadline = milliseconds(10'000);
    auto run = client.triggers().invoke_and_wait_async(trigger_id, {{"x", 1}}, wait);
    REQUIRE(ready(run));
    const auto finished = run.get();
    CHECK(finished.status == centrali::RunStatus::completed);
    CHECK(finished.run_data == json{{"payload", {{"x", 1}}}});
    CHECK(emu.server.job_count() == 1);

    auto again = client.runs().wait_async(finished.id, wait);
    REQUIRE(ready(again));
    CHECK(again.get().id == finished.id);

    auto listed = client.runs().list_by_trigger_async(trigger_id);
    REQUIRE(ready(listed));
    CHECK(listed.get().size() == 1);

    centrali_emulator::ComputeBehavior failing = behavior;
    failing.outcome = centrali_emulator::RunOutcome::Failure;
    emu.server.set_compute_behavior(failing);
    auto failed = client.triggers().invoke_and_wait_async(trigger_id, nullptr, wait);
    REQUIRE(ready(failed));
    CHECK_THROWS_AS(failed.get(), centrali::FunctionRunFailed);
}

TEST_CASE("64 concurrent async calls complete on a bounded number of connections", "[integration][async]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.async_max_connections = 16;
    centrali::Client client(options);
    const auto record = client.records().create("tasks", {{"n", 1}});
    emu.server.inject(delay(50));  // keep calls in flight together
    std::vector<std::future<centrali::Record>> calls;
    for (int i = 0; i < 64; ++i) calls.push_back(client.records().get_async("tasks", record.id));
    int ok = 0;
    for (auto& call : calls) {
        REQUIRE(ready(call));
        ok += call.get().id == record.id;
    }
    CHECK(ok == 64);
    CHECK(emu.server.connections() <= 16 + 1);  // + the sync create's own connection
}

TEST_CASE("async retries wait on the loop's timers and then succeed", "[integration][async]") {
    LiveEmulator emu;
    auto client = emu.client();
    Fault busy;
    busy.kind = FaultKind::Status;
    busy.status = 503;
    busy.method = "GET";
    busy.times = 2;
    emu.server.inject(busy);
    auto page = client.records().query_async("tasks");
    REQUIRE(ready(page));
    CHECK(page.get().empty());
    CHECK(emu.server.requests().size() == 3);
}

TEST_CASE("a cancel token ends an async call in flight", "[integration][async]") {
    LiveEmulator emu;
    auto client = emu.client();
    emu.server.inject(delay(3000));
    centrali::CallOptions call;
    auto slow = client.records().query_async("tasks", {}, call);
    std::this_thread::sleep_for(milliseconds(100));
    call.cancel.cancel();
    REQUIRE(ready(slow, milliseconds(2000)));  // long before the 3 s answer
    CHECK_THROWS_AS(slow.get(), centrali::Cancelled);
}

TEST_CASE("destroying the Client completes calls in flight with Cancelled and joins", "[integration][async]") {
    LiveEmulator emu;
    emu.server.inject(delay(2000));
    std::vector<std::future<centrali::Page<centrali::Record>>> calls;
    {
        auto client = emu.client();
        for (int i = 0; i < 8; ++i) calls.push_back(client.records().query_async("tasks"));
        std::this_thread::sleep_for(milliseconds(100));
    }  // the destructor returns: the loop was joined
    for (auto& call : calls) {
        REQUIRE(ready(call, milliseconds(0)));
        CHECK_THROWS_AS(call.get(), centrali::Cancelled);
    }
}

TEST_CASE("async errors arrive through the future with their type", "[integration][async]") {
    LiveEmulator emu;
    auto options = emu.bare_options();
    options.token = "not-a-valid-token";
    centrali::Client client(options);
    auto denied = client.records().query_async("tasks");
    REQUIRE(ready(denied));
    try {
        denied.get();
        FAIL("expected Unauthorized");
    } catch (const centrali::Unauthorized& e) {
        CHECK(e.code() == "INVALID_TOKEN");
    }
}

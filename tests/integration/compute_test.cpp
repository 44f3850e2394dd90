// functions(), triggers() and runs() over real libcurl against the in-process emulator.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <thread>

using namespace centrali_test;
using centrali::RunStatus;
using centrali::TriggerType;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
centrali::ComputeFunction make_function(centrali::Client& client, const std::string& name) {
    return client.functions().create({name, "async function run() { return executionParams; }", "test", 30000});
}

centrali::FunctionTrigger make_trigger(centrali::Client& client, const std::string& function_id,
                                       const std::string& name = "manual") {
    centrali::CreateTriggerInput input;
    input.name = name;
    input.function_id = function_id;
    input.execution_type = centrali::TriggerType::on_demand;
    input.trigger_metadata = centrali::TriggerMetadata::on_demand();
    return client.triggers().create(input);
}

centrali::WaitOptions quick_wait() {
    centrali::WaitOptions wait;
    wait.deadline = milliseconds(10'000);
    wait.initial_interval = milliseconds(10);
    wait.max_interval = milliseconds(50);
    return wait;
}

centrali_emulator::ComputeBehavior behavior(centrali_emulator::RunOutcome outcome, int pending_ms = 20, int running_ms = 20) {
    centrali_emulator::ComputeBehavior b;
    b.pending_ms = pending_ms;
    b.running_ms = running_ms;
    b.outcome = outcome;
    return b;
}
}  // namespace

TEST_CASE("compute functions: create, get, list, update, test, delete", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& functions = client.functions();

    const auto created = make_function(client, "sum");
    CHECK_FALSE(created.id.empty());
    CHECK(created.name == "sum");
    CHECK(created.timeout_ms == 30000);
    CHECK(functions.get(created.id).code == "async function run() { return executionParams; }");
    CHECK_THROWS_AS(make_function(client, "sum"), centrali::Conflict);

    make_function(client, "other");
    const auto listed = functions.list();
    CHECK(listed.size() == 2);

    centrali::UpdateComputeFunctionInput update;
    update.description = "updated";
    const auto updated = functions.update(created.id, update);
    CHECK(updated.description == "updated");
    CHECK(updated.name == "sum");

    const auto tested = functions.test_execute({"async function run() { return executionParams; }", {{"a", 1}}});
    CHECK(tested.output == json{{"a", 1}});
    CHECK_FALSE(tested.error);
    const auto thrown = functions.test_execute({"async function run() { throw new Error('x'); }", nullptr});
    REQUIRE(thrown.error);
    CHECK_FALSE(thrown.error->empty());

    functions.remove(created.id);
    CHECK_THROWS_AS(functions.get(created.id), centrali::NotFound);
}

TEST_CASE("triggers: create each type, list with health, update, pause, resume, delete", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& triggers = client.triggers();
    const auto fn = make_function(client, "fn");

    const auto manual = make_trigger(client, fn.id);
    CHECK(manual.execution_type == TriggerType::on_demand);
    CHECK(manual.enabled);
    CHECK(manual.trigger_metadata == json::object());  // on_demand() without params: nothing invented

    centrali::CreateTriggerInput scheduled;
    scheduled.name = "nightly";
    scheduled.function_id = fn.id;
    scheduled.execution_type = TriggerType::scheduled;
    scheduled.trigger_metadata = centrali::TriggerMetadata::cron("0 3 * * *", "Europe/Paris", {{"secret", centrali::encrypted("x")}});
    const auto nightly = triggers.create(scheduled);
    CHECK(nightly.trigger_metadata["cronExpression"] == "0 3 * * *");

    centrali::CreateTriggerInput events;
    events.name = "on order";
    events.function_id = fn.id;
    events.execution_type = TriggerType::event_driven;
    events.trigger_metadata = centrali::TriggerMetadata::event_driven("record_created", "orders");
    triggers.create(events);

    centrali::CreateTriggerInput bad = events;
    bad.function_id = "no-such-function";
    CHECK_THROWS_AS(triggers.create(bad), centrali::NotFound);

    CHECK(triggers.list().size() == 3);
    centrali::ListTriggersOptions with_health;
    with_health.function_id = fn.id;
    with_health.include_health = true;
    std::size_t healthy = 0;
    for (const auto& trigger : triggers.list_all(with_health)) healthy += trigger.health.is_object();
    CHECK(healthy == 3);

    centrali::UpdateTriggerInput rename;
    rename.name = "renamed";
    CHECK(triggers.update(manual.id, rename).name == "renamed");

    CHECK_FALSE(triggers.pause(manual.id).enabled);
    CHECK_FALSE(triggers.get(manual.id).enabled);
    CHECK(triggers.resume(manual.id).enabled);

    triggers.remove(nightly.id);
    CHECK_THROWS_AS(triggers.get(nightly.id), centrali::NotFound);
}

TEST_CASE("invoke returns a job id; the run moves pending, running, completed", "[integration][compute]") {
    LiveEmulator emu;
    emu.server.set_compute_behavior(behavior(centrali_emulator::RunOutcome::Completed, 150, 150));
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);

    const std::string job = client.triggers().invoke(trigger.id, {{"orderId", 7}});
    CHECK_FALSE(job.empty());
    CHECK(emu.server.job_count() == 1);

    const auto runs = client.runs().list_by_trigger(trigger.id);
    REQUIRE(runs.size() == 1);
    CHECK(runs.items[0].job_id == job);
    CHECK(runs.items[0].status == RunStatus::pending);

    const auto done = client.runs().wait(runs.items[0].id, quick_wait());
    CHECK(done.status == RunStatus::completed);
    CHECK(done.run_data == json{{"payload", {{"orderId", 7}}}});
    REQUIRE(done.ended_at.has_value());
    CHECK_FALSE(done.ended_at->empty());
    CHECK(done.rss_bytes().has_value());
    CHECK(done.cpu_user_seconds().has_value());

    const auto status = client.runs().get_job_status(job);
    CHECK(status.state == centrali::JobState::completed);
    CHECK(status.outputs == json{{"payload", {{"orderId", 7}}}});
}

TEST_CASE("invoke_and_wait returns the finished run with a configured result", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    auto b = behavior(centrali_emulator::RunOutcome::Completed);
    b.result_json = R"({"total":42})";
    emu.server.set_compute_behavior_for(fn.id, b);
    const auto trigger = make_trigger(client, fn.id);
    const auto run = client.triggers().invoke_and_wait(trigger.id, {{"x", 1}}, quick_wait());
    CHECK(run.status == RunStatus::completed);
    CHECK(run.run_data == json{{"total", 42}});
    CHECK(run.function_id == fn.id);
    CHECK(emu.server.job_count() == 1);
}

TEST_CASE("a failing or timed-out run raises FunctionRunFailed carrying it", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);

    emu.server.set_compute_behavior(behavior(centrali_emulator::RunOutcome::Failure));
    try {
        client.triggers().invoke_and_wait(trigger.id, nullptr, quick_wait());
        FAIL("expected FunctionRunFailed");
    } catch (const centrali::FunctionRunFailed& e) {
        CHECK(e.run().status == RunStatus::failure);
        CHECK(e.code() == "FUNCTION_ERROR");
        CHECK(e.run().error_message == std::optional<std::string>("function failed"));
    }
    emu.server.set_compute_behavior(behavior(centrali_emulator::RunOutcome::Timeout));
    try {
        client.triggers().invoke_and_wait(trigger.id, nullptr, quick_wait());
        FAIL("expected FunctionRunFailed");
    } catch (const centrali::FunctionRunFailed& e) {
        CHECK(e.run().status == RunStatus::timeout);
    }
}

TEST_CASE("a wait that outlives its deadline fails with DeadlineExceeded", "[integration][compute]") {
    LiveEmulator emu;
    emu.server.set_compute_behavior(behavior(centrali_emulator::RunOutcome::Completed, 60'000, 0));
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);
    auto wait = quick_wait();
    wait.deadline = milliseconds(300);
    CHECK_THROWS_AS(client.triggers().invoke_and_wait(trigger.id, nullptr, wait), centrali::DeadlineExceeded);
}

TEST_CASE("a wait can be cancelled from another thread", "[integration][compute]") {
    LiveEmulator emu;
    emu.server.set_compute_behavior(behavior(centrali_emulator::RunOutcome::Completed, 60'000, 0));
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);
    auto wait = quick_wait();
    wait.deadline = milliseconds(60'000);
    std::thread canceller([token = wait.cancel] {
        std::this_thread::sleep_for(milliseconds(200));
        token.cancel();
    });
    CHECK_THROWS_AS(client.triggers().invoke_and_wait(trigger.id, nullptr, wait), centrali::Cancelled);
    canceller.join();
}

TEST_CASE("invoking a paused trigger fails and queues nothing", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);
    client.triggers().pause(trigger.id);
    try {
        client.triggers().invoke(trigger.id);
        FAIL("expected Conflict");
    } catch (const centrali::Conflict& e) {
        CHECK(e.code() == "TRIGGER_PAUSED");
    }
    CHECK(emu.server.job_count() == 0);
    client.triggers().resume(trigger.id);
    CHECK_FALSE(client.triggers().invoke(trigger.id).empty());
}

TEST_CASE("runs list newest first, page and filter by status", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);
    std::vector<std::string> jobs;
    for (int i = 0; i < 5; ++i) jobs.push_back(client.triggers().invoke(trigger.id, {{"i", i}}));

    const auto all = client.runs().list_by_function(fn.id);
    REQUIRE(all.size() == 5);
    CHECK(all.items[0].job_id == jobs[4]);
    CHECK(all.items[4].job_id == jobs[0]);

    centrali::ListRunsOptions paged;
    paged.page = 2;
    paged.page_size = 2;
    const auto second = client.runs().list_by_trigger(trigger.id, paged);
    REQUIRE(second.size() == 2);
    CHECK(second.items[0].job_id == jobs[2]);

    centrali::ListRunsOptions completed;
    completed.status = RunStatus::completed;
    CHECK(client.runs().list_by_trigger(trigger.id, completed).size() == 5);
    completed.status = RunStatus::failure;
    CHECK(client.runs().list_by_trigger(trigger.id, completed).empty());
    CHECK_THROWS_AS(client.runs().get("no-such-run"), centrali::NotFound);
}

TEST_CASE("hostile ids stay one segment on compute routes", "[integration][compute][hostile]") {
    LiveEmulator emu;
    auto client = emu.client();
    for (const std::string id : {"../compute-functions", "a/b", "x?y=1", "é #"}) {
        CHECK_THROWS_AS(client.functions().get(id), centrali::NotFound);
        CHECK_THROWS_AS(client.triggers().invoke(id), centrali::NotFound);
        CHECK_THROWS_AS(client.runs().get(id), centrali::NotFound);
    }
    CHECK(emu.server.job_count() == 0);
}

TEST_CASE("wait_for_job finds its run however many newer runs the trigger has", "[integration][compute][wait]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = make_function(client, "fn");
    const auto trigger = make_trigger(client, fn.id);
    const std::string job = client.triggers().invoke(trigger.id, {{"first", true}});
    for (int i = 0; i < 130; ++i) client.triggers().invoke(trigger.id, {{"i", i}});  // pushes it past page 1
    const auto run = client.runs().wait_for_job(trigger.id, job, quick_wait());
    CHECK(run.job_id == job);
    CHECK(run.status == RunStatus::completed);
    CHECK(run.run_data == json{{"payload", {{"first", true}}}});
}

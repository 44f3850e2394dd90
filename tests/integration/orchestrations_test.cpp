// client.orchestrations() over real libcurl against the emulator.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <thread>

using namespace centrali_test;
using centrali::OrchestrationRunStatus;
using centrali::StepType;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
centrali::WaitOptions quick_wait() {
    centrali::WaitOptions wait;
    wait.deadline = milliseconds(15'000);
    wait.initial_interval = milliseconds(10);
    wait.max_interval = milliseconds(50);
    return wait;
}

struct Flow {
    std::string validate_fn, charge_fn;
    centrali::Orchestration orchestration;
};

Flow make_flow(centrali::Client& client, const std::string& secret = "sk_live_orchestration_secret_1") {
    Flow flow;
    flow.validate_fn = client.functions().create({"validate", "async function run() {}", "", std::nullopt}).id;
    flow.charge_fn = client.functions().create({"charge", "async function run() {}", "", std::nullopt}).id;
    centrali::OrchestrationStep validate;
    validate.id = "validate";
    validate.function_id = flow.validate_fn;
    validate.next_step_id = "route";
    centrali::OrchestrationStep route;
    route.id = "route";
    route.type = StepType::decision;
    route.cases = {{"input.total", "gt", 100, "review"}};
    route.default_next_step_id = "charge";
    centrali::OrchestrationStep review;
    review.id = "review";
    review.type = StepType::delay;
    review.delay_ms = 50;
    review.next_step_id = "charge";
    centrali::OrchestrationStep charge;
    charge.id = "charge";
    charge.function_id = flow.charge_fn;
    charge.encrypted_params = {{"paymentKey", secret}};
    centrali::CreateOrchestrationInput input;
    input.slug = "order-flow";
    input.name = "Order flow";
    input.trigger.type = "on-demand";
    input.steps = {validate, route, review, charge};
    flow.orchestration = client.orchestrations().create(input);
    return flow;
}
}  // namespace

TEST_CASE("orchestrations: create, get, list, update, delete", "[integration][orchestrations]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto flow = make_flow(client);
    const auto& o = flow.orchestration;
    CHECK_FALSE(o.id.empty());
    CHECK(o.status == centrali::OrchestrationStatus::draft);
    REQUIRE(o.steps.size() == 4);
    CHECK(o.steps[3].encrypted_param_names == std::vector<std::string>{"paymentKey"});
    CHECK(o.steps[1].cases.at(0).next_step_id == "review");
    CHECK(o.raw.dump().find("sk_live_orchestration_secret_1") == std::string::npos);

    CHECK(client.orchestrations().get(o.id).slug == "order-flow");
    CHECK(client.orchestrations().list().size() == 1);
    centrali::UpdateOrchestrationInput update;
    update.status = centrali::OrchestrationStatus::active;
    const auto updated = client.orchestrations().update(o.id, update);
    CHECK(updated.status == centrali::OrchestrationStatus::active);
    CHECK(updated.version == 2);

    centrali::CreateOrchestrationInput duplicate;
    duplicate.slug = "order-flow";
    duplicate.name = "again";
    duplicate.trigger.type = "on-demand";
    duplicate.steps = o.steps;
    duplicate.steps[3].encrypted_params = {{"paymentKey", "x"}};
    CHECK_THROWS_AS(client.orchestrations().create(duplicate), centrali::Conflict);

    client.orchestrations().remove(o.id);
    CHECK_THROWS_AS(client.orchestrations().get(o.id), centrali::NotFound);
}

TEST_CASE("start_and_wait runs the steps in order, passing outputs forward", "[integration][orchestrations]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto flow = make_flow(client);
    centrali_emulator::ComputeBehavior validate;
    validate.result_json = R"({"valid":true})";
    emu.server.set_compute_behavior_for(flow.validate_fn, validate);

    const auto small = client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 10}}, quick_wait());
    CHECK(small.status == OrchestrationRunStatus::completed);
    CHECK(small.step_outputs.at("validate") == json{{"valid", true}});
    std::vector<std::string> order;
    for (const auto& step : small.steps) order.push_back(step.step_id);
    CHECK(order == std::vector<std::string>{"validate", "route", "charge"});
    // charge's input carries validate's output forward (its default output echoes its input).
    const auto& charge_output = small.step_outputs.at("charge");
    CHECK(charge_output["input"]["steps"]["validate"]["output"] == json{{"valid", true}});
    CHECK(charge_output.dump().find("sk_live_orchestration_secret_1") == std::string::npos);

    const auto big = client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 500}}, quick_wait());
    order.clear();
    for (const auto& step : big.steps) order.push_back(step.step_id);
    CHECK(order == std::vector<std::string>{"validate", "route", "review", "charge"});
    CHECK(emu.server.orchestration_run_count() == 2);

    const auto runs = client.orchestrations().list_runs(flow.orchestration.id);
    CHECK(runs.size() == 2);
    centrali::ListOrchestrationRunsOptions failed;
    failed.status = OrchestrationRunStatus::failed;
    CHECK(client.orchestrations().list_runs(flow.orchestration.id, failed).empty());
}

TEST_CASE("a failing step fails the run with a typed error carrying it", "[integration][orchestrations]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto flow = make_flow(client);
    centrali_emulator::ComputeBehavior failing;
    failing.outcome = centrali_emulator::RunOutcome::Failure;
    failing.error_message = "card declined";
    emu.server.set_compute_behavior_for(flow.charge_fn, failing);
    try {
        client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 10}}, quick_wait());
        FAIL("expected OrchestrationRunFailed");
    } catch (const centrali::OrchestrationRunFailed& e) {
        CHECK(e.run().status == OrchestrationRunStatus::failed);
        CHECK(e.run().error_message.find("card declined") != std::string::npos);
        REQUIRE_FALSE(e.run().steps.empty());
        CHECK(e.run().steps.back().step_id == "charge");
        CHECK(e.run().steps.back().status == OrchestrationRunStatus::failed);
    }
}

TEST_CASE("cancel stops a running orchestration", "[integration][orchestrations]") {
    LiveEmulator emu;
    emu.server.set_orchestration_step_ms(300);
    auto client = emu.client();
    const auto flow = make_flow(client);
    const auto run = client.orchestrations().start(flow.orchestration.id, {{"total", 10}});
    const auto cancelled = client.orchestrations().cancel_run(flow.orchestration.id, run.id);
    CHECK(cancelled.status == OrchestrationRunStatus::cancelled);
    CHECK_THROWS_AS(client.orchestrations().cancel_run(flow.orchestration.id, run.id), centrali::Conflict);
    try {
        client.orchestrations().wait_run(flow.orchestration.id, run.id, quick_wait());
        FAIL("expected OrchestrationRunFailed");
    } catch (const centrali::OrchestrationRunFailed& e) {
        CHECK(e.run().status == OrchestrationRunStatus::cancelled);
    }
    emu.server.advance_clock(std::chrono::seconds(60));  // long past when every step would have run
    const auto later = client.orchestrations().get_run(flow.orchestration.id, run.id);
    CHECK(later.status == OrchestrationRunStatus::cancelled);  // no step ran after the cancel
    CHECK(later.step_outputs.count("charge") == 0);
}

TEST_CASE("an orchestration wait honours its deadline and cancel token", "[integration][orchestrations]") {
    LiveEmulator emu;
    emu.server.set_orchestration_step_ms(60'000);
    auto client = emu.client();
    const auto flow = make_flow(client);
    auto wait = quick_wait();
    wait.deadline = milliseconds(300);
    CHECK_THROWS_AS(client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 1}}, wait),
                    centrali::DeadlineExceeded);
    auto cancelled = quick_wait();
    std::thread canceller([token = cancelled.cancel] {
        std::this_thread::sleep_for(milliseconds(200));
        token.cancel();
    });
    CHECK_THROWS_AS(client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 1}}, cancelled),
                    centrali::Cancelled);
    canceller.join();
}

TEST_CASE("the documented alternative base path works too", "[integration][orchestrations]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.orchestration_base_path = "orchestration/api/v1/workspaces/{ws}";
    centrali::Client client(options);
    const auto flow = make_flow(client);
    CHECK(client.orchestrations().get(flow.orchestration.id).id == flow.orchestration.id);
    CHECK(emu.server.requests().back().target.rfind("/orchestration/api/v1/workspaces/acme/", 0) == 0);
}

TEST_CASE("encrypted params never reach a log line or an error", "[integration][orchestrations][secrets]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    std::vector<std::string> lines;
    options.logger = [&lines](centrali::LogLevel, std::string_view line) { lines.emplace_back(line); };
    centrali::Client client(options);
    const std::string secret = "sk_live_never_logged_77";
    const auto flow = make_flow(client, secret);
    centrali::CreateOrchestrationInput bad;
    bad.slug = "bad";
    bad.name = "bad";
    bad.trigger.type = "on-demand";
    centrali::OrchestrationStep step;
    step.id = "s";
    step.function_id = "no-such-function";
    step.encrypted_params = {{"k", secret}};
    bad.steps = {step};
    try {
        client.orchestrations().create(bad);
        FAIL("expected BadRequest");
    } catch (const centrali::ApiError& e) {
        CHECK((std::string(e.what()) + e.message() + e.details().dump() + e.body_snippet()).find(secret) == std::string::npos);
    }
    const auto run = client.orchestrations().start_and_wait(flow.orchestration.id, {{"total", 1}}, quick_wait());
    CHECK(run.raw.dump().find(secret) == std::string::npos);
    for (const auto& line : lines) CHECK(line.find(secret) == std::string::npos);
}

TEST_CASE("async orchestration waits", "[integration][orchestrations][async]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto flow = make_flow(client);
    auto future = client.orchestrations().start_and_wait_async(flow.orchestration.id, {{"total", 10}}, quick_wait());
    REQUIRE(future.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
    const auto run = future.get();
    CHECK(run.status == OrchestrationRunStatus::completed);
    CHECK(run.steps.size() == 3);
    auto again = client.orchestrations().wait_run_async(flow.orchestration.id, run.id, quick_wait());
    REQUIRE(again.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
    CHECK(again.get().id == run.id);
}

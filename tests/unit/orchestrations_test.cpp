// Unit tests of client.orchestrations(): exact requests, the configurable base path, decoding,
// the wait helpers, and encrypted parameters kept out of errors and logs.
#include "catch.hpp"
#include "fake_transport.hpp"

using namespace centrali_test;
using centrali::OrchestrationRunStatus;
using centrali::StepType;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
const std::string kOrch = "https://api.centrali.io/orchestration/ws/acme/api/v1/orchestrations";

json run_json(const std::string& status) {
    return {{"id", "run-1"}, {"orchestrationId", "o1"}, {"status", status}, {"input", {{"orderId", 1}}},
            {"stepOutputs", {{"validate", {{"ok", true}}}}}, {"currentStepId", "charge"},
            {"error", status == "failed" ? json{{"code", "STEP_FAILED"}, {"message", "charge failed"}} : json(nullptr)}};
}

centrali::CreateOrchestrationInput order_flow() {
    centrali::CreateOrchestrationInput input;
    input.slug = "order-flow";
    input.name = "Order flow";
    input.trigger.type = "event-driven";
    input.trigger.event_type = "record_created";
    input.trigger.structure_slug = "orders";
    centrali::OrchestrationStep validate;
    validate.id = "validate";
    validate.name = "Validate";
    validate.function_id = "fn-validate";
    validate.timeout_ms = 30000;
    validate.next_step_id = "route";
    validate.encrypted_params = {{"apiKey", "sk-live-very-secret-42"}};
    centrali::OrchestrationStep route;
    route.id = "route";
    route.type = StepType::decision;
    route.cases = {{"steps.validate.output.ok", "eq", true, "wait"}};
    route.default_next_step_id = "reject";
    centrali::OrchestrationStep wait;
    wait.id = "wait";
    wait.type = StepType::delay;
    wait.delay_ms = 5000;
    input.steps = {validate, route, wait};
    return input;
}
}  // namespace

TEST_CASE("orchestrations: every call's method, path and body", "[unit][orchestrations]") {
    UnitClient unit;
    auto client = unit.make();
    auto& orchestrations = client.orchestrations();

    unit.transport->then_json(200, {{"data", json::array()}, {"meta", {{"total", 0}, {"page", 1}, {"pageSize", 20}}}});
    orchestrations.list({2, 50, "createdAt", "asc"});
    CHECK(unit.transport->last().method == "GET");
    CHECK(unit.transport->last().url == kOrch + "?page=2&pageSize=50&sort=createdAt&order=asc");

    unit.transport->then_json(201, {{"data", {{"id", "o1"}, {"slug", "order-flow"}, {"status", "draft"}}}});
    const auto created = orchestrations.create(order_flow());
    const auto request = unit.transport->last();
    CHECK(request.method == "POST");
    CHECK(request.url == kOrch);
    CHECK(json::parse(request.body) ==
          json{{"slug", "order-flow"},
               {"name", "Order flow"},
               {"trigger", {{"type", "event-driven"}, {"eventType", "record_created"}, {"structureSlug", "orders"}}},
               {"steps",
                {{{"id", "validate"}, {"type", "compute"}, {"name", "Validate"}, {"nextStepId", "route"},
                  {"functionId", "fn-validate"}, {"timeoutMs", 30000},
                  {"encryptedParams", {{"apiKey", {{"value", "sk-live-very-secret-42"}, {"encrypt", true}}}}}},
                 {{"id", "route"}, {"type", "decision"},
                  {"cases", {{{"condition", {{"field", "steps.validate.output.ok"}, {"operator", "eq"}, {"value", true}}},
                              {"nextStepId", "wait"}}}},
                  {"defaultNextStepId", "reject"}},
                 {{"id", "wait"}, {"type", "delay"}, {"delayMs", 5000}}}}});
    CHECK(created.status == centrali::OrchestrationStatus::draft);

    orchestrations.get("o1");
    CHECK(unit.transport->last().url == kOrch + "/o1");

    centrali::UpdateOrchestrationInput update;
    update.status = centrali::OrchestrationStatus::active;
    orchestrations.update("o1", update);
    CHECK(unit.transport->last().method == "PUT");
    CHECK(unit.transport->last().body == R"({"status":"active"})");

    unit.transport->then(raw_response(204, ""));
    orchestrations.remove("o1");
    CHECK(unit.transport->last().method == "DELETE");
    CHECK(unit.transport->last().url == kOrch + "/o1");

    unit.transport->then_json(201, {{"data", run_json("pending")}});
    orchestrations.start("o1", {{"orderId", 1}});
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kOrch + "/o1/runs");
    CHECK(unit.transport->last().body == R"({"input":{"orderId":1}})");

    unit.transport->then_json(200, {{"data", json::array({run_json("running")})}});
    centrali::ListOrchestrationRunsOptions runs;
    runs.page_size = 5;
    runs.status = OrchestrationRunStatus::failed;
    orchestrations.list_runs("o1", runs);
    CHECK(unit.transport->last().url == kOrch + "/o1/runs?pageSize=5&status=failed");

    orchestrations.get_run("o1", "run/1");
    CHECK(unit.transport->last().url == kOrch + "/o1/runs/run%2F1");
    unit.transport->then_json(200, {{"data", json::array()}});
    orchestrations.steps("o1", "run-1");
    CHECK(unit.transport->last().url == kOrch + "/o1/runs/run-1/steps");
    unit.transport->then_json(200, {{"data", run_json("cancelled")}});
    CHECK(orchestrations.cancel_run("o1", "run-1").status == OrchestrationRunStatus::cancelled);
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kOrch + "/o1/runs/run-1/cancel");
}

TEST_CASE("the orchestration base path is one option", "[unit][orchestrations]") {
    UnitClient unit;
    unit.options.orchestration_base_path = "orchestration/api/v1/workspaces/{ws}";
    auto client = unit.make();
    client.orchestrations().get("o1");
    CHECK(unit.transport->last().url == "https://api.centrali.io/orchestration/api/v1/workspaces/acme/orchestrations/o1");
}

TEST_CASE("orchestrations and runs decode tolerantly", "[unit][orchestrations]") {
    const auto legacy = json{{"id", "o1"}, {"isActive", true}, {"trigger", {{"type", "on-demand"}, {"timezone", "UTC"}}},
                             {"steps", {{{"id", "s1"}, {"type", "loop"}, {"encryptedParams", {{"k", {{"value", "********"}, {"encrypted", true}}}}}}}}}
                            .get<centrali::Orchestration>();
    CHECK(legacy.status == centrali::OrchestrationStatus::active);
    CHECK(legacy.trigger.extra["timezone"] == "UTC");
    REQUIRE(legacy.steps.size() == 1);
    CHECK(legacy.steps[0].type.str() == "loop");
    CHECK(legacy.steps[0].encrypted_param_names == std::vector<std::string>{"k"});
    CHECK(legacy.steps[0].encrypted_params.empty());

    const auto run = run_json("failed").get<centrali::OrchestrationRun>();
    CHECK(run.status == OrchestrationRunStatus::failed);
    CHECK(run.step_outputs.at("validate") == json{{"ok", true}});
    CHECK(run.error_code == "STEP_FAILED");
    CHECK(run.error_message == "charge failed");

    const auto step = json{{"id", "sr1"}, {"stepId", "validate"}, {"stepType", "compute"}, {"status", "completed"},
                           {"output", {{"ok", true}}}, {"durationMs", 12}, {"error", "plain text"}}
                          .get<centrali::OrchestrationStepRun>();
    CHECK(step.step_id == "validate");
    CHECK(step.output == json{{"ok", true}});
    CHECK(step.duration_ms == 12.0);
    CHECK(step.error_message == "plain text");
}

TEST_CASE("start_and_wait returns the completed run with its steps", "[unit][orchestrations][wait]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(201, {{"data", run_json("pending")}});
    unit.transport->then_json(200, {{"data", run_json("running")}});
    unit.transport->then_json(200, {{"data", run_json("waiting")}});
    unit.transport->then_json(200, {{"data", run_json("completed")}});
    unit.transport->then_json(200, {{"data", json::array({{{"id", "sr1"}, {"stepId", "validate"}, {"output", {{"ok", true}}}}})}});
    const auto run = client.orchestrations().start_and_wait("o1", {{"orderId", 1}});
    CHECK(run.status == OrchestrationRunStatus::completed);
    REQUIRE(run.steps.size() == 1);
    CHECK(run.steps[0].output == json{{"ok", true}});
    CHECK(unit.transport->count() == 5);
    int posts = 0;
    for (const auto& r : unit.transport->requests()) posts += r.method == "POST";
    CHECK(posts == 1);
}

TEST_CASE("a failed or cancelled run raises OrchestrationRunFailed carrying it", "[unit][orchestrations][wait]") {
    for (const char* status : {"failed", "cancelled"}) {
        UnitClient unit;
        auto client = unit.make();
        unit.transport->then_json(200, {{"data", run_json(status)}});
        unit.transport->then_json(200, {{"data", json::array({{{"id", "sr1"}, {"stepId", "charge"}, {"status", "failed"}}})}});
        try {
            client.orchestrations().wait_run("o1", "run-1");
            FAIL("expected OrchestrationRunFailed");
        } catch (const centrali::OrchestrationRunFailed& e) {
            CHECK(e.run().status.str() == status);
            CHECK(e.run().steps.size() == 1);
        }
    }
}

TEST_CASE("an orchestration wait honours its deadline and its cancel token", "[unit][orchestrations][wait]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->otherwise([](const centrali::HttpRequest&) { return json_response(200, {{"data", run_json("running")}}); });
    centrali::WaitOptions wait;
    wait.deadline = milliseconds(1000);
    wait.initial_interval = milliseconds(400);
    wait.multiplier = 1.0;
    CHECK_THROWS_AS(client.orchestrations().wait_run("o1", "run-1", wait), centrali::DeadlineExceeded);
    CHECK(unit.transport->count() == 3);  // at 0, 400 and 800 ms; none at the 1000 ms deadline

    UnitClient cancelled;
    centrali::WaitOptions cancel_wait;
    cancelled.options.clock.sleep = [token = cancel_wait.cancel](milliseconds, const centrali::CancelToken&) { token.cancel(); };
    auto client2 = cancelled.make();
    cancelled.transport->otherwise([](const centrali::HttpRequest&) { return json_response(200, {{"data", run_json("running")}}); });
    CHECK_THROWS_AS(client2.orchestrations().wait_run("o1", "run-1", cancel_wait), centrali::Cancelled);
    CHECK(cancelled.transport->count() == 1);
}

TEST_CASE("encrypted params never reach a log line or an error", "[unit][orchestrations][secrets]") {
    UnitClient unit;
    std::vector<std::string> lines;
    unit.options.logger = [&lines](centrali::LogLevel, std::string_view line) { lines.emplace_back(line); };
    auto client = unit.make();
    unit.transport->then_json(400, {{"message", "bad step param sk-live-very-secret-42"},
                                    {"details", {{{"field", "steps[0].encryptedParams.apiKey"}, {"message", "sk-live-very-secret-42 too short"}}}}});
    try {
        client.orchestrations().create(order_flow());
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        const std::string everything = std::string(e.what()) + e.message() + e.details().dump() + e.body_snippet();
        CHECK(everything.find("sk-live-very-secret-42") == std::string::npos);
        CHECK(everything.find("REDACTED") != std::string::npos);
    }
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) CHECK(line.find("sk-live-very-secret-42") == std::string::npos);
}

TEST_CASE("an orchestration without a trigger type is refused before anything is sent", "[unit][orchestrations]") {
    UnitClient unit;
    auto client = unit.make();
    auto input = order_flow();
    input.trigger = centrali::OrchestrationTrigger{};
    CHECK_THROWS_AS(client.orchestrations().create(input), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 0);
    // What the caller set is what is sent: no invented "type".
    CHECK(json(centrali::OrchestrationTrigger{}) == json::object());
}

TEST_CASE("orchestration inputs are built from JS object literals", "[unit][orchestrations]") {
    const json flow = {{"slug", "order-flow"},
                       {"name", "Order flow"},
                       {"trigger", {{"type", "event-driven"}, {"eventType", "record_created"}, {"structureSlug", "orders"}}},
                       {"steps", json::array({{{"id", "validate"}, {"type", "compute"}, {"functionId", "fn-1"}}})},
                       {"status", "active"}};
    const auto input = flow.get<centrali::CreateOrchestrationInput>();
    CHECK(input.trigger.type == "event-driven");
    REQUIRE(input.steps.size() == 1);
    CHECK(input.steps[0].function_id == "fn-1");
    CHECK(input.status == centrali::OrchestrationStatus::active);
    const json sent = input;
    CHECK(sent["slug"] == "order-flow");
    CHECK(sent["trigger"] == flow["trigger"]);
    CHECK(sent["steps"][0]["functionId"] == "fn-1");
    const json update = {{"status", "paused"}};
    CHECK(json(update.get<centrali::UpdateOrchestrationInput>()) == update);
}

// Unit tests of client.orchestrations(): exact requests, the configurable base path, decoding,
// the wait helpers, and encrypted parameters kept out of errors and logs.
#include "catch.hpp"
#include "fake_transport.hpp"
#include "model_checks.hpp"

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

TEST_CASE("an orchestration reads every member tolerantly; only its id is required", "[unit][orchestrations]") {
    const json step = {{"id", "validate"},  {"name", "Validate"},  {"type", "compute"}, {"nextStepId", nullptr},
                       {"functionId", "f1"}, {"timeoutMs", 30000},  {"encryptedParams", {{"key", {{"value", "********"}}}}},
                       {"cases", json::array()}, {"defaultNextStepId", ""}, {"delayMs", nullptr}};
    const json full = {{"id", "o1"},          {"workspaceSlug", "acme"}, {"slug", "flow"},  {"name", "Flow"},
                       {"description", nullptr}, {"version", 2},         {"status", "active"},
                       {"trigger", {{"type", "on-demand"}, {"interval", nullptr}}},     {"steps", {step}},
                       {"createdAt", "2024-01-01T00:00:00Z"}, {"updatedAt", "2024-01-02T00:00:00Z"},
                       {"createdBy", "u1"},     {"updatedBy", nullptr}};
    const auto o = full.get<centrali::Orchestration>();
    CHECK(o.id == "o1");
    CHECK(o.workspace_slug == "acme");
    CHECK(o.slug == "flow");
    CHECK(o.name == "Flow");
    CHECK(o.description.empty());
    CHECK(o.sent_null("description"));
    CHECK(o.version == 2);
    CHECK(o.status == centrali::OrchestrationStatus::active);
    CHECK(o.trigger.type == "on-demand");
    CHECK_FALSE(o.trigger.interval);
    CHECK(o.trigger.sent_null("interval"));
    REQUIRE(o.steps.size() == 1);
    const auto& s = o.steps[0];
    CHECK(s.id == "validate");
    CHECK(s.name == "Validate");
    CHECK(s.type == StepType::compute);
    CHECK(s.next_step_id.empty());
    CHECK(s.sent_null("nextStepId"));
    CHECK(s.function_id == "f1");
    CHECK(s.timeout_ms == 30000);
    CHECK(s.encrypted_param_names == std::vector<std::string>{"key"});
    CHECK(s.cases.empty());
    CHECK(s.default_next_step_id.empty());
    CHECK_FALSE(s.sent_null("defaultNextStepId"));
    CHECK_FALSE(s.delay_ms);
    CHECK(s.sent_null("delayMs"));
    CHECK(s.extra == step);
    CHECK(o.created_at == "2024-01-01T00:00:00Z");
    CHECK(o.updated_at == "2024-01-02T00:00:00Z");
    CHECK(o.created_by == "u1");
    CHECK(o.updated_by.empty());
    CHECK(o.sent_null("updatedBy"));
    CHECK(o.raw == full);

    check_odd_member<centrali::Orchestration>(full, "version", "2", [](const auto& m) { return !m.version; });
    check_odd_member<centrali::Orchestration>(full, "status", true, [](const auto& m) { return m.status.empty(); });
    // A step without an id fails the orchestration: steps go back whole in an update, and a
    // list short of that step would erase it. steps that are no list at all are an odd member.
    json stepless = full;
    stepless["steps"] = json::array({step, {{"name", "no id"}}});
    CHECK_THROWS_AS(stepless.get<centrali::Orchestration>(), centrali::DecodeError);
    check_odd_member<centrali::Orchestration>(full, "steps", "none", [](const auto& m) { return m.steps.empty(); });
    check_odd_member<centrali::OrchestrationStep>(step, "timeoutMs", "30s", [](const auto& m) { return !m.timeout_ms; });
    check_odd_member<centrali::OrchestrationTrigger>(full["trigger"], "interval", "1h",
                                                     [](const auto& m) { return !m.interval; });
    check_identity_required<centrali::Orchestration>(full, "an orchestration");
    check_identity_required<centrali::OrchestrationStep>(step, "an orchestration step");
}

TEST_CASE("an orchestration run and its step runs read tolerantly; only the id is required", "[unit][orchestrations]") {
    const json step_run = {{"id", "sr1"},   {"stepId", "validate"}, {"stepType", "compute"}, {"status", "completed"},
                           {"input", {{"a", 1}}}, {"output", {{"ok", true}}}, {"error", nullptr},
                           {"functionRunId", "fr1"}, {"startedAt", "2024-01-01T00:00:00Z"}, {"completedAt", nullptr},
                           {"durationMs", 12.5}};
    const auto sr = step_run.get<centrali::OrchestrationStepRun>();
    CHECK(sr.id == "sr1");
    CHECK(sr.step_id == "validate");
    CHECK(sr.step_type == StepType::compute);
    CHECK(sr.status == OrchestrationRunStatus::completed);
    CHECK(sr.input == json{{"a", 1}});
    CHECK(sr.output == json{{"ok", true}});
    CHECK(sr.error_code.empty());
    CHECK(sr.error_message.empty());
    CHECK(sr.sent_null("error"));
    CHECK(sr.function_run_id == "fr1");
    CHECK(sr.started_at == "2024-01-01T00:00:00Z");
    CHECK(sr.completed_at.empty());
    CHECK(sr.sent_null("completedAt"));
    CHECK(sr.duration_ms == 12.5);
    CHECK(sr.raw == step_run);
    check_odd_member<centrali::OrchestrationStepRun>(step_run, "durationMs", "12ms",
                                                     [](const auto& m) { return !m.duration_ms; });
    check_identity_required<centrali::OrchestrationStepRun>(step_run, "an orchestration step run");

    const json run = {{"id", "run1"},        {"orchestrationId", "o1"}, {"status", "failed"},
                      {"input", {{"x", 1}}},  {"context", json::object()}, {"stepOutputs", {{"validate", {{"ok", true}}}}},
                      {"currentStepId", nullptr}, {"error", {{"code", "E"}, {"message", 5}}},
                      {"startedAt", "2024-01-01T00:00:00Z"}, {"completedAt", "2024-01-01T00:01:00Z"},
                      {"createdAt", "2024-01-01T00:00:00Z"}};
    const auto r = run.get<centrali::OrchestrationRun>();
    CHECK(r.id == "run1");
    CHECK(r.orchestration_id == "o1");
    CHECK(r.status == OrchestrationRunStatus::failed);
    CHECK(r.input == json{{"x", 1}});
    CHECK(r.context == json::object());
    CHECK(r.step_outputs.at("validate") == json{{"ok", true}});
    CHECK(r.current_step_id.empty());
    CHECK(r.sent_null("currentStepId"));
    CHECK(r.error_code == "E");
    CHECK(r.error_message.empty());  // odd inside error: left to raw
    CHECK(r.started_at == "2024-01-01T00:00:00Z");
    CHECK(r.completed_at == "2024-01-01T00:01:00Z");
    CHECK(r.created_at == "2024-01-01T00:00:00Z");
    CHECK(r.raw == run);
    check_odd_member<centrali::OrchestrationRun>(run, "status", 3, [](const auto& m) { return m.status.empty(); });
    check_identity_required<centrali::OrchestrationRun>(run, "an orchestration run");
}

TEST_CASE("fetch, empty a field, send: the emptied member is not sent again from the decoded copy", "[unit][orchestrations][admin]") {
    auto step = nlohmann::json{{"id", "charge"}, {"type", "compute"}, {"functionId", "f1"}, {"nextStepId", "notify"},
                               {"timeoutMs", 5000}, {"retries", 2},
                               {"encryptedParams", {{"key", {{"value", "****"}, {"encrypt", true}}}}}}
                    .get<centrali::OrchestrationStep>();
    step.next_step_id.clear();  // make it the last step
    step.timeout_ms.reset();
    nlohmann::json sent = step;
    CHECK_FALSE(sent.contains("nextStepId"));
    CHECK_FALSE(sent.contains("timeoutMs"));
    CHECK(sent["functionId"] == "f1");
    CHECK(sent["retries"] == 2);  // a member without a field is kept
    CHECK(sent["encryptedParams"]["key"]["value"] == "****");  // masked secrets go back as they came
    step.encrypted_params = {{"key", "new-secret"}};
    sent = step;
    CHECK(sent["encryptedParams"]["key"]["value"] == "new-secret");

    auto trigger = nlohmann::json{{"type", "scheduled"}, {"scheduleType", "cron"}, {"cronExpression", "0 * * * *"},
                                  {"timezone", "UTC"}}
                       .get<centrali::OrchestrationTrigger>();
    trigger.schedule_type = "interval";
    trigger.cron_expression.clear();
    trigger.interval = 60;
    sent = trigger;
    CHECK(sent == nlohmann::json{{"type", "scheduled"}, {"scheduleType", "interval"}, {"interval", 60}, {"timezone", "UTC"}});

    auto property = nlohmann::json{{"name", "sku"}, {"type", "string"}, {"description", "old"}, {"target", "x"},
                                   {"maxLength", 32}}
                        .get<centrali::PropertyDefinition>();
    property.description.clear();
    property.target.clear();
    sent = property;
    CHECK(sent == nlohmann::json{{"name", "sku"}, {"type", "string"}, {"maxLength", 32}});

    // What tolerant reading could not put in a field goes back as it came, not dropped.
    auto odd_property = nlohmann::json{{"name", "size"}, {"type", "number"}, {"enum", {1, 2, 3}}}
                            .get<centrali::PropertyDefinition>();
    CHECK(odd_property.enum_values.empty());
    sent = odd_property;
    CHECK(sent["enum"] == nlohmann::json({1, 2, 3}));
    auto odd_step = nlohmann::json{{"id", "s"}, {"type", "compute"}, {"timeoutMs", "30000"}}
                        .get<centrali::OrchestrationStep>();
    CHECK_FALSE(odd_step.timeout_ms);
    sent = odd_step;
    CHECK(sent["timeoutMs"] == "30000");
}

TEST_CASE("a step run identified by stepId alone decodes", "[unit][orchestrations]") {
    const auto run = nlohmann::json{{"stepId", "charge"}, {"status", "completed"}}.get<centrali::OrchestrationStepRun>();
    CHECK(run.id == "charge");
    CHECK(run.step_id == "charge");
    CHECK_THROWS_AS(nlohmann::json({{"status", "completed"}}).get<centrali::OrchestrationStepRun>(), centrali::DecodeError);
}

// Unit tests of functions(), triggers() and runs(): exact requests, decoding, the wait helpers.
#include "catch.hpp"
#include "fake_transport.hpp"
#include "model_checks.hpp"

#include <atomic>

using namespace centrali_test;
using centrali::HttpRequest;
using centrali::RunStatus;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
json run_json(const std::string& id, const std::string& status, const std::string& job = "job-1") {
    return {{"id", id},           {"createdBy", "svc"},     {"functionId", "fn-1"},    {"workspaceSlug", "acme"},
            {"jobId", job},       {"status", status},       {"runData", nullptr},      {"startedAt", "2026-01-01T00:00:00Z"},
            {"executionId", "ex"}, {"isRerun", false},      {"rerunCount", 0},         {"executionSource", "trigger"},
            {"triggerId", "tr-1"}, {"errorMessage", status == "failure" ? json("boom") : json(nullptr)}};
}
json body_of(const HttpRequest& r) { return r.body.empty() ? json() : json::parse(r.body); }
}  // namespace

TEST_CASE("functions: every call's method, path and body", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    auto& functions = client.functions();

    unit.transport->then_json(200, {{"data", json::array({{{"id", "f1"}, {"name", "a"}}})}, {"meta", {{"total", 1}}}});
    const auto listed = functions.list();
    CHECK(unit.transport->last().method == "GET");
    CHECK(unit.transport->last().url == kApi + "compute-functions");
    REQUIRE(listed.size() == 1);
    CHECK(listed.items[0].name == "a");
    CHECK(listed.meta.total == 1);

    unit.transport->then_json(200, {{"data", json::array()}});
    functions.list({2, 10});
    CHECK(unit.transport->last().url == kApi + "compute-functions?page=2&limit=10");

    unit.transport->then_json(201, {{"data", {{"id", "f1"}, {"name", "sum"}, {"code", "c"}, {"timeoutMs", 5000}}}});
    const auto created = functions.create({"sum", "async function run() { return 1; }", "adds", 5000});
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kApi + "compute-functions");
    CHECK(body_of(unit.transport->last()) ==
          json{{"name", "sum"}, {"code", "async function run() { return 1; }"}, {"description", "adds"}, {"timeoutMs", 5000}});
    CHECK(created.timeout_ms == 5000);

    functions.create({"bare", "code", "", std::nullopt});
    CHECK(body_of(unit.transport->last()) == json{{"name", "bare"}, {"code", "code"}});
    CHECK_THROWS_AS(functions.create({"", "code", "", std::nullopt}), centrali::InvalidArgument);

    functions.get("f/1");
    CHECK(unit.transport->last().url == kApi + "compute-functions/f%2F1");

    centrali::UpdateComputeFunctionInput update;
    update.code = "new code";
    update.timeout_ms = 120000;
    functions.update("f1", update);
    CHECK(unit.transport->last().method == "PUT");
    CHECK(unit.transport->last().url == kApi + "compute-functions/f1");
    CHECK(body_of(unit.transport->last()) == json{{"code", "new code"}, {"timeoutMs", 120000}});

    unit.transport->then(raw_response(204, ""));
    functions.remove("f1");
    CHECK(unit.transport->last().method == "DELETE");
    CHECK(unit.transport->last().url == kApi + "compute-functions/f1");

    unit.transport->then_json(200, {{"data", {{"output", 3}, {"logs", {"x"}}, {"duration", 12}}}});
    const auto tested = functions.test_execute({"async function run() { return executionParams.a + executionParams.b; }",
                                                {{"a", 1}, {"b", 2}}});
    CHECK(unit.transport->last().url == kApi + "compute-functions/test");
    CHECK(body_of(unit.transport->last())["params"] == json{{"a", 1}, {"b", 2}});
    CHECK(tested.output == 3);
    CHECK(tested.logs == json{"x"});
    CHECK(tested.duration_ms == 12.0);
    CHECK_FALSE(tested.error);
}

TEST_CASE("triggers: every call's method, path and body", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    auto& triggers = client.triggers();

    for (int i = 0; i < 3; ++i) unit.transport->then_json(200, {{"data", json::array()}});
    triggers.list();
    CHECK(unit.transport->last().url == kApi + "function-triggers");
    centrali::ListTriggersOptions filtered;
    filtered.function_id = "fn-1";
    filtered.include_health = true;
    triggers.list(filtered);
    CHECK(unit.transport->last().url == kApi + "function-triggers?includeHealth=true&functionId=fn-1");
    filtered.page = 2;
    filtered.page_size = 5;
    triggers.list(filtered);
    CHECK(unit.transport->last().url == kApi + "function-triggers?page=2&limit=5&includeHealth=true&functionId=fn-1");

    centrali::CreateTriggerInput on_demand;
    on_demand.name = "manual";
    on_demand.function_id = "fn-1";
    const auto sent_before = unit.transport->count();
    CHECK_THROWS_AS(triggers.create(on_demand), centrali::InvalidArgument);  // the SDK picks no type
    on_demand.execution_type = centrali::TriggerType::on_demand;
    CHECK_THROWS_AS(triggers.create(on_demand), centrali::InvalidArgument);  // nor its metadata
    CHECK(unit.transport->count() == sent_before);
    on_demand.trigger_metadata = centrali::TriggerMetadata::on_demand(json::object());
    triggers.create(on_demand);
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().body ==
          R"({"executionType":"on-demand","functionId":"fn-1","name":"manual","triggerMetadata":{"params":{}}})");

    centrali::CreateTriggerInput events;
    events.name = "on create";
    events.function_id = "fn-1";
    events.execution_type = centrali::TriggerType::event_driven;
    events.description = "d";
    events.enabled = false;
    events.trigger_metadata = centrali::TriggerMetadata::event_driven("record_created", "orders", {{"apiKey", centrali::encrypted("s3")}});
    triggers.create(events);
    CHECK(body_of(unit.transport->last()) ==
          json{{"name", "on create"}, {"functionId", "fn-1"}, {"executionType", "event-driven"}, {"description", "d"},
               {"enabled", false},
               {"triggerMetadata", {{"event", "record_created"}, {"recordSlug", "orders"},
                                    {"params", {{"apiKey", {{"value", "s3"}, {"encrypt", true}}}}}}}});

    // Only what the caller gave: no invented params, no invented timezone.
    CHECK(centrali::TriggerMetadata::cron("0 * * * *").json == json{{"scheduleType", "cron"}, {"cronExpression", "0 * * * *"}});
    CHECK(centrali::TriggerMetadata::cron("0 * * * *", "Europe/Berlin", {{"k", 1}}).json ==
          json{{"scheduleType", "cron"}, {"cronExpression", "0 * * * *"}, {"timezone", "Europe/Berlin"}, {"params", {{"k", 1}}}});
    CHECK(centrali::TriggerMetadata::event_driven("record_created", "orders").json ==
          json{{"event", "record_created"}, {"recordSlug", "orders"}});
    CHECK(centrali::TriggerMetadata::every(60).json == json{{"scheduleType", "interval"}, {"interval", 60}});
    CHECK(centrali::TriggerMetadata::once("2027-01-01T00:00:00Z").json ==
          json{{"scheduleType", "once"}, {"scheduledAt", "2027-01-01T00:00:00Z"}});
    CHECK(centrali::TriggerMetadata::http("hooks/in").json == json{{"path", "hooks/in"}});
    CHECK(centrali::TriggerMetadata::on_demand().json == json::object());

    centrali::UpdateTriggerInput update;
    update.enabled = true;
    triggers.update("t1", update);
    CHECK(unit.transport->last().method == "PUT");
    CHECK(unit.transport->last().url == kApi + "function-triggers/t1");
    CHECK(unit.transport->last().body == R"({"enabled":true})");

    triggers.get("t1");
    CHECK(unit.transport->last().url == kApi + "function-triggers/t1");
    unit.transport->then(raw_response(204, ""));
    triggers.remove("t1");
    CHECK(unit.transport->last().method == "DELETE");

    triggers.pause("t1");
    CHECK(unit.transport->last().method == "PATCH");
    CHECK(unit.transport->last().url == kApi + "function-triggers/t1/pause");
    triggers.resume("t1");
    CHECK(unit.transport->last().url == kApi + "function-triggers/t1/resume");

    unit.transport->then_json(202, {{"data", "job-42"}});
    CHECK(triggers.invoke("t1", {{"orderId", 7}}) == "job-42");
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kApi + "function-triggers/t1/execute");
    CHECK(unit.transport->last().body == R"({"payload":{"orderId":7}})");

    unit.transport->then_json(202, {{"data", "job-43"}});
    CHECK(triggers.invoke("t1") == "job-43");
    CHECK(unit.transport->last().body == "{}");

    unit.transport->then_json(202, {{"data", {{"jobId", "job-44"}}}});
    CHECK(triggers.invoke("t1") == "job-44");
    unit.transport->then_json(202, {{"data", 5}});
    CHECK_THROWS_AS(triggers.invoke("t1"), centrali::DecodeError);

    // The JS habit, invoke(id, {payload}), is refused where it is written, before any request.
    const auto sent = unit.transport->count();
    CHECK_THROWS_AS(triggers.invoke("t1", {{"payload", {{"orderId", 7}}}}), centrali::InvalidArgument);
    CHECK_THROWS_AS(triggers.invoke_async("t1", {{"payload", 1}}), centrali::InvalidArgument);
    const json js_style = {{"payload", {{"orderId", 7}}}};
    CHECK_THROWS_AS(triggers.invoke("t1", js_style), centrali::InvalidArgument);
    CHECK(unit.transport->count() == sent);
    // A payload that really is {"payload": …}, on purpose; and one with payload among others.
    unit.transport->then_json(202, {{"data", "job-45"}});
    triggers.invoke("t1", centrali::TriggerPayload::verbatim(js_style));
    CHECK(unit.transport->last().body == R"({"payload":{"payload":{"orderId":7}}})");
    unit.transport->then_json(202, {{"data", "job-46"}});
    triggers.invoke("t1", {{"payload", 1}, {"other", 2}});
    CHECK(unit.transport->last().body == R"({"payload":{"other":2,"payload":1}})");
}

TEST_CASE("runs: get, list by trigger and function, job status", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    auto& runs = client.runs();

    unit.transport->then_json(200, {{"data", run_json("r1", "completed")}});
    CHECK(runs.get("r1").status == RunStatus::completed);
    CHECK(unit.transport->last().url == kApi + "function-runs/r1");

    unit.transport->then_json(200, {{"data", json::array({run_json("r2", "running"), run_json("r1", "completed")})},
                                    {"meta", {{"page", 1}, {"total", 2}}}});
    const auto page = runs.list_by_trigger("tr-1");
    CHECK(unit.transport->last().url == kApi + "function-runs/trigger/tr-1");
    REQUIRE(page.size() == 2);
    CHECK(page.items[0].id == "r2");

    centrali::ListRunsOptions options;
    options.page = 2;
    options.page_size = 5;
    options.status = RunStatus::failure;
    unit.transport->then_json(200, {{"data", json::array()}});
    unit.transport->then_json(200, {{"data", json::array()}});
    runs.list_by_function("fn-1", options);
    CHECK(unit.transport->last().url == kApi + "function-runs/function/fn-1?page=2&limit=5&status=failure");
    runs.list_by_function("fn-1", {std::nullopt, std::nullopt, RunStatus()});
    CHECK(unit.transport->last().url == kApi + "function-runs/function/fn-1");
    // A value the caller sets is sent, zero included: unset is the only "not sent".
    unit.transport->then_json(200, {{"data", json::array()}});
    runs.list_by_function("fn-1", {0, std::nullopt, std::nullopt});
    CHECK(unit.transport->last().url == kApi + "function-runs/function/fn-1?page=0");

    unit.transport->then_json(200, {{"data", {{"id", "job-1"}, {"state", "completed"}, {"returnValue", {{"outputs", {{"x", 1}}}}}}}});
    const auto job = runs.get_job_status("job-1");
    CHECK(unit.transport->last().url == kApi + "function-runs/jobs/job-1");
    CHECK(job.state == centrali::JobState::completed);
    CHECK(job.outputs == json{{"x", 1}});

    unit.transport->then_json(200, {{"data", {{"id", "job-2"}, {"status", "failed"}, {"failedReason", "bad"}}}});
    const auto failed = runs.get_job_status("job-2");
    CHECK(failed.state == centrali::JobState::failed);
    CHECK(failed.failed_reason == "bad");
    CHECK(failed.outputs.is_null());
}

TEST_CASE("FunctionRun decodes every field, nulls included", "[unit][compute]") {
    const json full = {{"id", "r1"},
                       {"createdBy", "svc"},
                       {"functionId", "fn-1"},
                       {"workspaceSlug", "acme"},
                       {"jobId", "job-1"},
                       {"status", "completed"},
                       {"runData", {{"total", 3}}},
                       {"startedAt", "2026-01-01T00:00:00Z"},
                       {"endedAt", "2026-01-01T00:00:01Z"},
                       {"createdAt", "2026-01-01T00:00:00Z"},
                       {"updatedAt", "2026-01-01T00:00:02Z"},
                       {"executionId", "ex-1"},
                       {"triggerId", nullptr},
                       {"triggerType", nullptr},
                       {"orchestrationRunId", "orun"},
                       {"orchestrationStepId", "ostep"},
                       {"originalRunId", "r0"},
                       {"isRerun", true},
                       {"rerunCount", 2},
                       {"rerunBy", "ada"},
                       {"rerunReason", ""},
                       {"functionCodeHash", "abc123"},
                       {"functionVersion", nullptr},
                       {"executionSource", "rerun"},
                       {"memoryUsageBytes", 1024},
                       {"cpuUsageSeconds", 0.5},
                       {"errorCode", nullptr},
                       {"errorMessage", nullptr},
                       {"dataStrippedAt", nullptr},
                       {"archiveStorageAddress", "s3://runs/r1"},
                       {"archivedAt", "2026-02-01T00:00:00Z"},
                       {"futureField", true}};
    REQUIRE(full.size() == 32);  // the 31 members of the JS type, and one it does not know
    const auto run = full.get<centrali::FunctionRun>();
    CHECK(run.id == "r1");
    CHECK(run.created_by == "svc");
    CHECK(run.function_id == "fn-1");
    CHECK(run.workspace_slug == "acme");
    CHECK(run.job_id == "job-1");
    CHECK(run.status == centrali::RunStatus::completed);
    CHECK(run.run_data == json{{"total", 3}});
    CHECK(run.started_at == "2026-01-01T00:00:00Z");
    CHECK(run.ended_at == "2026-01-01T00:00:01Z");
    CHECK(run.created_at == "2026-01-01T00:00:00Z");
    CHECK(run.updated_at == "2026-01-01T00:00:02Z");
    CHECK(run.execution_id == "ex-1");
    CHECK_FALSE(run.trigger_id.has_value());
    CHECK(run.sent_null("triggerId"));
    CHECK_FALSE(run.trigger_type.has_value());
    CHECK(run.orchestration_run_id == "orun");
    CHECK(run.orchestration_step_id == "ostep");
    CHECK(run.original_run_id == "r0");
    CHECK(run.is_rerun);
    CHECK(run.rerun_count == 2);
    CHECK(run.rerun_by == "ada");
    REQUIRE(run.rerun_reason.has_value());  // "" is not null
    CHECK(run.rerun_reason->empty());
    CHECK(run.function_code_hash == "abc123");
    CHECK_FALSE(run.function_version.has_value());
    CHECK(run.execution_source == centrali::ExecutionSource::rerun);
    CHECK(run.memory_usage_bytes == 1024.0);
    CHECK(run.cpu_usage_seconds == 0.5);
    CHECK_FALSE(run.error_code.has_value());
    CHECK_FALSE(run.error_message.has_value());
    CHECK_FALSE(run.data_stripped_at.has_value());
    CHECK(run.archive_storage_address == "s3://runs/r1");
    CHECK(run.archived_at == "2026-02-01T00:00:00Z");
    CHECK(run.raw["futureField"] == true);

    // Absent is not null.
    const auto sparse = json{{"id", "r3"}}.get<centrali::FunctionRun>();
    CHECK_FALSE(sparse.ended_at.has_value());
    CHECK_FALSE(sparse.sent_null("endedAt"));
    CHECK(sparse.status.empty());
    CHECK(sparse.run_data.is_null());
    CHECK_FALSE(sparse.rss_bytes().has_value());
}

TEST_CASE("FunctionRun keeps the usage as the service sends it, with helpers for either shape", "[unit][compute]") {
    json live = run_json("r2", "queued_for_gpu");
    live["memoryUsage"] = {{"rss", 2048}, {"heapUsed", 100}};
    live["cpuUsage"] = {{"user", 250000}, {"system", 1000}};
    live["executionSource"] = "some-new-source";
    const auto other = live.get<centrali::FunctionRun>();
    CHECK_FALSE(other.memory_usage_bytes.has_value());  // not invented from memoryUsage
    CHECK_FALSE(other.cpu_usage_seconds.has_value());
    CHECK(other.memory_usage == json{{"rss", 2048}, {"heapUsed", 100}});
    CHECK(other.cpu_usage["user"] == 250000);  // microseconds, as sent
    CHECK(other.rss_bytes() == 2048.0);
    CHECK(other.cpu_user_seconds() == Approx(0.25));
    CHECK(other.status.str() == "queued_for_gpu");
    CHECK_FALSE(other.status.is_terminal());
    CHECK(other.execution_source.str() == "some-new-source");

    json typed = run_json("r5", "completed");
    typed["memoryUsageBytes"] = 4096;
    typed["cpuUsageSeconds"] = 1.5;
    const auto flat = typed.get<centrali::FunctionRun>();
    CHECK(flat.rss_bytes() == 4096.0);
    CHECK(flat.cpu_user_seconds() == 1.5);
}

TEST_CASE("FunctionRun reads tolerantly: an odd member stays in raw, only the id is required", "[unit][compute]") {
    json odd = run_json("r4", "completed");
    odd["status"] = 7;
    odd["rerunCount"] = "2";
    odd["isRerun"] = 1;
    odd["memoryUsageBytes"] = "1024";
    odd["endedAt"] = 12;
    const auto run = odd.get<centrali::FunctionRun>();
    CHECK(run.id == "r4");
    CHECK(run.status.empty());
    CHECK(run.rerun_count == 0);
    CHECK_FALSE(run.is_rerun);
    CHECK_FALSE(run.memory_usage_bytes.has_value());
    CHECK_FALSE(run.ended_at.has_value());
    CHECK(run.raw["rerunCount"] == "2");
    CHECK(run.job_id == "job-1");  // the rest is read as usual

    CHECK_THROWS_AS(json({{"status", "completed"}}).get<centrali::FunctionRun>(), centrali::DecodeError);
    CHECK_THROWS_AS(json({{"id", 7}}).get<centrali::FunctionRun>(), centrali::DecodeError);

    // A page with one odd run decodes whole.
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", json::array({run_json("a", "completed"), odd})}, {"meta", {{"total", 2}}}});
    const auto page = client.runs().list_by_trigger("tr-1");
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[1].id == "r4");
}

TEST_CASE("runs().wait polls with back-off until the run completes", "[unit][compute][wait]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", run_json("r1", "pending")}});
    unit.transport->then_json(200, {{"data", run_json("r1", "running")}});
    unit.transport->then_json(200, {{"data", run_json("r1", "running")}});
    unit.transport->then_json(200, {{"data", run_json("r1", "completed")}});
    centrali::WaitOptions wait;
    wait.initial_interval = milliseconds(100);
    wait.multiplier = 2;
    wait.max_interval = milliseconds(300);
    const auto run = client.runs().wait("r1", wait);
    CHECK(run.status == RunStatus::completed);
    CHECK(unit.transport->count() == 4);
    CHECK(unit.fake_clock.slept() == std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(300)});
}

TEST_CASE("runs().wait raises FunctionRunFailed with the run on failure and timeout", "[unit][compute][wait]") {
    for (const char* status : {"failure", "timeout"}) {
        UnitClient unit;
        auto client = unit.make();
        unit.transport->then_json(200, {{"data", run_json("r1", status)}});
        try {
            client.runs().wait("r1");
            FAIL("expected FunctionRunFailed");
        } catch (const centrali::FunctionRunFailed& e) {
            CHECK(e.run().id == "r1");
            CHECK(e.run().status.str() == status);
            CHECK(std::string(e.what()).find(status) != std::string::npos);
        }
    }
}

TEST_CASE("a wait stops at its deadline with no request after it, polls bounded by the back-off", "[unit][compute][wait]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->otherwise([](const HttpRequest&) { return json_response(200, {{"data", run_json("r1", "running")}}); });
    centrali::WaitOptions wait;
    wait.deadline = milliseconds(10'000);
    wait.initial_interval = milliseconds(250);
    wait.multiplier = 1.5;
    wait.max_interval = milliseconds(2'000);
    CHECK_THROWS_AS(client.runs().wait("r1", wait), centrali::DeadlineExceeded);
    // Sleeps 250, 375, 562, 843, 1264, 1896, 2000, 2000, then the 810 ms left: nine sleeps,
    // nine polls, and none once the deadline has passed.
    const auto slept = unit.fake_clock.slept();
    long long total = 0;
    for (auto d : slept) total += d.count();
    CHECK(total == 10'000);
    CHECK(slept.size() == 9);
    CHECK(unit.transport->count() == 9);
}

TEST_CASE("cancelling a wait stops it mid-way without another request", "[unit][compute][wait]") {
    UnitClient unit;
    centrali::WaitOptions wait;
    auto sleeps = std::make_shared<int>(0);
    unit.options.clock.sleep = [sleeps, token = wait.cancel](milliseconds, const centrali::CancelToken&) {
        if (++*sleeps == 2) token.cancel();
    };
    auto client = unit.make();
    unit.transport->otherwise([](const HttpRequest&) { return json_response(200, {{"data", run_json("r1", "running")}}); });
    CHECK_THROWS_AS(client.runs().wait("r1", wait), centrali::Cancelled);
    CHECK(unit.transport->count() == 2);
    CHECK(*sleeps == 2);
}

TEST_CASE("invoke_and_wait invokes once, finds the job's run, and returns it finished", "[unit][compute][wait]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(202, {{"data", "job-9"}});
    unit.transport->then_json(200, {{"data", json::array()}});                                   // not created yet
    unit.transport->then_json(200, {{"data", json::array({run_json("old", "completed", "job-8")})}});  // another job's run
    unit.transport->then_json(200, {{"data", json::array({run_json("r9", "running", "job-9"), run_json("old", "completed", "job-8")})}});
    unit.transport->then_json(200, {{"data", run_json("r9", "completed", "job-9")}});
    const auto run = client.triggers().invoke_and_wait("tr-1", {{"n", 1}});
    CHECK(run.id == "r9");
    const auto requests = unit.transport->requests();
    REQUIRE(requests.size() == 5);
    CHECK(requests[0].url == kApi + "function-triggers/tr-1/execute");
    CHECK(requests[1].url == kApi + "function-runs/trigger/tr-1?page=1&limit=100");
    CHECK(requests[4].url == kApi + "function-runs/r9");
    int invokes = 0;
    for (const auto& r : requests) invokes += r.method == "POST";
    CHECK(invokes == 1);
}

TEST_CASE("a failed invoke is not retried even on 503", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(503, {{"message", "busy"}});
    CHECK_THROWS_AS(client.triggers().invoke_and_wait("tr-1"), centrali::ServerError);
    CHECK(unit.transport->count() == 1);
}

TEST_CASE("a wait's deadline is on the steady clock: wall-clock steps do not move it", "[unit][compute][wait]") {
    UnitClient unit;
    // The wall clock jumps an hour forward at every reading; steady time moves only with sleeps.
    auto jumps = std::make_shared<std::atomic<long long>>(0);
    unit.options.clock.now = [jumps] {
        return std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 50 + ++*jumps));
    };
    auto client = unit.make();
    int polls = 0;
    unit.transport->otherwise([&polls](const HttpRequest&) {
        return json_response(200, {{"data", run_json("r1", ++polls < 4 ? "running" : "completed")}});
    });
    centrali::WaitOptions wait;
    wait.deadline = milliseconds(60'000);
    CHECK(client.runs().wait("r1", wait).status == centrali::RunStatus::completed);
    CHECK(polls == 4);
}

TEST_CASE("function and trigger inputs are built from JS object literals", "[unit][compute]") {
    const json fn = {{"name", "greet"}, {"code", "async function run() {}"}, {"description", "d"}, {"timeoutMs", 30000}};
    CHECK(json(fn.get<centrali::CreateComputeFunctionInput>()) == fn);
    const json fn_update = {{"code", "async function run() { return 1; }"}};
    CHECK(json(fn_update.get<centrali::UpdateComputeFunctionInput>()) == fn_update);

    const json trigger = {{"name", "nightly"},
                          {"functionId", "fn-1"},
                          {"executionType", "scheduled"},
                          {"enabled", false},
                          {"triggerMetadata", {{"scheduleType", "cron"}, {"cronExpression", "0 3 * * *"}}}};
    const auto input = trigger.get<centrali::CreateTriggerInput>();
    CHECK(input.execution_type == centrali::TriggerType::scheduled);
    CHECK(json(input) == trigger);
    const json trigger_update = {{"enabled", true}, {"triggerMetadata", {{"params", {{"k", 1}}}}}};
    CHECK(json(trigger_update.get<centrali::UpdateTriggerInput>()) == trigger_update);
    CHECK_THROWS_AS(json({{"name", 5}}).get<centrali::CreateTriggerInput>(), centrali::DecodeError);
    CHECK_THROWS_AS(json({{"triggerMetadata", "x"}}).get<centrali::CreateTriggerInput>(), centrali::DecodeError);
}

TEST_CASE("a trigger's encrypted params never reach an error, even when the server echoes them", "[unit][compute][secrets]") {
    UnitClient unit;
    auto client = unit.make();
    const std::string secret = "sk_live_trigger_secret_42";
    centrali::CreateTriggerInput input;
    input.name = "charge";
    input.function_id = "fn-1";
    input.execution_type = centrali::TriggerType::on_demand;
    input.trigger_metadata = centrali::TriggerMetadata::on_demand({{"apiKey", centrali::encrypted(secret)}, {"plain", "x"}});
    unit.transport->then_json(400, {{"message", "bad param apiKey=" + secret}, {"code", "VALIDATION_ERROR"}});
    try {
        client.triggers().create(input);
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(std::string(e.what()).find(secret) == std::string::npos);
        CHECK(e.message().find(secret) == std::string::npos);
        CHECK(e.message().find("REDACTED") != std::string::npos);
    }
    centrali::UpdateTriggerInput update;
    update.trigger_metadata = input.trigger_metadata;
    unit.transport->then_json(400, {{"message", secret}});
    try {
        client.triggers().update("t1", update);
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(std::string(e.what()).find(secret) == std::string::npos);
    }
}

TEST_CASE("a compute function reads every member tolerantly; only its id is required", "[unit][compute]") {
    const json full = {{"id", "f1"},          {"name", "sum"},          {"description", nullptr},
                       {"code", "async function run() {}"},            {"timeoutMs", 30000},
                       {"workspaceSlug", "acme"}, {"createdBy", "u1"},  {"updatedBy", nullptr},
                       {"createdAt", "2024-01-01T00:00:00Z"},          {"updatedAt", "2024-01-02T00:00:00Z"}};
    const auto f = full.get<centrali::ComputeFunction>();
    CHECK(f.id == "f1");
    CHECK(f.name == "sum");
    CHECK(f.description.empty());
    CHECK(f.sent_null("description"));
    CHECK(f.code == "async function run() {}");
    CHECK(f.timeout_ms == 30000);
    CHECK(f.workspace_slug == "acme");
    CHECK(f.created_by == "u1");
    CHECK(f.updated_by.empty());
    CHECK(f.sent_null("updatedBy"));
    CHECK_FALSE(f.sent_null("createdBy"));
    CHECK(f.created_at == "2024-01-01T00:00:00Z");
    CHECK(f.updated_at == "2024-01-02T00:00:00Z");
    CHECK(f.raw == full);
    check_odd_member<centrali::ComputeFunction>(full, "timeoutMs", "30s", [](const auto& m) { return !m.timeout_ms; });
    check_odd_member<centrali::ComputeFunction>(full, "name", json{1, 2}, [](const auto& m) { return m.name.empty(); });
    check_identity_required<centrali::ComputeFunction>(full, "a compute function");
}

TEST_CASE("a trigger reads every member tolerantly; only its id is required", "[unit][compute]") {
    const json full = {{"id", "t1"},           {"name", "nightly"},     {"functionId", "f1"},
                       {"executionType", "scheduled"},                  {"description", "d"},
                       {"enabled", false},     {"triggerMetadata", {{"scheduleType", "cron"}}},
                       {"health", {{"status", "ok"}}},                  {"workspaceSlug", "acme"},
                       {"createdAt", "2024-01-01T00:00:00Z"},           {"updatedAt", nullptr}};
    const auto t = full.get<centrali::FunctionTrigger>();
    CHECK(t.id == "t1");
    CHECK(t.name == "nightly");
    CHECK(t.function_id == "f1");
    CHECK(t.execution_type == centrali::TriggerType::scheduled);
    CHECK(t.description == "d");
    CHECK_FALSE(t.enabled);
    CHECK(t.trigger_metadata == json{{"scheduleType", "cron"}});
    CHECK(t.health == json{{"status", "ok"}});
    CHECK(t.workspace_slug == "acme");
    CHECK(t.created_at == "2024-01-01T00:00:00Z");
    CHECK(t.updated_at.empty());
    CHECK(t.sent_null("updatedAt"));
    CHECK(t.raw == full);
    check_odd_member<centrali::FunctionTrigger>(full, "enabled", "yes", [](const auto& m) { return m.enabled; });
    check_odd_member<centrali::FunctionTrigger>(full, "executionType", 3,
                                                [](const auto& m) { return m.execution_type.empty(); });
    check_identity_required<centrali::FunctionTrigger>(full, "a function trigger");
}

TEST_CASE("a test result and a job status read tolerantly", "[unit][compute]") {
    const json result = {{"output", {{"a", 1}}}, {"logs", {"x"}}, {"error", nullptr}, {"duration", 12.5}};
    const auto r = result.get<centrali::TestComputeFunctionResult>();
    CHECK(r.output == json{{"a", 1}});
    CHECK(r.logs == json{"x"});
    CHECK_FALSE(r.error);
    CHECK(r.sent_null("error"));
    CHECK(r.duration_ms == 12.5);
    CHECK(r.raw == result);
    json thrown = result;
    thrown["error"] = "";  // an empty message is still a throw
    CHECK(thrown.get<centrali::TestComputeFunctionResult>().error == std::string());
    check_odd_member<centrali::TestComputeFunctionResult>(result, "duration", "12ms",
                                                          [](const auto& m) { return !m.duration_ms; });
    CHECK_THROWS_AS(json::array().get<centrali::TestComputeFunctionResult>(), centrali::DecodeError);

    const json job = {{"id", "j1"}, {"state", "failed"}, {"returnValue", nullptr}, {"failedReason", "bad"}, {"runId", "r1"}};
    const auto status = job.get<centrali::JobStatus>();
    CHECK(status.id == "j1");
    CHECK(status.state == centrali::JobState::failed);
    CHECK(status.return_value.is_null());
    CHECK(status.sent_null("returnValue"));
    CHECK(status.failed_reason == "bad");
    CHECK(status.run_id == "r1");
    check_odd_member<centrali::JobStatus>(job, "failedReason", json{{"why", 1}},
                                          [](const auto& m) { return m.failed_reason.empty(); });
    check_identity_required<centrali::JobStatus>(job, "a job status");
}

TEST_CASE("a page of runs with one odd member still decodes", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{{"id", "r1"}, {"status", "completed"}},
                                              {{"id", "r2"}, {"rerunCount", "2"}, {"isRerun", 1}}}}});
    const auto page = client.runs().list_by_function("f1");
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[1].rerun_count == 0);
    CHECK_FALSE(page.items[1].is_rerun);
    CHECK(page.items[1].raw["rerunCount"] == "2");
}

TEST_CASE("members passed over by tolerant reading are logged at debug level, once per call", "[unit][compute]") {
    UnitClient unit;
    std::vector<std::pair<centrali::LogLevel, std::string>> lines;
    unit.options.logger = [&](centrali::LogLevel level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{{"id", "r1"}, {"rerunCount", "2"}},
                                              {{"id", "r2"}, {"rerunCount", "3"}, {"isRerun", 1}}}}});
    const auto page = client.runs().list_by_function("f1");
    CHECK(page.items.size() == 2);
    std::vector<std::string> debug;
    for (const auto& [level, line] : lines)
        if (level == centrali::LogLevel::debug && line.find("unexpected type") != std::string::npos) debug.push_back(line);
    REQUIRE(debug.size() == 1);
    CHECK(debug[0].find("3 member(s)") != std::string::npos);
    CHECK(debug[0].find("rerunCount, isRerun") != std::string::npos);
    CHECK(debug[0].find("function-runs/function/f1") != std::string::npos);

    // A body read without a surprise logs nothing of the kind.
    lines.clear();
    unit.transport->then_json(200, {{"data", {{{"id", "r1"}, {"rerunCount", 2}}}}});
    client.runs().list_by_function("f1");
    for (const auto& [level, line] : lines) CHECK(line.find("unexpected type") == std::string::npos);
}

TEST_CASE("a logger that throws on the skipped-members line does not turn a decoded answer into a DecodeError", "[unit][compute]") {
    UnitClient unit;
    unit.options.logger = [](centrali::LogLevel level, std::string_view line) {
        if (level == centrali::LogLevel::debug && line.find("unexpected type") != std::string_view::npos)
            throw std::runtime_error("logger failed");
    };
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{{"id", "r1"}, {"rerunCount", "2"}}}}});
    try {
        client.runs().list_by_function("f1");
        FAIL("expected the logger's own exception");
    } catch (const centrali::DecodeError&) {
        FAIL("a logger's exception became a DecodeError");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == "logger failed");
    }
}

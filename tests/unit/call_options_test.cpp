// Every call whose CallOptions come after defaulted arguments also takes them straight after
// its required arguments (`get(slug, id, call)`), and what it takes is this call's: a cancelled
// token ends it with Cancelled before anything is sent. `f(x, {})` still compiles as before.
#include "catch.hpp"
#include "fake_transport.hpp"

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace centrali_test;
using nlohmann::json;

namespace {
struct Named {
    const char* name;
    std::function<void()> call;
};

// A range's first page is fetched at begin(), so that is where its CallOptions act.
template <class Range>
void begin_of(Range&& range) {
    (void)range.begin();
}
}  // namespace

TEST_CASE("CallOptions without placeholders reach every call, blocking, async and ranges", "[unit][records][compute][orchestrations][admin]") {
    UnitClient unit;
    auto client = unit.make();
    centrali::CallOptions call;
    call.cancel.cancel();
    const std::string file = "call_options_test_upload.txt";
    std::ofstream(file) << "x";

    auto& records = client.records();
    auto& functions = client.functions();
    auto& triggers = client.triggers();
    auto& runs = client.runs();
    auto& orchestrations = client.orchestrations();
    auto& collections = client.collections();
    auto& queries = client.smart_queries();
    auto& validation = client.validation();
    auto& insights = client.anomaly_insights();
    auto& files = client.files();
    auto& search = client.search();
    const std::vector<Named> calls = {
        {"records.create", [&] { records.create("orders", {{"a", 1}}, call); }},
        {"records.create_async", [&] { records.create_async("orders", {{"a", 1}}, call).get(); }},
        {"records.get", [&] { records.get("orders", "r1", call); }},
        {"records.get_async", [&] { records.get_async("orders", "r1", call).get(); }},
        {"records.query", [&] { records.query("orders", call); }},
        {"records.query_async", [&] { records.query_async("orders", call).get(); }},
        {"records.remove", [&] { records.remove("orders", "r1", call); }},
        {"records.remove_async", [&] { records.remove_async("orders", "r1", call).get(); }},
        {"records.bulk_delete", [&] { records.bulk_delete("orders", {"r1"}, call); }},
        {"records.bulk_delete_async", [&] { records.bulk_delete_async("orders", {"r1"}, call).get(); }},
        {"functions.list", [&] { functions.list(call); }},
        {"functions.list_async", [&] { functions.list_async(call).get(); }},
        {"functions.list_all", [&] { begin_of(functions.list_all(call)); }},
        {"triggers.list", [&] { triggers.list(call); }},
        {"triggers.list_async", [&] { triggers.list_async(call).get(); }},
        {"triggers.list_all", [&] { begin_of(triggers.list_all(call)); }},
        {"triggers.invoke", [&] { triggers.invoke("t1", call); }},
        {"triggers.invoke_async", [&] { triggers.invoke_async("t1", call).get(); }},
        {"runs.list_by_trigger", [&] { runs.list_by_trigger("t1", call); }},
        {"runs.list_by_trigger_async", [&] { runs.list_by_trigger_async("t1", call).get(); }},
        {"runs.list_by_trigger_all", [&] { begin_of(runs.list_by_trigger_all("t1", call)); }},
        {"runs.list_by_function", [&] { runs.list_by_function("f1", call); }},
        {"runs.list_by_function_async", [&] { runs.list_by_function_async("f1", call).get(); }},
        {"runs.list_by_function_all", [&] { begin_of(runs.list_by_function_all("f1", call)); }},
        {"orchestrations.list", [&] { orchestrations.list(call); }},
        {"orchestrations.list_async", [&] { orchestrations.list_async(call).get(); }},
        {"orchestrations.list_all", [&] { begin_of(orchestrations.list_all(call)); }},
        {"orchestrations.start", [&] { orchestrations.start("o1", call); }},
        {"orchestrations.start_async", [&] { orchestrations.start_async("o1", call).get(); }},
        {"orchestrations.list_runs", [&] { orchestrations.list_runs("o1", call); }},
        {"orchestrations.list_runs_async", [&] { orchestrations.list_runs_async("o1", call).get(); }},
        {"orchestrations.list_runs_all", [&] { begin_of(orchestrations.list_runs_all("o1", call)); }},
        {"collections.list", [&] { collections.list(call); }},
        {"collections.list_async", [&] { collections.list_async(call).get(); }},
        {"collections.list_all", [&] { begin_of(collections.list_all(call)); }},
        {"smart_queries.list", [&] { queries.list(call); }},
        {"smart_queries.list(slug)", [&] { queries.list("orders", call); }},
        {"smart_queries.list_async", [&] { queries.list_async(call).get(); }},
        {"smart_queries.list_async(slug)", [&] { queries.list_async("orders", call).get(); }},
        {"smart_queries.list_all", [&] { begin_of(queries.list_all(call)); }},
        {"smart_queries.list_all(slug)", [&] { begin_of(queries.list_all("orders", call)); }},
        {"smart_queries.execute", [&] { queries.execute("orders", "q1", call); }},
        {"smart_queries.execute_async", [&] { queries.execute_async("orders", "q1", call).get(); }},
        {"smart_queries.test", [&] { queries.test("orders", json{{"where", json::object()}}, call); }},
        {"smart_queries.test_async", [&] { queries.test_async("orders", json{{"where", json::object()}}, call).get(); }},
        {"validation.list_suggestions", [&] { validation.list_suggestions(call); }},
        {"validation.list_suggestions_async", [&] { validation.list_suggestions_async(call).get(); }},
        {"validation.list_suggestions_all", [&] { begin_of(validation.list_suggestions_all(call)); }},
        {"anomaly_insights.list", [&] { insights.list(call); }},
        {"anomaly_insights.list_async", [&] { insights.list_async(call).get(); }},
        {"anomaly_insights.list_all", [&] { begin_of(insights.list_all(call)); }},
        {"anomaly_insights.summary", [&] { insights.summary(call); }},
        {"anomaly_insights.summary_async", [&] { insights.summary_async(call).get(); }},
        {"files.upload_file", [&] { files.upload_file(file, call); }},
        {"files.upload_file_async", [&] { files.upload_file_async(file, call).get(); }},
        {"files.upload_bytes", [&] { files.upload_bytes("abc", call); }},
        {"files.upload_bytes_async", [&] { files.upload_bytes_async("abc", call).get(); }},
        {"files.create_folder", [&] { files.create_folder("reports", call); }},
        {"files.create_folder_async", [&] { files.create_folder_async("reports", call).get(); }},
        {"search.query", [&] { search.query("paris", call); }},
        {"search.query_async", [&] { search.query_async("paris", call).get(); }},
    };
    for (const auto& each : calls) {
        INFO(each.name);
        CHECK_THROWS_AS(each.call(), centrali::Cancelled);
    }
    CHECK(unit.transport->count() == 0);
    std::remove(file.c_str());

    // The braced placeholder still means the defaulted argument, and the overload with
    // CallOptions is a different call from the one with the options struct.
    unit.transport->then_json(200, {{"data", json::array()}});
    CHECK(functions.list({}).empty());
    unit.transport->then_json(200, {{"data", {{"id", "r1"}, {"data", json::object()}}}});
    centrali::CallOptions fresh;
    CHECK(records.get("orders", "r1", {}, fresh).id == "r1");
    CHECK(unit.transport->count() == 2);
}

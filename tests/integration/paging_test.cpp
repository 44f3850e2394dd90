// Every `_all` range over real libcurl against the emulator: each walks a list longer than its
// page size to the end, in order, with nothing lost or repeated, and the emulator saw the pages
// it was asked for under each route's paging names.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <set>
#include <string>
#include <vector>

using namespace centrali_test;
using nlohmann::json;

namespace {
// The ids a range yields, in order, and a check that they are distinct.
template <class Range>
std::vector<std::string> walk(Range&& range) {
    std::vector<std::string> ids;
    for (const auto& item : range) ids.push_back(item.id);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    return ids;
}
// The ids of one page call, for comparing a range with the pages it walked.
template <class Page>
std::vector<std::string> ids_of(const Page& page) {
    std::vector<std::string> ids;
    for (const auto& item : page) ids.push_back(item.id);
    return ids;
}
std::size_t requests_to(const LiveEmulator& emu, const std::string& path_part) {
    std::size_t n = 0;
    for (const auto& seen : emu.server.requests())
        if (seen.method == "GET" && seen.target.find(path_part) != std::string::npos) ++n;
    return n;
}
}  // namespace

TEST_CASE("compute ranges: functions, triggers and runs walk every page", "[integration][compute]") {
    LiveEmulator emu;
    auto client = emu.client();
    std::vector<std::string> function_ids;
    for (int i = 0; i < 5; ++i)
        function_ids.push_back(client.functions().create({"fn" + std::to_string(i), "async function run() {}", "", std::nullopt}).id);

    centrali::ListOptions two;
    two.page_size = 2;
    auto functions = walk(client.functions().list_all(two));
    CHECK(functions.size() == 5);
    CHECK(std::set<std::string>(functions.begin(), functions.end()) ==
          std::set<std::string>(function_ids.begin(), function_ids.end()));
    CHECK(requests_to(emu, "/compute-functions?page=3&limit=2") == 1);

    const std::string fn = function_ids[0];
    std::vector<std::string> trigger_ids;
    for (int i = 0; i < 3; ++i) {
        centrali::CreateTriggerInput input;
        input.name = "manual" + std::to_string(i);
        input.function_id = fn;
        input.execution_type = centrali::TriggerType::on_demand;
        input.trigger_metadata = centrali::TriggerMetadata::on_demand();
        trigger_ids.push_back(client.triggers().create(input).id);
    }
    centrali::CreateTriggerInput other;
    other.name = "elsewhere";
    other.function_id = function_ids[1];
    other.execution_type = centrali::TriggerType::on_demand;
    other.trigger_metadata = centrali::TriggerMetadata::on_demand();
    client.triggers().create(other);

    centrali::ListTriggersOptions of_fn;
    of_fn.function_id = fn;
    of_fn.page_size = 2;
    const auto triggers = walk(client.triggers().list_all(of_fn));
    CHECK(std::set<std::string>(triggers.begin(), triggers.end()) ==
          std::set<std::string>(trigger_ids.begin(), trigger_ids.end()));
    centrali::ListTriggersOptions every;
    every.page_size = 3;
    CHECK(walk(client.triggers().list_all(every)).size() == 4);

    for (int i = 0; i < 5; ++i) client.triggers().invoke(trigger_ids[0], {{"i", i}});
    centrali::ListRunsOptions runs_two;
    runs_two.page_size = 2;
    const auto by_trigger = walk(client.runs().list_by_trigger_all(trigger_ids[0], runs_two));
    CHECK(by_trigger.size() == 5);
    // The range is the pages in a row: the same ids as the page calls, in their order.
    std::vector<std::string> paged;
    for (long long page = 1; page <= 3; ++page) {
        runs_two.page = page;
        for (const auto& id : ids_of(client.runs().list_by_trigger(trigger_ids[0], runs_two))) paged.push_back(id);
    }
    CHECK(by_trigger == paged);
    centrali::ListRunsOptions from_two;
    from_two.page = 2;
    from_two.page_size = 2;
    CHECK(walk(client.runs().list_by_function_all(fn, from_two)) == std::vector<std::string>(paged.begin() + 2, paged.end()));
    CHECK(walk(client.runs().list_by_function_all(function_ids[4])).empty());
}

TEST_CASE("orchestration ranges: orchestrations and their runs walk every page", "[integration][orchestrations]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto fn = client.functions().create({"step", "async function run() {}", "", std::nullopt}).id;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        centrali::OrchestrationStep step;
        step.id = "only";
        step.function_id = fn;
        centrali::CreateOrchestrationInput input;
        input.slug = "flow-" + std::to_string(i);
        input.name = "Flow " + std::to_string(i);
        input.trigger.type = "on-demand";
        input.steps = {step};
        ids.push_back(client.orchestrations().create(input).id);
    }
    centrali::ListOrchestrationsOptions two;
    two.page_size = 2;
    const auto all = walk(client.orchestrations().list_all(two));
    CHECK(std::set<std::string>(all.begin(), all.end()) == std::set<std::string>(ids.begin(), ids.end()));
    CHECK(requests_to(emu, "/orchestrations?page=3&pageSize=2") == 1);

    for (int i = 0; i < 3; ++i) client.orchestrations().start(ids[0], {{"i", i}});
    centrali::ListOrchestrationRunsOptions runs_two;
    runs_two.page_size = 2;
    CHECK(walk(client.orchestrations().list_runs_all(ids[0], runs_two)).size() == 3);
    CHECK(walk(client.orchestrations().list_runs_all(ids[1], runs_two)).empty());
    CHECK_THROWS_AS(walk(client.orchestrations().list_runs_all("no-such-orchestration")), centrali::NotFound);
}

TEST_CASE("admin ranges: collections, smart queries, suggestions and insights walk every page", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    std::vector<std::string> collection_ids;
    for (int i = 0; i < 5; ++i) {
        centrali::CreateCollectionInput input;
        input.name = "C" + std::to_string(i);
        input.record_slug = "c" + std::to_string(i);
        collection_ids.push_back(client.collections().create(input).id);
    }
    centrali::ListOptions two;
    two.page_size = 2;
    const auto collections = walk(client.collections().list_all(two));
    CHECK(std::set<std::string>(collections.begin(), collections.end()) ==
          std::set<std::string>(collection_ids.begin(), collection_ids.end()));
    CHECK(walk(client.structures().list_all(two)) == collections);

    for (int i = 0; i < 3; ++i)
        client.smart_queries().create("c0", {"q" + std::to_string(i), "", {{"where", {{"data.i", i}}}}});
    client.smart_queries().create("c1", {"other", "", {{"where", json::object()}}});
    CHECK(walk(client.smart_queries().list_all("c0", two)).size() == 3);
    CHECK(walk(client.smart_queries().list_all({}, two)).size() == 4);

    for (const char* city : {"Pariss", "Berlinn", "Londonn", "Madridd", "Romee"}) client.records().create("customers", {{"city", city}});
    client.validation().scan("customers");
    centrali::ListSuggestionsOptions suggestions;
    suggestions.record_slug = "customers";
    suggestions.page_size = 2;
    const auto found = walk(client.validation().list_suggestions_all(suggestions));
    centrali::ListSuggestionsOptions one_page;
    one_page.record_slug = "customers";
    CHECK(found == ids_of(client.validation().list_suggestions(one_page)));
    CHECK(found.size() >= 3);

    for (int total : {10, 11, 9, 10, 12, 1000}) client.records().create("orders", {{"total", total}});
    for (int total : {5, 5, 6, 5, 500}) client.records().create("invoices", {{"total", total}});
    client.anomaly_insights().analyze("orders");
    client.anomaly_insights().analyze("invoices");
    centrali::ListInsightsOptions one;
    one.page_size = 1;
    CHECK(walk(client.anomaly_insights().list_all(one)).size() == 2);
    CHECK(requests_to(emu, "anomaly-insights?page=2&limit=1") == 1);
}

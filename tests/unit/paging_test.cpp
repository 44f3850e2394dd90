// Unit tests of the lazy all-pages ranges (the `_all` calls): what each page asks for, and when
// a range ends, against a scripted transport.
#include "catch.hpp"
#include "fake_transport.hpp"

#include <string>
#include <vector>

using namespace centrali_test;
using nlohmann::json;

namespace {
json items(const std::vector<std::string>& ids) {
    json out = json::array();
    for (const auto& id : ids) out.push_back({{"id", id}, {"name", "n-" + id}});
    return out;
}
json page(const std::vector<std::string>& ids, json meta = nullptr) {
    json body = {{"data", items(ids)}};
    if (!meta.is_null()) body["meta"] = std::move(meta);
    return body;
}
template <class Range>
std::vector<std::string> ids_of(Range&& range) {
    std::vector<std::string> out;
    for (const auto& item : range) out.push_back(item.id);
    return out;
}
std::vector<std::string> urls(const FakeTransport& transport) {
    std::vector<std::string> out;
    for (const auto& request : transport.requests()) out.push_back(request.url);
    return out;
}
}  // namespace

TEST_CASE("list_all: sends nothing before begin(), then page after page until a short page", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, page({"a", "b"}));
    unit.transport->then_json(200, page({"c", "d"}));
    unit.transport->then_json(200, page({"e"}));
    centrali::ListOptions options;
    options.page_size = 2;
    auto range = client.functions().list_all(options);
    CHECK(unit.transport->count() == 0);
    CHECK(ids_of(range) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(range.pages_fetched() == 3);
    CHECK(urls(*unit.transport) == std::vector<std::string>{kApi + "compute-functions?page=1&limit=2",
                                                          kApi + "compute-functions?page=2&limit=2",
                                                          kApi + "compute-functions?page=3&limit=2"});
}

TEST_CASE("list_all: unset page size asks for 100, from the caller's page", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, page({"a"}));
    centrali::ListTriggersOptions options;
    options.page = 3;
    options.function_id = "fn 1";
    options.include_health = true;
    CHECK(ids_of(client.triggers().list_all(options)) == std::vector<std::string>{"a"});
    CHECK(urls(*unit.transport) ==
          std::vector<std::string>{kApi + "function-triggers?page=3&limit=100&includeHealth=true&functionId=fn%201"});
}

TEST_CASE("list_all: a server that caps the page size and says so is paged to the end", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    // Asked for 4, the server gives 2 and states pageSize 2: a page of 2 is full, not the last.
    unit.transport->then_json(200, page({"a", "b"}, {{"page", 1}, {"pageSize", 2}}));
    unit.transport->then_json(200, page({"c", "d"}, {{"page", 2}, {"pageSize", 2}}));
    unit.transport->then_json(200, page({"e"}, {{"page", 3}, {"pageSize", 2}}));
    centrali::ListOrchestrationsOptions options;
    options.page_size = 4;
    auto range = client.orchestrations().list_all(options);
    CHECK(ids_of(range) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(range.pages_fetched() == 3);
    CHECK(unit.transport->requests()[0].url.find("page=1&pageSize=4") != std::string::npos);

    // The data routes' meta names the size `limit`, as their query does.
    unit.transport->then_json(200, page({"a", "b"}, {{"limit", 2}}));
    unit.transport->then_json(200, page({}, {{"limit", 2}}));
    centrali::ListOptions four;
    four.page_size = 4;
    CHECK(ids_of(client.functions().list_all(four)) == std::vector<std::string>{"a", "b"});
    CHECK(unit.transport->count() == 5);
}

TEST_CASE("list_all: a server that ignores paging ends the range instead of repeating it", "[unit][compute]") {
    UnitClient unit;
    auto client = unit.make();
    centrali::ListOptions two;
    two.page_size = 2;
    // More items than asked for, and no stated size: the server sent everything at once.
    unit.transport->then_json(200, page({"a", "b", "c"}));
    auto all_at_once = client.functions().list_all(two);
    CHECK(ids_of(all_at_once) == std::vector<std::string>{"a", "b", "c"});
    CHECK(all_at_once.pages_fetched() == 1);
    // A full page that says it is page 1 when page 2 was asked for: the same page again,
    // dropped.
    unit.transport->then_json(200, page({"a", "b"}, {{"page", 1}}));
    unit.transport->then_json(200, page({"a", "b"}, {{"page", 1}}));
    auto renumbered = client.functions().list_all(two);
    CHECK(ids_of(renumbered) == std::vector<std::string>{"a", "b"});
    CHECK(renumbered.pages_fetched() == 2);
    // No meta at all, page ignored but the size honoured: the second page starts with the
    // first page's first item, so it is the same page, dropped (no endless loop).
    unit.transport->then_json(200, page({"a", "b"}));
    unit.transport->then_json(200, page({"a", "b"}));
    auto repeated = client.functions().list_all(two);
    CHECK(ids_of(repeated) == std::vector<std::string>{"a", "b"});
    CHECK(repeated.pages_fetched() == 2);
    // A server stating its maximum (1000) above the size asked for (2) sent a full page.
    unit.transport->then_json(200, page({"a", "b"}, {{"limit", 1000}}));
    unit.transport->then_json(200, page({"c"}, {{"limit", 1000}}));
    CHECK(ids_of(client.functions().list_all(two)) == std::vector<std::string>{"a", "b", "c"});
    // meta.total reached ends it without asking for an empty page.
    unit.transport->then_json(200, page({"a", "b"}, {{"total", 2}}));
    auto counted = client.functions().list_all(two);
    CHECK(ids_of(counted).size() == 2);
    CHECK(counted.pages_fetched() == 1);
}

TEST_CASE("list_all: bad arguments throw from the call, a failed page from the iteration", "[unit][compute][orchestrations]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    CHECK_THROWS_AS(client.runs().list_by_trigger_all(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.runs().list_by_function_all(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.orchestrations().list_runs_all(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.records().query_all(""), centrali::InvalidArgument);
    centrali::ListOptions zero;
    zero.page_size = 0;
    CHECK_THROWS_AS(client.functions().list_all(zero), centrali::InvalidArgument);
    centrali::ListOptions page_zero;
    page_zero.page = 0;
    CHECK_THROWS_AS(client.functions().list_all(page_zero), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.records().query_all("orders", centrali::RecordQuery().page_size(0)), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 0);

    unit.transport->then_json(200, page({"a", "b"}));
    unit.transport->then_json(503, {{"message", "down"}});
    centrali::ListRunsOptions two;
    two.page_size = 2;
    auto range = client.runs().list_by_function_all("fn/1", two);
    std::vector<std::string> seen;
    CHECK_THROWS_AS([&] { for (const auto& run : range) seen.push_back(run.id); }(), centrali::ServerError);
    CHECK(seen == std::vector<std::string>{"a", "b"});
    CHECK(unit.transport->requests()[1].url == kApi + "function-runs/function/fn%2F1?page=2&limit=2");
}

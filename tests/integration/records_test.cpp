// client.records() over real libcurl against the in-process emulator.
#include "catch.hpp"
#include "emulator_fixture.hpp"

using namespace centrali_test;
using centrali::FilterOp;
using centrali::RecordQuery;
using nlohmann::json;

namespace {
struct Task {
    std::string title;
    int priority = 0;
};
void from_json(const json& j, Task& t) {
    j.at("title").get_to(t.title);
    t.priority = j.value("priority", 0);
}
void to_json(json& j, const Task& t) { j = {{"title", t.title}, {"priority", t.priority}}; }

std::vector<std::string> ids_of(const centrali::Page<centrali::Record>& page) {
    std::vector<std::string> ids;
    for (const auto& r : page) ids.push_back(r.data["title"].get<std::string>());
    return ids;
}
}  // namespace

TEST_CASE("create, get, update, delete and restore a record", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& records = client.records();

    const auto created = records.create("tasks", {{"title", "write tests"}, {"priority", 2}, {"note", "x"}});
    CHECK_FALSE(created.id.empty());
    CHECK(created.status == "active");
    CHECK(created.version == 1);
    CHECK_FALSE(created.created_at.empty());

    const auto fetched = records.get("tasks", created.id);
    CHECK(fetched.id == created.id);
    CHECK(fetched.data == json{{"title", "write tests"}, {"priority", 2}, {"note", "x"}});

    const auto updated = records.update("tasks", created.id, {{"priority", 5}, {"note", nullptr}});
    CHECK(updated.data == json{{"title", "write tests"}, {"priority", 5}});
    CHECK(updated.version == 2);

    records.remove("tasks", created.id);
    CHECK_THROWS_AS(records.get("tasks", created.id), centrali::NotFound);
    centrali::GetRecordOptions archived;
    archived.include_archived = true;
    CHECK(records.get("tasks", created.id, archived).status == "archived");
    CHECK(emu.server.record_count("tasks", false) == 0);
    CHECK(emu.server.record_count("tasks", true) == 1);

    const auto restored = records.restore("tasks", created.id);
    CHECK(restored.status == "active");
    CHECK(records.get("tasks", created.id).data["priority"] == 5);

    records.remove("tasks", created.id, {true});
    CHECK(emu.server.record_count("tasks", true) == 0);
    CHECK_THROWS_AS(records.restore("tasks", created.id), centrali::NotFound);
}

TEST_CASE("typed records round-trip through the user's to_json/from_json", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto created = client.records().create<Task>("tasks", Task{"typed", 7});
    CHECK(created.data.title == "typed");
    CHECK(created.data.priority == 7);
    const auto fetched = client.records().get<Task>("tasks", created.id);
    CHECK(fetched.data.priority == 7);
    const auto page = client.records().query<Task>("tasks", RecordQuery().where("data.priority", 7));
    REQUIRE(page.size() == 1);
    CHECK(page.items[0].data.title == "typed");
}

TEST_CASE("query filters, sorts, pages and counts", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& records = client.records();
    const std::vector<std::pair<std::string, int>> rows = {{"a", 5}, {"b", 1}, {"c", 3}, {"d", 4}, {"e", 2}};
    for (const auto& [title, priority] : rows)
        records.create("tasks", {{"title", title}, {"priority", priority}, {"status", priority % 2 ? "open" : "done"},
                                 {"tags", priority > 3 ? json{"vip"} : json{"std"}}});

    CHECK(ids_of(records.query("tasks", RecordQuery().where("data.status", "done").sort_by("data.title"))) ==
          std::vector<std::string>{"d", "e"});
    CHECK(ids_of(records.query("tasks", RecordQuery().where("data.priority", FilterOp::gte, 3).sort_by("data.priority"))) ==
          std::vector<std::string>{"c", "d", "a"});
    CHECK(ids_of(records.query("tasks", RecordQuery().where("data.title", FilterOp::in, {"a", "e"}).sort_by("data.title"))) ==
          std::vector<std::string>{"a", "e"});
    CHECK(ids_of(records.query("tasks", RecordQuery().where("data.tags", FilterOp::has_any, {"vip"}).sort_by("data.title"))) ==
          std::vector<std::string>{"a", "d"});
    CHECK(ids_of(records.query("tasks", RecordQuery().sort_by("data.priority", RecordQuery::SortOrder::descending))) ==
          std::vector<std::string>{"a", "d", "c", "e", "b"});

    const auto page = records.query("tasks", RecordQuery().sort_by("data.title").page(2).page_size(2).include_total());
    CHECK(ids_of(page) == std::vector<std::string>{"c", "d"});
    CHECK(page.meta.total == 5);
    CHECK(page.meta.page == 2);
    CHECK(page.meta.page_size == 2);
    CHECK_FALSE(records.query("tasks", RecordQuery().page_size(2)).meta.total.has_value());

    const auto searched = records.query("tasks", RecordQuery().search("C", {"data.title"}));
    CHECK(ids_of(searched) == std::vector<std::string>{"c"});

    const auto projected = records.query("tasks", RecordQuery().where("data.title", "a").fields({"id", "data.title"}));
    REQUIRE(projected.size() == 1);
    CHECK(projected.items[0].data == json{{"title", "a"}});
}

TEST_CASE("query_all walks every page", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    for (int i = 0; i < 23; ++i) client.records().create("items", {{"i", i}});
    std::vector<int> seen;
    auto range = client.records().query_all("items", RecordQuery().page_size(5).sort_by("data.i"));
    for (const auto& record : range) seen.push_back(record.data["i"].get<int>());
    REQUIRE(seen.size() == 23);
    for (int i = 0; i < 23; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i);
    CHECK(range.pages_fetched() == 5);
}

TEST_CASE("expand puts referenced records under data._expanded", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto customer = client.records().create("customers", {{"name", "Ada"}});
    const auto order = client.records().create("orders", {{"customer", customer.id}, {"total", 10}});
    centrali::GetRecordOptions options;
    options.expand = {"customer"};
    const auto fetched = client.records().get("orders", order.id, options);
    CHECK(fetched.data["_expanded"]["customer"]["data"]["name"] == "Ada");
}

TEST_CASE("upsert updates a match or creates a record", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto first = client.records().upsert("stock", {{"sku", "A-1"}}, {{"qty", 3}});
    CHECK(first.created);
    CHECK(first.record.data == json{{"sku", "A-1"}, {"qty", 3}});
    const auto second = client.records().upsert("stock", {{"sku", "A-1"}}, {{"qty", 4}});
    CHECK_FALSE(second.created);
    CHECK(second.record.id == first.record.id);
    CHECK(second.record.data["qty"] == 4);
    CHECK(emu.server.record_count("stock") == 1);
}

TEST_CASE("bulk create, update and delete", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto created = client.records().bulk_create("items", {{{"n", 1}}, {{"n", 2}}, {{"n", 3}}});
    REQUIRE(created.size() == 3);
    CHECK(emu.server.record_count("items") == 3);

    const auto updated = client.records().bulk_update("items", {{created[0].id, {{"n", 10}}}, {created[1].id, {{"n", 20}}}});
    REQUIRE(updated.size() == 2);
    CHECK(client.records().get("items", created[1].id).data["n"] == 20);
    CHECK_THROWS_AS(client.records().bulk_update("items", {{"missing-id", {{"n", 1}}}}), centrali::NotFound);

    CHECK(client.records().bulk_delete("items", {created[0].id, created[1].id}, {true}) == 2);
    CHECK(emu.server.record_count("items") == 1);
}

TEST_CASE("a bad body is rejected with the server's validation details", "[integration][records]") {
    LiveEmulator emu;
    auto client = emu.client();
    try {
        client.records().query("tasks", RecordQuery().where("data.x", FilterOp::exists, true).param("data.y[bogus]", "1"));
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.status() == 400);
        CHECK(e.code() == "VALIDATION_ERROR");
    }
}

TEST_CASE("hostile ids and slugs arrive as one encoded path segment", "[integration][records][hostile]") {
    LiveEmulator emu;
    auto client = emu.client();
    const std::vector<std::string> hostile = {"../x", "a/b", "?", "#", "a b", "ünïcødé", "a\r\nX-Injected: 1", "%2F", "..", "."};
    for (const auto& id : hostile) {
        emu.server.clear_requests();
        CHECK_THROWS_AS(client.records().get("tasks", id), centrali::NotFound);
        const auto seen = emu.server.requests();
        REQUIRE(seen.size() == 1);
        const std::string& target = seen[0].target;
        const std::string prefix = "/data/workspace/acme/api/v1/records/slug/tasks/";
        CAPTURE(id, target);
        REQUIRE(target.rfind(prefix, 0) == 0);
        const std::string segment = target.substr(prefix.size());
        CHECK(segment.find('/') == std::string::npos);
        CHECK(segment.find('?') == std::string::npos);
        CHECK(segment.find('#') == std::string::npos);
        CHECK(seen[0].headers.count("x-injected") == 0);
    }
    // A hostile slug works end to end: the record lives under exactly that slug.
    const auto created = client.records().create("we/ird ?slug", {{"k", "v"}});
    CHECK(client.records().get("we/ird ?slug", created.id).data["k"] == "v");
    CHECK(emu.server.record_count("we/ird ?slug") == 1);
}

TEST_CASE("an empty workspace fails the first call with a clear error and no request", "[integration][records]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.workspace.clear();
    centrali::Client client(options);
    try {
        client.records().query("tasks");
        FAIL("expected ConfigurationError");
    } catch (const centrali::ConfigurationError& e) {
        CHECK(std::string(e.what()).find("workspace") != std::string::npos);
    }
    CHECK(emu.server.requests().empty());
}

TEST_CASE("a workspace the server does not know is NotFound", "[integration][records]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.workspace = "other";
    centrali::Client client(options);
    CHECK_THROWS_AS(client.records().query("tasks"), centrali::NotFound);
}

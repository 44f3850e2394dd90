// Unit tests of client.records(): the exact request of every call, and tolerant decoding.
#include "catch.hpp"
#include "fake_transport.hpp"

using namespace centrali_test;
using centrali::FilterOp;
using centrali::RecordQuery;
using nlohmann::json;

namespace {
json record_json(const std::string& id, json data = {{"title", "hello"}}) {
    return {{"id", id},
            {"recordSlug", "orders"},
            {"workspaceSlug", "acme"},
            {"data", std::move(data)},
            {"status", "active"},
            {"version", 3},
            {"createdAt", "2026-01-02T03:04:05.000Z"},
            {"updatedAt", "2026-01-02T03:04:06.000Z"},
            {"createdBy", "user-1"},
            {"updatedBy", "user-2"}};
}

struct Order {
    std::string title;
    double total = 0;
};
void from_json(const json& j, Order& o) {
    j.at("title").get_to(o.title);
    o.total = j.value("total", 0.0);
}
void to_json(json& j, const Order& o) { j = {{"title", o.title}, {"total", o.total}}; }
}  // namespace

TEST_CASE("create POSTs the bare field map to the slug route", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(201, {{"data", record_json("r1")}});
    const auto record = client.records().create("orders", {{"title", "hello"}, {"tags", {"a", "b"}}});
    const auto request = unit.transport->last();
    CHECK(request.method == "POST");
    CHECK(request.url == kApi + "records/slug/orders");
    CHECK(header_of(request, "Content-Type") == "application/json");
    CHECK(json::parse(request.body) == json{{"title", "hello"}, {"tags", {"a", "b"}}});
    CHECK(record.id == "r1");
    CHECK(record.data["title"] == "hello");
}

TEST_CASE("create sends ttlSeconds and expiresAt only when set", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    centrali::CreateRecordOptions options;
    options.ttl_seconds = 3600;
    options.expires_at = "2027-01-01T00:00:00Z";
    client.records().create("orders", {{"a", 1}}, options);
    CHECK(unit.transport->last().url == kApi + "records/slug/orders?ttlSeconds=3600&expiresAt=2027-01-01T00%3A00%3A00Z");
    CHECK_THROWS_AS(client.records().create("orders", json::array({1, 2})), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 1);
}

TEST_CASE("create accepts any type with to_json and returns it typed", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(201, {{"data", record_json("r7", {{"title", "typed"}, {"total", 12.5}})}});
    const auto record = client.records().create<Order>("orders", Order{"typed", 12.5});
    CHECK(json::parse(unit.transport->last().body) == json{{"title", "typed"}, {"total", 12.5}});
    CHECK(record.data.title == "typed");
    CHECK(record.data.total == 12.5);
}

TEST_CASE("get addresses one record and asks for expansions", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", record_json("r1")}});
    centrali::GetRecordOptions options;
    options.expand = {"customer", "customer.address"};
    const auto record = client.records().get("orders", "r1", options);
    const auto request = unit.transport->last();
    CHECK(request.method == "GET");
    CHECK(request.url == kApi + "records/slug/orders/r1?expand=customer%2Ccustomer.address");
    CHECK(record.id == "r1");
    CHECK(record.record_slug == "orders");
    CHECK(record.workspace_slug == "acme");
    CHECK(record.status == "active");
    CHECK(record.version == 3);
    CHECK(record.created_at == "2026-01-02T03:04:05.000Z");
    CHECK(record.updated_at == "2026-01-02T03:04:06.000Z");
    CHECK(record.created_by == "user-1");
    CHECK(record.updated_by == "user-2");
    CHECK(record.raw == json::object());  // raw keeps only members without a field
}

TEST_CASE("hostile ids and slugs stay one path segment", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    client.records().get("or/ders", "../x");
    CHECK(unit.transport->last().url == kApi + "records/slug/or%2Fders/..%2Fx");
    client.records().get("orders", "..");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/%2E%2E");
    client.records().get("orders", "a?b#c d\r\n");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/a%3Fb%23c%20d%0D%0A");
    client.records().get("orders", "ünï");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/%C3%BCn%C3%AF");
    CHECK_THROWS_AS(client.records().get("orders", ""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.records().get("", "r1"), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 4);
}

TEST_CASE("a filter value: a char is a one-letter text, int8 and other numbers their JSON spelling", "[unit][records]") {
    CHECK(centrali::FilterValue('A').text() == "A");
    CHECK(centrali::FilterValue(std::int8_t{65}).text() == "65");
    CHECK(centrali::FilterValue(std::uint8_t{7}).text() == "7");
    CHECK(centrali::FilterValue(2.5).text() == "2.5");
    CHECK(centrali::FilterValue(false).text() == "false");
    const auto params = RecordQuery().where("data.grade", 'A').to_params();
    REQUIRE(params.size() == 1);
    CHECK(params[0].second == "A");
}

TEST_CASE("query flattens filters, sort, paging and options into the documented parameters", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", json::array({record_json("r1"), record_json("r2")})},
                                    {"meta", {{"total", 42}, {"page", 2}, {"pageSize", 2}}}});
    const auto page = client.records().query(
        "orders", RecordQuery()
                      .where("data.status", "paid")
                      .where("data.amount", FilterOp::gte, 100)
                      .where("data.status", FilterOp::in, {"todo", "done"})
                      .where("data.tags", FilterOp::has_any, std::vector<std::string>{"vip", "premium"})
                      .where("data.active", true)
                      .where("data.ratio", FilterOp::lt, 0.5)
                      .where("createdAt", FilterOp::gte, "2026-01-01")
                      .search("urgent", {"data.title", "data.notes"})
                      .sort_by("createdAt", RecordQuery::SortOrder::descending)
                      .sort_by("data.priority")
                      .page(2)
                      .page_size(2)
                      .include_total()
                      .fields({"id", "data.status"})
                      .expand({"customer"})
                      .include_archived()
                      .param("custom", "x"));
    CHECK(unit.transport->last().url ==
          kApi + "records/slug/orders?data.status=paid&data.amount%5Bgte%5D=100&data.status%5Bin%5D=todo%2Cdone"
                 "&data.tags%5BhasAny%5D=vip%2Cpremium&data.active=true&data.ratio%5Blt%5D=0.5"
                 "&createdAt%5Bgte%5D=2026-01-01&search=urgent&searchFields=data.title%2Cdata.notes"
                 "&sort=-createdAt%2Cdata.priority&page=2&pageSize=2&includeTotal=true&fields=id%2Cdata.status"
                 "&expand=customer&includeArchived=true&custom=x");
    REQUIRE(page.size() == 2);
    CHECK(page.items[1].id == "r2");
    CHECK(page.meta.total == 42);
    CHECK(page.meta.page == 2);
    CHECK(page.meta.page_size == 2);
}

TEST_CASE("an empty query sends no parameters at all", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", json::array()}});
    const auto page = client.records().query("orders", RecordQuery().page(0).include_total(false));
    CHECK(unit.transport->last().url == kApi + "records/slug/orders");
    CHECK(page.empty());
    CHECK_FALSE(page.meta.total.has_value());
}

TEST_CASE("update PATCHes a partial map and keeps explicit nulls", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", record_json("r1")}});
    client.records().update("orders", "r1", {{"status", "paid"}, {"note", nullptr}});
    const auto request = unit.transport->last();
    CHECK(request.method == "PATCH");
    CHECK(request.url == kApi + "records/slug/orders/r1");
    CHECK(request.body == R"({"note":null,"status":"paid"})");
}

TEST_CASE("remove archives by default and deletes for good with hard", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then(raw_response(204, ""));
    client.records().remove("orders", "r1");
    CHECK(unit.transport->last().method == "DELETE");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/r1");
    unit.transport->then(raw_response(204, ""));
    client.records().remove("orders", "r1", {true});
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/r1?hard=true");
}

TEST_CASE("restore, upsert and the bulk calls send their documented shapes", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();

    unit.transport->then_json(200, {{"data", record_json("r1")}});
    CHECK(client.records().restore("orders", "r1").id == "r1");
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/r1/restore");

    unit.transport->then_json(201, {{"data", record_json("r2")}, {"meta", {{"created", true}}}});
    const auto upserted = client.records().upsert("orders", {{"sku", "A-1"}}, {{"qty", 3}});
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/upsert");
    CHECK(json::parse(unit.transport->last().body) == json{{"match", {{"sku", "A-1"}}}, {"data", {{"qty", 3}}}});
    CHECK(upserted.created);
    CHECK(upserted.record.id == "r2");

    unit.transport->then_json(201, {{"data", json::array({record_json("a"), record_json("b")})}});
    const auto created = client.records().bulk_create("orders", {{{"n", 1}}, {{"n", 2}}});
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kApi + "records/slug/orders/bulk");
    CHECK(json::parse(unit.transport->last().body) == json{{"records", {{{"n", 1}}, {{"n", 2}}}}});
    CHECK(created.size() == 2);

    unit.transport->then_json(200, {{"data", json::array({record_json("a")})}});
    client.records().bulk_update("orders", {{"a", {{"n", 5}}}});
    CHECK(unit.transport->last().method == "PATCH");
    CHECK(json::parse(unit.transport->last().body) == json{{"records", {{{"id", "a"}, {"data", {{"n", 5}}}}}}});
    CHECK_THROWS_AS(client.records().bulk_update("orders", {{"", {{"n", 5}}}}), centrali::InvalidArgument);

    unit.transport->then_json(200, {{"data", {{"deleted", 2}}}});
    CHECK(client.records().bulk_delete("orders", {"a", "b"}, {true}) == 2);
    CHECK(unit.transport->last().method == "DELETE");
    CHECK(json::parse(unit.transport->last().body) == json{{"ids", {"a", "b"}}, {"hard", true}});
}

TEST_CASE("records decode with extra, missing and null fields", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}, {"data", {{"x", 1}}}, {"brandNew", {1, 2}},
                                              {"version", nullptr}, {"createdBy", nullptr}}}});
    const auto record = client.records().get("orders", "r1");
    CHECK(record.id == "r1");
    CHECK_FALSE(record.version.has_value());
    CHECK(record.created_by.empty());
    CHECK(record.status.empty());
    CHECK(record.raw["brandNew"] == json{1, 2});
    CHECK_FALSE(record.raw.contains("data"));  // the field map lives in .data only
    CHECK(record.data == json{{"x", 1}});

    // A bare record (no {"data": …} envelope), as one documented response shows.
    unit.transport->then_json(200, record_json("bare"));
    CHECK(client.records().get("orders", "bare").id == "bare");

    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    const auto empty = client.records().get("orders", "r1");
    CHECK(empty.data.is_null());
}

TEST_CASE("a record reads every member, nulls told from absent ones", "[unit][records]") {
    const json full = {{"id", "r1"},           {"data", {{"total", 42}}}, {"recordSlug", "orders"},
                       {"workspaceSlug", "acme"}, {"status", "active"},      {"version", 3},
                       {"createdAt", "2024-01-01T00:00:00Z"}, {"updatedAt", "2024-01-02T00:00:00Z"},
                       {"createdBy", "u1"},       {"updatedBy", nullptr},    {"collectionId", "c1"},
                       {"workspaceId", "w1"},     {"metadata", {{"source", "import"}}}};
    const auto record = full.get<centrali::Record>();
    CHECK(record.id == "r1");
    CHECK(record.data == json{{"total", 42}});
    CHECK(record.record_slug == "orders");
    CHECK(record.workspace_slug == "acme");
    CHECK(record.status == "active");
    CHECK(record.version == 3);
    CHECK(record.created_at == "2024-01-01T00:00:00Z");
    CHECK(record.updated_at == "2024-01-02T00:00:00Z");
    CHECK(record.created_by == "u1");
    CHECK(record.updated_by.empty());
    CHECK(record.sent_null("updatedBy"));
    CHECK_FALSE(record.sent_null("createdBy"));
    CHECK_FALSE(record.sent_null("deletedBy"));  // absent
    CHECK(record.collection_id == "c1");
    CHECK(record.workspace_id == "w1");
    CHECK(record.metadata == json{{"source", "import"}});
    CHECK(record.raw == json{{"updatedBy", nullptr}});  // taken members are not repeated

    // A typed record keeps every field too (to_typed used to drop the last three).
    json typed_body = full;
    typed_body["data"] = {{"title", "t"}, {"total", 42}};
    const auto typed = centrali::detail::to_typed<Order>(typed_body.get<centrali::Record>());
    CHECK(typed.data.title == "t");
    CHECK(typed.collection_id == "c1");
    CHECK(typed.workspace_id == "w1");
    CHECK(typed.metadata == json{{"source", "import"}});
}

TEST_CASE("a record with a mistyped member still decodes; one without an id does not", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    json mistyped = record_json("r9");
    mistyped["updatedAt"] = 17;
    mistyped["version"] = 1e300;  // would be undefined behaviour as a long long
    mistyped["status"] = json{{"odd", true}};
    unit.transport->then_json(200, {{"data", mistyped}});
    const auto record = client.records().get("orders", "r9");
    CHECK(record.id == "r9");
    CHECK(record.updated_at.empty());
    CHECK_FALSE(record.version);
    CHECK(record.status.empty());
    CHECK(record.raw["updatedAt"] == 17);
    CHECK(record.raw["version"] == 1e300);
    CHECK(record.raw["status"] == json{{"odd", true}});
    CHECK(record.data == mistyped["data"]);

    for (const json& bad : {json{{"data", {{"status", "x"}}}}, json{{"data", {{"id", 5}, {"status", "x"}}}},
                            json{{"data", {{"id", nullptr}}}}}) {
        unit.transport->then_json(200, bad);
        try {
            (void)client.records().get("orders", "r9");
            FAIL("expected a DecodeError");
        } catch (const centrali::DecodeError& e) {
            CHECK(std::string(e.what()).find("a record without a readable 'id'") != std::string::npos);
        }
    }
}

TEST_CASE("typed get and query go through the user's from_json", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", record_json("r1", {{"title", "t"}, {"total", 9.5}})}});
    const auto order = client.records().get<Order>("orders", "r1");
    CHECK(order.data.title == "t");
    CHECK(order.data.total == 9.5);

    unit.transport->then_json(200, {{"data", json::array({record_json("r1", {{"title", "a"}}), record_json("r2", {{"title", "b"}})})}});
    const auto page = client.records().query<Order>("orders");
    REQUIRE(page.size() == 2);
    CHECK(page.items[1].data.title == "b");

    unit.transport->then_json(200, {{"data", record_json("r1", {{"no_title", 1}})}});
    CHECK_THROWS_AS(client.records().get<Order>("orders", "r1"), centrali::DecodeError);
}

TEST_CASE("query_all fetches pages lazily and surfaces a failed page", "[unit][records]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    auto page_of = [](std::vector<std::string> ids) {
        json items = json::array();
        for (const auto& id : ids) items.push_back(record_json(id));
        return json{{"data", items}};
    };
    unit.transport->then_json(200, page_of({"a", "b"}));
    unit.transport->then_json(200, page_of({"c", "d"}));
    unit.transport->then_json(200, page_of({"e"}));
    std::vector<std::string> ids;
    auto range = client.records().query_all("orders", RecordQuery().page_size(2).where("data.x", 1));
    CHECK(unit.transport->count() == 0);  // nothing until iteration starts
    for (const auto& record : range) ids.push_back(record.id);
    CHECK(ids == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(range.pages_fetched() == 3);
    const auto requests = unit.transport->requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].url == kApi + "records/slug/orders?data.x=1&page=1&pageSize=2");
    CHECK(requests[2].url == kApi + "records/slug/orders?data.x=1&page=3&pageSize=2");

    // An error on page 2 is thrown from the iteration, not swallowed.
    unit.transport->then_json(200, page_of({"a", "b"}));
    unit.transport->then_json(500, {{"message", "boom"}});
    auto failing = client.records().query_all("orders", RecordQuery().page_size(2));
    std::vector<std::string> partial;
    CHECK_THROWS_AS([&] { for (const auto& record : failing) partial.push_back(record.id); }(), centrali::ServerError);
    CHECK(partial == std::vector<std::string>{"a", "b"});

    // A full last page followed by an empty page ends cleanly; meta.total stops early.
    unit.transport->then_json(200, {{"data", page_of({"a", "b"})["data"]}, {"meta", {{"total", 2}}}});
    auto counted = client.records().query_all("orders", RecordQuery().page_size(2));
    std::size_t n = 0;
    for (const auto& record : counted) {
        (void)record;
        ++n;
    }
    CHECK(n == 2);
    CHECK(counted.pages_fetched() == 1);
}

// The list envelopes the JS types allow, through the text reader (records) and the JSON path
// (runs, functions) alike.
TEST_CASE("list bodies: data array, ApiResponse<PaginatedResponse>, bare array and data null", "[unit][records][compute]") {
    UnitClient unit;
    auto client = unit.make();
    const json a = {{"id", "a"}, {"data", {{"n", 1}}}};
    const json b = {{"id", "b"}, {"data", {{"n", 2}}}};

    unit.transport->then_json(200, {{"data", json::array({a, b})}, {"meta", {{"total", 2}}}});
    auto page = client.records().query("orders");
    CHECK(page.size() == 2);
    CHECK(page.meta.sent);
    CHECK(page.meta.total == 2);

    unit.transport->then_json(200, {{"data", {{"data", json::array({a, b})}, {"meta", {{"total", 7}, {"page", 1}}}}}});
    page = client.records().query("orders");
    REQUIRE(page.size() == 2);
    CHECK(page.items[1].id == "b");
    CHECK(page.meta.sent);
    CHECK(page.meta.total == 7);

    unit.transport->then_json(200, json::array({a}));
    page = client.records().query("orders");
    CHECK(page.size() == 1);
    CHECK_FALSE(page.meta.sent);
    CHECK_FALSE(page.meta.total.has_value());

    unit.transport->then_json(200, {{"data", nullptr}});
    page = client.records().query("orders");
    CHECK(page.empty());
    CHECK_FALSE(page.meta.sent);

    unit.transport->then_json(200, {{"data", {{"data", json::array({{{"id", "r1"}, {"status", "completed"}}})}, {"meta", {{"total", 1}}}}}});
    const auto runs = client.runs().list_by_trigger("tr-1");
    REQUIRE(runs.size() == 1);
    CHECK(runs.items[0].id == "r1");
    CHECK(runs.meta.total == 1);

    unit.transport->then_json(200, {{"data", {{"items", json::array()}}}});
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
}

TEST_CASE("a record's collectionId (or structureId), workspaceId and metadata are fields", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}, {"collectionId", "c1"}, {"workspaceId", "w1"},
                                              {"metadata", {{"source", "import"}}}, {"data", {{"n", 1}}}}}});
    const auto record = client.records().get("orders", "r1");
    CHECK(record.collection_id == "c1");
    CHECK(record.workspace_id == "w1");
    CHECK(record.metadata == json{{"source", "import"}});
    CHECK_FALSE(record.raw.contains("metadata"));  // raw holds the members without a field

    unit.transport->then_json(200, {{"data", json::array({{{"id", "r2"}, {"structureId", "s1"}}})}});
    const auto page = client.records().query("orders");
    REQUIRE(page.size() == 1);
    CHECK(page.items[0].collection_id == "s1");
    CHECK_FALSE(page.items[0].raw.contains("structureId"));
    CHECK(page.items[0].metadata.is_null());

    // Both names: collectionId wins whatever the order; the unused structureId stays in raw.
    for (const char* body : {R"({"data":[{"id":"r3","structureId":"s3","collectionId":"c3"}]})",
                             R"({"data":{"id":"r3","structureId":"s3","collectionId":"c3"}})"}) {
        unit.transport->then(raw_response(200, body));
        const auto decoded = std::string(body).find('[') != std::string::npos
                                 ? client.records().query("orders").items.at(0)
                                 : client.records().get("orders", "r3");
        CHECK(decoded.collection_id == "c3");
        CHECK(decoded.raw.value("structureId", "") == "s3");
    }
}

TEST_CASE("a JS-style flat params object gives the query the JS SDK sends", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    const json params = {{"data.status[in]", "todo,in_progress"},
                         {"sort", "-createdAt"},
                         {"pageSize", 20},
                         {"page", 3},
                         {"data.amount[gte]", 100},
                         {"data.active", true},
                         {"data.tags[hasAny]", json::array({"vip", "premium"})},
                         {"includeTotal", true},
                         {"search", nullptr}};
    const auto query = RecordQuery::from_params(params);
    CHECK(query.page() == 3);
    CHECK(query.page_size() == 20);
    unit.transport->then_json(200, {{"data", json::array()}});
    client.records().query("orders", query);
    // Every member once, nulls left out; the order of a JSON object's keys does not matter.
    CHECK(unit.transport->last().url ==
          kApi + "records/slug/orders?page=3&pageSize=20&data.active=true&data.amount%5Bgte%5D=100"
                 "&data.status%5Bin%5D=todo%2Cin_progress&data.tags%5BhasAny%5D=vip%2Cpremium&includeTotal=true"
                 "&sort=-createdAt");

    CHECK_THROWS_AS(RecordQuery::from_params({{"filter", {{"data.status", "active"}}}}), centrali::InvalidArgument);
    CHECK_THROWS_AS(RecordQuery::from_params({{"page", "two"}}), centrali::InvalidArgument);
    CHECK_THROWS_AS(RecordQuery::from_params(json::array()), centrali::InvalidArgument);
    CHECK(RecordQuery::from_params(nullptr).to_params().empty());
}

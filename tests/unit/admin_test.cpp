// Unit tests of the admin managers: collections, structures, smart queries, validation, anomaly
// insights, allowed domains, search and files. Exact requests and tolerant decoding.
#include "catch.hpp"
#include "fake_transport.hpp"
#include "model_checks.hpp"

using namespace centrali_test;
using centrali::PropertyType;
using nlohmann::json;

namespace {
json body_of(const centrali::HttpRequest& r) { return r.body.empty() ? json() : json::parse(r.body); }
const std::string kSearch = "https://api.centrali.io/search/workspace/acme/api/v1/";
const std::string kStorage = "https://api.centrali.io/storage/ws/acme/api/v1/";

centrali::CreateCollectionInput orders_schema() {
    centrali::CreateCollectionInput input;
    input.name = "Orders";
    input.record_slug = "orders";
    centrali::PropertyDefinition total;
    total.name = "total";
    total.type = PropertyType::number;
    total.required = true;
    centrali::PropertyDefinition sku;
    sku.name = "sku";
    sku.is_unique = true;
    sku.extra = {{"maxLength", 32}};
    centrali::PropertyDefinition customer;
    customer.name = "customer";
    customer.type = PropertyType::reference;
    customer.target = "customers";
    customer.relationship = "many-to-one";
    centrali::PropertyDefinition status;
    status.name = "status";
    status.default_value = "new";
    status.enum_values = {"new", "paid"};
    input.properties = {total, sku, customer, status};
    input.schema_discovery_mode = centrali::SchemaDiscoveryMode::strict;
    input.default_search_field = "sku";
    return input;
}
}  // namespace

TEST_CASE("collections and structures: every call's request, on their own routes", "[unit][admin]") {
    for (const std::string base : {"collections", "structures"}) {
        UnitClient unit;
        auto client = unit.make();
        centrali::SchemaManager& manager =
            base == "collections" ? static_cast<centrali::SchemaManager&>(client.collections()) : client.structures();
        const std::string url = kApi + base;

        unit.transport->then_json(200, {{"data", json::array({{{"id", "c1"}, {"recordSlug", "orders"}}})}});
        CHECK(manager.list().size() == 1);
        CHECK(unit.transport->last().url == url);

        manager.create(orders_schema());
        CHECK(unit.transport->last().method == "POST");
        CHECK(unit.transport->last().url == url);
        CHECK(body_of(unit.transport->last()) ==
              json{{"name", "Orders"},
                   {"recordSlug", "orders"},
                   {"schemaDiscoveryMode", "strict"},
                   {"defaultSearchField", "sku"},
                   {"properties",
                    {{{"name", "total"}, {"type", "number"}, {"required", true}},
                     {{"name", "sku"}, {"type", "string"}, {"isUnique", true}, {"maxLength", 32}},
                     {{"name", "customer"}, {"type", "reference"}, {"target", "customers"}, {"relationship", "many-to-one"}},
                     {{"name", "status"}, {"type", "string"}, {"default", "new"}, {"enum", {"new", "paid"}}}}}});

        manager.get("c1");
        CHECK(unit.transport->last().url == url + "/c1");
        manager.get_by_slug("or ders");
        CHECK(unit.transport->last().url == url + "/slug/or%20ders");
        centrali::UpdateCollectionInput update;
        update.description = "all orders";
        manager.update("c1", update);
        CHECK(unit.transport->last().method == "PUT");
        CHECK(unit.transport->last().body == R"({"description":"all orders"})");
        unit.transport->then(raw_response(204, ""));
        manager.remove("c1");
        CHECK(unit.transport->last().method == "DELETE");
        manager.restore("c1");
        CHECK(unit.transport->last().url == url + "/c1/restore");
        unit.transport->then_json(200, {{"data", {{"valid", false}, {"errors", {{{"field", "name"}, {"message", "taken"}}}}}}});
        const auto validation = manager.validate(orders_schema());
        CHECK(unit.transport->last().url == url + "/validate");
        CHECK_FALSE(validation.valid);
        CHECK(validation.errors[0]["field"] == "name");
    }
}

TEST_CASE("collections decode properties, isStrict and unknown members", "[unit][admin]") {
    const auto c = json{{"id", "c1"},
                        {"recordSlug", "orders"},
                        {"isStrict", true},
                        {"properties", {{{"name", "a"}, {"type", "geo-point"}, {"isUnique", true}, {"pattern", "x+"}}}},
                        {"retentionPolicy", {{"days", 30}}}}
                       .get<centrali::Collection>();
    CHECK(c.schema_discovery_mode == centrali::SchemaDiscoveryMode::strict);
    REQUIRE(c.properties.size() == 1);
    CHECK(c.properties[0].type.str() == "geo-point");
    CHECK(c.properties[0].is_unique);
    CHECK(c.properties[0].extra["pattern"] == "x+");
    CHECK(c.raw["retentionPolicy"]["days"] == 30);
    CHECK(c.retention_policy == json{{"days", 30}});
    CHECK(c.is_strict == true);
    const auto newer = json{{"id", "c2"}, {"schemaDiscoveryMode", "schemaless"}}.get<centrali::Collection>();
    CHECK_FALSE(newer.is_strict.has_value());
    CHECK(newer.retention_policy.is_null());
    CHECK(newer.schema_discovery_mode == centrali::SchemaDiscoveryMode::schemaless);
}

TEST_CASE("smart queries: CRUD, execute with variables into typed records, test", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& queries = client.smart_queries();
    const std::string base = kApi + "smart-queries";

    unit.transport->then_json(200, {{"data", json::array()}});
    queries.list();
    CHECK(unit.transport->last().url == base);
    unit.transport->then_json(200, {{"data", json::array()}});
    queries.list("orders", {1, 10});
    CHECK(unit.transport->last().url == base + "/slug/orders?page=1&limit=10");

    const json definition = {{"where", {{"data.total", {{"$gte", "{{min}}"}}}}}, {"limit", 10}};
    queries.create("orders", {"big orders", "over a minimum", definition});
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == base + "/slug/orders");
    CHECK(body_of(unit.transport->last()) == json{{"name", "big orders"}, {"description", "over a minimum"}, {"query", definition}});
    queries.get("orders", "q1");
    CHECK(unit.transport->last().url == base + "/slug/orders/q1");
    queries.update("orders", "q1", {"renamed", "", definition});
    CHECK(unit.transport->last().method == "PUT");
    CHECK(body_of(unit.transport->last()) == json{{"name", "renamed"}, {"query", definition}});
    const auto sent = unit.transport->count();
    CHECK_THROWS_AS(queries.update("orders", "q1", {"", "", definition}), centrali::InvalidArgument);
    CHECK(unit.transport->count() == sent);
    unit.transport->then(raw_response(204, ""));
    queries.remove("orders", "q1");
    CHECK(unit.transport->last().method == "DELETE");

    unit.transport->then_json(200, {{"data", json::array({{{"id", "r1"}, {"data", {{"total", 50}, {"_joined", {{"customers", {{"name", "Ada"}}}}}}}}})},
                                    {"meta", {{"total", 1}}}});
    const auto rows = queries.execute("orders", "q1", {{"min", 10}});
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == base + "/slug/orders/execute/q1");
    CHECK(unit.transport->last().body == R"({"variables":{"min":10}})");
    REQUIRE(rows.size() == 1);
    CHECK(rows.items[0].data["_joined"]["customers"]["name"] == "Ada");
    CHECK(rows.meta.total == 1);

    unit.transport->then_json(200, {{"data", json::array()}});
    queries.test("orders", definition, {{"min", 1}});
    CHECK(unit.transport->last().url == base + "/slug/orders/test");
    CHECK(body_of(unit.transport->last()) == json{{"query", definition}, {"variables", {{"min", 1}}}});
}

TEST_CASE("validation: suggestions, accept, reject, scan", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& validation = client.validation();
    unit.transport->then_json(200, {{"data", json::array({{{"id", "s1"}, {"issueType", "typo"}, {"status", "pending"},
                                                           {"field", "city"}, {"currentValue", "Pariss"},
                                                           {"suggestedValue", "Paris"}, {"confidence", 0.92}}})}});
    centrali::ListSuggestionsOptions options;
    options.record_slug = "customers";
    options.status = centrali::SuggestionStatus::pending;
    options.issue_type = centrali::ValidationIssueType::typo;
    const auto page = validation.list_suggestions(options);
    CHECK(unit.transport->last().url == kApi + "validation/suggestions?recordSlug=customers&status=pending&issueType=typo");
    REQUIRE(page.size() == 1);
    CHECK(page.items[0].suggested_value == "Paris");
    CHECK(page.items[0].confidence == 0.92);
    CHECK(page.items[0].issue_type == centrali::ValidationIssueType::typo);

    validation.accept("s1");
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().url == kApi + "validation/suggestions/s1/accept");
    validation.reject("s1");
    CHECK(unit.transport->last().url == kApi + "validation/suggestions/s1/reject");
    validation.get_suggestion("s1");
    CHECK(unit.transport->last().url == kApi + "validation/suggestions/s1");
    unit.transport->then_json(202, {{"data", {{"jobId", "scan-1"}, {"status", "queued"}}}});
    CHECK(validation.scan("customers").id == "scan-1");
    CHECK(unit.transport->last().body == R"({"recordSlug":"customers"})");
}

TEST_CASE("anomaly insights: list with filters, get, acknowledge, dismiss, analyze, summary", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& insights = client.anomaly_insights();
    unit.transport->then_json(200, {{"data", json::array({{{"id", "i1"}, {"severity", "critical"}, {"type", "volume_spike"}}})}});
    centrali::ListInsightsOptions options;
    options.record_slug = "orders";
    options.severity = centrali::InsightSeverity::critical;
    options.status = centrali::InsightStatus::open;
    const auto page = insights.list(options);
    CHECK(unit.transport->last().url == kApi + "anomaly-insights?recordSlug=orders&severity=critical&status=open");
    CHECK(page.items.at(0).severity == centrali::InsightSeverity::critical);
    insights.get("i1");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/i1");
    insights.acknowledge("i1");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/i1/acknowledge");
    insights.dismiss("i1");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/i1/dismiss");
    unit.transport->then_json(200, {{"data", json::array()}});
    insights.analyze("orders");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/analyze");
    CHECK(unit.transport->last().body == R"({"recordSlug":"orders"})");
    unit.transport->then_json(200, {{"data", {{"total", 3}, {"bySeverity", {{"critical", 1}}}}}});
    const auto summary = insights.summary("orders");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/summary?recordSlug=orders");
    CHECK(summary.total == 3);
    CHECK(summary.by_severity["critical"] == 1);
}

TEST_CASE("allowed domains: list, add, remove", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", json::array({{{"id", "d1"}, {"domain", "api.stripe.com"}}})}});
    CHECK(client.allowed_domains().list().items.at(0).domain == "api.stripe.com");
    CHECK(unit.transport->last().url == kApi + "allowed-domains");
    client.allowed_domains().add("hooks.slack.com");
    CHECK(unit.transport->last().method == "POST");
    CHECK(unit.transport->last().body == R"({"domain":"hooks.slack.com"})");
    unit.transport->then(raw_response(204, ""));
    client.allowed_domains().remove("d1");
    CHECK(unit.transport->last().method == "DELETE");
    CHECK(unit.transport->last().url == kApi + "allowed-domains/d1");
    CHECK_THROWS_AS(client.allowed_domains().add(""), centrali::InvalidArgument);
}

TEST_CASE("search sends the query and reads totalHits or estimatedTotalHits", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"totalHits", 2},
                                              {"processingTimeMs", 3},
                                              {"hits", {{{"id", "r1"}, {"recordSlug", "orders"}, {"title", "laptop"}, {"_formatted", {{"title", "<em>laptop</em>"}}}},
                                                        {{"recordId", "r2"}, {"document", {{"title", "laptop bag"}}}}}}}}});
    centrali::SearchOptions options;
    options.structures = {"orders", "products"};
    options.page = 3;  // the one paging spelling, sent as the search route's limit and offset
    options.page_size = 20;
    const auto result = client.search().query("laptop & bag", options);
    CHECK(unit.transport->last().url == kSearch + "search?q=laptop%20%26%20bag&structures=orders%2Cproducts&limit=20&offset=40");
    CHECK(result.total_hits == 2);
    REQUIRE(result.hits.size() == 2);
    CHECK(result.hits[0].formatted["title"] == "<em>laptop</em>");
    CHECK(result.hits[0].document["title"] == "laptop");
    centrali::SearchOptions page_only;
    page_only.page = 2;
    CHECK_THROWS_AS(client.search().query("laptop", page_only), centrali::InvalidArgument);
    CHECK(result.hits[1].id == "r2");
    CHECK(result.hits[1].document["title"] == "laptop bag");

    unit.transport->then_json(200, {{"data", {{"estimatedTotalHits", 7}, {"hits", json::array()}}}});
    CHECK(client.search().query("x").total_hits == 7);
}

TEST_CASE("files: uploads are multipart, borrowed memory is not copied, folders", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    const std::string payload(1 << 20, 'x');
    unit.transport->then_json(201, {{"data", {{"id", "f1"}, {"renderId", "rnd_1"}, {"url", "https://cdn/rnd_1"},
                                              {"path", "/root/shared/a.bin"}, {"size", 1 << 20}, {"isPublic", true}}}});
    centrali::UploadOptions options;
    options.folder = "/root/shared/reports";
    options.is_public = true;
    options.file_name = "report.pdf";
    options.content_type = "application/pdf";
    const auto uploaded = client.files().upload_bytes(payload, options);
    const auto request = unit.transport->last();
    CHECK(request.method == "POST");
    CHECK(request.url == kStorage + "upload");
    CHECK(request.body.empty());
    REQUIRE(request.multipart.size() == 3);
    CHECK(request.multipart[0].name == "file");
    CHECK(request.multipart[0].filename == "report.pdf");
    CHECK(request.multipart[0].content_type == "application/pdf");
    CHECK(request.multipart[0].borrowed.data() == payload.data());  // streamed from the caller's buffer
    CHECK(request.multipart[0].borrowed.size() == payload.size());
    CHECK(request.multipart[1].name == "location");
    CHECK(request.multipart[1].data == "/root/shared/reports");
    CHECK(request.multipart[2].name == "isPublic");
    CHECK(request.multipart[2].data == "true");
    CHECK(uploaded.render_id == "rnd_1");
    CHECK(uploaded.is_public);
    CHECK(uploaded.size == (1 << 20));

    const std::string path = "/tmp/centrali-unit-photo.jpg";
    std::fclose(std::fopen(path.c_str(), "wb"));
    client.files().upload_file(path);
    CHECK(unit.transport->last().multipart[0].file_path == path);
    CHECK(unit.transport->last().multipart[0].filename == "centrali-unit-photo.jpg");
    std::remove(path.c_str());
    CHECK_THROWS_AS(client.files().upload_file("/nonexistent/dir/photo.jpg"), centrali::InvalidArgument);
    CHECK(unit.transport->requests()[1].multipart.size() == 2);  // no location: the server's default folder

    client.files().create_folder("images");
    CHECK(unit.transport->last().url == kStorage + "folders");
    CHECK(body_of(unit.transport->last()) == json{{"name", "images"}, {"parentPath", "/root/shared"}});
    client.files().create_subfolder("fold/1", "thumbs");
    CHECK(unit.transport->last().url == kStorage + "folders/fold%2F1/sub-folders");
    unit.transport->then_json(200, {{"data", json::array({{{"id", "fo1"}, {"name", "images"}, {"path", "/root/shared/images"}}})}});
    CHECK(client.files().list_folders().items.at(0).path == "/root/shared/images");
}

TEST_CASE("collection and smart query inputs are built from JS object literals", "[unit][admin]") {
    const json collection = {{"name", "Orders"},
                             {"recordSlug", "orders"},
                             {"properties", json::array({{{"name", "total"}, {"type", "number"}, {"required", true}}})},
                             {"schemaDiscoveryMode", "schemaless"},
                             {"enableVersioning", true}};
    const auto input = collection.get<centrali::CreateCollectionInput>();
    CHECK(input.record_slug == "orders");
    REQUIRE(input.properties.size() == 1);
    CHECK(input.properties[0].name == "total");
    const json sent = input;
    CHECK(sent["recordSlug"] == "orders");
    CHECK(sent["schemaDiscoveryMode"] == "schemaless");
    CHECK(sent["properties"][0]["name"] == "total");
    CHECK(sent["properties"][0]["type"] == "number");
    const json update = {{"description", ""}, {"defaultSearchField", "data.title"}};
    CHECK(json(update.get<centrali::UpdateCollectionInput>()) == update);

    const json query = {{"name", "open orders"}, {"query", {{"where", {{"data.status", {{"eq", "{{status}}"}}}}}}}};
    CHECK(json(query.get<centrali::SmartQueryInput>()) == query);
}

TEST_CASE("empty slugs and query texts are refused before anything is sent", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    CHECK_THROWS_AS(client.anomaly_insights().analyze(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.validation().scan(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.search().query(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.search().query_async(""), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 0);
}

TEST_CASE("structures bulk calls: requests on both route sets, decoding", "[unit][admin]") {
    for (const std::string base : {"structures", "collections"}) {
        CAPTURE(base);
        UnitClient unit;
        auto client = unit.make();
        centrali::SchemaManager& manager =
            base == "collections" ? static_cast<centrali::SchemaManager&>(client.collections()) : client.structures();
        const std::string url = kApi + base;

        auto second = orders_schema();
        second.name = "Returns";
        second.record_slug = "returns";
        second.properties.clear();
        second.schema_discovery_mode.reset();
        second.default_search_field.clear();
        unit.transport->then_json(201, {{"data", json::array({{{"id", "c1"}, {"recordSlug", "orders"}},
                                                              {{"id", "c2"}, {"recordSlug", "returns"}}})}});
        const auto created = manager.bulk_create({orders_schema(), second});
        CHECK(unit.transport->last().method == "POST");
        CHECK(unit.transport->last().url == url + "/bulk");
        const json body = body_of(unit.transport->last());
        CHECK(body == json{{base, {json(orders_schema()), {{"name", "Returns"}, {"recordSlug", "returns"}, {"properties", json::array()}}}}});
        REQUIRE(created.size() == 2);
        CHECK(created[1].id == "c2");
        CHECK(created[1].record_slug == "returns");

        unit.transport->then(raw_response(204, ""));
        manager.bulk_delete({"c1", "a/b"});
        CHECK(unit.transport->last().method == "DELETE");
        CHECK(unit.transport->last().url == url + "/bulk");
        CHECK(unit.transport->last().body == R"({"ids":["c1","a/b"]})");

        unit.transport->then_json(200, {{"data", {{"id", "c 1"}, {"properties", json::array()}}}});
        const auto trimmed = manager.bulk_delete_properties("c 1", {"sku", "status"});
        CHECK(unit.transport->last().method == "DELETE");
        CHECK(unit.transport->last().url == url + "/c%201/properties");
        CHECK(unit.transport->last().body == R"({"propertyNames":["sku","status"]})");
        CHECK(trimmed.id == "c 1");
        CHECK(trimmed.properties.empty());
    }
}

TEST_CASE("structures bulk calls refuse what can never be valid before sending; a POST is not retried",
          "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& structures = client.structures();
    auto nameless = orders_schema();
    nameless.name.clear();
    CHECK_THROWS_AS(structures.bulk_create({}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_create({orders_schema(), nameless}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_create_async({}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete({}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete({"c1", ""}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_async({""}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_properties("", {"sku"}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_properties("c1", {}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_properties("c1", {"sku", ""}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_properties_async("", {"sku"}), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 0);

    unit.transport->then_json(503, {{"message", "busy"}});
    CHECK_THROWS_AS(structures.bulk_create({orders_schema()}), centrali::ServerError);
    CHECK(unit.transport->count() == 1);
    unit.transport->then_json(503, {{"message", "busy"}});
    unit.transport->then(raw_response(204, ""));
    structures.bulk_delete({"c1"});  // DELETE is idempotent: retried
    CHECK(unit.transport->count() == 3);
}

TEST_CASE("validation config: get and update requests, only set members sent, tolerant decoding", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& validation = client.validation();
    unit.transport->then_json(200, {{"data",
                                     {{"recordSlug", "orders"},
                                      {"enabled", true},
                                      {"mode", "auto-correct"},
                                      {"confidenceThreshold", 85},
                                      {"issueTypes", {"typo", "near-duplicate"}},
                                      {"updatedAt", "2026-01-02T03:04:05.000Z"},
                                      {"model", "v2"}}}});
    const auto config = validation.get_config("or/ders");
    CHECK(unit.transport->last().method == "GET");
    CHECK(unit.transport->last().url == kApi + "validation/config/or%2Fders");
    CHECK(config.record_slug == "orders");
    CHECK(config.enabled == true);
    CHECK(config.mode == centrali::ValidationMode::auto_correct);
    CHECK(config.confidence_threshold == 85);
    REQUIRE(config.issue_types.size() == 2);
    CHECK(config.issue_types[0] == centrali::ValidationIssueType::typo);
    CHECK(config.issue_types[1].str() == "near-duplicate");  // unknown, kept
    CHECK(config.updated_at == "2026-01-02T03:04:05.000Z");
    CHECK(config.raw["model"] == "v2");

    centrali::UpdateValidationConfigInput input;
    input.mode = centrali::ValidationMode::advisory;
    input.issue_types = std::vector<centrali::ValidationIssueType>{centrali::ValidationIssueType::format,
                                                                   centrali::ValidationIssueType::semantic};
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}, {"mode", "advisory"}}}});
    CHECK(validation.update_config("orders", input).mode == centrali::ValidationMode::advisory);
    CHECK(unit.transport->last().method == "PUT");
    CHECK(unit.transport->last().url == kApi + "validation/config/orders");
    CHECK(body_of(unit.transport->last()) == json{{"mode", "advisory"}, {"issueTypes", {"format", "semantic"}}});
    input = {};
    input.enabled = false;
    input.confidence_threshold = 92.5;
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}}}});
    validation.update_config("orders", input);
    CHECK(body_of(unit.transport->last()) == json{{"enabled", false}, {"confidenceThreshold", 92.5}});

    // One member of an odd type keeps its default; a configuration without its slug is refused.
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}, {"enabled", "yes"}, {"confidenceThreshold", "high"}}}});
    const auto odd = validation.get_config("orders");
    CHECK_FALSE(odd.enabled.has_value());
    CHECK_FALSE(odd.confidence_threshold.has_value());
    CHECK(odd.raw["enabled"] == "yes");
    unit.transport->then_json(200, {{"data", {{"enabled", true}}}});
    CHECK_THROWS_AS(validation.get_config("orders"), centrali::DecodeError);

    const auto literal = json{{"enabled", true}, {"mode", "auto-correct"}, {"confidenceThreshold", 90}, {"issueTypes", {"typo"}}};
    CHECK(json(literal.get<centrali::UpdateValidationConfigInput>()) == literal);
    CHECK_THROWS_AS((json{{"enabled", "yes"}}.get<centrali::UpdateValidationConfigInput>()), centrali::DecodeError);
}

TEST_CASE("anomaly insight config: get and update requests, only set members sent, tolerant decoding", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    auto& insights = client.anomaly_insights();
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}, {"schedule", "hourly"}, {"sensitivity", "high"}}}});
    const auto config = insights.get_config("orders");
    CHECK(unit.transport->last().method == "GET");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/config/orders");
    CHECK(config.schedule == centrali::InsightSchedule::hourly);
    CHECK(config.sensitivity == centrali::InsightSensitivity::high);

    centrali::UpdateInsightConfigInput input;
    input.schedule = centrali::InsightSchedule::on_demand;
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}, {"schedule", "on-demand"}, {"sensitivity", 3}}}});
    const auto updated = insights.update_config("orders", input);
    CHECK(unit.transport->last().method == "PUT");
    CHECK(unit.transport->last().url == kApi + "anomaly-insights/config/orders");
    CHECK(unit.transport->last().body == R"({"schedule":"on-demand"})");
    CHECK(updated.schedule == centrali::InsightSchedule::on_demand);
    CHECK(updated.sensitivity.empty());  // a number where a string belongs: kept in raw only
    CHECK(updated.raw["sensitivity"] == 3);
    unit.transport->then_json(200, {{"data", {{"schedule", "daily"}}}});
    CHECK_THROWS_AS(insights.get_config("orders"), centrali::DecodeError);

    const auto literal = json{{"schedule", "weekly"}, {"sensitivity", "low"}};
    CHECK(json(literal.get<centrali::UpdateInsightConfigInput>()) == literal);
    CHECK(json(centrali::UpdateInsightConfigInput{}) == json::object());
}

TEST_CASE("config calls refuse an empty slug before sending; a PUT is retried", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    CHECK_THROWS_AS(client.validation().get_config(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.validation().update_config("", {}), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.validation().get_config_async(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.validation().update_config_async("", {}), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.anomaly_insights().get_config(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.anomaly_insights().update_config("", {}), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.anomaly_insights().get_config_async(""), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.anomaly_insights().update_config_async("", {}), centrali::InvalidArgument);
    // A PUT that names no setting is refused too: what the server would do with it is unknown.
    CHECK_THROWS_AS(client.validation().update_config("orders", {}), centrali::InvalidArgument);
    CHECK_THROWS_AS(client.anomaly_insights().update_config_async("orders", {}), centrali::InvalidArgument);
    CHECK(unit.transport->count() == 0);

    unit.transport->then_json(503, {{"message", "busy"}});
    unit.transport->then_json(200, {{"data", {{"recordSlug", "orders"}, {"schedule", "weekly"}}}});
    centrali::UpdateInsightConfigInput input;
    input.schedule = centrali::InsightSchedule::weekly;
    CHECK(client.anomaly_insights().update_config("orders", input).schedule == centrali::InsightSchedule::weekly);
    CHECK(unit.transport->count() == 2);
}

TEST_CASE("a collection and its properties read tolerantly; only id (a property: name) is required", "[unit][admin]") {
    const json property = {{"name", "total"}, {"type", "number"}, {"description", nullptr}, {"required", true},
                           {"isUnique", false}, {"nullable", nullptr}, {"immutable", true}, {"default", 0},
                           {"enum", json::array()}, {"target", ""}, {"relationship", nullptr}, {"minimum", 0}};
    const json full = {{"id", "c1"},          {"workspaceSlug", "acme"},  {"recordSlug", "orders"}, {"name", "Orders"},
                       {"description", nullptr}, {"properties", {property}}, {"status", "active"},
                       {"schemaDiscoveryMode", "strict"},                  {"isStrict", true},
                       {"retentionPolicy", {{"days", 30}}},                {"enableVersioning", nullptr},
                       {"defaultSearchField", "name"}, {"createdAt", "2024-01-01T00:00:00Z"}, {"updatedAt", nullptr}};
    const auto c = full.get<centrali::Collection>();
    CHECK(c.id == "c1");
    CHECK(c.workspace_slug == "acme");
    CHECK(c.record_slug == "orders");
    CHECK(c.name == "Orders");
    CHECK(c.description.empty());
    CHECK(c.sent_null("description"));
    REQUIRE(c.properties.size() == 1);
    const auto& p = c.properties[0];
    CHECK(p.name == "total");
    CHECK(p.type == PropertyType::number);
    CHECK(p.description.empty());
    CHECK(p.sent_null("description"));
    CHECK(p.required);
    CHECK_FALSE(p.is_unique);
    CHECK_FALSE(p.nullable);
    CHECK(p.sent_null("nullable"));
    CHECK(p.immutable == true);
    CHECK(p.default_value == 0);
    CHECK(p.enum_values.empty());
    CHECK(p.target.empty());
    CHECK(p.relationship.empty());
    CHECK(p.sent_null("relationship"));
    CHECK(p.extra == property);
    CHECK(c.status == "active");
    CHECK(c.schema_discovery_mode == centrali::SchemaDiscoveryMode::strict);
    CHECK(c.is_strict == true);
    CHECK(c.retention_policy == json{{"days", 30}});
    CHECK_FALSE(c.enable_versioning);
    CHECK(c.sent_null("enableVersioning"));
    CHECK(c.default_search_field == "name");
    CHECK(c.created_at == "2024-01-01T00:00:00Z");
    CHECK(c.updated_at.empty());
    CHECK(c.sent_null("updatedAt"));
    CHECK(c.raw == full);
    check_odd_member<centrali::Collection>(full, "enableVersioning", "yes", [](const auto& m) { return !m.enable_versioning; });
    check_odd_member<centrali::PropertyDefinition>(property, "required", "yes", [](const auto& m) { return !m.required; });
    check_identity_required<centrali::Collection>(full, "a collection");
    check_identity_required<centrali::PropertyDefinition>(property, "a property definition", "name");
}

TEST_CASE("smart queries, suggestions, scans, insights, summaries and domains read tolerantly", "[unit][admin]") {
    const json query = {{"id", "q1"}, {"name", "big"}, {"description", nullptr}, {"recordSlug", "orders"},
                        {"query", {{"limit", 5}}}, {"createdAt", "2024-01-01T00:00:00Z"}, {"updatedAt", nullptr}};
    const auto q = query.get<centrali::SmartQuery>();
    CHECK((q.id == "q1" && q.name == "big" && q.description.empty() && q.record_slug == "orders"));
    CHECK((q.query == json{{"limit", 5}} && q.created_at == "2024-01-01T00:00:00Z" && q.updated_at.empty()));
    CHECK((q.sent_null("description") && q.sent_null("updatedAt") && q.raw == query));
    check_odd_member<centrali::SmartQuery>(query, "name", 7, [](const auto& m) { return m.name.empty(); });
    check_identity_required<centrali::SmartQuery>(query, "a smart query");

    const json suggestion = {{"id", "s1"}, {"recordSlug", "orders"}, {"recordId", "r1"}, {"field", "email"},
                             {"issueType", "typo"}, {"status", "pending"}, {"currentValue", "a@gmial.com"},
                             {"suggestedValue", nullptr}, {"confidence", 0.9}, {"reason", "typo"},
                             {"createdAt", "2024-01-01T00:00:00Z"}};
    const auto s = suggestion.get<centrali::ValidationSuggestion>();
    CHECK((s.id == "s1" && s.record_slug == "orders" && s.record_id == "r1" && s.field == "email"));
    CHECK((s.issue_type == centrali::ValidationIssueType::typo && s.status == centrali::SuggestionStatus::pending));
    CHECK((s.current_value == "a@gmial.com" && s.suggested_value.is_null() && s.sent_null("suggestedValue")));
    CHECK((s.confidence == 0.9 && s.reason == "typo" && s.created_at == "2024-01-01T00:00:00Z" && s.raw == suggestion));
    check_odd_member<centrali::ValidationSuggestion>(suggestion, "confidence", "high",
                                                     [](const auto& m) { return !m.confidence; });
    check_identity_required<centrali::ValidationSuggestion>(suggestion, "a validation suggestion");

    const json scan = {{"jobId", "j1"}, {"status", "queued"}};
    const auto sc = scan.get<centrali::ValidationScan>();
    CHECK((sc.id == "j1" && sc.status == "queued" && sc.raw == scan));
    check_odd_member<centrali::ValidationScan>(scan, "status", 1, [](const auto& m) { return m.status.empty(); });
    check_identity_required<centrali::ValidationScan>(scan, "a validation scan", "jobId");

    const json insight = {{"id", "i1"}, {"recordSlug", "orders"}, {"type", "volume_spike"}, {"severity", "warning"},
                          {"status", "open"}, {"title", "Spike"}, {"description", nullptr}, {"details", {{"x", 1}}},
                          {"detectedAt", "2024-01-01T00:00:00Z"}};
    const auto i = insight.get<centrali::AnomalyInsight>();
    CHECK((i.id == "i1" && i.record_slug == "orders" && i.type == "volume_spike"));
    CHECK((i.severity == centrali::InsightSeverity::warning && i.status == centrali::InsightStatus::open));
    CHECK((i.title == "Spike" && i.description.empty() && i.sent_null("description") && i.details == json{{"x", 1}}));
    CHECK((i.detected_at == "2024-01-01T00:00:00Z" && i.raw == insight));
    check_odd_member<centrali::AnomalyInsight>(insight, "severity", 2, [](const auto& m) { return m.severity.empty(); });
    check_identity_required<centrali::AnomalyInsight>(insight, "an anomaly insight");

    const json summary = {{"total", 3}, {"bySeverity", {{"warning", 3}}}, {"byType", nullptr}};
    const auto su = summary.get<centrali::InsightSummary>();
    CHECK((su.total == 3 && su.by_severity == json{{"warning", 3}} && su.by_type.is_null() && su.sent_null("byType")));
    check_odd_member<centrali::InsightSummary>(summary, "total", "3", [](const auto& m) { return m.total == 0; });
    CHECK_THROWS_AS(json::array().get<centrali::InsightSummary>(), centrali::DecodeError);

    const json domain = {{"id", "d1"}, {"domain", "api.stripe.com"}, {"createdAt", "2024-01-01T00:00:00Z"},
                         {"createdBy", nullptr}};
    const auto d = domain.get<centrali::AllowedDomain>();
    CHECK((d.id == "d1" && d.domain == "api.stripe.com" && d.created_at == "2024-01-01T00:00:00Z"));
    CHECK((d.created_by.empty() && d.sent_null("createdBy") && d.raw == domain));
    check_odd_member<centrali::AllowedDomain>(domain, "domain", 5, [](const auto& m) { return m.domain.empty(); });
    check_identity_required<centrali::AllowedDomain>(domain, "an allowed domain");
}

TEST_CASE("files, folders, search results and schema validations read tolerantly", "[unit][admin]") {
    const json file = {{"id", "f1"}, {"renderId", "rnd"}, {"url", "https://x/y"}, {"path", "/root/shared/a.pdf"},
                       {"name", "a.pdf"}, {"size", 10}, {"contentType", nullptr}, {"mimeType", "application/pdf"},
                       {"isPublic", true}};
    const auto f = file.get<centrali::UploadedFile>();
    CHECK((f.id == "f1" && f.render_id == "rnd" && f.url == "https://x/y" && f.path == "/root/shared/a.pdf"));
    CHECK((f.name == "a.pdf" && f.size == 10 && f.content_type == "application/pdf" && f.sent_null("contentType")));
    CHECK((f.is_public && f.raw == file));
    check_odd_member<centrali::UploadedFile>(file, "isPublic", "yes", [](const auto& m) { return !m.is_public; });
    json by_render_id = file;
    by_render_id.erase("id");
    CHECK(by_render_id.get<centrali::UploadedFile>().id == "rnd");
    by_render_id.erase("renderId");
    CHECK_THROWS_AS(by_render_id.get<centrali::UploadedFile>(), centrali::DecodeError);

    const json folder = {{"id", "fo1"}, {"name", "images"}, {"path", "/root/shared/images"}, {"parentPath", nullptr}};
    const auto fo = folder.get<centrali::Folder>();
    CHECK((fo.id == "fo1" && fo.name == "images" && fo.path == "/root/shared/images"));
    CHECK((fo.parent_path.empty() && fo.sent_null("parentPath") && fo.raw == folder));
    check_odd_member<centrali::Folder>(folder, "path", json::array(), [](const auto& m) { return m.path.empty(); });
    check_identity_required<centrali::Folder>(folder, "a folder");

    const json hit = {{"recordId", "r1"}, {"recordSlug", "orders"}, {"score", 0.5}, {"document", {{"t", 1}}},
                      {"_formatted", nullptr}};
    const json result = {{"totalHits", 1}, {"hits", {hit}}, {"processingTimeMs", nullptr}};
    const auto sr = result.get<centrali::SearchResult>();
    CHECK((sr.total_hits == 1 && !sr.processing_time_ms && sr.sent_null("processingTimeMs") && sr.raw == result));
    REQUIRE(sr.hits.size() == 1);
    const auto& h = sr.hits[0];
    CHECK((h.id == "r1" && h.record_slug == "orders" && h.score == 0.5 && h.document == json{{"t", 1}}));
    CHECK((h.formatted.is_null() && h.sent_null("_formatted") && h.raw == hit));
    check_odd_member<centrali::SearchHit>(hit, "score", "high", [](const auto& m) { return !m.score; });
    check_odd_member<centrali::SearchResult>(result, "totalHits", "1", [](const auto& m) { return m.total_hits == 0; });
    check_identity_required<centrali::SearchHit>(hit, "a search hit", "recordId");
    json hit_without_id = result;
    hit_without_id["hits"] = {{{"score", 1}}};
    CHECK_THROWS_AS(hit_without_id.get<centrali::SearchResult>(), centrali::DecodeError);

    const json validation = {{"valid", false}, {"errors", {{{"field", "x"}, {"message", "bad"}}}}};
    const auto v = validation.get<centrali::SchemaValidation>();
    CHECK((!v.valid && v.errors.size() == 1 && v.raw == validation));
    check_odd_member<centrali::SchemaValidation>(validation, "valid", "yes", [](const auto& m) { return !m.valid; });
    CHECK_THROWS_AS(json("x").get<centrali::SchemaValidation>(), centrali::DecodeError);
}

TEST_CASE("a page of collections with one odd member still decodes", "[unit][admin]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{{"id", "c1"}, {"name", "A"}},
                                              {{"id", "c2"}, {"enableVersioning", "yes"}, {"properties", "none"}}}}});
    const auto page = client.collections().list();
    REQUIRE(page.items.size() == 2);
    CHECK_FALSE(page.items[1].enable_versioning);
    CHECK(page.items[1].properties.empty());
    CHECK(page.items[1].raw["properties"] == "none");
}

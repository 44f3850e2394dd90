// The admin managers over real libcurl against the emulator: collections and structures, smart
// queries, validation, anomaly insights, allowed domains, search and files.
#include "catch.hpp"
#include "emulator_fixture.hpp"

#include <cstdio>
#include <fstream>
#include <thread>

using namespace centrali_test;
using centrali::PropertyType;
using nlohmann::json;

namespace {
centrali::CreateCollectionInput orders_schema(const std::string& slug = "orders") {
    centrali::CreateCollectionInput input;
    input.name = "Orders";
    input.record_slug = slug;
    centrali::PropertyDefinition total;
    total.name = "total";
    total.type = PropertyType::number;
    total.required = true;
    centrali::PropertyDefinition customer;
    customer.name = "customer";
    customer.type = PropertyType::reference;
    customer.target = "customers";
    customer.relationship = "many-to-one";
    input.properties = {total, customer};
    input.default_search_field = "city";
    return input;
}
}  // namespace

TEST_CASE("collections and structures: the whole life cycle, one store", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& collections = client.collections();

    const auto validation = collections.validate(orders_schema());
    CHECK(validation.valid);
    CHECK(collections.list().empty());  // validate saves nothing

    const auto created = collections.create(orders_schema());
    CHECK(created.record_slug == "orders");
    CHECK(created.schema_discovery_mode == centrali::SchemaDiscoveryMode::strict);
    REQUIRE(created.properties.size() == 2);
    CHECK(created.properties[1].target == "customers");
    CHECK_THROWS_AS(collections.create(orders_schema()), centrali::Conflict);
    CHECK_FALSE(collections.validate(orders_schema()).valid);

    CHECK(client.structures().get(created.id).name == "Orders");  // the same resource, older name
    CHECK(collections.get_by_slug("orders").id == created.id);
    centrali::UpdateCollectionInput update;
    update.description = "every order";
    CHECK(collections.update(created.id, update).description == "every order");

    auto bad = orders_schema("Bad Slug!");
    CHECK_THROWS_AS(collections.create(bad), centrali::BadRequest);
    auto no_target = orders_schema("no-target");
    no_target.properties[1].target.clear();
    try {
        collections.create(no_target);
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.code() == "VALIDATION_ERROR");
        CHECK_FALSE(e.details().empty());
    }

    collections.remove(created.id);
    CHECK_THROWS_AS(collections.get(created.id), centrali::NotFound);
    CHECK(collections.restore(created.id).id == created.id);
    CHECK(collections.get(created.id).status == "active");
}

namespace {
const std::string kData = "/data/workspace/acme/api/v1/";
// The last request the emulator received, body parsed (null when empty).
std::pair<centrali_emulator::SeenRequest, json> last_seen(const LiveEmulator& emu) {
    auto seen = emu.server.requests();
    REQUIRE_FALSE(seen.empty());
    auto last = seen.back();
    return {last, last.body.empty() ? json() : json::parse(last.body)};
}
}  // namespace

TEST_CASE("structures bulk create over the wire: what is sent, what comes back, all or none", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& structures = client.structures();
    const auto created = structures.bulk_create({orders_schema("orders"), orders_schema("returns")});
    auto [sent, body] = last_seen(emu);
    CHECK(sent.method == "POST");
    CHECK(sent.target == kData + "structures/bulk");
    REQUIRE(body["structures"].size() == 2);
    CHECK(body["structures"][1]["recordSlug"] == "returns");
    CHECK(body["structures"][0]["properties"][1]["target"] == "customers");
    REQUIRE(created.size() == 2);
    CHECK(created[0].record_slug == "orders");
    CHECK(created[1].properties.size() == 2);
    CHECK(structures.get(created[1].id).name == "Orders");

    // the collections route set, through the _async twin
    const auto more = client.collections().bulk_create_async({orders_schema("refunds")}).get();
    CHECK(last_seen(emu).first.target == kData + "collections/bulk");
    CHECK(last_seen(emu).second.contains("collections"));
    CHECK(more.at(0).record_slug == "refunds");

    // a taken slug: Conflict, and nothing of the batch is created; a bad slug: BadRequest
    CHECK_THROWS_AS(structures.bulk_create({orders_schema("fresh"), orders_schema("orders")}), centrali::Conflict);
    CHECK_THROWS_AS(structures.get_by_slug("fresh"), centrali::NotFound);
    try {
        structures.bulk_create({orders_schema("Bad Slug!")});
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.code() == "VALIDATION_ERROR");
    }
    const auto before = emu.server.requests().size();
    CHECK_THROWS_AS(structures.bulk_create({}), centrali::InvalidArgument);
    CHECK(emu.server.requests().size() == before);
    CHECK(structures.list().size() == 3);
}

TEST_CASE("structures bulk delete over the wire: what is sent, all or none, restore", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& structures = client.structures();
    const auto created = structures.bulk_create({orders_schema("a"), orders_schema("b"), orders_schema("c")});
    structures.bulk_delete({created[0].id, created[2].id});
    auto [sent, body] = last_seen(emu);
    CHECK(sent.method == "DELETE");
    CHECK(sent.target == kData + "structures/bulk");
    CHECK(body == json{{"ids", {created[0].id, created[2].id}}});
    const auto left = structures.list();
    REQUIRE(left.size() == 1);
    CHECK(left.items[0].id == created[1].id);
    CHECK(structures.restore(created[0].id).record_slug == "a");

    // one unknown id: NotFound, and the known one stays
    CHECK_THROWS_AS(structures.bulk_delete_async({created[1].id, "no-such-id"}).get(), centrali::NotFound);
    CHECK(structures.get(created[1].id).status == "active");
    const auto before = emu.server.requests().size();
    CHECK_THROWS_AS(structures.bulk_delete({""}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete({}), centrali::InvalidArgument);
    CHECK(emu.server.requests().size() == before);
}

TEST_CASE("structures bulk delete of properties over the wire: what is sent, what comes back", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    auto& structures = client.structures();
    auto schema = orders_schema();
    centrali::PropertyDefinition city;
    city.name = "city";
    schema.properties.push_back(city);
    const auto created = structures.create(schema);
    const auto trimmed = structures.bulk_delete_properties(created.id, {"total", "city"});
    auto [sent, body] = last_seen(emu);
    CHECK(sent.method == "DELETE");
    CHECK(sent.target == kData + "structures/" + created.id + "/properties");
    CHECK(body == json{{"propertyNames", {"total", "city"}}});
    REQUIRE(trimmed.properties.size() == 1);
    CHECK(trimmed.properties[0].name == "customer");
    CHECK(trimmed.default_search_field.empty());  // it named a removed property
    CHECK(structures.get(created.id).properties.size() == 1);

    try {
        structures.bulk_delete_properties_async(created.id, {"customer", "nope"}).get();
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.code() == "VALIDATION_ERROR");
    }
    CHECK(structures.get(created.id).properties.size() == 1);  // nothing removed
    CHECK_THROWS_AS(structures.bulk_delete_properties("no-such-id", {"customer"}), centrali::NotFound);
    CHECK(last_seen(emu).first.target == kData + "structures/no-such-id/properties");
    const auto before = emu.server.requests().size();
    CHECK_THROWS_AS(structures.bulk_delete_properties("", {"customer"}), centrali::InvalidArgument);
    CHECK_THROWS_AS(structures.bulk_delete_properties(created.id, {}), centrali::InvalidArgument);
    CHECK(emu.server.requests().size() == before);
}

TEST_CASE("validation config over the wire: read, update only what is set, refused values", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    client.collections().create(orders_schema());
    auto& validation = client.validation();

    const auto defaults = validation.get_config("orders");
    CHECK(last_seen(emu).first.method == "GET");
    CHECK(last_seen(emu).first.target == kData + "validation/config/orders");
    CHECK(defaults.record_slug == "orders");
    CHECK(defaults.enabled == false);
    CHECK(defaults.mode == centrali::ValidationMode::advisory);
    CHECK(defaults.issue_types.size() == 4);

    centrali::UpdateValidationConfigInput input;
    input.enabled = true;
    input.mode = centrali::ValidationMode::auto_correct;
    input.confidence_threshold = 85;
    const auto updated = validation.update_config("orders", input);
    auto [sent, body] = last_seen(emu);
    CHECK(sent.method == "PUT");
    CHECK(sent.target == kData + "validation/config/orders");
    CHECK(body == json{{"enabled", true}, {"mode", "auto-correct"}, {"confidenceThreshold", 85.0}});
    CHECK(updated.enabled == true);
    CHECK(updated.mode == centrali::ValidationMode::auto_correct);
    CHECK(updated.confidence_threshold == 85);
    CHECK(updated.issue_types.size() == 4);  // not sent, kept
    CHECK_FALSE(updated.updated_at.empty());

    input = {};
    input.issue_types = std::vector<centrali::ValidationIssueType>{centrali::ValidationIssueType::typo};
    const auto typos = validation.update_config_async("orders", input).get();
    CHECK(last_seen(emu).second == json{{"issueTypes", {"typo"}}});
    REQUIRE(typos.issue_types.size() == 1);
    CHECK(typos.issue_types[0] == centrali::ValidationIssueType::typo);
    CHECK(validation.get_config_async("orders").get().mode == centrali::ValidationMode::auto_correct);

    input = {};
    input.confidence_threshold = 60;  // below the documented 70 %
    try {
        validation.update_config("orders", input);
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.code() == "VALIDATION_ERROR");
    }
    CHECK(validation.get_config("orders").confidence_threshold == 85);
    CHECK_THROWS_AS(validation.get_config("no-such-collection"), centrali::NotFound);
    const auto before = emu.server.requests().size();
    CHECK_THROWS_AS(validation.update_config("", input), centrali::InvalidArgument);
    CHECK(emu.server.requests().size() == before);
}

TEST_CASE("anomaly insight config over the wire: read, update only what is set, refused values", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    client.collections().create(orders_schema());
    auto& insights = client.anomaly_insights();

    const auto defaults = insights.get_config("orders");
    CHECK(last_seen(emu).first.method == "GET");
    CHECK(last_seen(emu).first.target == kData + "anomaly-insights/config/orders");
    CHECK(defaults.schedule == centrali::InsightSchedule::daily);
    CHECK(defaults.sensitivity == centrali::InsightSensitivity::medium);

    centrali::UpdateInsightConfigInput input;
    input.schedule = centrali::InsightSchedule::on_demand;
    const auto updated = insights.update_config("orders", input);
    auto [sent, body] = last_seen(emu);
    CHECK(sent.method == "PUT");
    CHECK(sent.target == kData + "anomaly-insights/config/orders");
    CHECK(body == json{{"schedule", "on-demand"}});
    CHECK(updated.schedule == centrali::InsightSchedule::on_demand);
    CHECK(updated.sensitivity == centrali::InsightSensitivity::medium);  // not sent, kept

    input = {};
    input.sensitivity = centrali::InsightSensitivity::high;
    CHECK(insights.update_config_async("orders", input).get().sensitivity == centrali::InsightSensitivity::high);
    CHECK(insights.get_config_async("orders").get().schedule == centrali::InsightSchedule::on_demand);

    input = {};
    input.schedule = centrali::InsightSchedule("monthly");  // a value this server does not know
    CHECK_THROWS_AS(insights.update_config("orders", input), centrali::BadRequest);
    CHECK_THROWS_AS(insights.get_config("no-such-collection"), centrali::NotFound);
    const auto before = emu.server.requests().size();
    CHECK_THROWS_AS(insights.get_config(""), centrali::InvalidArgument);
    CHECK(emu.server.requests().size() == before);
}

TEST_CASE("smart queries: stored, executed with variables into typed records", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    for (int total : {5, 50, 150, 500}) client.records().create("orders", {{"total", total}, {"status", total > 100 ? "big" : "small"}});

    auto& queries = client.smart_queries();
    const json definition = {{"where", {{"data.total", {{"$gte", "{{min}}"}}}}},
                             {"sort", {{{"field", "data.total"}, {"direction", "desc"}}}},
                             {"limit", 2}};
    const auto query = queries.create("orders", {"big orders", "totals over a minimum", definition});
    CHECK(query.record_slug == "orders");
    CHECK(queries.list("orders").size() == 1);
    CHECK(queries.list().size() == 1);
    CHECK(queries.get("orders", query.id).query == definition);

    const auto rows = queries.execute("orders", query.id, {{"min", 40}});
    REQUIRE(rows.size() == 2);
    CHECK(rows.items[0].data["total"] == 500);
    CHECK(rows.items[1].data["total"] == 150);
    CHECK(rows.meta.total == 3);
    try {
        queries.execute("orders", query.id);
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.code() == "MISSING_VARIABLE");
    }
    const auto tested = queries.test("orders", {{"where", {{"data.status", "small"}}}});
    CHECK(tested.size() == 2);

    CHECK_THROWS_AS(queries.create("orders", {"big orders", "", definition}), centrali::Conflict);
    queries.update("orders", query.id, {"renamed", "", definition});
    CHECK(queries.get("orders", query.id).name == "renamed");
    queries.remove("orders", query.id);
    CHECK_THROWS_AS(queries.get("orders", query.id), centrali::NotFound);
}

TEST_CASE("validation: a scan finds a typo; accept and reject", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    client.records().create("customers", {{"city", "Pariss"}});
    client.records().create("customers", {{"city", "Berlinn"}});
    client.records().create("customers", {{"city", "Rome"}});
    const auto scan = client.validation().scan("customers");
    CHECK_FALSE(scan.id.empty());

    centrali::ListSuggestionsOptions pending;
    pending.record_slug = "customers";
    pending.status = centrali::SuggestionStatus::pending;
    const auto suggestions = client.validation().list_suggestions(pending);
    REQUIRE(suggestions.size() == 2);
    const auto& first = suggestions.items[0];
    CHECK(first.issue_type == centrali::ValidationIssueType::typo);
    CHECK(first.field == "city");
    CHECK((first.suggested_value == "Paris" || first.suggested_value == "Berlin"));
    CHECK(first.confidence.has_value());

    CHECK(client.validation().accept(suggestions.items[0].id).status == centrali::SuggestionStatus::accepted);
    CHECK(client.validation().reject(suggestions.items[1].id).status == centrali::SuggestionStatus::rejected);
    CHECK_THROWS_AS(client.validation().accept(suggestions.items[1].id), centrali::Conflict);
    CHECK(client.validation().list_suggestions(pending).empty());
    CHECK(client.validation().get_suggestion(suggestions.items[0].id).status == centrali::SuggestionStatus::accepted);
}

TEST_CASE("anomaly insights: analysis finds an outlier; acknowledge, dismiss, summary", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    for (int total : {10, 11, 9, 10, 12, 1000}) client.records().create("orders", {{"total", total}});
    const auto found = client.anomaly_insights().analyze("orders");
    REQUIRE(found.size() == 1);
    const auto& insight = found.items[0];
    CHECK(insight.type == "statistical_outlier");
    CHECK(insight.details["value"] == 1000);
    CHECK(insight.status == centrali::InsightStatus::open);

    centrali::ListInsightsOptions open;
    open.record_slug = "orders";
    open.status = centrali::InsightStatus::open;
    CHECK(client.anomaly_insights().list(open).size() == 1);
    CHECK(client.anomaly_insights().acknowledge(insight.id).status == centrali::InsightStatus::acknowledged);
    CHECK(client.anomaly_insights().get(insight.id).status == centrali::InsightStatus::acknowledged);
    CHECK(client.anomaly_insights().dismiss(insight.id).status == centrali::InsightStatus::dismissed);
    const auto summary = client.anomaly_insights().summary("orders");
    CHECK(summary.total == 1);
    CHECK(summary.by_type["statistical_outlier"] == 1);
}

TEST_CASE("allowed domains: add, list, remove, and validation", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    const auto added = client.allowed_domains().add("api.stripe.com");
    CHECK(added.domain == "api.stripe.com");
    CHECK(added.created_by == "user");
    CHECK_THROWS_AS(client.allowed_domains().add("API.Stripe.com"), centrali::Conflict);
    CHECK_THROWS_AS(client.allowed_domains().add("https://evil.example/path"), centrali::BadRequest);
    CHECK(client.allowed_domains().list().size() == 1);
    client.allowed_domains().remove(added.id);
    CHECK(client.allowed_domains().list().empty());
    CHECK_THROWS_AS(client.allowed_domains().remove(added.id), centrali::NotFound);
}

TEST_CASE("search finds records across collections with highlights", "[integration][admin]") {
    LiveEmulator emu;
    auto client = emu.client();
    client.records().create("products", {{"title", "Laptop stand"}});
    client.records().create("products", {{"title", "Desk lamp"}});
    client.records().create("articles", {{"title", "Choosing a laptop"}});
    const auto all = client.search().query("laptop");
    CHECK(all.total_hits == 2);
    CHECK(all.hits.size() == 2);
    centrali::SearchOptions options;
    options.structures = {"products"};
    const auto products = client.search().query("LAPTOP", options);
    REQUIRE(products.total_hits == 1);
    CHECK(products.hits[0].record_slug == "products");
    CHECK(products.hits[0].formatted["title"].get<std::string>().find("<em>") != std::string::npos);
    CHECK_THROWS_AS(client.search().query(""), centrali::InvalidArgument);  // refused before sending
}

TEST_CASE("a 50 MB upload streams with monotonic progress that ends at the total", "[integration][admin][files]") {
    LiveEmulator emu;
    auto client = emu.client();
    std::string payload(50u << 20, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);

    std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
    centrali::UploadOptions options;
    options.folder = "/root/shared/reports";
    options.file_name = "big.bin";
    options.on_progress = [&progress](std::uint64_t sent, std::uint64_t total) { progress.emplace_back(sent, total); };
    const auto uploaded = client.files().upload_bytes(payload, options);
    CHECK(uploaded.size == static_cast<long long>(payload.size()));
    CHECK(uploaded.path == "/root/shared/reports/big.bin");
    CHECK_FALSE(uploaded.render_id.empty());
    CHECK(emu.server.uploaded_bytes(uploaded.id) == payload);

    REQUIRE(progress.size() >= 2);
    const std::uint64_t total = progress.back().second;
    CHECK(total >= payload.size());  // the multipart body: the file plus its part headers
    CHECK(progress.back().first == total);
    bool monotonic = true;
    for (std::size_t i = 1; i < progress.size(); ++i) monotonic &= progress[i].first >= progress[i - 1].first;
    CHECK(monotonic);
}

// The event loop's handles leave libcurl's progress callback off unless a request reports
// upload progress: an async upload must still report it, and a plain async call after it on the
// same handle must not.
TEST_CASE("an async upload reports progress; the next async call on its handle reports none",
          "[integration][admin][files][async]") {
    LiveEmulator emu;
    auto options = emu.token_options();
    options.async_max_connections = 1;  // one handle: the upload's is the next call's
    centrali::Client client(options);
    const std::string payload(4u << 20, 'x');
    std::vector<std::uint64_t> sent;
    centrali::UploadOptions upload;
    upload.folder = "/root/shared/reports";
    upload.file_name = "async.bin";
    upload.on_progress = [&sent](std::uint64_t bytes, std::uint64_t) { sent.push_back(bytes); };
    const auto uploaded = client.files().upload_bytes_async(payload, upload).get();
    CHECK(emu.server.uploaded_bytes(uploaded.id) == payload);
    REQUIRE_FALSE(sent.empty());
    CHECK(sent.back() >= payload.size());
    const std::size_t reports = sent.size();
    CHECK(client.files().list_folders_async().get().size() >= 1);
    CHECK(sent.size() == reports);
}

TEST_CASE("an upload from a file on disk, public, and folders", "[integration][admin][files]") {
    LiveEmulator emu;
    auto client = emu.client();
    const std::string path = "/tmp/centrali-upload-test.txt";
    {
        std::ofstream out(path, std::ios::binary);
        out << "hello from disk";
    }
    centrali::UploadOptions options;
    options.is_public = true;
    options.content_type = "text/plain";
    const auto uploaded = client.files().upload_file(path, options);
    std::remove(path.c_str());
    CHECK(uploaded.name == "centrali-upload-test.txt");
    CHECK(uploaded.path == "/root/shared/centrali-upload-test.txt");
    CHECK(uploaded.is_public);
    CHECK(uploaded.content_type == "text/plain");
    CHECK(emu.server.uploaded_bytes(uploaded.id) == std::string("hello from disk"));

    const auto images = client.files().create_folder("images");
    CHECK(images.path == "/root/shared/images");
    const auto thumbs = client.files().create_subfolder(images.id, "thumbs");
    CHECK(thumbs.path == "/root/shared/images/thumbs");
    CHECK_THROWS_AS(client.files().create_folder("x", "/root/nowhere"), centrali::NotFound);
    bool listed = false;
    for (const auto& folder : client.files().list_folders()) listed |= folder.path == "/root/shared/images/thumbs";
    CHECK(listed);
}

TEST_CASE("an upload cancelled midway stops and stores nothing", "[integration][admin][files]") {
    LiveEmulator emu;
    auto client = emu.client();
    std::string payload(64u << 20, 'z');
    centrali::CallOptions call;
    centrali::UploadOptions options;
    std::uint64_t last_sent = 0;
    options.on_progress = [&, token = call.cancel](std::uint64_t sent, std::uint64_t total) {
        last_sent = sent;
        if (sent > total / 4) token.cancel();
    };
    CHECK_THROWS_AS(client.files().upload_bytes(payload, options, call), centrali::Cancelled);
    CHECK(last_sent < payload.size());
    CHECK(emu.server.upload_count() == 0);
}

TEST_CASE("hostile names and slugs stay in their segment on admin routes", "[integration][admin][hostile]") {
    LiveEmulator emu;
    auto client = emu.client();
    centrali::UpdateInsightConfigInput daily;
    daily.schedule = centrali::InsightSchedule::daily;
    for (const std::string hostile : {"../structures", "a/b", "x?y=1", "#frag", "sp ace", "ünï"}) {
        CHECK_THROWS_AS(client.collections().get(hostile), centrali::NotFound);
        CHECK_THROWS_AS(client.collections().get_by_slug(hostile), centrali::NotFound);
        CHECK_THROWS_AS(client.smart_queries().get("orders", hostile), centrali::NotFound);
        CHECK_THROWS_AS(client.allowed_domains().remove(hostile), centrali::NotFound);
        CHECK_THROWS_AS(client.files().create_subfolder(hostile, "x"), centrali::NotFound);
        CHECK_THROWS_AS(client.structures().bulk_delete_properties(hostile, {"x"}), centrali::NotFound);
        CHECK_THROWS_AS(client.validation().get_config(hostile), centrali::NotFound);
        CHECK_THROWS_AS(client.anomaly_insights().update_config(hostile, daily), centrali::NotFound);
    }
    // A folder name with a slash is refused by the server, not turned into a path.
    CHECK_THROWS_AS(client.files().create_folder("a/b"), centrali::BadRequest);
    // Hostile upload file names arrive as given and are stored under their last component.
    centrali::UploadOptions options;
    options.file_name = "../../etc/passwd";
    const auto uploaded = client.files().upload_bytes("x", options);
    CHECK(uploaded.path == "/root/shared/passwd");
}

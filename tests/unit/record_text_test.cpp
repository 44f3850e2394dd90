// Pages of records decode straight from the response text (detail::RecordPageReader) when the
// body has the usual shape, and through the JSON document otherwise (single records always do). The two must never disagree: for every
// body below, the SDK's result (or error) is compared with what the JSON decoder alone gives.
#include "catch.hpp"
#include "fake_transport.hpp"

#include <optional>
#include <string>
#include <vector>

using namespace centrali_test;
using centrali::Page;
using centrali::Record;
using nlohmann::json;

namespace {

/// The reference: parse the body into a document, then decode it as the managers always did.
std::optional<Record> record_by_json(const std::string& body) {
    try {
        json document = centrali::detail::parse_json_text(body);
        if (document.is_discarded() || body.empty()) return std::nullopt;
        return centrali::detail::Decoder<Record>::decode(std::move(centrali::detail::unwrap_object(document, "record")),
                                                         "record");
    } catch (const centrali::DecodeError&) {
        return std::nullopt;
    }
}

std::optional<Page<Record>> page_by_json(const std::string& body) {
    try {
        json document = centrali::detail::parse_json_text(body);
        if (document.is_discarded() || body.empty()) return std::nullopt;
        return centrali::detail::decode_page<Record>(std::move(document), "records");
    } catch (const centrali::DecodeError&) {
        return std::nullopt;
    }
}

void check_same(const Record& a, const Record& b) {
    CHECK(a.id == b.id);
    CHECK(a.data == b.data);
    CHECK(a.record_slug == b.record_slug);
    CHECK(a.workspace_slug == b.workspace_slug);
    CHECK(a.status == b.status);
    CHECK(a.version == b.version);
    CHECK(a.created_at == b.created_at);
    CHECK(a.updated_at == b.updated_at);
    CHECK(a.created_by == b.created_by);
    CHECK(a.updated_by == b.updated_by);
    CHECK(a.collection_id == b.collection_id);
    CHECK(a.workspace_id == b.workspace_id);
    CHECK(a.metadata == b.metadata);
    CHECK(a.raw == b.raw);
}

/// What the SDK gives for `body` as a 200 answer to records().get(), or nullopt for a DecodeError.
std::optional<Record> record_by_sdk(UnitClient& unit, centrali::Client& client, const std::string& body, bool async) {
    unit.transport->then(centrali::HttpResponse{200, {}, body});
    try {
        return async ? client.records().get_async("orders", "r1").get() : client.records().get("orders", "r1");
    } catch (const centrali::DecodeError&) {
        return std::nullopt;
    }
}

std::optional<Page<Record>> page_by_sdk(UnitClient& unit, centrali::Client& client, const std::string& body) {
    unit.transport->then(centrali::HttpResponse{200, {}, body});
    try {
        return client.records().query("orders");
    } catch (const centrali::DecodeError&) {
        return std::nullopt;
    }
}

std::string deep(int levels) {
    return std::string(static_cast<std::size_t>(levels), '[') + std::string(static_cast<std::size_t>(levels), ']');
}

const std::string kRecord =
    R"({"id":"0f3c","recordSlug":"orders","workspaceSlug":"acme","status":"active","version":3,)"
    R"("createdAt":"2026-01-02T03:04:05.000Z","updatedAt":"2026-01-02T03:04:06.000Z","createdBy":"user-1",)"
    R"("updatedBy":"user-2","data":{"total":12.5,"tags":["a","b"],"shipping":{"city":"Lisbon"},"paid":true,"note":null}})";

const std::vector<std::string> kSingleBodies = {
    // The usual shape, with and without other envelope members.
    R"({"data":)" + kRecord + "}",
    R"({"success":true,"data":)" + kRecord + R"(,"meta":{"took":3}})",
    // Members the SDK has no field for stay in raw, whatever their type.
    R"({"data":{"id":"r1","brandNew":[1,{"x":2}],"flag":false,"n":-4,"u":18446744073709551615,"f":1.5e3,"s":"x","z":null}})",
    // Nulls leave the defaults.
    R"({"data":{"id":"r1","version":null,"createdBy":null,"data":null}})",
    // data of any JSON type.
    R"({"data":{"id":"r1","data":"just a string"}})",
    R"({"data":{"id":"r1","data":[1,2,3]}})",
    R"({"data":{"id":"r1","data":7}})",
    R"({"data":{}})",
    // Duplicate members: the last one wins, as in a JSON document.
    R"({"data":{"id":"first","id":"second","x":1,"x":{"y":2},"data":{"a":1},"data":{"b":2}}})",
    R"({"data":{"id":"r1"},"data":{"id":"r2"}})",
    R"({"data":{"id":"r1","id":null,"version":3,"version":null,"data":12345678908901234567890,"data":null}})",
    R"({"data":{"id":null,"id":"r1","status":"x","status":5}})",
    R"({"data":{"status":5,"status":"ok","id":"r1"}})",
    // Members of another type than their field's stay in raw either way; an id that is no
    // string is a DecodeError.
    R"({"data":{"id":5}})",
    R"({"data":{"id":{"nested":true}}})",
    R"({"data":{"status":["active"]}})",
    R"({"data":{"version":"3"}})",
    R"({"data":{"version":1.5}})",
    R"({"data":{"version":3.0}})",
    R"({"data":{"version":9223372036854775807}})",
    R"({"data":{"version":9223372036854775808}})",
    R"({"data":{"version":-9223372036854775808}})",
    R"({"data":{"version":1e300}})",
    // Shapes the text reader leaves to the JSON decoder.
    kRecord,                                      // a bare record
    R"({"id":"top","data":{"id":"inner"}})",      // a top-level id: the body is the record
    R"({"data":{"id":"inner"},"id":"top"})",
    R"({"data":"not an object"})",
    R"({"data":[{"id":"r1"}]})",
    R"({"data":null})",
    R"({"other":1})",
    R"([])",
    R"("text")",
    R"(42)",
    R"(null)",
    // Not JSON, cut short, or followed by more text.
    "",
    "<html><body>502 Bad Gateway</body></html>",
    R"({"data":{"id":"r1")",
    R"({"data":{"id":"r1"}} trailing)",
    R"({"data":{"id":"r1"}}{})",
    R"({"data":{"id":"r1\u00e9\ud83d\ude00"}})",
    R"({"data":{"id":"bad \ud800 surrogate"}})",
    // Nesting: up to the limit decodes, past it fails, on both paths.
    R"({"data":{"id":"r1","data":)" + deep(250) + "}}",
    R"({"data":{"id":"r1","data":)" + deep(260) + "}}",
    R"({"data":{"id":"r1","x":)" + deep(254) + "}}",
    R"({"data":{"id":"r1","x":)" + deep(255) + "}}",
    R"({"meta":)" + deep(300) + R"(,"data":{"id":"r1"}})",
};

const std::vector<std::string> kPageBodies = {
    // The ids of other names, and metadata: fields on both paths (null, object, scalar, duplicate).
    R"({"data":[{"id":"a","collectionId":"c1","workspaceId":"w1","metadata":{"source":"import","tags":[1]}},)"
    R"({"id":"b","structureId":"s1","metadata":null},{"id":"c","metadata":5,"metadata":{"k":1}},)"
    R"({"id":"d","collectionId":7}]})",
    // Both names of the collection id: collectionId wins in either order, structureId is the
    // fallback (and stays in raw when it is not used), on both paths.
    R"({"data":[{"id":"a","structureId":"s1","collectionId":"c1"},{"id":"b","collectionId":"c2","structureId":"s2"},)"
    R"({"id":"c","collectionId":null,"structureId":"s3"},{"id":"d","structureId":5,"collectionId":"c4"}]})",
    R"({"data":[)" + kRecord + "," + kRecord + R"(],"meta":{"total":2,"page":1,"pageSize":50}})",
    R"({"data":[],"meta":{"total":0}})",
    R"({"data":[{"id":"a"},{"id":"b","extra":[1]}]})",
    // Nulls go to raw; one record with odd members still decodes; a record without an id fails.
    R"({"data":[{"id":"a","status":null,"updatedBy":null,"version":null,"data":null,"metadata":null},)"
    R"({"id":"b","version":"2","status":5,"createdAt":{"x":1},"data":{"k":1}}]})",
    R"({"data":[{"id":"a","status":null,"status":"x"},{"id":"b","collectionId":"c","structureId":null}]})",
    R"({"data":[{"id":"a","status":"x","status":null}]})",
    R"({"data":[{"id":"a"},{"status":"no id"}]})",
    R"({"data":[{"id":"a"},{"id":null}]})",
    R"({"meta":{"total":1},"data":[{"id":"a"}],"links":{"next":null},"count":1})",
    R"({"data":[{"id":"a"}],"meta":"not an object"})",
    R"({"data":[{"id":"a"}],"meta":{"total":"many"}})",
    R"({"data":[{"id":"a"}],"data":[{"id":"b"}]})",
    R"({"data":[{"id":"a"},5]})",
    R"({"data":[{"id":"a"},[]]})",
    R"({"data":[{"id":7}]})",
    R"({"data":{"id":"a"}})",
    R"([{"id":"a"},{"id":"b"}])",
    R"({"data":[{"id":"a","data":)" + deep(252) + "}]}",
    R"({"data":[{"id":"a","data":)" + deep(253) + "}]}",
    R"({"data":[{"id":"a"}])",
    "",
};

}  // namespace

TEST_CASE("a record read from the text equals the record read through JSON, for every shape", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    for (const bool async : {false, true}) {
        for (const auto& body : kSingleBodies) {
            CAPTURE(async, body.substr(0, 160));
            const auto expected = record_by_json(body);
            const auto got = record_by_sdk(unit, client, body, async);
            REQUIRE(got.has_value() == expected.has_value());
            if (got) check_same(*got, *expected);
        }
    }
}

TEST_CASE("a page of records read from the text equals the page read through JSON", "[unit][records]") {
    UnitClient unit;
    auto client = unit.make();
    for (const auto& body : kPageBodies) {
        CAPTURE(body.substr(0, 160));
        const auto expected = page_by_json(body);
        const auto got = page_by_sdk(unit, client, body);
        REQUIRE(got.has_value() == expected.has_value());
        if (!got) continue;
        REQUIRE(got->items.size() == expected->items.size());
        for (std::size_t i = 0; i < got->items.size(); ++i) check_same(got->items[i], expected->items[i]);
        CHECK(got->meta.total == expected->meta.total);
        CHECK(got->meta.page == expected->meta.page);
        CHECK(got->meta.page_size == expected->meta.page_size);
        CHECK(got->meta.raw == expected->meta.raw);
        CHECK(got->raw == expected->raw);
    }
}

TEST_CASE("the page reader handles the usual shape itself, and gives up on the rest", "[unit][records]") {
    using Reader = centrali::detail::RecordPageReader;
    Page<Record> page;
    CHECK(Reader::read(R"({"data":[)" + kRecord + R"(],"meta":{"total":1}})", page));
    REQUIRE(page.items.size() == 1);
    const Record& record = page.items[0];
    CHECK(record.id == "0f3c");
    CHECK(record.version == 3);
    CHECK(record.data["shipping"]["city"] == "Lisbon");
    CHECK(record.raw == json::object());  // every member has a field
    CHECK(page.meta.total == 1);
    CHECK(page.raw == json{{"data", json::array()}, {"meta", {{"total", 1}}}});

    // Nulls stay on the fast path: they go to raw, where sent_null() finds them.
    Page<Record> nulls;
    CHECK(Reader::read(R"({"data":[{"id":"a","updatedBy":null,"version":null}]})", nulls));
    REQUIRE(nulls.items.size() == 1);
    CHECK(nulls.items[0].raw == json{{"updatedBy", nullptr}, {"version", nullptr}});
    CHECK(nulls.items[0].sent_null("updatedBy"));
    CHECK_FALSE(nulls.items[0].sent_null("createdBy"));

    for (const std::string& body :
         {std::string(R"([{"id":"a"}])"), R"({"data":)" + kRecord + "}", std::string(R"({"data":[{"id":5}]})"),
          std::string(R"({"data":[{"id":"a","version":1.5}]})"),
          std::string(R"({"data":[{"status":"no id"}]})"), std::string(R"({"data":[{"id":"a","status":5}]})"), std::string(R"({"data":[[]]})"), std::string(R"({"meta":{}})"),
          std::string(R"({"data":[],"data":[]})"), std::string("not json")}) {
        Page<Record> ignored;
        CHECK_FALSE(Reader::read(body, ignored));
    }
}

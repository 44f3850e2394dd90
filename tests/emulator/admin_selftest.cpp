// Self-test of the emulator's admin module (admin_routes.hpp), over AdminRoutes directly (no
// HTTP). Prints "N checks, F failures" and exits non-zero when any check fails.
#include "admin_routes.hpp"
#include "selftest_check.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

using centrali_emulator::AdminReply;
using centrali_emulator::AdminRequest;
using centrali_emulator::AdminRoutes;
using centrali_emulator::UploadedPart;
using json = nlohmann::json;

namespace {



#define CHECK_EQ(a, b)                                                              \
  do {                                                                              \
    ++selftest::checks;                                                                     \
    const auto va_ = (a);                                                           \
    const auto vb_ = (b);                                                           \
    if (!(va_ == vb_)) {                                                            \
      ++selftest::failures;                                                                 \
      std::printf("FAIL %s:%d: %s == %s\n", __FILE__, __LINE__, #a, #b);            \
      std::printf("     left:  %s\n     right: %s\n", json(va_).dump().c_str(), json(vb_).dump().c_str()); \
    }                                                                               \
  } while (0)

// ---- records owned by "the main emulator" -----------------------------------------------
std::vector<json> g_records;

json record(const std::string& id, const std::string& slug, json data) {
  return {{"id", id}, {"recordSlug", slug}, {"workspaceSlug", "acme"}, {"status", "active"}, {"data", std::move(data)}};
}

std::vector<json> record_source(const std::string& slug) {
  std::vector<json> out;
  for (const auto& r : g_records)
    if (slug.empty() || r["recordSlug"] == slug) out.push_back(r);
  return out;
}

// ---- requests ---------------------------------------------------------------------------
struct Result {
  bool handled = false;
  int status = 0;
  json body;  // null for an empty body
  std::string raw;
  bool json_ok = true;
};

int g_request_counter = 0;

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

Result send(AdminRoutes& a, const std::string& method, const std::string& service, const std::string& path,
            const std::string& body = "", std::multimap<std::string, std::string> query = {},
            std::vector<UploadedPart> parts = {}, const std::string& principal = "user") {
  AdminRequest rq;
  rq.method = method;
  rq.service = service;
  rq.segments = split(path);
  rq.query = std::move(query);
  rq.body = body;
  rq.parts = std::move(parts);
  rq.principal = principal;
  rq.request_id = "req-" + std::to_string(++g_request_counter);
  rq.workspace = "acme";
  Result r;
  auto reply = a.handle(rq);
  if (!reply) return r;
  r.handled = true;
  r.status = reply->status;
  r.raw = reply->body;
  if (!reply->body.empty()) {
    r.body = json::parse(reply->body, nullptr, false);
    r.json_ok = !r.body.is_discarded();
  }
  if (reply->content_type != "application/json") r.json_ok = false;
  return r;
}

Result data(AdminRoutes& a, const std::string& method, const std::string& path, const json& body = nullptr,
            std::multimap<std::string, std::string> query = {}) {
  return send(a, method, "data", path, body.is_null() ? std::string() : body.dump(), std::move(query));
}

// An error reply has the documented shape.
bool is_error(const Result& r, int status, const std::string& code) {
  if (!r.handled || r.status != status || !r.body.is_object()) return false;
  const json& b = r.body;
  const bool ok = b.contains("error") && b["error"].is_string() && b.contains("message") && b["message"].is_string() &&
                  b.value("code", "") == code && b.contains("requestId") &&
                  b["requestId"] == "req-" + std::to_string(g_request_counter);
  if (!ok) std::printf("     unexpected error reply %d %s\n", r.status, r.raw.substr(0, 300).c_str());
  return ok;
}

bool has_detail(const Result& r, const std::string& field) {
  if (!r.body.is_object() || !r.body.contains("details") || !r.body["details"].is_array()) return false;
  for (const auto& d : r.body["details"])
    if (d.is_object() && d.value("field", "") == field && d.contains("message")) return true;
  return false;
}

// `text` matches `shape`: 'h' a lower-case hex digit, 'd' a decimal digit, 'v' one of 89ab,
// anything else itself.
bool shaped(const json& v, const std::string& shape) {
  if (!v.is_string()) return false;
  const std::string text = v.get<std::string>();
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    switch (shape[i]) {
      case 'h': if (!digit && !(c >= 'a' && c <= 'f')) return false; break;
      case 'd': if (!digit) return false; break;
      case 'v': if (c != '8' && c != '9' && c != 'a' && c != 'b') return false; break;
      default: if (c != shape[i]) return false;
    }
  }
  return true;
}

bool is_uuid(const json& v) { return shaped(v, "hhhhhhhh-hhhh-4hhh-vhhh-hhhhhhhhhhhh"); }
bool is_iso(const json& v) { return shaped(v, "dddd-dd-ddTdd:dd:dd.dddZ"); }

std::vector<long long> totals(const json& rows) {
  std::vector<long long> out;
  for (const auto& r : rows) out.push_back(r["data"].value("total", -1LL));
  return out;
}

// ============================================================================
void test_collections(AdminRoutes& a) {
  const json orders = {
      {"name", "Orders"},
      {"recordSlug", "orders"},
      {"description", "All orders"},
      {"properties",
       {{{"name", "total"}, {"type", "number"}, {"required", true}},
        {{"name", "customer"}, {"type", "reference"}, {"target", "customers"}, {"relationship", "many-to-one"}},
        {{"name", "city"}, {"type", "string"}, {"minLength", 2}, {"isUnique", false}}}},
      {"defaultSearchField", "city"}};
  Result r = data(a, "POST", "structures", orders);
  CHECK_EQ(r.status, 201);
  const json c = r.body["data"];
  CHECK(is_uuid(c["id"]));
  CHECK_EQ(c["workspaceSlug"], "acme");
  CHECK_EQ(c["recordSlug"], "orders");
  CHECK_EQ(c["name"], "Orders");
  CHECK_EQ(c["description"], "All orders");
  CHECK_EQ(c["status"], "active");
  CHECK_EQ(c["schemaDiscoveryMode"], "strict");
  CHECK_EQ(c["enableVersioning"], false);
  CHECK_EQ(c["defaultSearchField"], "city");
  CHECK(is_iso(c["createdAt"]) && is_iso(c["updatedAt"]));
  CHECK_EQ(c["properties"].size(), 3u);
  CHECK_EQ(c["properties"][2]["minLength"], 2);  // other members kept
  CHECK_EQ(c["properties"][1]["target"], "customers");
  const std::string id = c["id"];

  // collections and structures are the same store
  r = data(a, "GET", "collections/" + id);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"], c);
  r = data(a, "GET", "collections");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"].size(), 1u);
  CHECK_EQ(r.body["meta"], json({{"total", 1}, {"page", 1}, {"limit", 50}}));
  r = data(a, "GET", "structures/slug/orders");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["id"], id);
  r = data(a, "GET", "collections/slug/orders");
  CHECK_EQ(r.body["data"]["id"], id);
  r = data(a, "GET", "collections/slug/nope");
  CHECK(is_error(r, 404, "COLLECTION_NOT_FOUND"));
  r = data(a, "GET", "structures/no-such-id");
  CHECK(is_error(r, 404, "COLLECTION_NOT_FOUND"));
  r = data(a, "POST", "collections", {{"name", "Again"}, {"recordSlug", "orders"}});
  CHECK(is_error(r, 409, "COLLECTION_SLUG_TAKEN"));

  // validation of the definition
  r = data(a, "POST", "collections", {{"name", "X"}, {"recordSlug", "Orders"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "recordSlug"));
  r = data(a, "POST", "collections", {{"name", "X"}, {"recordSlug", "a_b"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "recordSlug"));
  r = data(a, "POST", "collections", {{"name", "X"}, {"recordSlug", "a b"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  r = data(a, "POST", "collections", {{"recordSlug", "x"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "name"));
  r = data(a, "POST", "collections", {{"name", "X"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "recordSlug"));
  r = data(a, "POST", "structures",
           {{"name", "X"}, {"recordSlug", "x"}, {"properties", {{{"name", "owner"}, {"type", "reference"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "properties[0].target"));
  r = data(a, "POST", "structures", {{"name", "X"}, {"recordSlug", "x"}, {"properties", {{{"name", "a"}, {"type", "text"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "properties[0].type"));
  r = data(a, "POST", "structures", {{"name", "X"}, {"recordSlug", "x"}, {"properties", {{{"type", "string"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "properties[0].name"));
  r = data(a, "POST", "structures",
           {{"name", "X"}, {"recordSlug", "x"}, {"properties", {{{"name", "a"}, {"type", "string"}, {"required", "yes"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "properties[0].required"));
  r = data(a, "POST", "structures", {{"name", "X"}, {"recordSlug", "x"}, {"properties", "nope"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "properties"));
  r = data(a, "POST", "structures", {{"name", "X"}, {"recordSlug", "x"}, {"schemaDiscoveryMode", "loose"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "schemaDiscoveryMode"));
  r = send(a, "POST", "data", "structures", "{not json");
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "body"));
  r = send(a, "POST", "data", "structures", "[1,2]");
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  r = send(a, "POST", "data", "structures", "{\"name\": 1e400, \"recordSlug\": \"x\"}");
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  r = send(a, "POST", "data", "structures", std::string(200000, '[') + std::string(200000, ']'));
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  r = send(a, "POST", "data", "structures", "{\"name\": 123456789012345678901234567890, \"recordSlug\": \"x\"}");
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "name"));

  r = data(a, "POST", "collections",
           {{"name", "Customers"},
            {"recordSlug", "customers"},
            {"schemaDiscoveryMode", "auto-evolving"},
            {"enableVersioning", true}});
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"]["schemaDiscoveryMode"], "auto-evolving");
  CHECK_EQ(r.body["data"]["enableVersioning"], true);
  CHECK_EQ(r.body["data"]["properties"], json::array());

  // validate: answers without saving
  r = data(a, "POST", "structures/validate", {{"name", "Tmp"}, {"recordSlug", "tmp"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["valid"], true);
  CHECK_EQ(r.body["data"]["errors"], json::array());
  CHECK(is_error(data(a, "GET", "structures/slug/tmp"), 404, "COLLECTION_NOT_FOUND"));
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 2);
  r = data(a, "POST", "collections/validate", {{"name", "Tmp"}, {"recordSlug", "orders"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["valid"], false);
  CHECK_EQ(r.body["data"]["errors"][0]["field"], "recordSlug");
  r = data(a, "POST", "collections/validate",
           {{"name", "Tmp"}, {"recordSlug", "tmp"}, {"properties", {{{"name", "r"}, {"type", "reference"}}}}});
  CHECK_EQ(r.body["data"]["valid"], false);
  CHECK_EQ(r.body["data"]["errors"][0]["field"], "properties[0].target");
  CHECK(is_error(data(a, "GET", "collections/validate"), 405, "METHOD_NOT_ALLOWED"));

  // update
  r = data(a, "PUT", "structures/" + id, {{"name", "Orders v2"}, {"recordSlug", "orders"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["name"], "Orders v2");
  CHECK_EQ(r.body["data"]["properties"].size(), 3u);  // partial
  CHECK_EQ(data(a, "GET", "collections/" + id).body["data"]["name"], "Orders v2");
  r = data(a, "PUT", "structures/" + id, {{"recordSlug", "orders-2"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "recordSlug"));
  r = data(a, "PUT", "structures/" + id, {{"properties", {{{"name", "x"}, {"type", "reference"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  r = data(a, "PUT", "structures/" + id, {{"name", ""}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "PUT", "structures/nope", json::object()), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "PATCH", "structures/" + id, json::object()), 405, "METHOD_NOT_ALLOWED"));

  // soft delete and restore
  r = data(a, "DELETE", "collections/" + id);
  CHECK_EQ(r.status, 204);
  CHECK(r.raw.empty());
  CHECK(is_error(data(a, "GET", "structures/" + id), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "structures/slug/orders"), 404, "COLLECTION_NOT_FOUND"));
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 1);
  CHECK(is_error(data(a, "DELETE", "collections/" + id), 404, "COLLECTION_NOT_FOUND"));
  r = data(a, "POST", "structures/" + id + "/restore");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["status"], "active");
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 2);
  CHECK(is_error(data(a, "POST", "structures/" + id + "/restore"), 409, "COLLECTION_NOT_DELETED"));
  CHECK(is_error(data(a, "POST", "structures/nope/restore"), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "structures/" + id + "/restore"), 405, "METHOD_NOT_ALLOWED"));
  // a deleted collection's slug is free again; restoring the old one then conflicts
  r = data(a, "POST", "collections", {{"name", "Tmp"}, {"recordSlug", "tmp"}});
  const std::string tmp_id = r.body["data"]["id"];
  CHECK_EQ(data(a, "DELETE", "collections/" + tmp_id).status, 204);
  CHECK_EQ(data(a, "POST", "collections", {{"name", "Tmp 2"}, {"recordSlug", "tmp"}}).status, 201);
  CHECK(is_error(data(a, "POST", "collections/" + tmp_id + "/restore"), 409, "COLLECTION_SLUG_TAKEN"));

  // paging
  r = data(a, "GET", "structures", nullptr, {{"limit", "2"}, {"page", "2"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"].size(), 1u);
  CHECK_EQ(r.body["meta"], json({{"total", 3}, {"page", 2}, {"limit", 2}}));
  r = data(a, "GET", "structures", nullptr, {{"limit", "500"}, {"page", "99999"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"].size(), 0u);
  for (const char* bad : {"0", "abc", "501", "-1", "1.5", "", "99999999999999999999999"}) {
    CHECK(is_error(data(a, "GET", "structures", nullptr, {{"limit", bad}}), 400, "VALIDATION_ERROR"));
  }
  CHECK(is_error(data(a, "GET", "structures", nullptr, {{"page", "0"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "GET", "collections", nullptr, {{"page", "x"}}), 400, "VALIDATION_ERROR"));
}

// ============================================================================
void test_smart_queries(AdminRoutes& a) {
  json def = {{"where", {{"data.total", {{"$gt", "{{min}}"}}}}}, {"sort", {{{"field", "data.total"}, {"direction", "desc"}}}}};
  Result r = data(a, "POST", "smart-queries/slug/orders", {{"name", "big"}, {"description", "big ones"}, {"query", def}});
  CHECK_EQ(r.status, 201);
  const json q = r.body["data"];
  CHECK(is_uuid(q["id"]));
  CHECK_EQ(q["name"], "big");
  CHECK_EQ(q["description"], "big ones");
  CHECK_EQ(q["recordSlug"], "orders");
  CHECK_EQ(q["query"], def);
  CHECK(is_iso(q["createdAt"]) && is_iso(q["updatedAt"]));
  const std::string id = q["id"];
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders", {{"name", "big"}, {"query", json::object()}}), 409,
                 "SMART_QUERY_NAME_TAKEN"));
  r = data(a, "POST", "smart-queries/slug/customers", {{"name", "big"}, {"query", json::object()}});
  CHECK_EQ(r.status, 201);
  const std::string other_id = r.body["data"]["id"];
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders", {{"name", "x"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders", {{"name", "x"}, {"query", "where"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders", {{"query", json::object()}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders", {{"name", 7}, {"query", json::object()}}), 400,
                 "VALIDATION_ERROR"));

  r = data(a, "GET", "smart-queries");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 2);
  r = data(a, "GET", "smart-queries/slug/orders");
  CHECK_EQ(r.body["data"].size(), 1u);
  CHECK_EQ(r.body["data"][0]["id"], id);
  CHECK_EQ(data(a, "GET", "smart-queries/slug/orders/" + id).body["data"], q);
  CHECK(is_error(data(a, "GET", "smart-queries/slug/customers/" + id), 404, "SMART_QUERY_NOT_FOUND"));
  r = data(a, "PUT", "smart-queries/slug/orders/" + id, {{"description", "the big ones"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["description"], "the big ones");
  CHECK_EQ(r.body["data"]["query"], def);
  CHECK(is_error(data(a, "PUT", "smart-queries/slug/orders/" + id, {{"query", 3}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "PUT", "smart-queries/slug/orders/nope", json::object()), 404, "SMART_QUERY_NOT_FOUND"));
  CHECK_EQ(data(a, "POST", "smart-queries/slug/orders", {{"name", "other"}, {"query", json::object()}}).status, 201);
  CHECK(is_error(data(a, "PUT", "smart-queries/slug/orders/" + id, {{"name", "other"}}), 409, "SMART_QUERY_NAME_TAKEN"));

  // execute with a variable (a whole-string "{{min}}" keeps the number type)
  r = data(a, "POST", "smart-queries/slug/orders/execute/" + id, {{"variables", {{"min", 11}}}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(totals(r.body["data"]), (std::vector<long long>{1000, 12}));
  CHECK_EQ(r.body["meta"]["total"], 2);
  CHECK_EQ(r.body["data"][0]["recordSlug"], "orders");
  r = data(a, "POST", "smart-queries/slug/orders/execute/" + id, json::object());
  CHECK(is_error(r, 400, "MISSING_VARIABLE") && has_detail(r, "variables.min"));
  r = send(a, "POST", "data", "smart-queries/slug/orders/execute/" + id, "");  // no body at all
  CHECK(is_error(r, 400, "MISSING_VARIABLE"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders/execute/" + id, {{"variables", 5}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders/execute/nope", json::object()), 404, "SMART_QUERY_NOT_FOUND"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/customers/execute/" + id, json::object()), 404,
                 "SMART_QUERY_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "smart-queries/slug/orders/execute/" + id), 405, "METHOD_NOT_ALLOWED"));
  r = data(a, "POST", "smart-queries/slug/customers/execute/" + other_id, json::object());  // empty query: all
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 3);

  // test: each operator
  auto run = [&](const json& query, const json& variables = json::object()) {
    return data(a, "POST", "smart-queries/slug/orders/test", {{"query", query}, {"variables", variables}});
  };
  auto sorted = [](json where) {
    return json{{"where", std::move(where)}, {"sort", {{{"field", "data.total"}, {"direction", "asc"}}}}};
  };
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$eq", 10}}}})).body["data"]), (std::vector<long long>{10, 10}));
  CHECK_EQ(totals(run(sorted({{"data.total", 12}})).body["data"]), (std::vector<long long>{12}));  // bare value
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$ne", 10}}}})).body["data"]), (std::vector<long long>{11, 11, 12, 1000}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$gt", 11}}}})).body["data"]), (std::vector<long long>{12, 1000}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$gte", 11}}}})).body["data"]), (std::vector<long long>{11, 11, 12, 1000}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$lt", 11}}}})).body["data"]), (std::vector<long long>{10, 10}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$lte", 11}}}})).body["data"]), (std::vector<long long>{10, 10, 11, 11}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$gte", 11}, {"$lt", 1000}}}})).body["data"]),
           (std::vector<long long>{11, 11, 12}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$in", {12, 1000, 5}}}}})).body["data"]), (std::vector<long long>{12, 1000}));
  CHECK_EQ(totals(run(sorted({{"data.city", {{"$contains", "lyo"}}}})).body["data"]), (std::vector<long long>{12}));
  CHECK_EQ(totals(run(sorted({{"data.tags", {{"$contains", "vip"}}}})).body["data"]), (std::vector<long long>{10, 1000}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$gt", 10.5}}}})).body["data"]), (std::vector<long long>{11, 11, 12, 1000}));
  CHECK_EQ(totals(run(sorted({{"status", "active"}})).body["data"]).size(), 6u);   // a top-level member
  CHECK_EQ(totals(run(sorted({{"total", {{"$gt", 100}}}})).body["data"]), (std::vector<long long>{1000}));  // data.*
  CHECK_EQ(totals(run(sorted({{"data.city", {{"$gt", "M"}}}})).body["data"]), (std::vector<long long>{10, 10, 11}));
  CHECK_EQ(totals(run(sorted({{"data.customer.name", "Bob"}})).body["data"]), (std::vector<long long>{11}));
  CHECK_EQ(totals(run(sorted({{"$or", {{{"data.total", 12}}, {{"data.total", 1000}}}}})).body["data"]),
           (std::vector<long long>{12, 1000}));
  // variables: whole string, embedded, nested in arrays
  CHECK_EQ(totals(run(sorted({{"data.city", "{{c}}s"}}), {{"c", "Paris"}}).body["data"]), (std::vector<long long>{11}));
  CHECK_EQ(totals(run(sorted({{"data.total", {{"$in", {"{{a}}", "{{ b }}"}}}}}), {{"a", 10}, {"b", 12}}).body["data"]),
           (std::vector<long long>{10, 10, 12}));
  CHECK_EQ(totals(run(sorted({{"data.city", "{{c}}"}}), {{"c", "Lyon"}}).body["data"]), (std::vector<long long>{12}));
  r = run(sorted({{"data.city", "x{{nope}}"}}));
  CHECK(is_error(r, 400, "MISSING_VARIABLE") && has_detail(r, "variables.nope"));
  // sort, skip, limit, select
  r = run({{"sort", {{{"field", "data.total"}, {"direction", "desc"}}, {{"field", "id"}, {"direction", "asc"}}}},
           {"skip", 1},
           {"limit", 2}});
  CHECK_EQ(totals(r.body["data"]), (std::vector<long long>{12, 11}));
  CHECK_EQ(r.body["data"][1]["id"], "o2");
  CHECK_EQ(r.body["meta"]["total"], 6);
  r = run({{"sort", {{"field", "data.city"}}}, {"limit", "{{n}}"}}, {{"n", 3}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"].size(), 3u);
  CHECK_EQ(r.body["data"][0]["data"]["city"], "Berlin");
  r = run({{"where", {{"data.total", 1000}}}, {"select", {"data.total", "status", "data.customer.name"}}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"][0],
           json({{"id", "o6"}, {"recordSlug", "orders"}, {"status", "active"},
                 {"data", {{"total", 1000}, {"customer", {{"name", "Eve"}}}}}}));
  r = run({{"where", {{"data.total", 1000}}}, {"select", {"city"}}});
  CHECK_EQ(r.body["data"][0], json({{"id", "o6"}, {"recordSlug", "orders"}, {"data", {{"city", "Berlin"}}}}));
  // bad definitions
  CHECK(is_error(run({{"where", {{"data.total", {{"$in", 5}}}}}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"where", {{"data.total", {{"$near", 5}}}}}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"where", "x"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"limit", 0}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"limit", "x"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"limit", 1e300}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"skip", -1}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"sort", {{{"field", "x"}, {"direction", "up"}}}}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"sort", 5}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(run({{"select", "data.total"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "smart-queries/slug/orders/test", {{"variables", json::object()}}), 400,
                 "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "GET", "smart-queries/slug/orders/test"), 405, "METHOD_NOT_ALLOWED"));
  CHECK_EQ(data(a, "GET", "smart-queries").body["meta"]["total"], 3);  // test saved nothing
  // delete
  CHECK_EQ(data(a, "DELETE", "smart-queries/slug/orders/" + id).status, 204);
  CHECK(is_error(data(a, "GET", "smart-queries/slug/orders/" + id), 404, "SMART_QUERY_NOT_FOUND"));
  CHECK(is_error(data(a, "DELETE", "smart-queries/slug/orders/" + id), 404, "SMART_QUERY_NOT_FOUND"));
  CHECK(is_error(data(a, "POST", "smart-queries"), 405, "METHOD_NOT_ALLOWED"));
  CHECK(is_error(data(a, "PATCH", "smart-queries/slug/orders"), 405, "METHOD_NOT_ALLOWED"));
}

// ============================================================================
void test_validation(AdminRoutes& a) {
  Result r = data(a, "POST", "validation/scan", {{"recordSlug", "orders"}});
  CHECK_EQ(r.status, 202);
  CHECK_EQ(r.body["data"]["id"], "scan-1");
  CHECK_EQ(r.body["data"]["jobId"], "scan-1");
  CHECK_EQ(r.body["data"]["status"], "queued");
  r = data(a, "GET", "validation/suggestions", nullptr, {{"recordSlug", "orders"}, {"issueType", "typo"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 2);
  json typo;
  for (const auto& s : r.body["data"])
    if (s["field"] == "city") typo = s;
  CHECK(is_uuid(typo["id"]));
  CHECK_EQ(typo["recordSlug"], "orders");
  CHECK_EQ(typo["recordId"], "o4");
  CHECK_EQ(typo["issueType"], "typo");
  CHECK_EQ(typo["status"], "pending");
  CHECK_EQ(typo["currentValue"], "Pariss");
  CHECK_EQ(typo["suggestedValue"], "Paris");
  CHECK(typo["confidence"].is_number() && typo["confidence"].get<double>() > 0 && typo["confidence"].get<double>() <= 1);
  CHECK(typo["reason"].is_string());
  CHECK(is_iso(typo["createdAt"]));
  bool nested = false;
  for (const auto& s : r.body["data"])
    if (s["field"] == "customer.name" && s["currentValue"] == "Bobb" && s["suggestedValue"] == "Bob") nested = true;
  CHECK(nested);
  // a second scan does not duplicate pending suggestions
  r = data(a, "POST", "validation/scan", {{"recordSlug", "orders"}});
  CHECK_EQ(r.body["data"]["id"], "scan-2");
  CHECK_EQ(data(a, "GET", "validation/suggestions", nullptr, {{"recordSlug", "orders"}}).body["meta"]["total"], 2);
  CHECK(is_error(data(a, "POST", "validation/scan", json::object()), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "validation/scan", {{"recordSlug", 5}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "GET", "validation/scan"), 405, "METHOD_NOT_ALLOWED"));

  const std::string id = typo["id"];
  CHECK_EQ(data(a, "GET", "validation/suggestions/" + id).body["data"], typo);
  r = data(a, "POST", "validation/suggestions/" + id + "/accept");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["status"], "accepted");
  CHECK(is_error(data(a, "POST", "validation/suggestions/" + id + "/accept"), 409, "SUGGESTION_NOT_PENDING"));
  CHECK(is_error(data(a, "POST", "validation/suggestions/" + id + "/reject"), 409, "SUGGESTION_NOT_PENDING"));
  CHECK(is_error(data(a, "POST", "validation/suggestions/nope/accept"), 404, "SUGGESTION_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "validation/suggestions/nope"), 404, "SUGGESTION_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "validation/suggestions/" + id + "/accept"), 405, "METHOD_NOT_ALLOWED"));
  CHECK(is_error(data(a, "POST", "validation/suggestions"), 405, "METHOD_NOT_ALLOWED"));

  a.add_suggestion({{"id", "sug-seeded"},
                    {"recordSlug", "customers"},
                    {"recordId", "c1"},
                    {"field", "email"},
                    {"issueType", "format"},
                    {"currentValue", "ann(at)example.com"},
                    {"suggestedValue", "ann@example.com"},
                    {"confidence", 0.95},
                    {"reason", "not an email address"}});
  a.add_suggestion("not an object");  // ignored
  r = data(a, "GET", "validation/suggestions/sug-seeded");
  CHECK_EQ(r.body["data"]["status"], "pending");
  CHECK(is_iso(r.body["data"]["createdAt"]));
  r = data(a, "POST", "validation/suggestions/sug-seeded/reject");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["status"], "rejected");
  CHECK_EQ(data(a, "GET", "validation/suggestions", nullptr, {{"status", "accepted"}}).body["meta"]["total"], 1);
  CHECK_EQ(data(a, "GET", "validation/suggestions", nullptr, {{"status", "rejected"}}).body["meta"]["total"], 1);
  CHECK_EQ(data(a, "GET", "validation/suggestions", nullptr, {{"issueType", "format"}}).body["meta"]["total"], 1);
  CHECK_EQ(data(a, "GET", "validation/suggestions").body["meta"]["total"], 3);
  r = data(a, "GET", "validation/suggestions", nullptr, {{"limit", "2"}, {"page", "2"}});
  CHECK_EQ(r.body["data"].size(), 1u);
  CHECK(is_error(data(a, "GET", "validation/suggestions", nullptr, {{"limit", "0"}}), 400, "VALIDATION_ERROR"));
}

// ============================================================================
void test_insights(AdminRoutes& a) {
  Result r = data(a, "POST", "anomaly-insights/analyze", {{"recordSlug", "orders"}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"].size(), 1u);
  const json found = r.body["data"][0];
  CHECK(is_uuid(found["id"]));
  CHECK_EQ(found["recordSlug"], "orders");
  CHECK_EQ(found["type"], "statistical_outlier");
  CHECK_EQ(found["severity"], "warning");
  CHECK_EQ(found["status"], "open");
  CHECK(found["title"].is_string() && found["description"].is_string());
  CHECK_EQ(found["details"]["field"], "total");
  CHECK_EQ(found["details"]["recordId"], "o6");
  CHECK_EQ(found["details"]["value"], 1000);
  CHECK(found["details"]["mean"].is_number() && found["details"]["stddev"].is_number());
  CHECK(is_iso(found["detectedAt"]));
  const std::string id = found["id"];
  // analysing again finds the same (open) insight instead of a duplicate
  r = data(a, "POST", "anomaly-insights/analyze", {{"recordSlug", "orders"}});
  CHECK_EQ(r.body["data"].size(), 1u);
  CHECK_EQ(r.body["data"][0]["id"], id);
  r = data(a, "POST", "anomaly-insights/analyze", {{"recordSlug", "customers"}});  // 3 records: too few
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"], json::array());
  CHECK(is_error(data(a, "POST", "anomaly-insights/analyze", json::object()), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "GET", "anomaly-insights/analyze"), 405, "METHOD_NOT_ALLOWED"));
  CHECK(is_error(data(a, "POST", "anomaly-insights/summary"), 405, "METHOD_NOT_ALLOWED"));

  a.add_insight({{"recordSlug", "orders"}, {"type", "volume_spike"}, {"severity", "critical"}, {"title", "Spike"}});
  a.add_insight(json::array());  // ignored
  r = data(a, "GET", "anomaly-insights");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 2);
  std::string seeded_id;
  for (const auto& i : r.body["data"])
    if (i["type"] == "volume_spike") seeded_id = i["id"];
  CHECK(is_uuid(seeded_id));
  CHECK_EQ(data(a, "GET", "anomaly-insights", nullptr, {{"severity", "critical"}}).body["meta"]["total"], 1);
  CHECK_EQ(data(a, "GET", "anomaly-insights", nullptr, {{"type", "statistical_outlier"}}).body["meta"]["total"], 1);
  CHECK_EQ(data(a, "GET", "anomaly-insights", nullptr, {{"recordSlug", "customers"}}).body["meta"]["total"], 0);
  CHECK_EQ(data(a, "GET", "anomaly-insights", nullptr, {{"status", "open"}}).body["meta"]["total"], 2);
  r = data(a, "GET", "anomaly-insights/summary");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["total"], 2);
  CHECK_EQ(r.body["data"]["bySeverity"], json({{"critical", 1}, {"warning", 1}}));
  CHECK_EQ(r.body["data"]["byType"], json({{"statistical_outlier", 1}, {"volume_spike", 1}}));
  CHECK_EQ(data(a, "GET", "anomaly-insights/summary", nullptr, {{"recordSlug", "none"}}).body["data"]["total"], 0);
  CHECK_EQ(data(a, "GET", "anomaly-insights/" + id).body["data"], found);
  CHECK(is_error(data(a, "GET", "anomaly-insights/nope"), 404, "INSIGHT_NOT_FOUND"));
  r = data(a, "POST", "anomaly-insights/" + id + "/acknowledge");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["status"], "acknowledged");
  r = data(a, "POST", "anomaly-insights/" + id + "/dismiss");
  CHECK_EQ(r.body["data"]["status"], "dismissed");
  CHECK(is_error(data(a, "POST", "anomaly-insights/" + id + "/acknowledge"), 409, "INSIGHT_DISMISSED"));
  CHECK(is_error(data(a, "POST", "anomaly-insights/nope/dismiss"), 404, "INSIGHT_NOT_FOUND"));
  CHECK(is_error(data(a, "DELETE", "anomaly-insights/" + id), 405, "METHOD_NOT_ALLOWED"));
  CHECK_EQ(data(a, "GET", "anomaly-insights", nullptr, {{"status", "dismissed"}}).body["meta"]["total"], 1);
  // once dismissed, a new analysis reports the outlier again as a new open insight
  r = data(a, "POST", "anomaly-insights/analyze", {{"recordSlug", "orders"}});
  CHECK(r.body["data"].size() == 1u && r.body["data"][0]["id"] != id);
}

// ============================================================================
// Bulk create, bulk delete and bulk delete of properties, on a fresh store of their own.
void test_collection_bulk() {
  AdminRoutes a(record_source);
  auto definition = [](const std::string& slug) {
    return json{{"name", "N " + slug},
                {"recordSlug", slug},
                {"defaultSearchField", "b"},
                {"properties", {{{"name", "a"}, {"type", "string"}}, {{"name", "b"}, {"type", "number"}},
                                {{"name", "c"}, {"type", "boolean"}}}}};
  };
  Result r = data(a, "POST", "structures/bulk", {{"structures", {definition("s1"), definition("s2")}}});
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"].size(), 2u);
  CHECK_EQ(r.body["data"][1]["recordSlug"], "s2");
  CHECK(is_uuid(r.body["data"][0]["id"]));
  CHECK_EQ(r.body["data"][0]["status"], "active");
  const std::string s1 = r.body["data"][0]["id"], s2 = r.body["data"][1]["id"];
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 2);
  // the collections route set takes its own name as the body's member
  r = data(a, "POST", "collections/bulk", {{"collections", {definition("c1")}}});
  CHECK_EQ(r.status, 201);
  const std::string c1 = r.body["data"][0]["id"];
  CHECK(is_error(data(a, "POST", "collections/bulk", {{"structures", {definition("c2")}}}), 400, "VALIDATION_ERROR"));
  // all or none: a bad definition, a duplicate slug in the batch, or a taken slug creates nothing
  r = data(a, "POST", "structures/bulk", {{"structures", {definition("ok-1"), {{"name", "x"}}}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  CHECK(has_detail(r, "structures[1].recordSlug"));
  r = data(a, "POST", "structures/bulk", {{"structures", {definition("ok-1"), definition("ok-1")}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  CHECK(has_detail(r, "structures[1].recordSlug"));
  CHECK(is_error(data(a, "POST", "structures/bulk", {{"structures", {definition("ok-1"), definition("s1")}}}), 409,
                 "COLLECTION_SLUG_TAKEN"));
  CHECK(is_error(data(a, "POST", "structures/bulk", {{"structures", json::array()}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "POST", "structures/bulk", {{"structures", {"x"}}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "POST", "data", "structures/bulk", "{nope"), 400, "VALIDATION_ERROR"));
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 3);
  CHECK(is_error(data(a, "GET", "structures/bulk"), 405, "METHOD_NOT_ALLOWED"));

  // bulk delete of properties: the others stay; an unknown name removes nothing
  r = data(a, "DELETE", "structures/" + s1 + "/properties", {{"propertyNames", {"a", "b"}}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["properties"], json({{{"name", "c"}, {"type", "boolean"}}}));
  CHECK(r.body["data"]["defaultSearchField"].is_null());  // it named a removed property
  r = data(a, "DELETE", "structures/" + s2 + "/properties", {{"propertyNames", {"a", "zz"}}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR"));
  CHECK(has_detail(r, "propertyNames[1]"));
  CHECK_EQ(data(a, "GET", "structures/" + s2).body["data"]["properties"].size(), 3u);
  CHECK(is_error(data(a, "DELETE", "structures/" + s2 + "/properties", {{"propertyNames", json::array()}}), 400,
                 "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "DELETE", "structures/" + s2 + "/properties", {{"propertyNames", {""}}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "DELETE", "structures/" + s2 + "/properties", json::object()), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "DELETE", "structures/nope/properties", {{"propertyNames", {"a"}}}), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "structures/" + s2 + "/properties"), 405, "METHOD_NOT_ALLOWED"));

  // bulk delete: all or none; deleted ones can be restored one by one
  CHECK(is_error(data(a, "DELETE", "structures/bulk", {{"ids", {s1, "nope"}}}), 404, "COLLECTION_NOT_FOUND"));
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 3);
  CHECK(is_error(data(a, "DELETE", "structures/bulk", {{"ids", json::array()}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "DELETE", "structures/bulk", {{"ids", {1}}}), 400, "VALIDATION_ERROR"));
  r = data(a, "DELETE", "structures/bulk", {{"ids", {s1, c1}}});
  CHECK_EQ(r.status, 204);
  CHECK_EQ(data(a, "GET", "structures").body["meta"]["total"], 1);
  CHECK(is_error(data(a, "GET", "structures/" + s1), 404, "COLLECTION_NOT_FOUND"));
  CHECK_EQ(data(a, "POST", "structures/" + s1 + "/restore").status, 200);
  CHECK(is_error(data(a, "DELETE", "structures/bulk", {{"ids", {c1}}}), 404, "COLLECTION_NOT_FOUND"));  // already gone
}

// Per-collection settings of AI validation and anomaly insights, on a fresh store.
void test_collection_settings() {
  AdminRoutes a(record_source);
  CHECK_EQ(data(a, "POST", "structures", {{"name", "Orders"}, {"recordSlug", "orders"}}).status, 201);

  Result r = data(a, "GET", "validation/config/orders");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["recordSlug"], "orders");
  CHECK_EQ(r.body["data"]["enabled"], false);
  CHECK_EQ(r.body["data"]["mode"], "advisory");
  CHECK_EQ(r.body["data"]["confidenceThreshold"], 90);
  CHECK_EQ(r.body["data"]["issueTypes"], json({"format", "typo", "duplicate", "semantic"}));
  r = data(a, "PUT", "validation/config/orders", {{"enabled", true}, {"mode", "auto-correct"}, {"confidenceThreshold", 85}});
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"]["enabled"], true);
  CHECK_EQ(r.body["data"]["mode"], "auto-correct");
  CHECK_EQ(r.body["data"]["confidenceThreshold"], 85);
  CHECK_EQ(r.body["data"]["issueTypes"].size(), 4u);  // kept: not sent
  CHECK(is_iso(r.body["data"]["updatedAt"]));
  r = data(a, "PUT", "validation/config/orders", {{"issueTypes", {"typo"}}, {"recordSlug", "other"}});
  CHECK_EQ(r.body["data"]["issueTypes"], json({"typo"}));
  CHECK_EQ(r.body["data"]["recordSlug"], "orders");  // not changeable
  CHECK_EQ(data(a, "GET", "validation/config/orders").body["data"], r.body["data"]);
  for (const json& bad : {json{{"confidenceThreshold", 69}}, json{{"confidenceThreshold", 100.5}},
                          json{{"confidenceThreshold", "90"}}, json{{"mode", "strict"}}, json{{"enabled", "yes"}},
                          json{{"issueTypes", json::array()}}, json{{"issueTypes", {"spelling"}}}}) {
    r = data(a, "PUT", "validation/config/orders", bad);
    CHECK(is_error(r, 400, "VALIDATION_ERROR"));
    CHECK(has_detail(r, bad.begin().key()));
  }
  CHECK_EQ(data(a, "GET", "validation/config/orders").body["data"]["issueTypes"], json({"typo"}));  // unchanged
  CHECK(is_error(data(a, "GET", "validation/config/nope"), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "PUT", "validation/config/nope", {{"enabled", true}}), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "POST", "validation/config/orders"), 405, "METHOD_NOT_ALLOWED"));

  r = data(a, "GET", "anomaly-insights/config/orders");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["data"], json({{"recordSlug", "orders"}, {"schedule", "daily"}, {"sensitivity", "medium"}, {"updatedAt", nullptr}}));
  r = data(a, "PUT", "anomaly-insights/config/orders", {{"schedule", "on-demand"}});
  CHECK_EQ(r.body["data"]["schedule"], "on-demand");
  CHECK_EQ(r.body["data"]["sensitivity"], "medium");
  r = data(a, "PUT", "anomaly-insights/config/orders", {{"sensitivity", "high"}, {"schedule", "hourly"}});
  CHECK_EQ(r.body["data"]["schedule"], "hourly");
  CHECK_EQ(r.body["data"]["sensitivity"], "high");
  CHECK(is_iso(r.body["data"]["updatedAt"]));
  CHECK(is_error(data(a, "PUT", "anomaly-insights/config/orders", {{"schedule", "monthly"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(data(a, "PUT", "anomaly-insights/config/orders", {{"sensitivity", 3}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "PUT", "data", "anomaly-insights/config/orders", "[1]"), 400, "VALIDATION_ERROR"));
  CHECK_EQ(data(a, "GET", "anomaly-insights/config/orders").body["data"]["schedule"], "hourly");
  CHECK(is_error(data(a, "GET", "anomaly-insights/config/nope"), 404, "COLLECTION_NOT_FOUND"));
  CHECK(is_error(data(a, "DELETE", "anomaly-insights/config/orders"), 405, "METHOD_NOT_ALLOWED"));
  // a deleted collection has no settings to read
  const std::string id = data(a, "GET", "structures/slug/orders").body["data"]["id"];
  CHECK_EQ(data(a, "DELETE", "structures/" + id).status, 204);
  CHECK(is_error(data(a, "GET", "validation/config/orders"), 404, "COLLECTION_NOT_FOUND"));
}

// ============================================================================
void test_domains(AdminRoutes& a) {
  Result r = send(a, "POST", "data", "allowed-domains", json({{"domain", "api.stripe.com"}}).dump(), {}, {},
                  "service-account");
  CHECK_EQ(r.status, 201);
  CHECK(is_uuid(r.body["data"]["id"]));
  CHECK_EQ(r.body["data"]["domain"], "api.stripe.com");
  CHECK_EQ(r.body["data"]["createdBy"], "service-account");
  CHECK(is_iso(r.body["data"]["createdAt"]));
  const std::string id = r.body["data"]["id"];
  CHECK(is_error(data(a, "POST", "allowed-domains", {{"domain", "API.Stripe.com"}}), 409, "DOMAIN_EXISTS"));
  for (const json& bad : {json("https://x.com"), json("x.com/path"), json(""), json("-bad.com"), json("a..b"),
                          json("x.com:443"), json("*.x.com"), json("a b.com"), json(5), json(nullptr),
                          json(std::string(300, 'a'))}) {
    r = data(a, "POST", "allowed-domains", {{"domain", bad}});
    CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "domain"));
  }
  CHECK_EQ(data(a, "POST", "allowed-domains", {{"domain", "localhost"}}).status, 201);
  r = data(a, "GET", "allowed-domains");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 2);
  CHECK_EQ(r.body["data"][0]["domain"], "api.stripe.com");
  CHECK_EQ(data(a, "DELETE", "allowed-domains/" + id).status, 204);
  CHECK(is_error(data(a, "DELETE", "allowed-domains/" + id), 404, "DOMAIN_NOT_FOUND"));
  CHECK(is_error(data(a, "GET", "allowed-domains/" + id), 405, "METHOD_NOT_ALLOWED"));
  CHECK(is_error(data(a, "DELETE", "allowed-domains"), 405, "METHOD_NOT_ALLOWED"));
  CHECK_EQ(data(a, "GET", "allowed-domains").body["meta"]["total"], 1);
}

// ============================================================================
void test_search(AdminRoutes& a) {
  Result r = send(a, "GET", "search", "search", "", {{"q", "PARI"}});
  CHECK_EQ(r.status, 200);
  const json& d = r.body["data"];
  CHECK_EQ(d["totalHits"], 3);  // o1 Paris, o4 Pariss, c2 "Paris office"
  CHECK_EQ(d["hits"].size(), 3u);
  CHECK(d["processingTimeMs"].is_number_integer());
  json o1;
  for (const auto& h : d["hits"])
    if (h["id"] == "o1") o1 = h;
  CHECK_EQ(o1["recordSlug"], "orders");
  CHECK_EQ(o1["document"]["city"], "Paris");
  CHECK_EQ(o1["_formatted"]["city"], "<em>Pari</em>s");
  CHECK_EQ(o1["_formatted"]["total"], 10);
  r = send(a, "GET", "search", "search", "", {{"q", "paris"}, {"structures", "customers"}});
  CHECK_EQ(r.body["data"]["totalHits"], 1);
  CHECK_EQ(r.body["data"]["hits"][0]["_formatted"]["note"], "<em>Paris</em> office, near <em>paris</em> gare");
  r = send(a, "GET", "search", "search", "", {{"q", "o"}, {"structures", "orders, customers"}});
  const long long all = r.body["data"]["totalHits"];
  CHECK(all >= 4);
  r = send(a, "GET", "search", "search", "", {{"q", "o"}, {"limit", "2"}, {"offset", "1"}});
  CHECK_EQ(r.body["data"]["totalHits"], all);
  CHECK_EQ(r.body["data"]["hits"].size(), 2u);
  r = send(a, "GET", "search", "search", "", {{"q", "bob"}});  // nested string values
  CHECK_EQ(r.body["data"]["totalHits"], 2);
  r = send(a, "GET", "search", "search", "", {{"q", "zzz"}});
  CHECK_EQ(r.body["data"]["totalHits"], 0);
  CHECK_EQ(r.body["data"]["hits"], json::array());
  CHECK(is_error(send(a, "GET", "search", "search"), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "GET", "search", "search", "", {{"q", ""}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "GET", "search", "search", "", {{"q", "x"}, {"limit", "0"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "GET", "search", "search", "", {{"q", "x"}, {"offset", "-3"}}), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "POST", "search", "search"), 405, "METHOD_NOT_ALLOWED"));
  CHECK(!send(a, "GET", "data", "search", "", {{"q", "x"}}).handled);
}

// ============================================================================
void test_storage(AdminRoutes& a) {
  std::string big(50u * 1024u * 1024u, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131u + 7u) & 0xFF);
  Result r = send(a, "POST", "storage", "upload", "", {},
                  {{"file", "big.bin", "application/x-test", big},
                   {"location", "", "", "/root/shared/docs"},
                   {"isPublic", "", "", "true"}});
  CHECK_EQ(r.status, 201);
  const json f = r.body["data"];
  CHECK(is_uuid(f["id"]));
  CHECK(f["renderId"].get<std::string>().rfind("rnd_", 0) == 0 &&
        shaped(f["renderId"].get<std::string>().substr(4), "hhhhhhhhhhhhhhhhhhhhhhhh"));
  CHECK_EQ(f["url"], "https://storage.centrali.local/render/" + f["renderId"].get<std::string>());
  CHECK_EQ(f["path"], "/root/shared/docs/big.bin");
  CHECK_EQ(f["name"], "big.bin");
  CHECK_EQ(f["size"], 52428800);
  CHECK_EQ(f["contentType"], "application/x-test");
  CHECK_EQ(f["isPublic"], true);
  CHECK(is_iso(f["createdAt"]));
  CHECK_EQ(a.upload_count(), 1u);
  auto bytes = a.uploaded_bytes(f["id"]);
  CHECK(bytes.has_value() && *bytes == big);
  CHECK(!a.uploaded_bytes("nope").has_value());
  big.clear();
  big.shrink_to_fit();

  r = send(a, "POST", "storage", "upload", "", {}, {{"file", "a.txt", "", "hello"}});
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"]["path"], "/root/shared/a.txt");
  CHECK_EQ(r.body["data"]["contentType"], "application/octet-stream");
  CHECK_EQ(r.body["data"]["isPublic"], false);
  CHECK_EQ(r.body["data"]["size"], 5);
  CHECK_EQ(a.uploaded_bytes(r.body["data"]["id"]).value_or(""), "hello");
  CHECK_EQ(a.upload_count(), 2u);
  r = send(a, "POST", "storage", "upload", "", {}, {{"file", "", "", ""}, {"location", "", "", "/root"}});
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"]["size"], 0);
  CHECK_EQ(r.body["data"]["path"], "/root/upload.bin");

  r = send(a, "POST", "storage", "upload", "", {}, {{"location", "", "", "/root/shared"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "file"));
  for (const char* bad : {"/etc", "root/shared", "/root/../etc", "/rootx", "/root//a", "", "/root/a/./b"}) {
    r = send(a, "POST", "storage", "upload", "", {}, {{"file", "x", "", "x"}, {"location", "", "", bad}});
    CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "location"));
  }
  r = send(a, "POST", "storage", "upload", "", {}, {{"file", "x", "", "x"}, {"isPublic", "", "", "yes"}});
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "isPublic"));
  CHECK(is_error(send(a, "GET", "storage", "upload"), 405, "METHOD_NOT_ALLOWED"));
  CHECK_EQ(a.upload_count(), 3u);

  // folders
  r = send(a, "GET", "storage", "folders");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body["meta"]["total"], 2);
  CHECK_EQ(r.body["data"][0]["path"], "/root");
  CHECK_EQ(r.body["data"][1]["path"], "/root/shared");
  CHECK_EQ(r.body["data"][1]["parentPath"], "/root");
  r = send(a, "POST", "storage", "folders", json({{"name", "reports"}}).dump());
  CHECK_EQ(r.status, 201);
  const json reports = r.body["data"];
  CHECK(is_uuid(reports["id"]));
  CHECK_EQ(reports["name"], "reports");
  CHECK_EQ(reports["path"], "/root/shared/reports");
  CHECK_EQ(reports["parentPath"], "/root/shared");
  CHECK(is_iso(reports["createdAt"]));
  CHECK(is_error(send(a, "POST", "storage", "folders", json({{"name", "reports"}}).dump()), 409, "FOLDER_EXISTS"));
  r = send(a, "POST", "storage", "folders", json({{"name", "top"}, {"parentPath", "/root"}}).dump());
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"]["path"], "/root/top");
  r = send(a, "POST", "storage", "folders", json({{"name", "a/b"}}).dump());
  CHECK(is_error(r, 400, "VALIDATION_ERROR") && has_detail(r, "name"));
  CHECK(is_error(send(a, "POST", "storage", "folders", json({{"name", ".."}}).dump()), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "POST", "storage", "folders", json::object().dump()), 400, "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "POST", "storage", "folders", json({{"name", "x"}, {"parentPath", 3}}).dump()), 400,
                 "VALIDATION_ERROR"));
  CHECK(is_error(send(a, "POST", "storage", "folders", json({{"name", "x"}, {"parentPath", "/root/nope"}}).dump()), 404,
                 "FOLDER_NOT_FOUND"));
  r = send(a, "POST", "storage", "folders/" + reports["id"].get<std::string>() + "/sub-folders",
           json({{"name", "2024"}}).dump());
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.body["data"]["path"], "/root/shared/reports/2024");
  CHECK_EQ(r.body["data"]["parentPath"], "/root/shared/reports");
  CHECK(is_error(send(a, "POST", "storage", "folders/" + reports["id"].get<std::string>() + "/sub-folders",
                      json({{"name", "2024"}}).dump()),
                 409, "FOLDER_EXISTS"));
  CHECK(is_error(send(a, "POST", "storage", "folders/nope/sub-folders", json({{"name", "x"}}).dump()), 404,
                 "FOLDER_NOT_FOUND"));
  CHECK(is_error(send(a, "GET", "storage", "folders/nope/sub-folders"), 405, "METHOD_NOT_ALLOWED"));
  CHECK(is_error(send(a, "DELETE", "storage", "folders"), 405, "METHOD_NOT_ALLOWED"));
  CHECK_EQ(send(a, "GET", "storage", "folders").body["meta"]["total"], 5);
  CHECK_EQ(send(a, "GET", "storage", "folders", "", {{"limit", "2"}, {"page", "3"}}).body["data"].size(), 1u);
}

// ============================================================================
void test_unknown_routes(AdminRoutes& a) {
  CHECK(!data(a, "GET", "records/slug/orders").handled);
  CHECK(!data(a, "GET", "structures/a/b/c").handled);
  CHECK(!data(a, "GET", "").handled);
  CHECK(!data(a, "GET", "anomaly-insights/a/b/c").handled);
  CHECK(!data(a, "GET", "smart-queries/x").handled);
  CHECK(!send(a, "GET", "storage", "files").handled);
  CHECK(!send(a, "GET", "storage", "structures").handled);
  CHECK(!send(a, "GET", "search", "structures").handled);
  CHECK(!send(a, "GET", "other", "structures").handled);
  CHECK(is_error(data(a, "HEAD", "structures"), 405, "METHOD_NOT_ALLOWED"));
}

// Every route with junk bodies, queries and segments: never a crash, always a JSON reply.
void test_fuzz(AdminRoutes& a) {
  const std::vector<std::string> paths = {
      "structures", "collections/validate", "structures/x", "structures/slug/x", "structures/x/restore",
      "smart-queries/slug/orders", "smart-queries/slug/orders/test", "smart-queries/slug/orders/x",
      "validation/scan", "validation/suggestions/x/accept", "anomaly-insights/analyze",
      "anomaly-insights/x/dismiss", "allowed-domains", "allowed-domains/x"};
  const std::vector<std::string> bodies = {
      "", "null", "0", "\"s\"", "[]", "{}", "{\"name\":null}", "{\"name\":{},\"recordSlug\":[]}",
      "{\"recordSlug\":\"orders\",\"name\":\"F\",\"properties\":[null,1,{\"name\":\"\"},{\"name\":\"a\",\"type\":7}]}",
      "{\"query\":{\"where\":{\"\":1,\"a\":{\"$in\":{}}},\"sort\":[{}],\"limit\":-5},\"variables\":[]}",
      "{\"query\":{\"where\":{\"$and\":5}},\"variables\":{}}",
      "{\"query\":{\"where\":{\"data.total\":{\"$gt\":\"{{x}}\"}}},\"variables\":{\"x\":1e308}}",
      "{\"query\":{\"limit\":18446744073709551615,\"skip\":1e308},\"variables\":{}}",
      "{\"query\":{\"select\":[\"data.tags.0\",\"data.tags.99\",\"...\",\"data..x\"]},\"variables\":{}}",
      "{\"query\":{\"sort\":[{\"field\":\"data\"},{\"field\":\"data.tags\",\"direction\":\"DESC\"}]},\"variables\":{}}",
      "{\"domain\":\"\\u0000\"}", "{\"recordSlug\":\"\\ud800\"}", "{\"name\":\"\xff\xfe\",\"recordSlug\":\"ok\"}",
      "{\"a\":" + std::string(60, '[') + std::string(60, ']') + "}", std::string(100, '{'),
      "{\"domain\":1e999}", "{\"recordSlug\":\"orders\",\"name\":\"n\",\"query\":{\"where\":{\"x\":\"{{\"}}}"};
  std::mt19937 rng(42);
  int bad = 0;
  for (const auto& path : paths)
    for (const auto& body : bodies)
      for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
        Result r = send(a, method, "data", path, body, {{"limit", "7"}, {"q", "\xff"}});
        if (!r.handled || !r.json_ok || r.status == 500 || (r.status != 204 && !r.body.is_object())) {
          ++bad;
          std::printf("     fuzz: %s %s %s -> %d %s\n", method, path.c_str(), body.substr(0, 60).c_str(), r.status,
                      r.raw.substr(0, 200).c_str());
        }
      }
  for (int i = 0; i < 300; ++i) {
    std::string junk(static_cast<std::size_t>(rng() % 64), ' ');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xFF);
    for (const auto& path : {"structures", "smart-queries/slug/orders/test", "allowed-domains"}) {
      Result r = send(a, "POST", "data", path, junk);
      if (!r.handled || !r.json_ok || r.status == 500) ++bad;
    }
    Result r = send(a, "GET", "search", "search", "", {{"q", junk}, {"structures", junk}});
    if (!r.handled || !r.json_ok || r.status == 500) ++bad;
  }
  CHECK_EQ(bad, 0);
}

void test_concurrency(AdminRoutes& a) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&a, &failures, t] {
      for (int i = 0; i < 50; ++i) {
        AdminRequest rq;
        rq.method = "POST";
        rq.service = "data";
        rq.segments = {"allowed-domains"};
        rq.body = json({{"domain", "host" + std::to_string(t) + "-" + std::to_string(i) + ".example.com"}}).dump();
        rq.request_id = "req-c";
        auto reply = a.handle(rq);
        if (!reply || reply->status != 201) ++failures;
        rq.method = "GET";
        rq.segments = {"search"};
        rq.service = "search";
        rq.query = {{"q", "paris"}};
        reply = a.handle(rq);
        if (!reply || reply->status != 200) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  CHECK_EQ(failures.load(), 0);
  CHECK_EQ(data(a, "GET", "allowed-domains").body["meta"]["total"], 201);
}

}  // namespace

int main() {
  g_records = {
      record("o1", "orders", {{"total", 10}, {"city", "Paris"}, {"tags", {"vip", "new"}}, {"customer", {{"name", "Ana"}}}}),
      record("o2", "orders", {{"total", 11}, {"city", "Berlin"}, {"customer", {{"name", "Bob"}}}}),
      record("o3", "orders", {{"total", 12}, {"city", "Lyon"}, {"customer", {{"name", "Bobb"}}}}),
      record("o4", "orders", {{"total", 11}, {"city", "Pariss"}, {"customer", {{"name", "Cy"}}}}),
      record("o5", "orders", {{"total", 10}, {"city", "Madrid"}, {"customer", {{"name", "Dora"}}}}),
      record("o6", "orders", {{"total", 1000}, {"city", "Berlin"}, {"tags", {"vip"}}, {"customer", {{"name", "Eve"}}}}),
      record("c1", "customers", {{"name", "Ana"}, {"score", 1}}),
      record("c2", "customers", {{"name", "Cy"}, {"note", "Paris office, near paris gare"}, {"score", 2}}),
      record("c3", "customers", {{"name", "Dora"}, {"score", 500}}),
  };
  // Unrelated junk the source might hand back: skipped, never a crash.
  std::vector<json> extra = {json("junk"), json({{"id", "x1"}, {"recordSlug", "orders"}, {"status", "archived"},
                                                 {"data", {{"total", 99999}, {"city", "Parisss"}}}})};

  AdminRoutes admin([&extra](const std::string& slug) {
    std::vector<json> out = record_source(slug);
    for (const auto& e : extra)
      if (slug.empty() || (e.is_object() && e["recordSlug"] == slug)) out.push_back(e);
    return out;
  });
  test_collections(admin);
  test_smart_queries(admin);
  test_validation(admin);
  test_insights(admin);
  test_collection_bulk();
  test_collection_settings();
  test_domains(admin);
  test_search(admin);
  test_storage(admin);
  test_unknown_routes(admin);
  test_fuzz(admin);
  test_concurrency(admin);

  // A throwing record source answers 500 JSON, no crash.
  AdminRoutes throwing([](const std::string&) -> std::vector<json> { throw std::runtime_error("boom"); });
  Result r = send(throwing, "GET", "search", "search", "", {{"q", "x"}});
  CHECK(is_error(r, 500, "INTERNAL"));
  AdminRoutes empty{centrali_emulator::RecordSource{}};
  CHECK_EQ(send(empty, "GET", "search", "search", "", {{"q", "x"}}).body["data"]["totalHits"], 0);

  return selftest::summary();
}

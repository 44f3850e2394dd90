// Self-check for the Centrali emulator: starts it in-process and exercises every route
// and every fault kind over real HTTP with httplib::Client (and raw sockets where the
// exact bytes on the wire matter). Prints each failure; exit status = number of failures (capped).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator.hpp"

using json = nlohmann::json;
using namespace centrali_emulator;

namespace {

int g_failures = 0;
int g_checks = 0;

#define CHECK(cond)                                                             \
  do {                                                                          \
    ++g_checks;                                                                 \
    if (!(cond)) {                                                              \
      ++g_failures;                                                             \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
    }                                                                           \
  } while (0)

#define CHECK_EQ(a, b)                                                          \
  do {                                                                          \
    ++g_checks;                                                                 \
    auto va_ = (a);                                                             \
    auto vb_ = (b);                                                             \
    if (!(va_ == vb_)) {                                                        \
      ++g_failures;                                                             \
      std::ostringstream os_;                                                   \
      os_ << va_ << " != " << vb_;                                              \
      std::printf("FAIL %s:%d: %s == %s (%s)\n", __FILE__, __LINE__, #a, #b,    \
                  os_.str().c_str());                                           \
    }                                                                           \
  } while (0)

const std::string P = "/data/workspace/acme/api/v1";
const std::string R = P + "/records/slug/";
const std::string F = P + "/compute-functions";
const std::string T = P + "/function-triggers";
const std::string U = P + "/function-runs";

struct Resp {
  int status = -1;  // -1 = transport error
  std::string body;
  httplib::Headers headers;
  json j;  // parsed body (null when not JSON)
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
  std::string code() const { return j.is_object() ? j.value("code", "") : ""; }
};

httplib::Headers bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
const httplib::Headers kUser = bearer("test-token");

Resp to_resp(const httplib::Result& r) {
  Resp out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  out.j = json::parse(out.body, nullptr, false);
  if (out.j.is_discarded()) out.j = json();
  return out;
}

Resp call(httplib::Client& cli, const std::string& method, const std::string& path,
          const std::string& body = "", const httplib::Headers& h = kUser,
          const std::string& ctype = "application/json") {
  if (method == "GET") return to_resp(cli.Get(path, h));
  if (method == "POST") return to_resp(cli.Post(path, h, body, ctype));
  if (method == "PUT") return to_resp(cli.Put(path, h, body, ctype));
  if (method == "PATCH") return to_resp(cli.Patch(path, h, body, ctype));
  if (method == "DELETE") return to_resp(cli.Delete(path, h, body, ctype));
  return {};
}

std::unique_ptr<httplib::Client> make_client(const Emulator& emu) {
  auto cli = std::make_unique<httplib::Client>("127.0.0.1", emu.port());
  cli->set_keep_alive(true);
  cli->set_tcp_nodelay(true);  // else POSTs (headers + body in two writes) hit Nagle + delayed ACK
  cli->set_url_encode(false);  // send targets exactly as written
  cli->set_read_timeout(30, 0);
  return cli;
}

// Raw HTTP exchange: returns every byte the server sent and how the connection ended.
struct Raw {
  std::string bytes;
  bool reset = false;  // ECONNRESET
  bool eof = false;    // orderly close
};

Raw raw_exchange(int port, const std::string& request) {
  Raw out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return out;
  }
  (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buf[65536];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.bytes.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) out.eof = true;
    if (n < 0 && errno == ECONNRESET) out.reset = true;
    break;
  }
  close(fd);
  return out;
}

std::string raw_get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-token\r\n"
         "Connection: close\r\n\r\n";
}

std::string raw_post(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-token\r\n"
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

std::size_t content_length_of(const std::string& raw) {
  std::string lower = raw.substr(0, raw.find("\r\n\r\n"));
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto p = lower.find("content-length:");
  return p == std::string::npos ? 0 : std::stoul(lower.substr(p + 15));
}

std::string body_of(const std::string& raw) {
  auto p = raw.find("\r\n\r\n");
  return p == std::string::npos ? "" : raw.substr(p + 4);
}

void section(const char* name) {
  static auto last = std::chrono::steady_clock::now();
  auto now = std::chrono::steady_clock::now();
  std::printf("   (%lld ms)\n-- %s\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count()),
              name);
  last = now;
}

// ---------------------------------------------------------------------------
void test_auth(Emulator& emu, httplib::Client& cli) {
  section("auth, workspace, request ids");
  Resp r = call(cli, "GET", R + "things", "", {});
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("MISSING_TOKEN"));
  CHECK_EQ(r.j.value("message", ""), std::string("Missing token"));
  CHECK(r.header("x-request-id").rfind("req-", 0) == 0);
  CHECK_EQ(r.j.value("requestId", ""), r.header("x-request-id"));

  r = call(cli, "GET", R + "things", "", bearer("nope"));
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));
  r = call(cli, "GET", R + "things", "", {{"x-api-key", "wrong"}});
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));
  r = call(cli, "GET", R + "things", "", {{"Authorization", "Basic abc"}});
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));

  r = call(cli, "GET", R + "things");
  CHECK_EQ(r.status, 200);
  CHECK(!r.header("x-request-id").empty());
  r = call(cli, "POST", R + "things", R"({"n":1})", {{"x-api-key", "pk_live_test"}});
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("createdBy", ""), std::string("publishable-key"));

  r = call(cli, "GET", "/data/workspace/other/api/v1/records/slug/things");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("WORKSPACE_NOT_FOUND"));
  CHECK_EQ(r.j.value("message", ""), std::string("workspace not found"));

  r = call(cli, "GET", "/nope");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("ROUTE_NOT_FOUND"));
  r = call(cli, "DELETE", R + "things");
  CHECK_EQ(r.status, 405);
  CHECK(!r.header("Allow").empty());
  r = call(cli, "GET", "/oidc/token");
  CHECK_EQ(r.status, 405);
  (void)emu;
}

void test_tokens(Emulator& emu, httplib::Client& cli) {
  section("token endpoint");
  const std::string form = "application/x-www-form-urlencoded";
  std::size_t before = emu.token_requests();
  Resp r = call(cli, "POST", "/oidc/token",
                "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test&scope=openid",
                {}, form);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j.value("token_type", ""), std::string("Bearer"));
  CHECK_EQ(r.j.value("expires_in", 0), 25200);
  CHECK_EQ(r.j.value("scope", ""), std::string("openid"));
  const std::string tok = r.j.value("access_token", "");
  CHECK(tok.rfind("emu_at_1_", 0) == 0);

  r = call(cli, "POST", R + "things", R"({"by":"sa"})", bearer(tok));
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("createdBy", ""), std::string("service-account"));

  r = call(cli, "POST", "/oauth/token",
           "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test&scope=openid", {},
           form);
  CHECK_EQ(r.status, 200);
  r = call(cli, "POST", "/oidc/token",
           "grant_type=client_credentials&client_id=ci_test&client_secret=bad&scope=openid", {}, form);
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.j.value("message", ""), std::string("Invalid client credentials"));
  CHECK_EQ(r.j.value("error", ""), std::string("Unauthorized"));
  r = call(cli, "POST", "/oidc/token", "grant_type=password&client_id=ci_test&client_secret=sk_test",
           {}, form);
  CHECK_EQ(r.status, 400);
  r = call(cli, "POST", "/oidc/token", R"({"grant_type":"client_credentials"})", {});
  CHECK_EQ(r.status, 400);
  CHECK_EQ(emu.token_requests(), before + 5);

  emu.expire_all_tokens();
  r = call(cli, "GET", R + "things", "", bearer(tok));
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("TOKEN_EXPIRED"));
  CHECK_EQ(r.j.value("message", ""), std::string("Token expired"));

  emu.set_token_ttl(1);
  r = call(cli, "POST", "/oidc/token",
           "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test&scope=openid", {},
           form);
  CHECK_EQ(r.j.value("expires_in", 0), 1);
  const std::string short_tok = r.j.value("access_token", "");
  CHECK_EQ(call(cli, "GET", R + "things", "", bearer(short_tok)).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK_EQ(call(cli, "GET", R + "things", "", bearer(short_tok)).code(), std::string("TOKEN_EXPIRED"));
  emu.set_token_ttl(25200);

  // The recorded request shows exactly what the client sent.
  auto reqs = emu.requests();
  const SeenRequest* last_token = nullptr;
  for (auto& q : reqs)
    if (q.path == "/oidc/token") last_token = &q;
  CHECK(last_token != nullptr);
  if (last_token) {
    CHECK_EQ(last_token->method, std::string("POST"));
    CHECK(last_token->headers.count("content-type") == 1);
    CHECK(last_token->body.find("grant_type=client_credentials") != std::string::npos);
    CHECK(last_token->headers.count("REMOTE_ADDR") == 0 && last_token->headers.count("remote_addr") == 0);
  }
}

void test_crud(Emulator& emu, httplib::Client& cli) {
  section("records CRUD, archive, restore, ids");
  Resp r = call(cli, "POST", R + "tasks", R"({"title":"Write tests","priority":2})");
  CHECK_EQ(r.status, 201);
  json rec = r.j["data"];
  const std::string id = rec.value("id", "");
  CHECK_EQ(id.size(), std::size_t(36));
  CHECK_EQ(id[14], '4');
  CHECK_EQ(rec.value("recordSlug", ""), std::string("tasks"));
  CHECK_EQ(rec.value("workspaceSlug", ""), std::string("acme"));
  CHECK_EQ(rec.value("status", ""), std::string("active"));
  CHECK_EQ(rec.value("version", 0), 1);
  CHECK_EQ(rec.value("createdBy", ""), std::string("user"));
  CHECK_EQ(rec.value("createdAt", "").size(), std::size_t(24));  // 2024-01-01T00:00:00.000Z
  CHECK_EQ(rec["data"].value("title", ""), std::string("Write tests"));

  CHECK_EQ(call(cli, "POST", R + "tasks", "{bad json").code(), std::string("VALIDATION_ERROR"));
  r = call(cli, "POST", R + "tasks", "[1,2]");
  CHECK_EQ(r.status, 400);
  CHECK(r.j["details"].is_array() && r.j["details"][0].contains("field"));
  CHECK_EQ(call(cli, "POST", R + "tasks", R"({"n":1e400})").status, 400);
  CHECK_EQ(call(cli, "POST", R + "tasks", "").status, 400);
  CHECK_EQ(call(cli, "POST", R + "tasks", std::string("{\"a\":\"\0\"}", 9)).status, 400);
  r = call(cli, "POST", R + "big", R"({"n":123456789012345678901234567890})");
  CHECK_EQ(r.status, 201);

  r = call(cli, "GET", R + "tasks/" + id);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("id", ""), id);
  r = call(cli, "GET", R + "tasks/does-not-exist");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("RECORD_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", R + "other/" + id).status, 404);  // wrong slug

  // Encoded slashes stay one segment; NUL bytes and junk do not crash anything.
  r = call(cli, "GET", R + "tasks/a%2Fb");
  CHECK_EQ(r.code(), std::string("RECORD_NOT_FOUND"));
  auto reqs = emu.requests();
  CHECK_EQ(reqs.back().target, R + "tasks/a%2Fb");
  CHECK_EQ(reqs.back().path, R + "tasks/a/b");
  CHECK_EQ(call(cli, "GET", R + "tasks/%00%ff%zz").code(), std::string("RECORD_NOT_FOUND"));
  r = call(cli, "POST", R + "we%2Fird", R"({"x":1})");
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("recordSlug", ""), std::string("we/ird"));
  CHECK_EQ(emu.record_count("we/ird"), std::size_t(1));
  r = call(cli, "POST", R + "nul%00slug", R"({"x":1})");
  CHECK_EQ(r.status, 201);
  CHECK_EQ(emu.record_count(std::string("nul\0slug", 8)), std::size_t(1));
  CHECK_EQ(call(cli, "GET", R + "tasks/" + std::string(7000, 'a')).status, 404);

  // PUT and PATCH: merge, null deletes, version++.
  r = call(cli, "PUT", R + "tasks/" + id, R"({"priority":3,"done":false})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("version", 0), 2);
  CHECK_EQ(r.j["data"]["data"].value("priority", 0), 3);
  CHECK_EQ(r.j["data"]["data"].value("title", ""), std::string("Write tests"));
  r = call(cli, "PATCH", R + "tasks/" + id, R"({"done":null,"tag":"x"})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("version", 0), 3);
  CHECK(!r.j["data"]["data"].contains("done"));
  CHECK(r.j["data"].value("updatedAt", "") >= r.j["data"].value("createdAt", ""));
  CHECK_EQ(call(cli, "PATCH", R + "tasks/nope", "{}").status, 404);
  CHECK_EQ(call(cli, "PATCH", R + "tasks/" + id, "\"str\"").status, 400);

  // Soft delete, includeArchived, restore, hard delete.
  r = call(cli, "DELETE", R + "tasks/" + id);
  CHECK_EQ(r.status, 204);
  CHECK(r.body.empty());
  CHECK(!r.header("x-request-id").empty());
  CHECK_EQ(call(cli, "GET", R + "tasks/" + id).status, 404);
  r = call(cli, "GET", R + "tasks/" + id + "?includeArchived=true");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("archived"));
  CHECK(r.j["data"].contains("deletedAt"));
  CHECK_EQ(emu.record_count("tasks", false), std::size_t(0));
  CHECK_EQ(emu.record_count("tasks", true), std::size_t(1));
  r = call(cli, "POST", R + "tasks/" + id + "/restore");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("active"));
  CHECK(!r.j["data"].contains("deletedAt"));
  r = call(cli, "POST", R + "tasks/" + id + "/restore");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("RECORD_NOT_ARCHIVED"));
  CHECK_EQ(r.j.value("error", ""), std::string("Conflict"));
  CHECK_EQ(call(cli, "POST", R + "tasks/nope/restore").status, 404);
  CHECK_EQ(call(cli, "DELETE", R + "tasks/" + id + "?hard=true").status, 204);
  CHECK_EQ(emu.record_count("tasks"), std::size_t(0));
  CHECK_EQ(call(cli, "DELETE", R + "tasks/" + id).status, 404);
}

void test_upsert_bulk(Emulator& emu, httplib::Client& cli) {
  section("upsert and bulk");
  Resp r = call(cli, "POST", R + "users/upsert",
                R"({"match":{"email":"a@x.io"},"data":{"name":"A"}})");
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["meta"].value("created", false), true);
  CHECK_EQ(r.j["data"]["data"].value("email", ""), std::string("a@x.io"));
  const std::string uid = r.j["data"].value("id", "");
  r = call(cli, "POST", R + "users/upsert", R"({"match":{"email":"a@x.io"},"data":{"name":"B"}})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["meta"].value("created", true), false);
  CHECK_EQ(r.j["data"].value("id", ""), uid);
  CHECK_EQ(r.j["data"]["data"].value("name", ""), std::string("B"));
  CHECK_EQ(r.j["data"].value("version", 0), 2);
  CHECK_EQ(call(cli, "POST", R + "users/upsert", R"({"data":{}})").status, 400);
  CHECK_EQ(emu.record_count("users"), std::size_t(1));

  r = call(cli, "POST", R + "items/bulk", R"({"records":[{"n":1},{"n":2},{"n":3}]})");
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].size(), std::size_t(3));
  CHECK_EQ(emu.record_count("items"), std::size_t(3));
  r = call(cli, "POST", R + "items/bulk", R"({"records":[{"n":4},"oops"]})");
  CHECK_EQ(r.status, 400);
  CHECK_EQ(emu.record_count("items"), std::size_t(3));  // all-or-nothing
  json created = call(cli, "GET", R + "items").j["data"];
  const std::string id1 = created[0].value("id", ""), id2 = created[1].value("id", "");

  r = call(cli, "PATCH", R + "items/bulk",
           json({{"records", {{{"id", id1}, {"data", {{"n", 10}}}},
                              {{"id", id2}, {"data", {{"n", 20}}}}}}}).dump());
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"][1]["data"].value("n", 0), 20);
  r = call(cli, "PATCH", R + "items/bulk",
           json({{"records", {{{"id", id1}, {"data", {{"n", 99}}}},
                              {{"id", "missing"}, {"data", {{"n", 1}}}}}}}).dump());
  CHECK_EQ(r.status, 404);
  CHECK_EQ(call(cli, "GET", R + "items/" + id1).j["data"]["data"].value("n", 0), 10);  // untouched

  r = call(cli, "DELETE", R + "items/bulk", json({{"ids", {id1, "missing"}}}).dump());
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("deleted", 0), 1);
  CHECK_EQ(emu.record_count("items", false), std::size_t(2));
  r = call(cli, "DELETE", R + "items/bulk", json({{"ids", {id1, id2}}, {"hard", true}}).dump());
  CHECK_EQ(r.j["data"].value("deleted", 0), 2);
  CHECK_EQ(emu.record_count("items"), std::size_t(1));
}

void test_query(Emulator& emu, httplib::Client& cli) {
  section("list / query");
  const char* seed[] = {
      R"({"title":"Alpha urgent","amount":50,"status":"todo","tags":["vip","new"],"paid":true})",
      R"({"title":"Beta","amount":150,"status":"done","tags":["premium"],"paid":false,"notes":"URGENT call"})",
      R"({"title":"Gamma","amount":"200","status":"todo","tags":[],"paid":false})",
      R"({"title":"Delta","amount":100,"status":"cancelled","tags":["vip","premium"]})",
  };
  std::vector<std::string> ids;
  for (auto s : seed) ids.push_back(call(cli, "POST", R + "orders", s).j["data"].value("id", ""));
  auto list = [&](const std::string& q) { return call(cli, "GET", R + "orders" + q); };
  auto titles = [&](const Resp& r) {
    std::string out;
    for (auto& rec : r.j["data"]) out += rec["data"].value("title", "?").substr(0, 1);
    return out;
  };

  Resp r = list("");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(titles(r), std::string("ABGD"));  // default createdAt ascending = creation order
  CHECK_EQ(r.j["meta"].value("page", 0), 1);
  CHECK_EQ(r.j["meta"].value("pageSize", 0), 50);
  CHECK(!r.j["meta"].contains("total"));
  CHECK_EQ(titles(list("?data.status=todo")), std::string("AG"));
  CHECK_EQ(titles(list("?data.amount=100")), std::string("D"));
  CHECK_EQ(titles(list("?data.amount[gte]=100")), std::string("BGD"));  // "200" compares as number
  CHECK_EQ(titles(list("?data.amount[lt]=100")), std::string("A"));
  CHECK_EQ(titles(list("?data.amount[lte]=100&data.amount[gt]=50")), std::string("D"));
  CHECK_EQ(titles(list("?data.status[ne]=todo")), std::string("BD"));
  CHECK_EQ(titles(list("?data.status[in]=todo,done")), std::string("ABG"));
  CHECK_EQ(titles(list("?data.status[nin]=cancelled")), std::string("ABG"));
  CHECK_EQ(titles(list("?data.title[contains]=eta")), std::string("B"));
  CHECK_EQ(titles(list("?data.title[startsWith]=Ga")), std::string("G"));
  CHECK_EQ(titles(list("?data.title[endsWith]=ta")), std::string("BD"));
  CHECK_EQ(titles(list("?data.tags[hasAny]=vip,premium")), std::string("ABD"));
  CHECK_EQ(titles(list("?data.tags[hasAll]=vip,premium")), std::string("D"));
  CHECK_EQ(titles(list("?data.notes[exists]=true")), std::string("B"));
  CHECK_EQ(titles(list("?data.paid[exists]=false")), std::string("D"));
  CHECK_EQ(titles(list("?data.paid=true")), std::string("A"));
  CHECK_EQ(titles(list("?id=" + ids[2])), std::string("G"));
  CHECK_EQ(titles(list("?status=active&createdAt[gte]=2000-01-01")), std::string("ABGD"));
  CHECK_EQ(titles(list("?createdAt[lt]=2000-01-01")), std::string(""));
  CHECK_EQ(titles(list("?search=urgent")), std::string("AB"));
  CHECK_EQ(titles(list("?search=urgent&searchFields=data.title")), std::string("A"));
  CHECK_EQ(titles(list("?search=urgent&searchField=notes")), std::string("B"));
  CHECK_EQ(titles(list("?sort=-data.title")), std::string("GDBA"));
  CHECK_EQ(titles(list("?sort=data.status,-createdAt")), std::string("DBGA"));
  CHECK_EQ(titles(list("?sort=-createdAt")), std::string("DGBA"));

  r = list("?page=2&pageSize=3&includeTotal=true");
  CHECK_EQ(titles(r), std::string("D"));
  CHECK_EQ(r.j["meta"].value("total", 0), 4);
  CHECK_EQ(r.j["meta"].value("page", 0), 2);
  CHECK_EQ(r.j["meta"].value("pageSize", 0), 3);
  CHECK_EQ(titles(list("?limit=2")), std::string("AB"));
  CHECK_EQ(list("?pageSize=1000").j["meta"].value("pageSize", 0), 500);
  CHECK_EQ(titles(list("?page=99999999999&pageSize=500")), std::string(""));
  CHECK_EQ(list("?pageSize=0").status, 400);
  CHECK_EQ(list("?pageSize=abc").code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(list("?page=0").status, 400);
  r = list("?data.amount[between]=1,2");
  CHECK_EQ(r.status, 400);
  CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(list("?sort=bogus").status, 400);
  CHECK_EQ(list("?data.amount[gte=1").status, 400);
  CHECK_EQ(list("?data.x[exists]=maybe").status, 400);

  r = list("?fields=id,data.title,createdAt&pageSize=1");
  CHECK_EQ(r.j["data"][0].size(), std::size_t(3));
  CHECK(r.j["data"][0].contains("id") && r.j["data"][0].contains("createdAt"));
  CHECK_EQ(r.j["data"][0]["data"].size(), std::size_t(1));

  // Archived records only with includeArchived.
  call(cli, "DELETE", R + "orders/" + ids[0]);
  CHECK_EQ(titles(list("")), std::string("BGD"));
  CHECK_EQ(titles(list("?includeArchived=true")), std::string("ABGD"));
  CHECK_EQ(titles(list("?includeArchived=true&status=archived")), std::string("A"));

  // Expansion in get and list (nested too).
  std::string addr = call(cli, "POST", R + "addresses", R"({"city":"Oslo"})").j["data"].value("id", "");
  std::string cust =
      call(cli, "POST", R + "customers", json({{"name", "C"}, {"address", addr}}).dump()).j["data"].value("id", "");
  std::string ord = call(cli, "POST", R + "invoices",
                         json({{"customer", cust}, {"lines", {addr, "nope"}}, {"x", 1}}).dump())
                        .j["data"].value("id", "");
  r = call(cli, "GET", R + "invoices/" + ord + "?expand=customer,customer.address,lines,x");
  CHECK_EQ(r.status, 200);
  json ex = r.j["data"]["data"]["_expanded"];
  CHECK_EQ(ex["customer"].value("id", ""), cust);
  CHECK_EQ(ex["customer"]["data"]["_expanded"]["address"]["data"].value("city", ""), std::string("Oslo"));
  CHECK_EQ(ex["lines"].size(), std::size_t(1));
  CHECK(!ex.contains("x"));
  r = call(cli, "GET", R + "invoices?expand=customer&fields=id,data.customer");
  CHECK_EQ(r.j["data"][0]["data"]["_expanded"]["customer"].value("id", ""), cust);
  CHECK(!call(cli, "GET", R + "invoices/" + ord).j["data"]["data"].contains("_expanded"));
  (void)emu;
}

// ---------------------------------------------------------------------------
// Compute: functions, triggers, runs, jobs.
void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string create_function(httplib::Client& cli, const std::string& name) {
  return call(cli, "POST", F, json({{"name", name}, {"code", "async function run() {}"}}).dump())
      .j["data"].value("id", "");
}

std::string create_trigger(httplib::Client& cli, const std::string& fid, const std::string& type,
                           const std::string& name = "t") {
  return call(cli, "POST", T,
              json({{"name", name}, {"functionId", fid}, {"executionType", type}}).dump())
      .j["data"].value("id", "");
}

std::string execute(httplib::Client& cli, const std::string& tid, const std::string& body) {
  Resp r = call(cli, "POST", T + "/" + tid + "/execute", body);
  return r.status == 202 && r.j["data"].is_string() ? r.j["data"].get<std::string>() : "";
}

// The newest run of a trigger.
json latest_run(httplib::Client& cli, const std::string& tid) {
  Resp r = call(cli, "GET", U + "/trigger/" + tid + "?limit=1");
  return r.j["data"].is_array() && !r.j["data"].empty() ? r.j["data"][0] : json();
}

void test_functions(Emulator& emu, httplib::Client& cli) {
  section("compute functions");
  // Auth, workspace, request ids, 405 and fault injection work as on records.
  Resp r = call(cli, "GET", F, "", {});
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("MISSING_TOKEN"));
  CHECK_EQ(r.j.value("requestId", ""), r.header("x-request-id"));
  CHECK_EQ(call(cli, "GET", "/data/workspace/other/api/v1/compute-functions").code(),
           std::string("WORKSPACE_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", T, "", bearer("nope")).code(), std::string("INVALID_TOKEN"));
  CHECK_EQ(call(cli, "GET", U + "/x", "", {}).status, 401);
  r = call(cli, "PATCH", F + "/abc", "{}");
  CHECK_EQ(r.status, 405);
  CHECK(r.header("Allow").find("PUT") != std::string::npos);
  CHECK_EQ(call(cli, "DELETE", F).status, 405);

  r = call(cli, "POST", F,
           R"({"name":"send-email","code":"async function run() { return 1; }","description":"Mails","timeoutMs":5000})");
  CHECK_EQ(r.status, 201);
  CHECK(!r.header("x-request-id").empty());
  json fn = r.j["data"];
  const std::string fid = fn.value("id", "");
  CHECK_EQ(fid.size(), std::size_t(36));
  CHECK_EQ(fn.value("name", ""), std::string("send-email"));
  CHECK_EQ(fn.value("description", ""), std::string("Mails"));
  CHECK_EQ(fn.value("code", ""), std::string("async function run() { return 1; }"));
  CHECK_EQ(fn.value("timeoutMs", 0), 5000);
  CHECK_EQ(fn.value("workspaceSlug", ""), std::string("acme"));
  CHECK_EQ(fn.value("createdBy", ""), std::string("user"));
  CHECK_EQ(fn.value("updatedBy", ""), std::string("user"));
  CHECK_EQ(fn.value("createdAt", "").size(), std::size_t(24));
  CHECK_EQ(fn.value("updatedAt", ""), fn.value("createdAt", ""));

  // Validation and uniqueness.
  r = call(cli, "POST", F, R"({"name":"send-email","code":"x"})");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("FUNCTION_NAME_TAKEN"));
  CHECK_EQ(r.j.value("error", ""), std::string("Conflict"));
  r = call(cli, "POST", F, R"({"code":"x"})");
  CHECK_EQ(r.status, 400);
  CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(r.j["details"][0].value("field", ""), std::string("name"));
  r = call(cli, "POST", F, R"({"name":"n"})");
  CHECK_EQ(r.j["details"][0].value("field", ""), std::string("code"));
  CHECK_EQ(call(cli, "POST", F, R"({"name":"n","code":7})").status, 400);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"","code":"x"})").status, 400);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"n","code":"x","timeoutMs":-1})").status, 400);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"n","code":"x","timeoutMs":"5"})").status, 400);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"n","code":"x","description":3})").status, 400);
  CHECK_EQ(call(cli, "POST", F, "{bad").status, 400);
  CHECK_EQ(call(cli, "POST", F, "[1]").status, 400);
  CHECK_EQ(call(cli, "POST", F, "").status, 400);
  r = call(cli, "POST", F, R"({"name":"minimal","code":"x"})");
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("description", "?"), std::string(""));
  CHECK(r.j["data"]["timeoutMs"].is_number_integer());
  const std::string minimal = r.j["data"].value("id", "");

  // Get, 404s (an encoded slash stays one segment).
  r = call(cli, "GET", F + "/" + fid);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"], fn);
  r = call(cli, "GET", F + "/nope");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK(!r.j.value("requestId", "").empty());
  CHECK_EQ(call(cli, "GET", F + "/a%2Fb").code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", F + "/%00%ff").code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", F + "/test").code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(call(cli, "PUT", F + "/nope", "{}").code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(call(cli, "DELETE", F + "/nope").code(), std::string("FUNCTION_NOT_FOUND"));

  // Partial update.
  sleep_ms(2);
  r = call(cli, "PUT", F + "/" + fid, R"({"code":"async function run() { return 2; }","timeoutMs":9000})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("code", ""), std::string("async function run() { return 2; }"));
  CHECK_EQ(r.j["data"].value("timeoutMs", 0), 9000);
  CHECK_EQ(r.j["data"].value("name", ""), std::string("send-email"));
  CHECK_EQ(r.j["data"].value("description", ""), std::string("Mails"));
  CHECK_EQ(r.j["data"].value("createdAt", ""), fn.value("createdAt", ""));
  CHECK(r.j["data"].value("updatedAt", "") > fn.value("updatedAt", ""));
  CHECK_EQ(call(cli, "PUT", F + "/" + fid, R"({"name":"send-email"})").status, 200);  // own name
  r = call(cli, "PUT", F + "/" + fid, R"({"name":"minimal"})");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("FUNCTION_NAME_TAKEN"));
  CHECK_EQ(call(cli, "PUT", F + "/" + fid, R"({"code":""})").status, 400);
  CHECK_EQ(call(cli, "PUT", F + "/" + fid, "nope").status, 400);
  r = call(cli, "GET", F + "/" + fid);
  CHECK_EQ(r.j["data"].value("name", ""), std::string("send-email"));  // failed updates: no change
  CHECK_EQ(call(cli, "PUT", F + "/" + minimal, R"({"description":"d"})").j["data"].value("description", ""),
           std::string("d"));

  // List: newest first, paging, search.
  for (int i = 0; i < 3; ++i) create_function(cli, "report-" + std::to_string(i));
  r = call(cli, "GET", F);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].size(), std::size_t(5));
  CHECK_EQ(r.j["data"][0].value("name", ""), std::string("report-2"));
  CHECK_EQ(r.j["data"][4].value("name", ""), std::string("send-email"));
  CHECK_EQ(r.j["meta"].value("page", 0), 1);
  CHECK_EQ(r.j["meta"].value("limit", 0), 20);
  CHECK_EQ(r.j["meta"].value("total", 0), 5);
  r = call(cli, "GET", F + "?page=2&limit=2");
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  CHECK_EQ(r.j["data"][0].value("name", ""), std::string("report-0"));
  CHECK_EQ(r.j["meta"].value("page", 0), 2);
  CHECK_EQ(r.j["meta"].value("limit", 0), 2);
  CHECK_EQ(r.j["meta"].value("total", 0), 5);
  CHECK_EQ(call(cli, "GET", F + "?page=3&limit=2").j["data"].size(), std::size_t(1));
  CHECK_EQ(call(cli, "GET", F + "?page=99999999999").j["data"].size(), std::size_t(0));
  CHECK_EQ(call(cli, "GET", F + "?limit=1000").j["meta"].value("limit", 0), 100);
  CHECK_EQ(call(cli, "GET", F + "?limit=0").code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(call(cli, "GET", F + "?page=x").status, 400);
  r = call(cli, "GET", F + "?search=REPORT");
  CHECK_EQ(r.j["data"].size(), std::size_t(3));
  CHECK_EQ(r.j["meta"].value("total", 0), 3);
  CHECK_EQ(call(cli, "GET", F + "?search=mails").j["data"].size(), std::size_t(1));  // description
  CHECK_EQ(call(cli, "GET", F + "?search=zzz").j["data"].size(), std::size_t(0));

  // Delete.
  const std::string doomed = create_function(cli, "doomed");
  r = call(cli, "DELETE", F + "/" + doomed);
  CHECK_EQ(r.status, 204);
  CHECK(r.body.empty());
  CHECK_EQ(call(cli, "GET", F + "/" + doomed).status, 404);
  CHECK_EQ(call(cli, "DELETE", F + "/" + doomed).status, 404);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"doomed","code":"x"})").status, 201);  // name free again

  // Test execution.
  r = call(cli, "POST", F + "/test", R"({"code":"async function run() {}","params":{"a":1,"b":2}})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"]["output"], json({{"a", 1}, {"b", 2}}));
  CHECK_EQ(r.j["data"]["logs"], json::array({"test run started"}));
  CHECK(r.j["data"]["duration"].is_number_integer());
  CHECK(!r.j["data"].contains("error"));
  r = call(cli, "POST", F + "/test", R"({"code":"async function run() {}"})");
  CHECK_EQ(r.status, 200);
  CHECK(r.j["data"].contains("output") && r.j["data"]["output"].is_null());
  r = call(cli, "POST", F + "/test", R"({"code":"throw 1","params":{"a":1}})");
  CHECK_EQ(r.status, 200);
  CHECK(r.j["data"]["output"].is_null());
  CHECK_EQ(r.j["data"].value("error", ""), std::string("Error: thrown by test code"));
  CHECK(r.j["data"]["logs"].is_array());
  CHECK_EQ(r.j["data"].value("duration", 0), 1);
  r = call(cli, "POST", F + "/test", R"({"params":{}})");
  CHECK_EQ(r.status, 400);
  CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(r.j["details"][0].value("field", ""), std::string("code"));
  CHECK_EQ(call(cli, "POST", F + "/test", "").status, 400);
  CHECK_EQ(call(cli, "POST", F + "/test", "{").status, 400);

  // Faults apply to compute routes too; a faulted (not after-handling) create changes nothing.
  emu.inject({FaultKind::Status, "POST", "/compute-functions", 503, "1", 0, 1, false});
  r = call(cli, "POST", F, R"({"name":"faulted","code":"x"})");
  CHECK_EQ(r.status, 503);
  CHECK_EQ(r.header("Retry-After"), std::string("1"));
  CHECK_EQ(call(cli, "POST", F, R"({"name":"faulted","code":"x"})").status, 201);  // not taken
  emu.inject({FaultKind::Status, "POST", "/compute-functions", 500, "", 0, 1, true});
  CHECK_EQ(call(cli, "POST", F, R"({"name":"after","code":"x"})").status, 500);
  CHECK_EQ(call(cli, "POST", F, R"({"name":"after","code":"x"})").code(),
           std::string("FUNCTION_NAME_TAKEN"));  // the write happened
}

void test_triggers(Emulator& emu, httplib::Client& cli) {
  section("function triggers");
  const std::string fa = create_function(cli, "trig-fn-a"), fb = create_function(cli, "trig-fn-b");

  Resp r = call(cli, "POST", T,
                json({{"name", "nightly"},
                      {"functionId", fa},
                      {"executionType", "scheduled"},
                      {"description", "every night"},
                      {"triggerMetadata",
                       {{"scheduleType", "cron"}, {"cronExpression", "0 3 * * *"}, {"timezone", "UTC"},
                        {"params", json::object()}}}})
                    .dump());
  CHECK_EQ(r.status, 201);
  json tr = r.j["data"];
  const std::string t1 = tr.value("id", "");
  CHECK_EQ(t1.size(), std::size_t(36));
  CHECK_EQ(tr.value("name", ""), std::string("nightly"));
  CHECK_EQ(tr.value("functionId", ""), fa);
  CHECK_EQ(tr.value("executionType", ""), std::string("scheduled"));
  CHECK_EQ(tr.value("description", ""), std::string("every night"));
  CHECK_EQ(tr.value("enabled", false), true);
  CHECK_EQ(tr.value("workspaceSlug", ""), std::string("acme"));
  CHECK_EQ(tr.value("createdAt", "").size(), std::size_t(24));
  CHECK_EQ(tr.value("updatedAt", "").size(), std::size_t(24));
  CHECK(tr["triggerMetadata"]["params"].is_object() && tr["triggerMetadata"]["params"].empty());
  CHECK_EQ(tr["triggerMetadata"].value("cronExpression", ""), std::string("0 3 * * *"));
  CHECK(r.body.find(R"("params":{})") != std::string::npos);

  r = call(cli, "POST", T,
           json({{"name", "manual"}, {"functionId", fb}, {"executionType", "on-demand"},
                 {"enabled", false}}).dump());
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("enabled", true), false);
  CHECK(r.j["data"]["triggerMetadata"].is_object());
  const std::string t2 = r.j["data"].value("id", "");
  for (const char* type : {"event-driven", "http-trigger", "endpoint"})
    CHECK_EQ(call(cli, "POST", T, json({{"name", type}, {"functionId", fa}, {"executionType", type}}).dump())
                 .status, 201);

  // Validation: 400 for bad fields, 404 for an unknown function.
  r = call(cli, "POST", T, json({{"name", "x"}, {"functionId", fa}, {"executionType", "webhook"}}).dump());
  CHECK_EQ(r.status, 400);
  CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
  CHECK_EQ(r.j["details"][0].value("field", ""), std::string("executionType"));
  CHECK_EQ(call(cli, "POST", T, json({{"functionId", fa}, {"executionType", "on-demand"}}).dump()).status, 400);
  CHECK_EQ(call(cli, "POST", T, json({{"name", "x"}, {"executionType", "on-demand"}}).dump()).status, 400);
  CHECK_EQ(call(cli, "POST", T, json({{"name", "x"}, {"functionId", fa}}).dump()).status, 400);
  CHECK_EQ(call(cli, "POST", T, json({{"name", "x"}, {"functionId", fa}, {"executionType", "on-demand"},
                                      {"enabled", "yes"}}).dump()).status, 400);
  CHECK_EQ(call(cli, "POST", T, json({{"name", "x"}, {"functionId", fa}, {"executionType", "on-demand"},
                                      {"triggerMetadata", "p"}}).dump()).status, 400);
  CHECK_EQ(call(cli, "POST", T, "not json").status, 400);
  r = call(cli, "POST", T, json({{"name", "x"}, {"functionId", "ghost"}, {"executionType", "on-demand"}}).dump());
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("FUNCTION_NOT_FOUND"));

  // Get, 404.
  r = call(cli, "GET", T + "/" + t1);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"], tr);
  r = call(cli, "GET", T + "/nope");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", T + "/a%2Fb").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "PUT", T + "/nope", "{}").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "DELETE", T + "/nope").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "PATCH", T + "/nope/pause").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "PATCH", T + "/nope/resume").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "POST", T + "/nope/execute", "{}").code(), std::string("TRIGGER_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", T + "/" + t1 + "/pause").status, 405);

  // Partial update; all-or-nothing.
  r = call(cli, "PUT", T + "/" + t1, R"({"description":"changed","triggerMetadata":{"params":{}}})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("description", ""), std::string("changed"));
  CHECK_EQ(r.j["data"].value("name", ""), std::string("nightly"));
  CHECK_EQ(r.j["data"].value("executionType", ""), std::string("scheduled"));
  CHECK_EQ(r.j["data"]["triggerMetadata"], json({{"params", json::object()}}));
  r = call(cli, "PUT", T + "/" + t1, json({{"functionId", fb}, {"name", "moved"}}).dump());
  CHECK_EQ(r.j["data"].value("functionId", ""), fb);
  r = call(cli, "PUT", T + "/" + t1, json({{"name", "bad"}, {"functionId", "ghost"}}).dump());
  CHECK_EQ(r.code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(call(cli, "PUT", T + "/" + t1, json({{"name", "bad"}, {"executionType", "nope"}}).dump()).status, 400);
  CHECK_EQ(call(cli, "GET", T + "/" + t1).j["data"].value("name", ""), std::string("moved"));
  call(cli, "PUT", T + "/" + t1, json({{"functionId", fa}}).dump());

  // Body-less requests without Content-Length (as some clients send PATCH/POST) work at once.
  auto t0 = std::chrono::steady_clock::now();
  Raw raw = raw_exchange(emu.port(), "PATCH " + T + "/" + t1 + "/pause HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     "Authorization: Bearer test-token\r\nConnection: close\r\n\r\n");
  CHECK(raw.bytes.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(raw.bytes.find("x-request-id: req-") != std::string::npos);
  CHECK(body_of(raw.bytes).find("\"enabled\":false") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  raw = raw_exchange(emu.port(), "PATCH " + T + "/" + t1 + "/resume HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer test-token\r\nConnection: close\r\n\r\n");
  CHECK(body_of(raw.bytes).find("\"enabled\":true") != std::string::npos);

  // Pause / resume.
  r = call(cli, "PATCH", T + "/" + t1 + "/pause");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("enabled", true), false);
  CHECK_EQ(r.j["data"].value("id", ""), t1);
  CHECK_EQ(call(cli, "GET", T + "/" + t1).j["data"].value("enabled", true), false);
  r = call(cli, "PATCH", T + "/" + t1 + "/resume");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("enabled", false), true);
  CHECK_EQ(call(cli, "PATCH", T + "/" + t1 + "/resume").j["data"].value("enabled", false), true);

  // List: newest first, functionId filter, paging.
  r = call(cli, "GET", T);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].size(), std::size_t(5));
  CHECK_EQ(r.j["data"][0].value("executionType", ""), std::string("endpoint"));
  CHECK_EQ(r.j["data"][4].value("id", ""), t1);
  CHECK_EQ(r.j["meta"].value("total", 0), 5);
  CHECK_EQ(r.j["meta"].value("limit", 0), 20);
  CHECK(!r.j["data"][0].contains("health"));
  r = call(cli, "GET", T + "?functionId=" + fb);
  CHECK_EQ(r.j["data"].size(), std::size_t(1));
  CHECK_EQ(r.j["data"][0].value("id", ""), t2);
  CHECK_EQ(call(cli, "GET", T + "?functionId=ghost").j["data"].size(), std::size_t(0));
  r = call(cli, "GET", T + "?page=2&limit=2");
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  CHECK_EQ(r.j["meta"].value("page", 0), 2);
  CHECK_EQ(r.j["meta"].value("total", 0), 5);
  CHECK_EQ(call(cli, "GET", T + "?limit=-1").status, 400);

  // Execute: job ids, paused trigger -> 409 and no job, bodies.
  std::size_t jobs = emu.job_count();
  const std::string j1 = execute(cli, t1, R"({"payload":{"n":1}})");
  CHECK(j1.rfind("job-", 0) == 0);
  r = call(cli, "POST", T + "/" + t1 + "/execute", "");
  CHECK_EQ(r.status, 202);
  Raw raw2 = raw_exchange(emu.port(), "POST " + T + "/" + t1 + "/execute HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Authorization: Bearer test-token\r\nConnection: close\r\n\r\n");
  CHECK(raw2.bytes.rfind("HTTP/1.1 202", 0) == 0);
  CHECK(body_of(raw2.bytes).find("\"data\":\"job-") != std::string::npos);
  CHECK(r.j["data"].is_string() && r.j["data"].get<std::string>() != j1);
  CHECK(!execute(cli, t1, "{}").empty());
  CHECK(!execute(cli, t1, R"({"payload":[1,"two",null]})").empty());
  CHECK_EQ(emu.job_count(), jobs + 5);
  CHECK_EQ(call(cli, "POST", T + "/" + t1 + "/execute", "{oops").status, 400);
  CHECK_EQ(call(cli, "POST", T + "/" + t1 + "/execute", "[1]").status, 400);
  r = call(cli, "POST", T + "/" + t2 + "/execute", R"({"payload":{}})");  // created paused
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.j.value("error", ""), std::string("Conflict"));
  CHECK_EQ(r.j.value("message", ""), std::string("Trigger is paused"));
  CHECK_EQ(r.code(), std::string("TRIGGER_PAUSED"));
  CHECK_EQ(r.j.value("requestId", ""), r.header("x-request-id"));
  CHECK_EQ(emu.job_count(), jobs + 5);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + t2).j["meta"].value("total", -1), 0);
  call(cli, "PATCH", T + "/" + t2 + "/resume");
  CHECK(!execute(cli, t2, "").empty());
  CHECK_EQ(emu.job_count(), jobs + 6);

  // A faulted execute (no after-handling) creates no job, even for body-needing kinds.
  emu.inject({FaultKind::Truncate, "POST", "/execute", 500, "", 0, 1, false});
  CHECK_EQ(call(cli, "POST", T + "/" + t1 + "/execute", "{}").j, json());
  emu.inject({FaultKind::Status, "POST", "/execute", 502, "", 0, 1, false});
  CHECK_EQ(call(cli, "POST", T + "/" + t1 + "/execute", "{}").status, 502);
  CHECK_EQ(emu.job_count(), jobs + 6);

  // includeHealth (all runs above completed at once: default behaviour is 0/0 Completed).
  r = call(cli, "GET", T + "?includeHealth=true&functionId=" + fa);
  json h;
  for (auto& t : r.j["data"])
    if (t.value("id", "") == t1) h = t["health"];
  CHECK_EQ(h.value("totalRuns", -1), 5);
  CHECK_EQ(h.value("failedRuns", -1), 0);
  CHECK_EQ(h.value("lastRunStatus", ""), std::string("completed"));
  CHECK_EQ(h.value("lastRunAt", "").size(), std::size_t(24));
  json none = r.j["data"][0]["health"];  // the endpoint trigger: never run
  CHECK(none.contains("lastRunAt") && none["lastRunAt"].is_null());
  CHECK(none["lastRunStatus"].is_null());
  CHECK_EQ(none.value("totalRuns", -1), 0);

  // Delete; its runs stay listable. Executing a trigger of a deleted function -> 404.
  r = call(cli, "DELETE", T + "/" + t1);
  CHECK_EQ(r.status, 204);
  CHECK_EQ(call(cli, "GET", T + "/" + t1).status, 404);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + t1).j["meta"].value("total", 0), 5);
  const std::string fgone = create_function(cli, "soon-gone");
  const std::string tgone = create_trigger(cli, fgone, "on-demand");
  call(cli, "DELETE", F + "/" + fgone);
  r = call(cli, "POST", T + "/" + tgone + "/execute", "{}");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("FUNCTION_NOT_FOUND"));
  CHECK_EQ(emu.job_count(), jobs + 6);
}

void test_runs(Emulator& emu, httplib::Client& cli) {
  section("function runs and jobs");
  const std::string fid = create_function(cli, "runs-fn");
  const std::string tid = create_trigger(cli, fid, "http-trigger");

  // Lazily advancing status: pending -> running -> completed.
  ComputeBehavior slow;
  slow.pending_ms = 150;
  slow.running_ms = 150;
  emu.set_compute_behavior(slow);
  const std::string job = execute(cli, tid, R"({"payload":{"order":42}})");
  CHECK(!job.empty());
  json run = latest_run(cli, tid);
  const std::string rid = run.value("id", "");
  CHECK_EQ(rid.size(), std::size_t(36));
  CHECK_EQ(run.value("status", ""), std::string("pending"));
  CHECK_EQ(run.value("jobId", ""), job);
  CHECK_EQ(run.value("functionId", ""), fid);
  CHECK_EQ(run.value("triggerId", ""), tid);
  CHECK_EQ(run.value("triggerType", ""), std::string("http-trigger"));
  CHECK_EQ(run.value("workspaceSlug", ""), std::string("acme"));
  CHECK_EQ(run.value("createdBy", ""), std::string("user"));
  CHECK_EQ(run.value("executionId", "").size(), std::size_t(36));
  CHECK(run.value("executionId", "") != rid);
  CHECK_EQ(run.value("executionSource", ""), std::string("trigger"));
  CHECK_EQ(run.value("isRerun", true), false);
  CHECK_EQ(run.value("rerunCount", -1), 0);
  CHECK(run.contains("runData") && run["runData"].is_null());
  CHECK(run.contains("endedAt") && run["endedAt"].is_null());
  CHECK(run["errorCode"].is_null() && run["errorMessage"].is_null());
  CHECK_EQ(run.value("startedAt", "").size(), std::size_t(24));
  CHECK_EQ(run.value("createdAt", "").size(), std::size_t(24));
  CHECK_EQ(run.value("updatedAt", "").size(), std::size_t(24));
  CHECK(run["memoryUsage"]["rss"].is_number_integer() && run["memoryUsage"].value("rss", 0) > 0);
  CHECK(run["cpuUsage"]["user"].is_number_integer());
  Resp r = call(cli, "GET", P + "/function-runs/jobs/" + job);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("id", ""), job);
  CHECK_EQ(r.j["data"].value("state", ""), std::string("queued"));
  CHECK(r.j["data"]["returnValue"].is_null() && r.j["data"]["failedReason"].is_null());
  CHECK_EQ(r.j["data"].value("runId", ""), rid);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?status=pending").j["data"].size(), std::size_t(1));
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?status=completed").j["data"].size(), std::size_t(0));

  sleep_ms(200);
  r = call(cli, "GET", U + "/" + rid);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("running"));
  CHECK(r.j["data"]["endedAt"].is_null());
  CHECK(r.j["data"].value("updatedAt", "") > r.j["data"].value("createdAt", ""));
  CHECK_EQ(call(cli, "GET", U + "/jobs/" + job).j["data"].value("state", ""), std::string("running"));
  CHECK_EQ(call(cli, "GET", U + "/function/" + fid + "?status=running").j["data"].size(), std::size_t(1));

  sleep_ms(150);
  r = call(cli, "GET", U + "/" + rid);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("completed"));
  CHECK_EQ(r.j["data"]["runData"], json({{"payload", {{"order", 42}}}}));
  CHECK_EQ(r.j["data"].value("endedAt", "").size(), std::size_t(24));
  CHECK(r.j["data"].value("endedAt", "") > r.j["data"].value("startedAt", ""));
  CHECK(r.j["data"]["errorCode"].is_null());
  CHECK(r.j["data"]["cpuUsage"].value("user", 0) > 0);
  r = call(cli, "GET", U + "/jobs/" + job);
  CHECK_EQ(r.j["data"].value("state", ""), std::string("completed"));
  CHECK_EQ(r.j["data"]["returnValue"], json({{"outputs", {{"payload", {{"order", 42}}}}}}));
  CHECK(r.j["data"]["failedReason"].is_null());

  // Configured result; the behaviour is captured at creation.
  ComputeBehavior fast;
  fast.pending_ms = 50;
  fast.running_ms = 50;
  fast.result_json = R"({"sent":true,"count":3})";
  emu.set_compute_behavior(fast);
  const std::string job2 = execute(cli, tid, R"({"payload":"x"})");
  emu.set_compute_behavior(ComputeBehavior{});  // does not affect the run above
  const std::string early = call(cli, "GET", U + "/jobs/" + job2).j["data"].value("state", "");
  CHECK(early == "queued" || early == "running");  // (tolerant: a loaded machine may be slow)
  sleep_ms(130);
  r = call(cli, "GET", U + "/jobs/" + job2);
  CHECK_EQ(r.j["data"].value("state", ""), std::string("completed"));
  CHECK_EQ(r.j["data"]["returnValue"]["outputs"], json({{"sent", true}, {"count", 3}}));
  fast.result_json = "not json";
  emu.set_compute_behavior(fast);
  const std::string job_text = execute(cli, tid, "");
  emu.set_compute_behavior(ComputeBehavior{});
  sleep_ms(130);
  CHECK_EQ(call(cli, "GET", U + "/jobs/" + job_text).j["data"]["returnValue"]["outputs"], json("not json"));
  // Default behaviour (0/0, Completed) with no payload: done at once, payload null.
  const std::string job3 = execute(cli, tid, "{}");
  run = latest_run(cli, tid);
  CHECK_EQ(run.value("jobId", ""), job3);
  CHECK_EQ(run.value("status", ""), std::string("completed"));
  CHECK_EQ(run["runData"], json({{"payload", nullptr}}));

  // Failure and timeout via per-function overrides.
  const std::string ffail = create_function(cli, "fails"), ftime = create_function(cli, "hangs");
  const std::string tfail = create_trigger(cli, ffail, "on-demand"),
                    ttime = create_trigger(cli, ftime, "event-driven");
  ComputeBehavior failing;
  failing.pending_ms = 50;
  failing.running_ms = 50;
  failing.outcome = RunOutcome::Failure;
  failing.error_code = "SMTP_DOWN";
  failing.error_message = "mail server unreachable";
  emu.set_compute_behavior_for(ffail, failing);
  ComputeBehavior timing;
  timing.outcome = RunOutcome::Timeout;
  emu.set_compute_behavior_for(ftime, timing);
  const std::string jf = execute(cli, tfail, R"({"payload":{"to":"a@b.c"}})");
  const std::string jt = execute(cli, ttime, "");
  run = latest_run(cli, tfail);
  CHECK(run.value("status", "") == "pending" || run.value("status", "") == "running");
  CHECK_EQ(run.value("executionSource", ""), std::string("manual"));  // on-demand
  CHECK_EQ(run.value("triggerType", ""), std::string("on-demand"));
  sleep_ms(130);
  run = latest_run(cli, tfail);
  CHECK_EQ(run.value("status", ""), std::string("failure"));
  CHECK(run["runData"].is_null());
  CHECK_EQ(run.value("errorCode", ""), std::string("SMTP_DOWN"));
  CHECK_EQ(run.value("errorMessage", ""), std::string("mail server unreachable"));
  CHECK_EQ(run.value("endedAt", "").size(), std::size_t(24));
  r = call(cli, "GET", U + "/jobs/" + jf);
  CHECK_EQ(r.j["data"].value("state", ""), std::string("failed"));
  CHECK(r.j["data"]["returnValue"].is_null());
  CHECK_EQ(r.j["data"].value("failedReason", ""), std::string("mail server unreachable"));
  run = latest_run(cli, ttime);
  CHECK_EQ(run.value("status", ""), std::string("timeout"));
  CHECK_EQ(run.value("errorCode", ""), std::string("TIMEOUT"));
  CHECK(!run.value("errorMessage", "").empty());
  CHECK(run["runData"].is_null());
  CHECK_EQ(run.value("executionSource", ""), std::string("trigger"));
  CHECK_EQ(call(cli, "GET", U + "/jobs/" + jt).j["data"].value("state", ""), std::string("failed"));
  r = call(cli, "GET", T + "?includeHealth=true&functionId=" + ffail);
  CHECK_EQ(r.j["data"][0]["health"].value("failedRuns", -1), 1);
  CHECK_EQ(r.j["data"][0]["health"].value("totalRuns", -1), 1);
  CHECK_EQ(r.j["data"][0]["health"].value("lastRunStatus", ""), std::string("failure"));
  // The per-function override does not touch other functions.
  execute(cli, tid, "{}");
  CHECK_EQ(latest_run(cli, tid).value("status", ""), std::string("completed"));

  // Lists: newest first, paging (default 20, max 100), status filter, by function.
  ComputeBehavior quick;  // 0/0 completed
  emu.set_compute_behavior(quick);
  std::vector<std::string> order_jobs;
  for (int i = 0; i < 23; ++i) order_jobs.push_back(execute(cli, tid, json({{"payload", i}}).dump()));
  r = call(cli, "GET", U + "/trigger/" + tid);
  CHECK_EQ(r.status, 200);
  const int total = 23 + 5;  // 5 runs of this trigger above
  CHECK_EQ(r.j["data"].size(), std::size_t(20));
  CHECK_EQ(r.j["meta"].value("page", 0), 1);
  CHECK_EQ(r.j["meta"].value("limit", 0), 20);
  CHECK_EQ(r.j["meta"].value("total", 0), total);
  CHECK_EQ(r.j["data"][0].value("jobId", ""), order_jobs[22]);
  CHECK_EQ(r.j["data"][1].value("jobId", ""), order_jobs[21]);
  CHECK_EQ(r.j["data"][0]["runData"], json({{"payload", 22}}));
  r = call(cli, "GET", U + "/trigger/" + tid + "?page=2");
  CHECK_EQ(r.j["data"].size(), std::size_t(total - 20));
  CHECK_EQ(r.j["data"][0].value("jobId", ""), order_jobs[2]);
  r = call(cli, "GET", U + "/trigger/" + tid + "?page=3&limit=5");
  CHECK_EQ(r.j["data"].size(), std::size_t(5));
  CHECK_EQ(r.j["data"][0].value("jobId", ""), order_jobs[12]);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?limit=500").j["meta"].value("limit", 0), 100);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?limit=500").j["data"].size(), std::size_t(total));
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?page=0").status, 400);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?limit=abc").code(), std::string("VALIDATION_ERROR"));
  r = call(cli, "GET", U + "/trigger/" + tid + "?status=failed");  // the status is "failure"
  CHECK_EQ(r.status, 400);
  CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
  r = call(cli, "GET", U + "/trigger/" + tid + "?status=completed&limit=100");
  CHECK_EQ(r.j["meta"].value("total", 0), total);
  CHECK_EQ(call(cli, "GET", U + "/trigger/" + tid + "?status=pending").j["meta"].value("total", -1), 0);
  r = call(cli, "GET", U + "/function/" + ffail);
  CHECK_EQ(r.j["meta"].value("total", 0), 1);
  CHECK_EQ(r.j["data"][0].value("status", ""), std::string("failure"));
  CHECK_EQ(call(cli, "GET", U + "/function/" + fid + "?limit=1").j["meta"].value("total", 0), total);
  CHECK_EQ(call(cli, "GET", U + "/function/" + ftime + "?status=timeout").j["data"].size(), std::size_t(1));
  r = call(cli, "GET", U + "/function/unknown");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].size(), std::size_t(0));
  CHECK_EQ(r.j["meta"].value("total", -1), 0);

  // 404s.
  r = call(cli, "GET", U + "/nope");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("RUN_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", U + "/a%2Fb").code(), std::string("RUN_NOT_FOUND"));
  r = call(cli, "GET", U + "/jobs/job-999999");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("JOB_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", U + "/jobs/%ff%00").code(), std::string("JOB_NOT_FOUND"));
  CHECK_EQ(call(cli, "POST", U + "/" + rid).status, 405);
  CHECK_EQ(call(cli, "GET", U + "/trigger").code(), std::string("RUN_NOT_FOUND"));

  // Injected faults on run reads.
  emu.inject({FaultKind::Status, "GET", "/function-runs/jobs/", 429, "3", 0, 1, false});
  r = call(cli, "GET", U + "/jobs/" + job);
  CHECK_EQ(r.status, 429);
  CHECK_EQ(r.header("Retry-After"), std::string("3"));
  CHECK_EQ(call(cli, "GET", U + "/jobs/" + job).status, 200);
  emu.set_compute_behavior(ComputeBehavior{});
}

void test_faults(Emulator& emu, httplib::Client& cli) {
  section("faults");
  const int port = emu.port();
  // Status + Retry-After, on the token endpoint, counted as a token request.
  std::size_t tokens = emu.token_requests();
  emu.inject({FaultKind::Status, "POST", "/oidc/token", 503, "2", 0, 1, false});
  Resp r = call(cli, "POST", "/oidc/token",
                "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test", {},
                "application/x-www-form-urlencoded");
  CHECK_EQ(r.status, 503);
  CHECK_EQ(r.header("Retry-After"), std::string("2"));
  CHECK_EQ(r.code(), std::string("INJECTED"));
  CHECK_EQ(r.j.value("error", ""), std::string("Injected"));
  CHECK(!r.header("x-request-id").empty());
  CHECK_EQ(emu.token_requests(), tokens + 1);
  CHECK_EQ(call(cli, "POST", "/oidc/token",
                "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test", {},
                "application/x-www-form-urlencoded").status, 200);  // used up

  // Matching: method filter, path filter, times, FIFO.
  emu.inject({FaultKind::Status, "DELETE", "", 500, "", 0, 1, false});
  emu.inject({FaultKind::Status, "", "/faulty", 429, "", 0, 2, false});
  emu.inject({FaultKind::Status, "", "/faulty", 418, "", 0, 1, false});
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 429);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 429);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 418);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "x/y").status, 500);
  emu.inject({FaultKind::Status, "", "", 500, "", 0, 5, false});
  emu.clear_faults();
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);

  // Status with apply_after_handling: the write happened once although the client saw 500.
  emu.inject({FaultKind::Status, "POST", "/records/slug/payments", 500, "", 0, 1, true});
  r = call(cli, "POST", R + "payments", R"({"amount":5})");
  CHECK_EQ(r.status, 500);
  CHECK_EQ(emu.record_count("payments"), std::size_t(1));
  emu.inject({FaultKind::Status, "POST", "/records/slug/payments", 500, "", 0, 1, false});
  CHECK_EQ(call(cli, "POST", R + "payments", R"({"amount":6})").status, 500);
  CHECK_EQ(emu.record_count("payments"), std::size_t(1));

  // Reset: zero response bytes, connection reset.
  emu.inject({FaultKind::Reset, "", "/records/slug/resets", 500, "", 0, 1, false});
  Raw raw = raw_exchange(port, raw_get(R + "resets"));
  CHECK(raw.bytes.empty());
  CHECK(raw.reset);
  std::printf("   reset: %zu bytes, reset=%d eof=%d\n", raw.bytes.size(), raw.reset, raw.eof);
  emu.inject({FaultKind::Reset, "POST", "/records/slug/resets", 500, "", 0, 1, true});
  raw = raw_exchange(port, raw_post(R + "resets", R"({"a":1})"));
  CHECK(raw.bytes.empty());
  CHECK_EQ(emu.record_count("resets"), std::size_t(1));  // happened despite the reset
  emu.inject({FaultKind::Reset, "", "/records/slug/resets", 500, "", 0, 1, false});
  r = call(cli, "GET", R + "resets");  // the keep-alive client sees a transport error
  CHECK_EQ(r.status, -1);
  CHECK_EQ(call(cli, "GET", R + "resets").status, 200);  // and recovers on a new connection

  // ResetMidBody: full Content-Length announced, about half delivered.
  emu.inject({FaultKind::ResetMidBody, "GET", "/records/slug/resets", 500, "", 0, 1, false});
  raw = raw_exchange(port, raw_get(R + "resets"));
  CHECK(raw.bytes.rfind("HTTP/1.1 200", 0) == 0);
  std::size_t cl = content_length_of(raw.bytes), got = body_of(raw.bytes).size();
  CHECK(cl > 0 && got < cl && got >= cl / 2 - 1);
  std::printf("   reset-mid-body: Content-Length %zu, received %zu\n", cl, got);
  CHECK_EQ(call(cli, "GET", R + "resets").status, 200);

  // Delay.
  emu.inject({FaultKind::Delay, "GET", "", 500, "", 300, 1, false});
  auto t0 = std::chrono::steady_clock::now();
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
  CHECK(waited >= 300);

  // Truncate: half of the real JSON, consistent Content-Length; no state change by default.
  emu.inject({FaultKind::Truncate, "POST", "/records/slug/trunc", 500, "", 0, 1, false});
  raw = raw_exchange(port, raw_post(R + "trunc", R"({"a":"bcdefghijklmnopqrstuvwxyz"})"));
  std::string tb = body_of(raw.bytes);
  CHECK_EQ(content_length_of(raw.bytes), tb.size());
  CHECK(tb.rfind("{\"data\":{", 0) == 0);
  CHECK(json::parse(tb, nullptr, false).is_discarded());
  CHECK_EQ(emu.record_count("trunc"), std::size_t(0));
  emu.inject({FaultKind::Truncate, "POST", "/records/slug/trunc", 500, "", 0, 1, true});
  r = call(cli, "POST", R + "trunc", R"({"a":1})");
  CHECK_EQ(r.status, 200);
  CHECK(r.j.is_null());
  CHECK_EQ(emu.record_count("trunc"), std::size_t(1));

  // NonJson / Html.
  emu.inject({FaultKind::NonJson, "", "", 502, "", 0, 1, false});
  r = call(cli, "GET", R + "ok");
  CHECK_EQ(r.status, 502);
  CHECK_EQ(r.body, std::string("not json at all"));
  CHECK(r.header("Content-Type").find("text/plain") == 0);
  emu.inject({FaultKind::Html, "", "", 502, "", 0, 1, false});
  r = call(cli, "GET", R + "ok");
  CHECK_EQ(r.status, 502);
  CHECK(r.body.find("<title>502 Bad Gateway</title>") != std::string::npos);
  CHECK(r.header("Content-Type").find("text/html") == 0);

  // EmptyOk: 200 with Content-Length: 0.
  emu.inject({FaultKind::EmptyOk, "GET", "", 500, "", 0, 1, false});
  raw = raw_exchange(port, raw_get(R + "ok"));
  CHECK(raw.bytes.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(raw.bytes.find("Content-Length: 0\r\n") != std::string::npos);
  CHECK(raw.bytes.find("application/json") != std::string::npos);
  CHECK(body_of(raw.bytes).empty());

  // MalformedShape.
  emu.inject({FaultKind::MalformedShape, "GET", "", 500, "", 0, 1, false});
  r = call(cli, "GET", R + "ok/123");
  CHECK_EQ(r.status, 200);
  CHECK(r.j["data"].is_string() && r.j["meta"].is_array());

  // HugeBody: ~64 MiB of valid JSON.
  emu.inject({FaultKind::HugeBody, "GET", "", 500, "", 0, 1, false});
  t0 = std::chrono::steady_clock::now();
  auto res = cli.Get(R + "ok", kUser);
  CHECK(res && res->status == 200);
  if (res) {
    CHECK_EQ(res->body.size(), std::size_t(64u * 1024u * 1024u));
    json huge = json::parse(res->body, nullptr, false);
    CHECK(!huge.is_discarded() && huge["data"]["blob"].is_string());
    std::printf("   huge body: %zu bytes in %lld ms\n", res->body.size(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - t0).count()));
  }
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);

  // Every request, faulted or not, was recorded.
  auto reqs = emu.requests();
  CHECK(!reqs.empty() && reqs.back().method == "GET");
}

void test_keep_alive(Emulator& emu) {
  section("keep-alive: 1000 sequential requests on one connection");
  auto cli = make_client(emu);
  std::size_t before = emu.connections();
  auto t0 = std::chrono::steady_clock::now();
  int ok = 0;
  for (int i = 0; i < 1000; ++i) ok += call(*cli, "GET", R + "ka?pageSize=1").status == 200;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                .count();
  CHECK_EQ(ok, 1000);
  CHECK_EQ(emu.connections(), before + 1);
  CHECK(ms < 10000);
  std::printf("   1000 requests in %lld ms over %zu new connection(s)\n", static_cast<long long>(ms),
              emu.connections() - before);
}

void test_concurrency(Emulator& emu) {
  section("concurrency: 8 clients x 50 creates");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto cli = make_client(emu);
      for (int i = 0; i < 50; ++i) ok += call(*cli, "POST", R + "conc", R"({"i":1})").status == 201;
    });
  }
  for (auto& th : threads) th.join();
  CHECK_EQ(ok.load(), 400);
  CHECK_EQ(emu.record_count("conc"), std::size_t(400));
}

void test_lifecycle() {
  section("lifecycle: stop with an idle keep-alive connection, restart, bind failure");
  Emulator emu;
  emu.start();
  auto cli = make_client(emu);
  CHECK_EQ(call(*cli, "GET", R + "x").status, 200);  // leaves an idle keep-alive connection
  auto t0 = std::chrono::steady_clock::now();
  emu.stop();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                .count();
  CHECK(ms < 2000);
  std::printf("   stop() took %lld ms\n", static_cast<long long>(ms));
  emu.stop();  // idempotent
  emu.start();
  auto cli2 = make_client(emu);
  CHECK_EQ(call(*cli2, "GET", R + "x").status, 200);

  Options o;
  o.port = emu.port();  // already taken
  Emulator clash(o);
  bool threw = false;
  try {
    clash.start();
  } catch (const std::exception&) {
    threw = true;
  }
  CHECK(threw);

  Options custom;
  custom.workspace = "other";
  custom.static_token = "";
  Emulator emu2(custom);
  emu2.start();
  CHECK_EQ(emu2.base_url(), "http://127.0.0.1:" + std::to_string(emu2.port()));
  auto cli3 = make_client(emu2);
  CHECK_EQ(call(*cli3, "GET", "/data/workspace/other/api/v1/records/slug/x").code(),
           std::string("INVALID_TOKEN"));  // static token disabled
  CHECK_EQ(call(*cli3, "GET", "/data/workspace/other/api/v1/records/slug/x", "",
                {{"x-api-key", "pk_live_test"}}).status, 200);
}

}  // namespace

int main() {
  // httplib::Client writes without MSG_NOSIGNAL; a write to a connection the emulator
  // reset must not kill the self-test. (The emulator itself never raises SIGPIPE.)
  signal(SIGPIPE, SIG_IGN);
  Emulator emu;
  emu.start();
  std::printf("emulator at %s\n", emu.base_url().c_str());
  auto cli = make_client(emu);

  test_auth(emu, *cli);
  test_tokens(emu, *cli);
  test_crud(emu, *cli);
  test_upsert_bulk(emu, *cli);
  test_query(emu, *cli);
  test_functions(emu, *cli);
  test_triggers(emu, *cli);
  test_runs(emu, *cli);
  test_faults(emu, *cli);
  test_keep_alive(emu);
  test_concurrency(emu);
  emu.stop();
  test_lifecycle();

  std::printf("%d checks, %d failures\n", g_checks, g_failures);
  std::printf(g_failures == 0 ? "SELFTEST PASSED\n" : "SELFTEST FAILED\n");
  return g_failures == 0 ? 0 : 1;
}

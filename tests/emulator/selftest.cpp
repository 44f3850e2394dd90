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
  test_faults(emu, *cli);
  test_keep_alive(emu);
  test_concurrency(emu);
  emu.stop();
  test_lifecycle();

  std::printf("%d checks, %d failures\n", g_checks, g_failures);
  std::printf(g_failures == 0 ? "SELFTEST PASSED\n" : "SELFTEST FAILED\n");
  return g_failures == 0 ? 0 : 1;
}

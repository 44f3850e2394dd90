// Self-check for the Centrali emulator: starts it in-process and exercises every route
// and every fault kind over real HTTP with httplib::Client (and raw sockets where the
// exact bytes on the wire matter). Prints each failure; exit status = number of failures (capped).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator.hpp"
#include "selftest_check.hpp"

using json = nlohmann::json;
using namespace centrali_emulator;

namespace {



#define CHECK_EQ(a, b)                                                          \
  do {                                                                          \
    ++selftest::checks;                                                                 \
    auto va_ = (a);                                                             \
    auto vb_ = (b);                                                             \
    if (!(va_ == vb_)) {                                                        \
      ++selftest::failures;                                                             \
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

// from_port, when given, is the client's local port (0: any; the one bound is written back), so
// a test can make two connections from the same (address, port) pair.
Raw raw_exchange(int port, const std::string& request, int* from_port = nullptr) {
  Raw out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (from_port) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(static_cast<uint16_t>(*from_port));
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof local;
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
      close(fd);
      return out;
    }
    *from_port = ntohs(local.sin_port);
  }
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
  emu.inject({FaultKind::Status, "POST", "/compute-functions", 503, "1", 0, 1, false, ""});
  r = call(cli, "POST", F, R"({"name":"faulted","code":"x"})");
  CHECK_EQ(r.status, 503);
  CHECK_EQ(r.header("Retry-After"), std::string("1"));
  CHECK_EQ(call(cli, "POST", F, R"({"name":"faulted","code":"x"})").status, 201);  // not taken
  emu.inject({FaultKind::Status, "POST", "/compute-functions", 500, "", 0, 1, true, ""});
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
  emu.inject({FaultKind::Truncate, "POST", "/execute", 500, "", 0, 1, false, ""});
  CHECK_EQ(call(cli, "POST", T + "/" + t1 + "/execute", "{}").j, json());
  emu.inject({FaultKind::Status, "POST", "/execute", 502, "", 0, 1, false, ""});
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
  emu.inject({FaultKind::Status, "GET", "/function-runs/jobs/", 429, "3", 0, 1, false, ""});
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
  emu.inject({FaultKind::Status, "POST", "/oidc/token", 503, "2", 0, 1, false, ""});
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
  emu.inject({FaultKind::Status, "DELETE", "", 500, "", 0, 1, false, ""});
  emu.inject({FaultKind::Status, "", "/faulty", 429, "", 0, 2, false, ""});
  emu.inject({FaultKind::Status, "", "/faulty", 418, "", 0, 1, false, ""});
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 429);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 429);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 418);
  CHECK_EQ(call(cli, "GET", R + "faulty").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "x/y").status, 500);
  emu.inject({FaultKind::Status, "", "", 500, "", 0, 5, false, ""});
  emu.clear_faults();
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);

  // Status with apply_after_handling: the write happened once although the client saw 500.
  emu.inject({FaultKind::Status, "POST", "/records/slug/payments", 500, "", 0, 1, true, ""});
  r = call(cli, "POST", R + "payments", R"({"amount":5})");
  CHECK_EQ(r.status, 500);
  CHECK_EQ(emu.record_count("payments"), std::size_t(1));
  emu.inject({FaultKind::Status, "POST", "/records/slug/payments", 500, "", 0, 1, false, ""});
  CHECK_EQ(call(cli, "POST", R + "payments", R"({"amount":6})").status, 500);
  CHECK_EQ(emu.record_count("payments"), std::size_t(1));

  // Reset: zero response bytes, connection reset.
  emu.inject({FaultKind::Reset, "", "/records/slug/resets", 500, "", 0, 1, false, ""});
  Raw raw = raw_exchange(port, raw_get(R + "resets"));
  CHECK(raw.bytes.empty());
  CHECK(raw.reset);
  std::printf("   reset: %zu bytes, reset=%d eof=%d\n", raw.bytes.size(), raw.reset, raw.eof);
  emu.inject({FaultKind::Reset, "POST", "/records/slug/resets", 500, "", 0, 1, true, ""});
  raw = raw_exchange(port, raw_post(R + "resets", R"({"a":1})"));
  CHECK(raw.bytes.empty());
  CHECK_EQ(emu.record_count("resets"), std::size_t(1));  // happened despite the reset
  emu.inject({FaultKind::Reset, "", "/records/slug/resets", 500, "", 0, 1, false, ""});
  r = call(cli, "GET", R + "resets");  // the keep-alive client sees a transport error
  CHECK_EQ(r.status, -1);
  CHECK_EQ(call(cli, "GET", R + "resets").status, 200);  // and recovers on a new connection

  // ResetMidBody: full Content-Length announced, about half delivered.
  emu.inject({FaultKind::ResetMidBody, "GET", "/records/slug/resets", 500, "", 0, 1, false, ""});
  raw = raw_exchange(port, raw_get(R + "resets"));
  CHECK(raw.bytes.rfind("HTTP/1.1 200", 0) == 0);
  std::size_t cl = content_length_of(raw.bytes), got = body_of(raw.bytes).size();
  CHECK(cl > 0 && got < cl && got >= cl / 2 - 1);
  std::printf("   reset-mid-body: Content-Length %zu, received %zu\n", cl, got);
  CHECK_EQ(call(cli, "GET", R + "resets").status, 200);

  // Delay.
  emu.inject({FaultKind::Delay, "GET", "", 500, "", 300, 1, false, ""});
  auto t0 = std::chrono::steady_clock::now();
  CHECK_EQ(call(cli, "GET", R + "ok").status, 200);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
  CHECK(waited >= 300);

  // Truncate: half of the real JSON, consistent Content-Length; no state change by default.
  emu.inject({FaultKind::Truncate, "POST", "/records/slug/trunc", 500, "", 0, 1, false, ""});
  raw = raw_exchange(port, raw_post(R + "trunc", R"({"a":"bcdefghijklmnopqrstuvwxyz"})"));
  std::string tb = body_of(raw.bytes);
  CHECK_EQ(content_length_of(raw.bytes), tb.size());
  CHECK(tb.rfind("{\"data\":{", 0) == 0);
  CHECK(json::parse(tb, nullptr, false).is_discarded());
  CHECK_EQ(emu.record_count("trunc"), std::size_t(0));
  emu.inject({FaultKind::Truncate, "POST", "/records/slug/trunc", 500, "", 0, 1, true, ""});
  r = call(cli, "POST", R + "trunc", R"({"a":1})");
  CHECK_EQ(r.status, 200);
  CHECK(r.j.is_null());
  CHECK_EQ(emu.record_count("trunc"), std::size_t(1));

  // NonJson / Html.
  emu.inject({FaultKind::NonJson, "", "", 502, "", 0, 1, false, ""});
  r = call(cli, "GET", R + "ok");
  CHECK_EQ(r.status, 502);
  CHECK_EQ(r.body, std::string("not json at all"));
  CHECK(r.header("Content-Type").find("text/plain") == 0);
  emu.inject({FaultKind::Html, "", "", 502, "", 0, 1, false, ""});
  r = call(cli, "GET", R + "ok");
  CHECK_EQ(r.status, 502);
  CHECK(r.body.find("<title>502 Bad Gateway</title>") != std::string::npos);
  CHECK(r.header("Content-Type").find("text/html") == 0);

  // EmptyOk: 200 with Content-Length: 0.
  emu.inject({FaultKind::EmptyOk, "GET", "", 500, "", 0, 1, false, ""});
  raw = raw_exchange(port, raw_get(R + "ok"));
  CHECK(raw.bytes.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(raw.bytes.find("Content-Length: 0\r\n") != std::string::npos);
  CHECK(raw.bytes.find("application/json") != std::string::npos);
  CHECK(body_of(raw.bytes).empty());

  // MalformedShape.
  emu.inject({FaultKind::MalformedShape, "GET", "", 500, "", 0, 1, false, ""});
  r = call(cli, "GET", R + "ok/123");
  CHECK_EQ(r.status, 200);
  CHECK(r.j["data"].is_string() && r.j["meta"].is_array());

  // HugeBody: ~64 MiB of valid JSON.
  emu.inject({FaultKind::HugeBody, "GET", "", 500, "", 0, 1, false, ""});
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

// ---------------------------------------------------------------------------
// Realtime (SSE). A raw-socket client: the exact bytes matter (partial frames, EOF, the
// terminating chunk), and reads must never block the test for long.
struct SseEvent {
  std::string id, event, data;
  json j;
};

class SseClient {
 public:
  SseClient(int port, const std::string& target,
            const std::vector<std::string>& headers = {"Authorization: Bearer test-token"}) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      closed_ = true;
      return;
    }
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (auto& h : headers) req += h + "\r\n";
    req += "\r\n";
    (void)!send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  }
  ~SseClient() { close_now(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    closed_ = true;
  }

  // Reads what arrives within timeout_ms (returns early on EOF).
  void pump(int timeout_ms) {
    if (fd_ < 0 || eof_) return;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) raw_.append(buf, static_cast<std::size_t>(n));
    if (n == 0) eof_ = true;
    if (n < 0 && errno != EINTR && errno != EAGAIN) eof_ = true;
  }

  template <typename Pred>
  bool wait_for(Pred pred, int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred()) {
      if (eof_ || std::chrono::steady_clock::now() >= deadline) return pred();
      pump(20);
    }
    return true;
  }
  bool wait_events(std::size_t n, int timeout_ms = 3000) {
    return wait_for([&] { return events().size() >= n; }, timeout_ms);
  }
  bool wait_body(const std::string& needle, int timeout_ms = 3000) {
    return wait_for([&] { return body().find(needle) != std::string::npos; }, timeout_ms);
  }
  bool wait_eof(int timeout_ms = 3000) { return wait_for([&] { return eof_; }, timeout_ms); }

  bool eof() const { return eof_; }
  const std::string& raw() const { return raw_; }
  bool has_head() const { return raw_.find("\r\n\r\n") != std::string::npos; }
  int status() const {
    if (raw_.size() < 12) return -1;
    return std::atoi(raw_.substr(9, 3).c_str());
  }
  std::string header(const std::string& name) const {
    std::string head = raw_.substr(0, raw_.find("\r\n\r\n"));
    std::string lower = head;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string key = "\r\n" + name + ":";
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto p = lower.find(key);
    if (p == std::string::npos) return "";
    auto e = head.find("\r\n", p + 2);
    std::string v = head.substr(p + key.size(), e - p - key.size());
    return v.substr(v.find_first_not_of(' ') == std::string::npos ? v.size() : v.find_first_not_of(' '));
  }
  // The body, de-chunked when chunked; `terminated` = the zero-size last chunk was seen.
  std::string body(bool* terminated = nullptr) const {
    if (terminated) *terminated = false;
    auto h = raw_.find("\r\n\r\n");
    if (h == std::string::npos) return "";
    std::string rest = raw_.substr(h + 4);
    if (to_lower_s(header("Transfer-Encoding")) != "chunked") return rest;
    std::string out;
    std::size_t pos = 0;
    while (true) {
      auto eol = rest.find("\r\n", pos);
      if (eol == std::string::npos) break;
      std::size_t size = std::strtoul(rest.substr(pos, eol - pos).c_str(), nullptr, 16);
      if (size == 0) {
        if (terminated) *terminated = true;
        break;
      }
      std::size_t avail = std::min(size, rest.size() - (eol + 2));
      out += rest.substr(eol + 2, avail);
      if (avail < size) break;
      pos = eol + 2 + size + 2;
      if (pos > rest.size()) break;
    }
    return out;
  }
  bool terminated() const {
    bool t = false;
    body(&t);
    return t;
  }
  // Complete event frames (comments and the retry field skipped).
  std::vector<SseEvent> events() const {
    std::vector<SseEvent> out;
    std::string b = body();
    std::size_t pos = 0;
    while (true) {
      auto end = b.find("\n\n", pos);
      if (end == std::string::npos) break;
      std::string frame = b.substr(pos, end - pos);
      pos = end + 2;
      SseEvent e;
      std::istringstream is(frame);
      std::string line;
      bool any = false;
      while (std::getline(is, line)) {
        if (line.rfind("id: ", 0) == 0) e.id = line.substr(4), any = true;
        if (line.rfind("event: ", 0) == 0) e.event = line.substr(7), any = true;
        if (line.rfind("data: ", 0) == 0) e.data = line.substr(6), any = true;
      }
      if (!any || e.data.empty()) continue;
      e.j = json::parse(e.data, nullptr, false);
      out.push_back(std::move(e));
    }
    return out;
  }
  std::size_t count_of(const std::string& needle) const {
    std::string b = body();
    std::size_t n = 0;
    for (auto p = b.find(needle); p != std::string::npos; p = b.find(needle, p + needle.size())) ++n;
    return n;
  }

 private:
  static std::string to_lower_s(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  int fd_ = -1;
  bool closed_ = false;
  bool eof_ = false;
  std::string raw_;
};

const std::string RT = "/realtime/workspace/acme/events";

template <typename Pred>
bool eventually(Pred pred, int timeout_ms = 3000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string create_rec(httplib::Client& cli, const std::string& slug, const std::string& body) {
  Resp r = call(cli, "POST", R + slug, body);
  return r.j.is_object() && r.j.contains("data") ? r.j["data"].value("id", "") : "";
}

unsigned long long id_of(const SseEvent& e) { return std::stoull(e.id.empty() ? "0" : e.id); }

void test_realtime_auth(Emulator& emu, httplib::Client& cli) {
  section("realtime: auth, workspace, validation, faults");
  Resp r = call(cli, "GET", RT, "", {});
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("MISSING_TOKEN"));
  CHECK(!r.j.value("requestId", "").empty());
  r = call(cli, "GET", RT, "", bearer("nope"));
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));
  r = call(cli, "GET", RT + "?access_token=nope", "", {});
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));
  r = call(cli, "GET", RT, "", {{"x-api-key", "wrong"}});
  CHECK_EQ(r.code(), std::string("INVALID_TOKEN"));

  Resp tok = call(cli, "POST", "/oidc/token",
                  "grant_type=client_credentials&client_id=ci_test&client_secret=sk_test", {},
                  "application/x-www-form-urlencoded");
  const std::string issued = tok.j.value("access_token", "");
  emu.expire_all_tokens();
  r = call(cli, "GET", RT + "?access_token=" + issued, "", {});
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("TOKEN_EXPIRED"));
  r = call(cli, "GET", RT, "", bearer(issued));
  CHECK_EQ(r.code(), std::string("TOKEN_EXPIRED"));

  r = call(cli, "GET", "/realtime/workspace/other/events");
  CHECK_EQ(r.status, 403);
  CHECK_EQ(r.code(), std::string("WORKSPACE_MISMATCH"));
  CHECK_EQ(r.j.value("error", ""), std::string("Forbidden"));
  CHECK(!r.j.value("message", "").empty());
  CHECK_EQ(r.j.value("requestId", ""), r.header("x-request-id"));
  // auth comes first: a bad token on a foreign workspace is still a 401
  CHECK_EQ(call(cli, "GET", "/realtime/workspace/other/events", "", {}).status, 401);

  for (const char* bad : {"?filter=nocolon", "?filter=:x", "?filter=data.status:",
                          "?filter=data..x:1", "?events=record_created,record_exploded",
                          "?events=bogus"}) {
    r = call(cli, "GET", RT + bad);
    CHECK_EQ(r.status, 400);
    CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
    CHECK(r.j.contains("details"));
  }
  CHECK_EQ(call(cli, "POST", RT, "{}").status, 405);

  // Fault injection on the realtime route, with a custom code; no stream is opened.
  const std::size_t accepted = emu.stream_connections();
  Fault f;
  f.kind = FaultKind::Status;
  f.path_contains = "/realtime/";
  f.status = 429;
  f.retry_after = "3";
  f.code = "RATE_LIMIT_EXCEEDED";
  emu.inject(f);
  r = call(cli, "GET", RT);
  CHECK_EQ(r.status, 429);
  CHECK_EQ(r.code(), std::string("RATE_LIMIT_EXCEEDED"));
  CHECK_EQ(r.header("Retry-After"), std::string("3"));
  f.status = 401;
  f.retry_after = "";
  f.code = "TOKEN_EXPIRED";
  f.apply_after_handling = true;
  emu.inject(f);
  r = call(cli, "GET", RT);
  CHECK_EQ(r.status, 401);
  CHECK_EQ(r.code(), std::string("TOKEN_EXPIRED"));
  CHECK_EQ(emu.stream_connections(), accepted);
  CHECK_EQ(emu.open_streams(), std::size_t(0));
  // the default code is unchanged
  emu.inject({FaultKind::Status, "GET", "/realtime/", 500, "", 0, 1, false, ""});
  CHECK_EQ(call(cli, "GET", RT).code(), std::string("INJECTED"));
}

void test_realtime_stream(Emulator& emu, httplib::Client& cli) {
  section("realtime: stream format, pings, event types");
  const int port = emu.port();
  const std::size_t accepted = emu.stream_connections();
  {
    SseClient s(port, RT + "?access_token=test-token", {});
    CHECK(s.wait_body(": connected to workspace acme\nid: "));
    CHECK_EQ(s.status(), 200);
    CHECK_EQ(s.header("Content-Type"), std::string("text/event-stream"));
    CHECK_EQ(s.header("Cache-Control"), std::string("no-cache"));
    CHECK_EQ(s.header("X-Accel-Buffering"), std::string("no"));
    CHECK_EQ(s.header("Transfer-Encoding"), std::string("chunked"));
    CHECK(!s.header("x-request-id").empty());
    // The greeting ends with a resume point (the newest event id, sent with no data).
    CHECK(s.body().rfind("retry: 3000\n: connected to workspace acme\nid: ", 0) == 0);
    CHECK(s.body().size() > 4 && s.body().substr(s.body().size() - 2) == "\n\n");
    CHECK(s.events().empty());
    CHECK(eventually([&] { return emu.open_streams() == 1; }));
  }
  CHECK(eventually([&] { return emu.open_streams() == 0; }));  // client went away
  {
    SseClient s(port, RT, {"x-api-key: pk_live_test"});
    CHECK(s.wait_body(": connected"));
    CHECK_EQ(s.status(), 200);
  }
  CHECK_EQ(emu.stream_connections(), accepted + 2);

  // pings while idle, retry from the options
  RealtimeOptions o;
  o.retry_ms = 1500;
  o.ping_interval_ms = 100;
  emu.set_realtime_options(o);
  {
    SseClient s(port, RT);
    CHECK(s.wait_for([&] { return s.count_of(": ping\n\n") >= 3; }, 3000));
    CHECK(s.body().rfind("retry: 1500\n: connected to workspace acme\nid: ", 0) == 0);
    CHECK(!s.eof());
  }
  emu.set_realtime_options(RealtimeOptions{});

  // every event type, with before/after on updates
  SseClient s(port, RT + "?structures=rtev");
  CHECK(s.wait_body(": connected"));
  const std::string id = create_rec(cli, "rtev", R"({"status":"new","n":1})");
  CHECK(!id.empty());
  CHECK_EQ(call(cli, "PATCH", R + "rtev/" + id, R"({"status":"paid"})").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "rtev/" + id).status, 204);
  CHECK_EQ(call(cli, "POST", R + "rtev/" + id + "/restore", "").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "rtev/" + id + "?hard=true").status, 204);
  CHECK(s.wait_events(5));
  auto ev = s.events();
  CHECK_EQ(ev.size(), std::size_t(5));
  if (ev.size() >= 5) {
    const char* types[] = {"record_created", "record_updated", "record_deleted",
                           "record_restored", "record_deleted"};
    for (std::size_t i = 0; i < 5; ++i) {
      CHECK_EQ(ev[i].event, std::string("message"));
      CHECK_EQ(ev[i].j.value("event", ""), std::string(types[i]));
      CHECK_EQ(ev[i].j.value("workspaceSlug", ""), std::string("acme"));
      CHECK_EQ(ev[i].j.value("recordSlug", ""), std::string("rtev"));
      CHECK_EQ(ev[i].j.value("recordId", ""), id);
      const std::string ts = ev[i].j.value("timestamp", "");
      CHECK(ts.size() == 24 && ts.back() == 'Z' && ts[10] == 'T' && ts[19] == '.');
      if (i > 0) CHECK_EQ(id_of(ev[i]), id_of(ev[i - 1]) + 1);
      CHECK(ev[i].data.find('\n') == std::string::npos);
    }
    CHECK(id_of(ev[0]) >= 1);
    CHECK_EQ(ev[0].j["data"], json({{"status", "new"}, {"n", 1}}));
    CHECK_EQ(ev[0].j.value("createdBy", ""), std::string("user"));
    CHECK_EQ(ev[1].j["data"]["before"], json({{"status", "new"}, {"n", 1}}));
    CHECK_EQ(ev[1].j["data"]["after"], json({{"status", "paid"}, {"n", 1}}));
    CHECK_EQ(ev[1].j.value("updatedBy", ""), std::string("user"));
    CHECK_EQ(ev[2].j["data"], json({{"status", "paid"}, {"n", 1}}));
    CHECK_EQ(ev[2].j.value("deletedBy", ""), std::string("user"));
    CHECK_EQ(ev[3].j.value("updatedBy", ""), std::string("user"));
    CHECK_EQ(ev[4].j.value("deletedBy", ""), std::string("user"));
  }
  // upsert and bulk routes: one event per record
  Resp up = call(cli, "POST", R + "rtev/upsert", R"({"match":{"k":"a"},"data":{"v":1}})");
  CHECK_EQ(up.status, 201);
  CHECK_EQ(call(cli, "POST", R + "rtev/upsert", R"({"match":{"k":"a"},"data":{"v":2}})").status, 200);
  Resp bulk = call(cli, "POST", R + "rtev/bulk", R"({"records":[{"b":1},{"b":2}]})");
  CHECK_EQ(bulk.status, 201);
  std::string b1 = bulk.j["data"][0].value("id", ""), b2 = bulk.j["data"][1].value("id", "");
  CHECK_EQ(call(cli, "PATCH", R + "rtev/bulk",
                R"({"records":[{"id":")" + b1 + R"(","data":{"b":10}},{"id":")" + b2 +
                    R"(","data":{"b":20}}]})").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "rtev/bulk", R"({"ids":[")" + b1 + R"(",")" + b2 + R"("]})").status,
           200);
  CHECK(s.wait_events(13));
  ev = s.events();
  CHECK_EQ(ev.size(), std::size_t(13));
  if (ev.size() >= 13) {
    CHECK_EQ(ev[5].j.value("event", ""), std::string("record_created"));
    CHECK_EQ(ev[6].j.value("event", ""), std::string("record_updated"));
    CHECK_EQ(ev[6].j["data"]["before"].value("v", 0), 1);
    CHECK_EQ(ev[6].j["data"]["after"].value("v", 0), 2);
    CHECK_EQ(ev[7].j.value("event", ""), std::string("record_created"));
    CHECK_EQ(ev[8].j.value("event", ""), std::string("record_created"));
    CHECK_EQ(ev[9].j["data"]["after"].value("b", 0), 10);
    CHECK_EQ(ev[10].j["data"]["before"].value("b", 0), 2);
    CHECK_EQ(ev[11].j.value("event", ""), std::string("record_deleted"));
    CHECK_EQ(ev[12].j.value("recordId", ""), b2);
  }
  // a fault that throws the state change away publishes nothing
  emu.inject({FaultKind::Truncate, "POST", "/rtev", 200, "", 0, 1, false, ""});
  call(cli, "POST", R + "rtev", R"({"dry":true})");
  CHECK_EQ(call(cli, "POST", R + "rtev", R"({"real":true})").status, 201);
  CHECK(s.wait_events(14));
  ev = s.events();
  CHECK_EQ(ev.size(), std::size_t(14));
  if (ev.size() >= 14) CHECK(ev[13].j["data"].contains("real"));
}

void test_realtime_filters(Emulator& emu, httplib::Client& cli) {
  section("realtime: structures, events, CFL filters");
  const int port = emu.port();
  struct Case {
    std::string query;
    std::vector<int> expect;  // indexes of the mutations below
  };
  // mutations: 0 create rtfa {status:new,n:9,name:hello}; 1 create rtfb {status:paid,n:11,
  // name:world,tags:[x,y]}; 2 update rtfa -> {status:paid,n:12}; 3 delete rtfb
  const std::vector<Case> cases = {
      {"structures=rtfa", {0, 2}},
      {"structures=rtfb,%20rtfx", {1, 3}},
      {"events=record_updated", {2}},
      {"events=record_created,record_deleted&structures=rtfa,rtfb", {0, 1, 3}},
      {"filter=data.status:paid", {1, 3}},
      {"filter=data.status:eq:paid&events=record_created", {1}},
      {"filter=data.after.status:paid", {2}},
      {"filter=data.before.status:new", {2}},
      {"filter=data.n:gt:10", {1, 3}},  // numeric: 9 > 10 is false ("9" > "10" would be true)
      {"filter=data.n:gte:11", {1, 3}},
      {"filter=data.n:lt:10", {0}},
      {"filter=data.n:lte:9", {0}},
      {"filter=data.after.n:eq:12", {2}},
      {"filter=data.name:contains:ell", {0}},
      {"filter=data.tags:contains:y", {1, 3}},
      {"filter=data.status:ne:paid&structures=rtfa,rtfb", {0, 2}},
      {"filter=recordSlug:rtfb&events=record_deleted", {3}},
      {"filter=event:record_updated", {2}},
  };
  std::vector<std::unique_ptr<SseClient>> streams;
  SseClient all(port, RT + "?structures=rtfa,rtfb");
  for (auto& c : cases) streams.push_back(std::make_unique<SseClient>(port, RT + "?" + c.query));
  CHECK(all.wait_body(": connected"));
  for (auto& s : streams) CHECK(s->wait_body(": connected"));

  const std::string a = create_rec(cli, "rtfa", R"({"status":"new","n":9,"name":"hello"})");
  const std::string b =
      create_rec(cli, "rtfb", R"({"status":"paid","n":11,"name":"world","tags":["x","y"]})");
  CHECK_EQ(call(cli, "PATCH", R + "rtfa/" + a, R"({"status":"paid","n":12})").status, 200);
  CHECK_EQ(call(cli, "DELETE", R + "rtfb/" + b).status, 204);
  CHECK(all.wait_events(4));
  auto ev = all.events();
  CHECK_EQ(ev.size(), std::size_t(4));
  if (ev.size() != 4) return;
  sleep_ms(100);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto& s = *streams[i];
    s.wait_events(cases[i].expect.size(), 1000);
    s.pump(20);
    std::vector<std::string> got, want;
    for (auto& e : s.events()) got.push_back(e.id);
    for (int k : cases[i].expect) want.push_back(ev[static_cast<std::size_t>(k)].id);
    ++selftest::checks;
    if (got != want) {
      ++selftest::failures;
      std::printf("FAIL filter case '%s': got %zu events, want %zu\n", cases[i].query.c_str(),
                  got.size(), want.size());
    }
  }
}

void test_realtime_resume(Emulator& emu, httplib::Client& cli) {
  section("realtime: Last-Event-ID replay, cut frames, silence, close, max age");
  const int port = emu.port();
  SseClient live(port, RT + "?structures=rtr");
  CHECK(live.wait_body(": connected"));
  for (int i = 0; i < 3; ++i) create_rec(cli, "rtr", "{\"i\":" + std::to_string(i) + "}");
  CHECK(live.wait_events(3));
  auto ev = live.events();
  if (ev.size() < 3) return;
  {
    SseClient re(port, RT + "?structures=rtr", {"Authorization: Bearer test-token",
                                                "Last-Event-ID: " + ev[0].id});
    CHECK(re.wait_events(2));
    create_rec(cli, "rtr", R"({"i":3})");
    CHECK(re.wait_events(3));
    re.pump(50);
    auto got = re.events();
    CHECK_EQ(got.size(), std::size_t(3));
    if (got.size() == 3) {
      CHECK_EQ(got[0].id, ev[1].id);
      CHECK_EQ(got[1].id, ev[2].id);
      CHECK_EQ(id_of(got[2]), id_of(ev[2]) + 1);
      CHECK_EQ(got[2].j["data"].value("i", -1), 3);
    }
    CHECK(re.body().rfind("retry: 3000\n: connected", 0) == 0);  // replay after the greeting
    auto ids = emu.stream_last_event_ids();
    CHECK(!ids.empty() && ids.back() == ev[0].id);
  }
  // resume with a filter: only matching events are replayed
  {
    SseClient re(port, RT + "?structures=rtr&filter=data.i:gte:2",
                 {"Authorization: Bearer test-token", "Last-Event-ID: 0"});
    CHECK(re.wait_events(2));
    re.pump(50);
    CHECK_EQ(re.events().size(), std::size_t(2));
  }

  // no gaps, no duplicates while events are published during the reconnect
  {
    std::atomic<bool> done{false};
    SseClient first(port, RT + "?structures=rtgap");
    CHECK(first.wait_body(": connected"));
    std::thread writer([&] {
      auto wc = make_client(emu);
      for (int i = 0; i < 60; ++i) call(*wc, "POST", R + "rtgap", "{\"i\":" + std::to_string(i) + "}");
      done = true;
    });
    first.wait_events(10, 5000);
    auto seen = first.events();
    first.close_now();
    const std::string last = seen.empty() ? "0" : seen.back().id;
    SseClient second(port, RT + "?structures=rtgap",
                     {"Authorization: Bearer test-token", "Last-Event-ID: " + last});
    writer.join();
    CHECK(done.load());
    std::size_t total = 60;
    std::size_t want_more = 0;
    unsigned long long first_id = seen.empty() ? 0 : id_of(seen.front());
    if (!seen.empty()) want_more = total - static_cast<std::size_t>(id_of(seen.back()) - first_id + 1);
    CHECK(!seen.empty());
    CHECK(second.wait_events(want_more, 5000));
    second.pump(50);
    auto rest = second.events();
    CHECK_EQ(rest.size(), want_more);
    bool contiguous = true;
    unsigned long long expect = std::stoull(last) + 1;
    for (auto& e : rest) contiguous = contiguous && id_of(e) == expect++;
    CHECK(contiguous);
  }

  // cut_next_events: a partial frame, then EOF; resuming gets the event in full
  {
    SseClient s(port, RT + "?structures=rtcut");
    CHECK(s.wait_body(": connected"));
    emu.cut_next_events(1);
    create_rec(cli, "rtcut", R"({"long":"abcdefghijklmnopqrstuvwxyz0123456789"})");
    CHECK(s.wait_eof());
    const std::string body = s.body();
    CHECK(!s.terminated());
    auto at = body.find("id: ", body.find("\n\n") + 2);  // past the greeting's resume point
    CHECK(at != std::string::npos);
    CHECK(s.events().empty());
    CHECK(body.find("data: {") != std::string::npos);
    CHECK(body.find("\"rtcut\"") == std::string::npos || body.find("}\n\n") == std::string::npos);
    const std::string cut_id = at == std::string::npos ? "0" : body.substr(at + 4, body.find('\n', at) - at - 4);
    CHECK(eventually([&] { return emu.open_streams() == 1; }));  // `live` only
    SseClient re(port, RT + "?structures=rtcut",
                 {"Authorization: Bearer test-token",
                  "Last-Event-ID: " + std::to_string(std::stoull(cut_id) - 1)});
    CHECK(re.wait_events(1));
    auto got = re.events();
    CHECK(got.size() == 1 && got[0].id == cut_id &&
          got[0].j["data"].value("long", "") == "abcdefghijklmnopqrstuvwxyz0123456789");
  }

  // silence_next_streams: nothing at all on the stream; events stay in the log
  {
    RealtimeOptions o;
    o.ping_interval_ms = 50;
    emu.set_realtime_options(o);
    const std::size_t open_before = emu.open_streams();
    emu.silence_next_streams(1);
    SseClient quiet(port, RT + "?structures=rtsil");
    CHECK(eventually([&] { return emu.open_streams() == open_before + 1; }));
    const std::string id = create_rec(cli, "rtsil", R"({"q":1})");
    quiet.wait_for([] { return false; }, 300);
    CHECK_EQ(quiet.body(), std::string(""));
    CHECK(!quiet.eof());
    quiet.close_now();
    CHECK(eventually([&] { return emu.open_streams() == open_before; }, 2000));
    SseClient loud(port, RT + "?structures=rtsil", {"Authorization: Bearer test-token", "Last-Event-ID: 0"});
    CHECK(loud.wait_events(1));
    CHECK(loud.events().size() == 1 && loud.events()[0].j.value("recordId", "") == id);
    CHECK(loud.wait_body(": ping"));
    emu.set_realtime_options(RealtimeOptions{});
  }

  // close_all_streams: every stream ends cleanly (terminating chunk), silent ones too
  {
    emu.silence_next_streams(1);
    const std::size_t open_before = emu.open_streams();
    SseClient s1(port, RT);
    CHECK(eventually([&] { return emu.open_streams() == open_before + 1; }));  // s1 is the silent one
    SseClient s2(port, RT + "?structures=x");
    CHECK(s2.wait_body(": connected"));
    CHECK(eventually([&] { return emu.open_streams() >= 3; }));
    emu.close_all_streams();
    CHECK(s1.wait_for([&] { return s1.terminated(); }));
    CHECK(s2.wait_for([&] { return s2.terminated(); }));
    CHECK(live.wait_for([&] { return live.terminated(); }));
    CHECK(eventually([&] { return emu.open_streams() == 0; }));
    CHECK_EQ(s1.body(), std::string(""));
  }

  // max_connection_ms: the server ends the stream itself
  {
    RealtimeOptions o;
    o.max_connection_ms = 300;
    emu.set_realtime_options(o);
    auto t0 = std::chrono::steady_clock::now();
    SseClient s(port, RT);
    CHECK(s.wait_body(": connected"));
    CHECK(s.wait_for([&] { return s.terminated(); }, 3000));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    CHECK(ms >= 250 && ms < 2000);
    emu.set_realtime_options(RealtimeOptions{});
    CHECK(eventually([&] { return emu.open_streams() == 0; }));
  }
}

void test_realtime_many(Emulator& emu, httplib::Client& cli) {
  section("realtime: 32 streams at once, stop() ends streams");
  const int port = emu.port();
  std::vector<std::unique_ptr<SseClient>> streams;
  for (int i = 0; i < 32; ++i) streams.push_back(std::make_unique<SseClient>(port, RT + "?structures=rtmany"));
  bool all_connected = true;
  for (auto& s : streams) all_connected = s->wait_body(": connected", 5000) && all_connected;
  CHECK(all_connected);
  CHECK(eventually([&] { return emu.open_streams() == 32; }));
  CHECK_EQ(call(cli, "GET", R + "rtmany").status, 200);  // ordinary requests still served
  const std::string id = create_rec(cli, "rtmany", R"({"fan":"out"})");
  int got = 0;
  for (auto& s : streams) got += s->wait_events(1) && s->events()[0].j.value("recordId", "") == id;
  CHECK_EQ(got, 32);
  streams.clear();
  CHECK(eventually([&] { return emu.open_streams() == 0; }));

  // stop() with open (and silent) streams returns promptly
  Emulator other;
  other.start();
  SseClient a(other.port(), RT);
  CHECK(a.wait_body(": connected"));
  other.silence_next_streams(1);
  SseClient b(other.port(), RT);
  CHECK(eventually([&] { return other.open_streams() == 2; }));
  auto t0 = std::chrono::steady_clock::now();
  other.stop();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ms < 1000);
  std::printf("   stop() with 2 open streams took %lld ms\n", static_cast<long long>(ms));
  CHECK(a.wait_eof(2000));
  CHECK(b.wait_eof(2000));
  CHECK_EQ(other.open_streams(), std::size_t(0));
}

// ---------------------------------------------------------------------------
// Orchestrations.
const std::string O = "/orchestration/ws/acme/api/v1/orchestrations";
const std::string O2 = "/orchestration/api/v1/workspaces/acme/orchestrations";
const std::string kSecret = "s3cr3t-value-xyz";

json compute_step(const std::string& id, const std::string& fid, const std::string& next = "") {
  json s = {{"id", id}, {"name", id}, {"type", "compute"}, {"functionId", fid}};
  if (!next.empty()) s["nextStepId"] = next;
  return s;
}

json orch_body(const std::string& slug, const json& steps, const std::string& status = "active") {
  return {{"slug", slug},
          {"name", slug},
          {"trigger", {{"type", "on-demand"}}},
          {"steps", steps},
          {"status", status}};
}

std::string create_orch(httplib::Client& cli, const json& body) {
  Resp r = call(cli, "POST", O, body.dump());
  return r.status == 201 ? r.j["data"].value("id", "") : "";
}

json start_run(httplib::Client& cli, const std::string& oid, const json& input) {
  Resp r = call(cli, "POST", O + "/" + oid + "/runs", json({{"input", input}}).dump());
  return r.status == 201 ? r.j["data"] : json();
}

// Polls the run until `status` (or the timeout); returns the last view.
json wait_run(httplib::Client& cli, const std::string& oid, const std::string& rid,
              const std::string& status, int timeout_ms = 3000) {
  json run;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  do {
    run = call(cli, "GET", O + "/" + oid + "/runs/" + rid).j["data"];
    if (run.is_object() && run.value("status", "") == status) return run;
    sleep_ms(10);
  } while (std::chrono::steady_clock::now() < deadline);
  return run;
}

bool has_details_field(const Resp& r, const std::string& field) {
  if (!r.j.contains("details") || !r.j["details"].is_array()) return false;
  for (auto& d : r.j["details"])
    if (d.value("field", "") == field) return true;
  return false;
}

void test_orchestrations(Emulator& emu, httplib::Client& cli) {
  section("orchestrations: CRUD, validation, encrypted params, both prefixes");
  const std::string f1 = create_function(cli, "orch-f1");
  const std::string f2 = create_function(cli, "orch-f2");
  const std::string ffail = create_function(cli, "orch-fail");
  ComputeBehavior b1;
  b1.result_json = R"({"total":42,"valid":true})";
  emu.set_compute_behavior_for(f1, b1);
  emu.set_compute_behavior_for(f2, ComputeBehavior{});
  ComputeBehavior bf;
  bf.outcome = RunOutcome::Failure;
  bf.error_code = "BOOM";
  bf.error_message = "it broke";
  emu.set_compute_behavior_for(ffail, bf);

  // validation
  auto invalid = [&](const json& body, const std::string& field) {
    Resp r = call(cli, "POST", O, body.dump());
    CHECK_EQ(r.status, 400);
    CHECK_EQ(r.code(), std::string("VALIDATION_ERROR"));
    ++selftest::checks;
    if (!has_details_field(r, field)) {
      ++selftest::failures;
      std::printf("FAIL orchestration validation: no detail for %s in %s\n", field.c_str(), r.body.c_str());
    }
  };
  json ok_steps = json::array({compute_step("a", f1)});
  json b = orch_body("v1", ok_steps);
  b.erase("slug");
  invalid(b, "slug");
  b = orch_body("v1", ok_steps);
  b.erase("name");
  invalid(b, "name");
  b = orch_body("v1", ok_steps);
  b.erase("trigger");
  invalid(b, "trigger");
  b = orch_body("v1", ok_steps);
  b["trigger"] = {{"type", "telepathy"}};
  invalid(b, "trigger.type");
  invalid(orch_body("v1", json::array()), "steps");
  invalid(orch_body("v1", ok_steps, "running"), "status");
  invalid(orch_body("v1", json::array({{{"id", "a"}, {"type", "teleport"}}})), "steps[0].type");
  invalid(orch_body("v1", json::array({compute_step("a", f1, "nowhere")})), "steps[0].nextStepId");
  invalid(orch_body("v1", json::array({{{"id", "a"}, {"type", "compute"}}})), "steps[0].functionId");
  invalid(orch_body("v1", json::array({compute_step("a", "no-such-function")})), "steps[0].functionId");
  invalid(orch_body("v1", json::array({compute_step("a", f1), compute_step("a", f1)})), "steps[1].id");
  invalid(orch_body("v1", json::array({{{"id", "d"}, {"type", "delay"}}})), "steps[0].delayMs");
  invalid(orch_body("v1", json::array({{{"id", "d"},
                                        {"type", "decision"},
                                        {"cases", {{{"condition", {{"field", "input.x"}, {"operator", "eq"}, {"value", 1}}},
                                                    {"nextStepId", "ghost"}}}}}})),
          "steps[0].cases[0].nextStepId");
  invalid(orch_body("v1", json::array({{{"id", "d"},
                                        {"type", "decision"},
                                        {"cases", {{{"condition", {{"field", "input.x"}, {"operator", "like"}}},
                                                    {"nextStepId", "d"}}}}}})),
          "steps[0].cases[0].condition.operator");
  CHECK_EQ(call(cli, "POST", O, "not json").status, 400);
  CHECK_EQ(emu.orchestration_run_count(), std::size_t(0));

  // create with an encrypted param
  json validate = compute_step("validate", f1, "enrich");
  validate["timeoutMs"] = 30000;
  validate["encryptedParams"] = {{"apiKey", {{"value", kSecret}, {"encrypt", true}}}};
  json steps = json::array({validate, compute_step("enrich", f2, "notify"), compute_step("notify", f2)});
  json body = orch_body("order-flow", steps);
  body["description"] = "three steps";
  Resp r = call(cli, "POST", O, body.dump());
  CHECK_EQ(r.status, 201);
  CHECK(r.body.find(kSecret) == std::string::npos);
  json o = r.j["data"];
  const std::string oid = o.value("id", "");
  CHECK(oid.rfind("orch_", 0) == 0);
  CHECK_EQ(o.value("version", 0), 1);
  CHECK_EQ(o.value("status", ""), std::string("active"));
  CHECK_EQ(o.value("slug", ""), std::string("order-flow"));
  CHECK_EQ(o.value("description", ""), std::string("three steps"));
  CHECK_EQ(o.value("workspaceSlug", ""), std::string("acme"));
  CHECK_EQ(o.value("createdBy", ""), std::string("user"));
  CHECK_EQ(o["trigger"].value("type", ""), std::string("on-demand"));
  CHECK_EQ(o["steps"].size(), std::size_t(3));
  CHECK_EQ(o["steps"][0]["encryptedParams"]["apiKey"], json({{"value", "********"}, {"encrypted", true}}));
  CHECK_EQ(o["steps"][0].value("timeoutMs", 0), 30000);
  CHECK_EQ(o["steps"][0].value("nextStepId", ""), std::string("enrich"));
  CHECK(!o.value("createdAt", "").empty());

  json minimal = orch_body("minimal", ok_steps);
  minimal.erase("status");
  r = call(cli, "POST", O, minimal.dump());
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("draft"));
  const std::string minimal_id = r.j["data"].value("id", "");
  r = call(cli, "POST", O, orch_body("order-flow", ok_steps).dump());
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("ORCHESTRATION_SLUG_TAKEN"));

  // get on both prefixes; the secret never comes back
  Resp g1 = call(cli, "GET", O + "/" + oid), g2 = call(cli, "GET", O2 + "/" + oid);
  CHECK_EQ(g1.status, 200);
  CHECK_EQ(g2.status, 200);
  CHECK_EQ(g1.j["data"], g2.j["data"]);
  CHECK(g1.body.find(kSecret) == std::string::npos);
  r = call(cli, "GET", O + "/orch_nope");
  CHECK_EQ(r.status, 404);
  CHECK_EQ(r.code(), std::string("ORCHESTRATION_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", O2 + "/orch_nope").code(), std::string("ORCHESTRATION_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", O, "", {}).code(), std::string("MISSING_TOKEN"));
  CHECK_EQ(call(cli, "GET", "/orchestration/ws/other/api/v1/orchestrations").code(),
           std::string("WORKSPACE_NOT_FOUND"));
  CHECK_EQ(call(cli, "GET", "/orchestration/api/v1/workspaces/other/orchestrations").code(),
           std::string("WORKSPACE_NOT_FOUND"));

  // list: no steps, meta, sort/order, paging
  r = call(cli, "GET", O);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["meta"], json({{"total", 2}, {"page", 1}, {"pageSize", 20}}));
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  CHECK_EQ(r.j["data"][0].value("id", ""), minimal_id);  // createdAt desc
  CHECK(!r.j["data"][0].contains("steps"));
  CHECK(r.body.find(kSecret) == std::string::npos);
  r = call(cli, "GET", O2 + "?sort=name&order=asc");
  CHECK_EQ(r.j["data"][0].value("slug", ""), std::string("minimal"));
  r = call(cli, "GET", O + "?sort=name&order=desc&pageSize=1&page=1");
  CHECK_EQ(r.j["data"].size(), std::size_t(1));
  CHECK_EQ(r.j["data"][0].value("slug", ""), std::string("order-flow"));
  CHECK_EQ(r.j["meta"].value("pageSize", 0), 1);
  CHECK_EQ(call(cli, "GET", O + "?pageSize=500").j["meta"].value("pageSize", 0), 100);
  CHECK_EQ(call(cli, "GET", O + "?sort=colour").status, 400);
  CHECK_EQ(call(cli, "GET", O + "?order=up").status, 400);
  CHECK_EQ(call(cli, "GET", O + "?page=0").status, 400);

  // partial update: version+1; steps sent back masked keep the secret (masked again)
  r = call(cli, "PUT", O + "/" + oid, R"({"name":"Order flow"})");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("version", 0), 2);
  CHECK_EQ(r.j["data"].value("name", ""), std::string("Order flow"));
  CHECK_EQ(r.j["data"]["steps"].size(), std::size_t(3));
  r = call(cli, "PUT", O2 + "/" + oid, json({{"steps", g1.j["data"]["steps"]}}).dump());
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("version", 0), 3);
  CHECK_EQ(r.j["data"]["steps"][0]["encryptedParams"]["apiKey"].value("value", ""), std::string("********"));
  CHECK(r.body.find(kSecret) == std::string::npos);
  r = call(cli, "PUT", O + "/" + oid, R"({"slug":"minimal"})");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("ORCHESTRATION_SLUG_TAKEN"));
  r = call(cli, "PUT", O + "/" + oid, R"({"steps":[{"id":"x","type":"compute"}]})");
  CHECK_EQ(r.status, 400);
  CHECK_EQ(call(cli, "GET", O + "/" + oid).j["data"].value("version", 0), 3);  // unchanged
  CHECK_EQ(call(cli, "PUT", O + "/orch_nope", "{}").status, 404);
  CHECK_EQ(call(cli, "DELETE", O + "/" + minimal_id).status, 204);
  CHECK_EQ(call(cli, "GET", O + "/" + minimal_id).status, 404);
  CHECK_EQ(call(cli, "DELETE", O + "/" + minimal_id).status, 404);

  section("orchestrations: runs (outputs forward, decisions, delay, failure, cancel)");
  emu.set_orchestration_step_ms(30);
  json run = start_run(cli, oid, {{"orderId", "A1"}});
  const std::string rid = run.value("id", "");
  CHECK(!rid.empty());
  CHECK_EQ(run.value("status", ""), std::string("running"));
  CHECK_EQ(run.value("currentStepId", ""), std::string("validate"));
  CHECK_EQ(run.value("orchestrationId", ""), oid);
  CHECK_EQ(run["input"], json({{"orderId", "A1"}}));
  CHECK_EQ(run["context"], json::object());
  CHECK(run["error"].is_null());
  CHECK(run["completedAt"].is_null());
  run = wait_run(cli, oid, rid, "completed");
  CHECK_EQ(run.value("status", ""), std::string("completed"));
  CHECK(run["currentStepId"].is_null());
  CHECK(!run["completedAt"].is_null());
  CHECK_EQ(run["stepOutputs"]["validate"], json({{"total", 42}, {"valid", true}}));
  CHECK_EQ(run["stepOutputs"]["enrich"]["input"]["input"], json({{"orderId", "A1"}}));
  CHECK_EQ(run["stepOutputs"]["enrich"]["input"]["steps"]["validate"]["output"]["total"], json(42));
  CHECK(run["stepOutputs"]["notify"]["input"]["steps"].contains("enrich"));
  CHECK_EQ(call(cli, "GET", O2 + "/" + oid + "/runs/" + rid).j["data"], run);
  r = call(cli, "GET", O + "/" + oid + "/runs/" + rid + "/steps");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].size(), std::size_t(3));
  if (r.j["data"].size() == 3) {
    const char* ids[] = {"validate", "enrich", "notify"};
    for (std::size_t i = 0; i < 3; ++i) {
      const json& sr = r.j["data"][i];
      CHECK_EQ(sr.value("stepId", ""), std::string(ids[i]));
      CHECK_EQ(sr.value("stepType", ""), std::string("compute"));
      CHECK_EQ(sr.value("status", ""), std::string("completed"));
      CHECK_EQ(sr.value("runId", ""), rid);
      CHECK(sr["functionRunId"].is_string());
      CHECK_EQ(sr.value("durationMs", 0), 30);
      CHECK(sr["error"].is_null());
    }
    CHECK_EQ(r.j["data"][0]["input"]["params"]["apiKey"], json("********"));
    CHECK_EQ(r.j["data"][1]["output"], run["stepOutputs"]["enrich"]);
  }
  CHECK(r.body.find(kSecret) == std::string::npos);
  CHECK(call(cli, "GET", O + "/" + oid + "/runs").body.find(kSecret) == std::string::npos);
  CHECK_EQ(call(cli, "GET", O + "/" + oid + "/runs/nope").code(), std::string("RUN_NOT_FOUND"));
  CHECK_EQ(call(cli, "POST", O + "/" + oid + "/runs", "[1]").status, 400);
  CHECK_EQ(call(cli, "POST", O + "/" + oid + "/runs", R"({"input":5})").status, 400);
  r = call(cli, "POST", O + "/" + oid + "/runs", "");  // empty body: input {}
  CHECK_EQ(r.status, 201);
  CHECK_EQ(r.j["data"]["input"], json::object());
  CHECK_EQ(call(cli, "POST", O + "/orch_nope/runs", "").code(), std::string("ORCHESTRATION_NOT_FOUND"));

  // decision: each branch
  json decide = {{"id", "decide"},
                 {"type", "decision"},
                 {"cases",
                  {{{"condition", {{"field", "steps.check.output.total"}, {"operator", "gt"}, {"value", 100}}},
                    {"nextStepId", "big"}},
                   {{"condition", {{"field", "input.vip"}, {"operator", "eq"}, {"value", true}}},
                    {"nextStepId", "vip"}}}},
                 {"defaultNextStepId", "small"}};
  const std::string did = create_orch(cli, orch_body("branchy", json::array({compute_step("check", f1, "decide"), decide,
                                                                             compute_step("big", f2), compute_step("vip", f2),
                                                                             compute_step("small", f2)})));
  CHECK(!did.empty());
  auto branch_of = [&](const json& input) {
    json started = start_run(cli, did, input);
    json done = wait_run(cli, did, started.value("id", ""), "completed");
    std::string taken;
    for (const char* b : {"big", "vip", "small"})
      if (done["stepOutputs"].contains(b)) taken += b;
    return taken;
  };
  CHECK_EQ(branch_of({{"vip", true}}), std::string("vip"));
  CHECK_EQ(branch_of(json::object()), std::string("small"));
  ComputeBehavior big;
  big.result_json = R"({"total":500})";
  emu.set_compute_behavior_for(f1, big);
  CHECK_EQ(branch_of({{"vip", true}}), std::string("big"));
  emu.set_compute_behavior_for(f1, b1);
  {
    Resp runs = call(cli, "GET", O + "/" + did + "/runs");
    const std::string newest = runs.j["data"][0].value("id", "");
    Resp st = call(cli, "GET", O + "/" + did + "/runs/" + newest + "/steps");
    CHECK_EQ(st.j["data"].size(), std::size_t(3));
    if (st.j["data"].size() == 3) {
      CHECK_EQ(st.j["data"][1].value("stepType", ""), std::string("decision"));
      CHECK_EQ(st.j["data"][1]["output"].value("nextStepId", ""), std::string("big"));
      CHECK_EQ(st.j["data"][1]["output"].value("matchedCase", -1), 0);
      CHECK_EQ(st.j["data"][1].value("durationMs", -1), 0);
      CHECK(st.j["data"][1]["functionRunId"].is_null());
    }
  }

  // runs list: newest first, paging, status filter
  r = call(cli, "GET", O + "/" + did + "/runs");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["meta"], json({{"total", 3}, {"page", 1}, {"pageSize", 20}}));
  r = call(cli, "GET", O + "/" + did + "/runs?pageSize=2");
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  r = call(cli, "GET", O + "/" + did + "/runs?pageSize=2&page=2");
  CHECK_EQ(r.j["data"].size(), std::size_t(1));
  CHECK_EQ(call(cli, "GET", O + "/" + did + "/runs?status=completed").j["meta"].value("total", 0), 3);
  CHECK_EQ(call(cli, "GET", O + "/" + did + "/runs?status=running").j["meta"].value("total", -1), 0);
  CHECK_EQ(call(cli, "GET", O + "/" + did + "/runs?status=bogus").status, 400);
  CHECK_EQ(call(cli, "GET", O + "/" + did + "/runs/" + rid).code(), std::string("RUN_NOT_FOUND"));  // other orchestration

  // delay: waiting, then on
  const std::string wid = create_orch(
      cli, orch_body("delayed", json::array({{{"id", "wait"}, {"type", "delay"}, {"delayMs", 300}, {"nextStepId", "after"}},
                                             compute_step("after", f2)})));
  json w = start_run(cli, wid, json::object());
  CHECK_EQ(w.value("status", ""), std::string("waiting"));
  CHECK_EQ(w.value("currentStepId", ""), std::string("wait"));
  sleep_ms(100);
  CHECK_EQ(call(cli, "GET", O + "/" + wid + "/runs/" + w.value("id", "")).j["data"].value("status", ""),
           std::string("waiting"));
  CHECK_EQ(call(cli, "GET", O + "/" + wid + "/runs?status=waiting").j["meta"].value("total", 0), 1);
  w = wait_run(cli, wid, w.value("id", ""), "completed");
  CHECK_EQ(w.value("status", ""), std::string("completed"));
  CHECK(w["stepOutputs"].contains("after"));

  // step failure
  const std::string fid = create_orch(
      cli, orch_body("failing", json::array({compute_step("first", f2, "boom"), compute_step("boom", ffail, "never"),
                                             compute_step("never", f2)})));
  json fr = start_run(cli, fid, json::object());
  fr = wait_run(cli, fid, fr.value("id", ""), "failed");
  CHECK_EQ(fr.value("status", ""), std::string("failed"));
  CHECK_EQ(fr["error"], json({{"code", "BOOM"}, {"message", "it broke"}, {"stepId", "boom"}}));
  CHECK(!fr["stepOutputs"].contains("never"));
  r = call(cli, "GET", O + "/" + fid + "/runs/" + fr.value("id", "") + "/steps");
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  if (r.j["data"].size() == 2) {
    CHECK_EQ(r.j["data"][1].value("status", ""), std::string("failed"));
    CHECK_EQ(r.j["data"][1]["error"], json({{"code", "BOOM"}, {"message", "it broke"}}));
    CHECK(r.j["data"][1]["output"].is_null());
  }

  // cancel mid-run freezes it
  const std::string cid = create_orch(
      cli, orch_body("cancellable", json::array({compute_step("one", f2, "pause"),
                                                 {{"id", "pause"}, {"type", "delay"}, {"delayMs", 60000}, {"nextStepId", "two"}},
                                                 compute_step("two", f2)})));
  json cr = start_run(cli, cid, json::object());
  const std::string crid = cr.value("id", "");
  cr = wait_run(cli, cid, crid, "waiting");
  r = call(cli, "POST", O + "/" + cid + "/runs/" + crid + "/cancel", "");
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.j["data"].value("status", ""), std::string("cancelled"));
  CHECK(!r.j["data"]["completedAt"].is_null());
  sleep_ms(50);
  cr = call(cli, "GET", O2 + "/" + cid + "/runs/" + crid).j["data"];
  CHECK_EQ(cr.value("status", ""), std::string("cancelled"));
  CHECK(cr["stepOutputs"].contains("one") && !cr["stepOutputs"].contains("two"));
  r = call(cli, "GET", O + "/" + cid + "/runs/" + crid + "/steps");
  CHECK_EQ(r.j["data"].size(), std::size_t(2));
  if (r.j["data"].size() == 2) CHECK_EQ(r.j["data"][1]["error"].value("code", ""), std::string("RUN_CANCELLED"));
  r = call(cli, "POST", O + "/" + cid + "/runs/" + crid + "/cancel", "");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("RUN_NOT_CANCELLABLE"));
  CHECK_EQ(call(cli, "POST", O + "/" + oid + "/runs/" + rid + "/cancel", "").code(),
           std::string("RUN_NOT_CANCELLABLE"));  // completed
  CHECK_EQ(call(cli, "GET", O + "/" + cid + "/runs?status=cancelled").j["meta"].value("total", 0), 1);

  // cancel during a compute step
  json cr2 = start_run(cli, cid, json::object());
  r = call(cli, "POST", O + "/" + cid + "/runs/" + cr2.value("id", "") + "/cancel", "");
  CHECK_EQ(r.j["data"].value("status", ""), std::string("cancelled"));
  CHECK_EQ(r.j["data"].value("currentStepId", ""), std::string("one"));
  CHECK_EQ(r.j["data"]["stepOutputs"], json::object());

  // paused orchestrations do not start
  CHECK_EQ(call(cli, "PUT", O + "/" + cid, R"({"status":"paused"})").status, 200);
  r = call(cli, "POST", O + "/" + cid + "/runs", "{}");
  CHECK_EQ(r.status, 409);
  CHECK_EQ(r.code(), std::string("ORCHESTRATION_PAUSED"));

  // faults apply to orchestration routes too
  emu.inject({FaultKind::Status, "POST", "/orchestration/", 503, "1", 0, 1, false, ""});
  const std::size_t runs_before = emu.orchestration_run_count();
  CHECK_EQ(call(cli, "POST", O + "/" + oid + "/runs", "{}").status, 503);
  CHECK_EQ(emu.orchestration_run_count(), runs_before);
  CHECK_EQ(runs_before, std::size_t(9));  // 2 + 3 + 1 + 1 + 2
  CHECK_EQ(call(cli, "DELETE", O + "/" + cid).status, 204);
  CHECK_EQ(emu.orchestration_run_count(), std::size_t(7));  // its 2 runs went too
  emu.set_orchestration_step_ms(20);
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
  std::printf("   1000 requests in %lld ms over %zu new connection(s)\n", static_cast<long long>(ms),
              emu.connections() - before);
}

void test_connection_count_port_reuse(Emulator& emu) {
  section("connections: a new connection from a reused client port still counts");
  // The server closes first (Connection: close), so the client's port is free at once and the
  // second connect comes from the very same (address, port) pair as the first.
  std::size_t before = emu.connections();
  int from_port = 0;
  Raw first = raw_exchange(emu.port(), raw_get(R + "ka?pageSize=1"), &from_port);
  CHECK(first.bytes.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(from_port != 0);
  if (from_port == 0) return;
  int same_port = from_port;
  Raw second = raw_exchange(emu.port(), raw_get(R + "ka?pageSize=1"), &same_port);
  CHECK(second.bytes.rfind("HTTP/1.1 200", 0) == 0);
  CHECK_EQ(same_port, from_port);
  CHECK_EQ(emu.connections(), before + 2);
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
  test_realtime_auth(emu, *cli);
  test_realtime_stream(emu, *cli);
  test_realtime_filters(emu, *cli);
  test_realtime_resume(emu, *cli);
  test_realtime_many(emu, *cli);
  test_orchestrations(emu, *cli);
  test_keep_alive(emu);
  test_connection_count_port_reuse(emu);
  test_concurrency(emu);
  emu.stop();
  test_lifecycle();

  const int status = selftest::summary();
  std::printf(status == 0 ? "SELFTEST PASSED\n" : "SELFTEST FAILED\n");
  return status;
}

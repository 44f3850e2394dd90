// Unit tests of the request path: URLs, hosts, auth headers, retries, errors, redaction.
#include "catch.hpp"
#include "fake_transport.hpp"

#include <centrali/detail/redact.hpp>
#include <centrali/detail/retry.hpp>

#include <atomic>
#include <cmath>
#include <set>
#include <thread>

using namespace centrali_test;
using centrali::HttpRequest;
using centrali::HttpResponse;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
std::string encode_segment(std::string_view s) {
    std::string out;
    centrali::detail::append_path_segment(out, s, "id");
    return out;
}
}  // namespace

TEST_CASE("path segments are percent-encoded and cannot escape", "[unit][url]") {
    CHECK(encode_segment("abc-DEF_1.2~") == "abc-DEF_1.2~");
    CHECK(encode_segment("../x") == "..%2Fx");
    CHECK(encode_segment("a/b") == "a%2Fb");
    CHECK(encode_segment("?") == "%3F");
    CHECK(encode_segment("#") == "%23");
    CHECK(encode_segment("a b") == "a%20b");
    CHECK(encode_segment("%") == "%25");
    CHECK(encode_segment("é") == "%C3%A9");
    CHECK(encode_segment("a\r\nX-Evil: 1") == "a%0D%0AX-Evil%3A%201");
    CHECK(encode_segment(std::string("a\0b", 3)) == "a%00b");
    CHECK(encode_segment(".") == "%2E");
    CHECK(encode_segment("..") == "%2E%2E");
    CHECK_THROWS_AS(encode_segment(""), centrali::InvalidArgument);
}

TEST_CASE("query strings keep their order and encode keys and values", "[unit][url]") {
    centrali::detail::Query query;
    query.add("data.amount[gte]", "100").add("search", "a&b=c d").add("expand", "x,y");
    std::string url = "https://h/p";
    query.append_to(url);
    CHECK(url == "https://h/p?data.amount%5Bgte%5D=100&search=a%26b%3Dc%20d&expand=x%2Cy");
}

TEST_CASE("api and auth origins are derived from the base URL", "[unit][url]") {
    using centrali::detail::derive_origins;
    auto root = derive_origins("https://centrali.io");
    CHECK(root.api == "https://api.centrali.io");
    CHECK(root.auth == "https://auth.centrali.io");
    CHECK_FALSE(root.loopback);
    auto api = derive_origins("https://api.centrali.io/");
    CHECK(api.api == "https://api.centrali.io");
    CHECK(api.auth == "https://auth.centrali.io");
    auto auth = derive_origins("https://auth.dev.centrali.io");
    CHECK(auth.api == "https://api.dev.centrali.io");
    CHECK(auth.auth == "https://auth.dev.centrali.io");
    auto port = derive_origins("https://Centrali.example:8443");
    CHECK(port.api == "https://api.centrali.example:8443");
    CHECK(port.auth == "https://auth.centrali.example:8443");
    for (const char* loop : {"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"}) {
        auto o = derive_origins(loop);
        CHECK(o.loopback);
        CHECK(o.api == o.auth);
        CHECK(o.api == std::string(loop));
    }
    CHECK_THROWS_AS(derive_origins("centrali.io"), centrali::ConfigurationError);
    CHECK_THROWS_AS(derive_origins("ftp://centrali.io"), centrali::ConfigurationError);
    CHECK_THROWS_AS(derive_origins("https://centrali.io/some/path"), centrali::ConfigurationError);
    CHECK_THROWS_AS(derive_origins("https://user:pw@centrali.io"), centrali::ConfigurationError);
    CHECK_THROWS_AS(derive_origins("https://centrali.io:80x"), centrali::ConfigurationError);
}

TEST_CASE("every route lives under a documented service prefix and expands exactly", "[unit][routes]") {
    using namespace centrali::detail;
    for (const Route& route : routes::all) {
        CAPTURE(route.name);
        const bool known_service = route.path.rfind("data/workspace/{ws}/api/v1/", 0) == 0 ||
                                   route.path.rfind("realtime/workspace/{ws}/", 0) == 0 ||
                                   route.path.rfind("{orchestration}/", 0) == 0 ||
                                   route.path.rfind("search/workspace/{ws}/api/v1/", 0) == 0 ||
                                   route.path.rfind("storage/ws/{ws}/api/v1/", 0) == 0;
        CHECK(known_service);
        CHECK(route.path.front() != '/');
    }
    CHECK(expand_route(routes::records_get, "acme", {"orders", "a/b"}) ==
          "data/workspace/acme/api/v1/records/slug/orders/a%2Fb");
    CHECK_THROWS_AS(expand_route(routes::records_get, "acme", {"orders"}), std::logic_error);
    CHECK_THROWS_AS(expand_route(routes::records_get, "acme", {"orders", "1", "2"}), std::logic_error);
    CHECK_THROWS_AS(expand_route(routes::records_get, "", {"orders", "1"}), centrali::InvalidArgument);
}

TEST_CASE("Retry-After is read as seconds or an HTTP date", "[unit][retry]") {
    using centrali::detail::parse_retry_after;
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));  // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(parse_retry_after("2", now) == milliseconds(2000));
    CHECK(parse_retry_after(" 120 ", now) == milliseconds(120000));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now) == milliseconds(10000));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now) == milliseconds(0));
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
    CHECK_FALSE(parse_retry_after("-5", now).has_value());
    CHECK_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:47 GMT", now).has_value());
    CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("back-off grows exponentially under a cap, with full jitter", "[unit][retry]") {
    centrali::RetryOptions retry;
    retry.initial_delay = milliseconds(100);
    retry.max_delay = milliseconds(1000);
    using centrali::detail::backoff_delay;
    CHECK(backoff_delay(retry, 0, 1.0) == milliseconds(100));
    CHECK(backoff_delay(retry, 1, 1.0) == milliseconds(200));
    CHECK(backoff_delay(retry, 3, 1.0) == milliseconds(800));
    CHECK(backoff_delay(retry, 4, 1.0) == milliseconds(1000));
    CHECK(backoff_delay(retry, 30, 1.0) == milliseconds(1000));
    CHECK(backoff_delay(retry, 2, 0.0) == milliseconds(0));
    CHECK(backoff_delay(retry, 2, 0.5) == milliseconds(200));
}

TEST_CASE("building a Client does no I/O and defers configuration errors to the first call", "[unit][client]") {
    UnitClient unit;
    unit.options.workspace.clear();
    auto client = unit.make();
    CHECK(unit.transport->count() == 0);
    CHECK_THROWS_AS(client.records().get("orders", "1"), centrali::ConfigurationError);
    CHECK(unit.transport->count() == 0);

    UnitClient no_url;
    no_url.options.base_url.clear();
    auto client2 = no_url.make();
    try {
        client2.records().get("orders", "1");
        FAIL("expected a ConfigurationError");
    } catch (const centrali::ConfigurationError& e) {
        CHECK(std::string(e.what()).find("base_url") != std::string::npos);
    }
}

TEST_CASE("requests carry the bearer token and JSON headers, and no User-Agent unless one is set", "[unit][auth]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    client.records().get("orders", "r1");
    const HttpRequest request = unit.transport->last();
    CHECK(request.method == "GET");
    CHECK(request.url == kApi + "records/slug/orders/r1");
    CHECK(header_of(request, "Authorization") == "Bearer tok-secret-123");
    CHECK(header_of(request, "Accept") == "application/json");
    CHECK_FALSE(has_header(request, "User-Agent"));
    CHECK_FALSE(has_header(request, "x-api-key"));
    CHECK_FALSE(has_header(request, "Content-Type"));
    CHECK(request.body.empty());
    CHECK(request.timeout == milliseconds(60000));
    CHECK(request.connect_timeout == milliseconds(10000));
}

TEST_CASE("ClientOptions::user_agent is sent as the User-Agent header", "[unit][auth]") {
    UnitClient unit;
    unit.options.user_agent = std::string(centrali::default_user_agent) + " my-service/2.1";
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    client.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "User-Agent") ==
          std::string("centrali-cpp/") + centrali::version_string + " my-service/2.1");
}

TEST_CASE("a per-call timeout overrides the request timeout", "[unit][client]") {
    UnitClient unit;
    auto client = unit.make();
    centrali::CallOptions call;
    call.timeout = milliseconds(1234);
    client.records().get("orders", "r1", {}, call);
    CHECK(unit.transport->last().timeout == milliseconds(1234));
}

TEST_CASE("a publishable key is sent as x-api-key and wins over other credentials", "[unit][auth]") {
    UnitClient unit;
    unit.options.publishable_key = "pk_live_abcdef";
    unit.options.client_id = "ci_x";
    unit.options.client_secret = "sk_y";
    auto client = unit.make();
    client.records().get("orders", "r1");
    const HttpRequest request = unit.transport->last();
    CHECK(header_of(request, "x-api-key") == "pk_live_abcdef");
    CHECK_FALSE(has_header(request, "Authorization"));
    CHECK(unit.transport->count() == 1);  // no token fetch
}

TEST_CASE("a token provider is asked before each request, and again once after a 401", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    auto calls = std::make_shared<std::atomic<int>>(0);
    unit.options.token_provider = [calls] { return "byot-" + std::to_string(++*calls); };
    auto client = unit.make();
    client.records().get("orders", "r1");
    client.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer byot-2");
    unit.transport->then_json(401, {{"error", "Unauthorized"}, {"message", "Token expired"}});
    client.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer byot-4");
    CHECK(unit.transport->count() == 4);
}

TEST_CASE("a static token is not replayed after a 401", "[unit][auth]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(401, {{"error", "Unauthorized"}, {"message", "Invalid token"}, {"code", "INVALID_TOKEN"}});
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::Unauthorized);
    CHECK(unit.transport->count() == 1);
}

TEST_CASE("set_token replaces the bearer for later requests", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    auto client = unit.make();
    CHECK_FALSE(client.token().has_value());
    client.set_token("fresh-token-1");
    CHECK(client.token() == std::optional<std::string>("fresh-token-1"));
    client.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer fresh-token-1");
}

namespace {
centrali::HttpResponse token_response(const std::string& token, int expires_in) {
    return json_response(200, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", expires_in}, {"scope", "openid"}});
}
bool is_token_request(const HttpRequest& r) { return r.url == "https://auth.centrali.io/oidc/token"; }
}  // namespace

TEST_CASE("a service account fetches its token lazily, with the documented form", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    unit.options.client_id = "ci_abc";
    unit.options.client_secret = "sk_s3cr3t+/=";
    auto client = unit.make();
    CHECK(unit.transport->count() == 0);
    unit.transport->then(token_response("at-1", 25200));
    client.records().get("orders", "r1");
    client.records().get("orders", "r2");
    const auto requests = unit.transport->requests();
    REQUIRE(requests.size() == 3);
    CHECK(is_token_request(requests[0]));
    CHECK(requests[0].method == "POST");
    CHECK(header_of(requests[0], "Content-Type") == "application/x-www-form-urlencoded");
    CHECK_FALSE(has_header(requests[0], "Authorization"));
    CHECK(requests[0].body ==
          "grant_type=client_credentials&client_id=ci_abc&client_secret=sk_s3cr3t%2B%2F%3D&scope=openid");
    CHECK(header_of(requests[1], "Authorization") == "Bearer at-1");
    CHECK(header_of(requests[2], "Authorization") == "Bearer at-1");
    CHECK(client.token() == std::optional<std::string>("at-1"));
}

TEST_CASE("the service-account token is renewed shortly before it expires", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    unit.options.client_id = "ci_abc";
    unit.options.client_secret = "sk_def";
    auto client = unit.make();
    unit.transport->then(token_response("at-1", 3600));
    client.records().get("orders", "r1");
    unit.fake_clock.advance(std::chrono::seconds(3600 - 120));
    client.records().get("orders", "r1");
    CHECK(unit.transport->count() == 3);
    unit.fake_clock.advance(std::chrono::seconds(90));  // inside the 60 s margin
    unit.transport->then(token_response("at-2", 3600));
    client.records().get("orders", "r1");
    const auto requests = unit.transport->requests();
    REQUIRE(requests.size() == 5);
    CHECK(is_token_request(requests[3]));
    CHECK(header_of(requests[4], "Authorization") == "Bearer at-2");
}

TEST_CASE("a 401 refreshes the service-account token once and replays once", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    unit.options.client_id = "ci_abc";
    unit.options.client_secret = "sk_def";
    auto client = unit.make();
    unit.transport->then(token_response("at-1", 25200));
    unit.transport->then_json(401, {{"error", "Unauthorized"}, {"message", "Token expired"}, {"code", "TOKEN_EXPIRED"}});
    unit.transport->then(token_response("at-2", 25200));
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    CHECK(client.records().get("orders", "r1").id == "r1");
    CHECK(unit.transport->count() == 4);
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer at-2");

    // A second 401 after the replay is final: no loop.
    unit.transport->then_json(401, {{"message", "nope"}});
    unit.transport->then(token_response("at-3", 25200));
    unit.transport->then_json(401, {{"message", "still no"}});
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::Unauthorized);
    CHECK(unit.transport->count() == 7);
}

TEST_CASE("token endpoint failures surface as typed errors without the secret", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    unit.options.client_id = "ci_abc";
    unit.options.client_secret = "sk_very_secret_value";
    auto client = unit.make();
    unit.transport->then_json(401, {{"error", "Unauthorized"}, {"message", "Invalid client credentials for sk_very_secret_value"}});
    try {
        client.records().get("orders", "r1");
        FAIL("expected Unauthorized");
    } catch (const centrali::Unauthorized& e) {
        CHECK(e.status() == 401);
        CHECK(std::string(e.what()).find("sk_very_secret_value") == std::string::npos);
        CHECK(e.message().find("REDACTED") != std::string::npos);
        CHECK(e.body_snippet().find("sk_very_secret_value") == std::string::npos);
    }
    unit.transport->then_json(200, {{"token_type", "Bearer"}});
    CHECK_THROWS_AS(client.fetch_service_account_token(), centrali::DecodeError);
}

TEST_CASE("idempotent calls retry 503 with back-off, then succeed", "[unit][retry]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(503, {{"message", "busy"}});
    unit.transport->then_json(503, {{"message", "busy"}});
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    CHECK(client.records().get("orders", "r1").id == "r1");
    CHECK(unit.transport->count() == 3);
    CHECK(unit.fake_clock.slept() == std::vector<milliseconds>{milliseconds(200), milliseconds(400)});
}

TEST_CASE("retries stop at max_attempts and report the last error", "[unit][retry]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 2;
    auto client = unit.make();
    unit.transport->otherwise([](const HttpRequest&) { return json_response(502, {{"message", "bad gateway"}}); });
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::ServerError);
    CHECK(unit.transport->count() == 2);
}

TEST_CASE("a POST is not retried on 503 unless the call says it is idempotent", "[unit][retry]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(503, {{"message", "busy"}});
    CHECK_THROWS_AS(client.records().create("orders", {{"a", 1}}), centrali::ServerError);
    CHECK(unit.transport->count() == 1);

    unit.transport->then_json(503, {{"message", "busy"}});
    unit.transport->then_json(201, {{"data", {{"id", "r9"}}}});
    centrali::CallOptions call;
    call.idempotent = true;
    CHECK(client.records().create("orders", {{"a", 1}}, {}, call).id == "r9");
    CHECK(unit.transport->count() == 3);
}

TEST_CASE("a POST is retried after a connect failure but not after a timeout", "[unit][retry]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_throw(centrali::TransportError("refused", 7, false, true));
    unit.transport->then_json(201, {{"data", {{"id", "r1"}}}});
    CHECK(client.records().create("orders", {{"a", 1}}).id == "r1");
    CHECK(unit.transport->count() == 2);

    unit.transport->then_throw(centrali::TransportError("timed out", 28, true, false));
    try {
        client.records().create("orders", {{"a", 1}});
        FAIL("expected a TransportError");
    } catch (const centrali::TransportError& e) {
        CHECK(e.timed_out());
        CHECK(e.curl_code() == 28);
    }
    CHECK(unit.transport->count() == 3);
}

TEST_CASE("Retry-After is honoured exactly, and one longer than the cap is reported at once", "[unit][retry]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then_json(429, {{"message", "slow down"}}, {{"retry-after", "2"}});
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    client.records().get("orders", "r1");
    CHECK(unit.fake_clock.slept() == std::vector<milliseconds>{milliseconds(2000)});

    unit.transport->then_json(429, {{"message", "slow down"}, {"code", "RATE_LIMIT_EXCEEDED"}}, {{"retry-after", "3600"}});
    try {
        client.records().get("orders", "r1");
        FAIL("expected RateLimited");
    } catch (const centrali::RateLimited& e) {
        CHECK(e.status() == 429);
        CHECK(e.code() == "RATE_LIMIT_EXCEEDED");
        CHECK(e.retry_after() == milliseconds(3600 * 1000));
    }
    CHECK(unit.transport->count() == 3);
}

TEST_CASE("cancelling stops before the next attempt and sends nothing more", "[unit][retry]") {
    UnitClient unit;
    centrali::CancelToken token;
    unit.options.clock.sleep = [token](milliseconds, const centrali::CancelToken&) { token.cancel(); };
    auto client = unit.make();
    unit.transport->otherwise([](const HttpRequest&) { return json_response(503, {{"message", "busy"}}); });
    centrali::CallOptions call;
    call.cancel = token;
    CHECK_THROWS_AS(client.records().get("orders", "r1", {}, call), centrali::Cancelled);
    CHECK(unit.transport->count() == 1);
    CHECK_THROWS_AS(client.records().get("orders", "r1", {}, call), centrali::Cancelled);
    CHECK(unit.transport->count() == 1);
}

TEST_CASE("each error status maps to its class and carries the server's fields", "[unit][errors]") {
    struct Case {
        int status;
        std::function<void(const centrali::ApiError&)> check;
    };
    const std::vector<Case> cases = {
        {400, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::BadRequest*>(&e)); }},
        {401, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::Unauthorized*>(&e)); }},
        {403, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::Forbidden*>(&e)); }},
        {404, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::NotFound*>(&e)); }},
        {409, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::Conflict*>(&e)); }},
        {422, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::Unprocessable*>(&e)); }},
        {429, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::RateLimited*>(&e)); }},
        {500, [](const centrali::ApiError& e) { CHECK(dynamic_cast<const centrali::ServerError*>(&e)); }},
        {418, [](const centrali::ApiError& e) { CHECK(typeid(e) == typeid(centrali::ApiError)); }},
    };
    for (const auto& c : cases) {
        UnitClient unit;
        unit.options.retry.max_attempts = 1;
        auto client = unit.make();
        unit.transport->then_json(c.status,
                                  {{"error", "Short"}, {"message", "Long text"}, {"code", "SOME_CODE"},
                                   {"details", json::array({{{"field", "name"}, {"message", "required"}}})},
                                   {"requestId", "body-req"}},
                                  {{"x-request-id", "hdr-req-1"}});
        try {
            client.records().get("orders", "r1");
            FAIL("expected an ApiError for " << c.status);
        } catch (const centrali::ApiError& e) {
            c.check(e);
            CHECK(e.status() == c.status);
            CHECK(e.message() == "Long text");
            CHECK(e.code() == "SOME_CODE");
            CHECK(e.request_id() == "hdr-req-1");
            CHECK(e.details()[0]["field"] == "name");
            const std::string what = e.what();
            CHECK(what.find(std::to_string(c.status)) != std::string::npos);
            CHECK(what.find("SOME_CODE") != std::string::npos);
            CHECK(what.find("hdr-req-1") != std::string::npos);
        }
    }
}

TEST_CASE("the status is authoritative whatever the body looks like", "[unit][errors]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();

    unit.transport->then_json(500, {{"data", {{"id", "looks-fine"}}}});
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::ServerError);

    unit.transport->then(raw_response(502, "<html><head><title>502 Bad Gateway</title></head></html>",
                                      {{"content-type", "text/html"}}));
    try {
        client.records().get("orders", "r1");
        FAIL("expected ServerError");
    } catch (const centrali::ServerError& e) {
        CHECK(e.status() == 502);
        CHECK(e.body_snippet().find("502 Bad Gateway") != std::string::npos);
        CHECK(e.message().find("not a Centrali JSON error") != std::string::npos);
        CHECK(e.request_id().empty());
    }

    unit.transport->then(raw_response(404, ""));
    try {
        client.records().get("orders", "r1");
        FAIL("expected NotFound");
    } catch (const centrali::NotFound& e) {
        CHECK(e.message() == "Not Found");
    }
    // Unauthorized with a request id only in the body.
    unit.transport->then_json(403, {{"message", "no"}, {"requestId", "body-only"}});
    try {
        client.records().get("orders", "r1");
        FAIL("expected Forbidden");
    } catch (const centrali::Forbidden& e) {
        CHECK(e.request_id() == "body-only");
    }
}

TEST_CASE("a 2xx body that is not JSON is a DecodeError, never a crash", "[unit][errors]") {
    UnitClient unit;
    auto client = unit.make();
    unit.transport->then(raw_response(200, "{\"data\": {\"id\": \"r1\""));
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::DecodeError);
    unit.transport->then(raw_response(200, ""));
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::DecodeError);
    unit.transport->then_json(200, {{"data", "unexpected string"}, {"meta", json::array()}});
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::DecodeError);
    unit.transport->then_json(200, {{"data", "unexpected string"}, {"meta", json::array()}});
    CHECK_THROWS_AS(client.records().query("orders"), centrali::DecodeError);
    unit.transport->then_json(200, {{"data", {{"id", 42}}}});
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::DecodeError);
}

TEST_CASE("every failure is catchable as centrali::Error", "[unit][errors]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    unit.transport->then_json(404, {{"message", "x"}});
    unit.transport->then_throw(centrali::TransportError("reset", 56, false, false));
    unit.transport->then(raw_response(200, "nope"));
    int caught = 0;
    for (int i = 0; i < 3; ++i) {
        try {
            client.records().get("orders", "r1");
        } catch (const centrali::Error&) {
            ++caught;
        }
    }
    CHECK(caught == 3);
}

TEST_CASE("credentials never reach a log line or an error message", "[unit][secrets]") {
    UnitClient unit;
    std::vector<std::string> lines;
    auto mutex = std::make_shared<std::mutex>();
    unit.options.logger = [&lines, mutex](centrali::LogLevel, std::string_view line) {
        std::lock_guard<std::mutex> lock(*mutex);
        lines.emplace_back(line);
    };
    unit.options.retry.max_attempts = 2;
    auto client = unit.make();
    unit.transport->then_json(503, {{"message", "echo Bearer tok-secret-123"}});
    unit.transport->then_json(400, {{"message", "bad token tok-secret-123"}, {"details", {{"token", "tok-secret-123"}}}});
    try {
        client.records().get("orders", "tok-secret-123");
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(std::string(e.what()).find("tok-secret-123") == std::string::npos);
        CHECK(e.message().find("tok-secret-123") == std::string::npos);
        CHECK(e.details().dump().find("tok-secret-123") == std::string::npos);
        CHECK(e.body_snippet().find("tok-secret-123") == std::string::npos);
    }
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) CHECK(line.find("tok-secret-123") == std::string::npos);
}

TEST_CASE("credentials are refused over plain http except to loopback", "[unit][secrets]") {
    UnitClient unit;
    unit.options.base_url = "http://centrali.example";
    auto client = unit.make();
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::ConfigurationError);
    CHECK(unit.transport->count() == 0);

    unit.options.allow_insecure_http = true;
    auto allowed = unit.make();
    allowed.records().get("orders", "r1");
    CHECK(unit.transport->count() == 1);

    UnitClient loop;
    loop.options.base_url = "http://127.0.0.1:9";
    auto local = loop.make();
    local.records().get("orders", "r1");
    CHECK(loop.transport->last().url == "http://127.0.0.1:9/data/workspace/acme/api/v1/records/slug/orders/r1");
}

TEST_CASE("turning TLS verification off logs a warning", "[unit][secrets]") {
    UnitClient unit;
    std::vector<std::pair<centrali::LogLevel, std::string>> lines;
    unit.options.logger = [&lines](centrali::LogLevel level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
    unit.options.tls.insecure_disable_verification = true;
    auto client = unit.make();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].first == centrali::LogLevel::warning);
    CHECK(lines[0].second.find("DISABLED") != std::string::npos);
}

TEST_CASE("Clients are independent and movable; managers are created once", "[unit][client]") {
    UnitClient a;
    UnitClient b;
    b.options.token = "other-token-456";
    auto first = a.make();
    auto second = b.make();
    centrali::RecordsManager* manager = &first.records();
    centrali::Client moved = std::move(first);
    CHECK(&moved.records() == manager);
    moved.records().get("orders", "1");
    second.records().get("orders", "1");
    CHECK(header_of(a.transport->last(), "Authorization") == "Bearer tok-secret-123");
    CHECK(header_of(b.transport->last(), "Authorization") == "Bearer other-token-456");

    std::set<centrali::RecordsManager*> seen;
    std::mutex mutex;
    auto client = a.make();
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            auto* m = &client.records();
            std::lock_guard<std::mutex> lock(mutex);
            seen.insert(m);
        });
    for (auto& t : threads) t.join();
    CHECK(seen.size() == 1);
}

TEST_CASE("from_env reads the documented variables", "[unit][client]") {
    ::setenv("CENTRALI_URL", "https://centrali.io", 1);
    ::setenv("CENTRALI_WORKSPACE", "acme", 1);
    ::setenv("CENTRALI_CLIENT_ID", "ci_env", 1);
    ::setenv("CENTRALI_CLIENT_SECRET", "sk_env", 1);
    ::setenv("CENTRALI_TOKEN", "tok_env", 1);
    ::setenv("CENTRALI_PUBLISHABLE_KEY", "pk_env", 1);
    const auto options = centrali::ClientOptions::from_env();
    CHECK(options.base_url == "https://centrali.io");
    CHECK(options.workspace == "acme");
    CHECK(options.client_id == "ci_env");
    CHECK(options.client_secret == "sk_env");
    CHECK(options.token == "tok_env");
    CHECK(options.publishable_key == "pk_env");
    for (const char* name : {"CENTRALI_URL", "CENTRALI_WORKSPACE", "CENTRALI_CLIENT_ID", "CENTRALI_CLIENT_SECRET",
                             "CENTRALI_TOKEN", "CENTRALI_PUBLISHABLE_KEY"})
        ::unsetenv(name);
    CHECK(centrali::ClientOptions::from_env().base_url.empty());
}

TEST_CASE("from_env reads CENTRALI_WORKSPACE_ID, the JS SDK README's name, when CENTRALI_WORKSPACE is unset",
          "[unit][client]") {
    ::setenv("CENTRALI_WORKSPACE_ID", "acme-id", 1);
    CHECK(centrali::ClientOptions::from_env().workspace == "acme-id");
    ::setenv("CENTRALI_WORKSPACE", "acme", 1);
    CHECK(centrali::ClientOptions::from_env().workspace == "acme");
    ::unsetenv("CENTRALI_WORKSPACE");
    ::unsetenv("CENTRALI_WORKSPACE_ID");
    CHECK(centrali::ClientOptions::from_env().workspace.empty());
}

TEST_CASE("a token provider with no token now sends no Authorization; an empty token is an error", "[unit][auth]") {
    UnitClient unit;
    unit.options.token.clear();
    std::optional<std::string> next_token;
    unit.options.token_provider = [&next_token] { return next_token; };
    auto client = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    CHECK(client.records().get("orders", "r1").id == "r1");
    CHECK_FALSE(has_header(unit.transport->last(), "Authorization"));

    next_token = "tok-1";
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    client.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer tok-1");

    next_token = std::string();
    CHECK_THROWS_AS(client.records().get("orders", "r1"), centrali::ConfigurationError);
    CHECK(unit.transport->count() == 2);

    // A provider written for the old signature, returning std::string, still fits.
    unit.options.token_provider = [] { return std::string("tok-2"); };
    auto second = unit.make();
    unit.transport->then_json(200, {{"data", {{"id", "r1"}}}});
    second.records().get("orders", "r1");
    CHECK(header_of(unit.transport->last(), "Authorization") == "Bearer tok-2");
}

// --- Regressions found by the fuzzers (tests/fuzz/regressions) ---------------------------------

TEST_CASE("fuzz: a secret echoed in the request id is redacted", "[unit][fuzz-regression][secrets]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    unit.transport->then_json(400, {{"message", "bad"}, {"requestId", "req-tok-secret-123"}}, {{"x-request-id", "id-tok-secret-123"}});
    try {
        client.records().get("orders", "1");
        FAIL("expected BadRequest");
    } catch (const centrali::BadRequest& e) {
        CHECK(e.request_id().find("tok-secret-123") == std::string::npos);
        CHECK(std::string(e.what()).find("tok-secret-123") == std::string::npos);
    }
}

TEST_CASE("fuzz: a Retry-After date in year 9999 is a long wait, not an overflow", "[unit][fuzz-regression][retry]") {
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    const auto wait = centrali::detail::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now);
    REQUIRE(wait.has_value());
    CHECK(*wait > std::chrono::hours(24 * 365));
}

TEST_CASE("fuzz: bodies nested 100,000 deep are refused, not a stack overflow", "[unit][fuzz-regression][errors]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    unit.transport->then(raw_response(400, R"({"message":"x","details":)" + deep + "}"));
    CHECK_THROWS_AS(client.records().get("orders", "1"), centrali::BadRequest);
    unit.transport->then(raw_response(200, R"({"data":{"id":"f","x":)" + deep + "}}"));
    CHECK_THROWS_AS(client.functions().get("f"), centrali::DecodeError);
    using centrali::detail::parse_json_text;
    const std::string limit(centrali::detail::max_json_depth, '['), close(centrali::detail::max_json_depth, ']');
    CHECK_FALSE(parse_json_text(limit + close).is_discarded());       // exactly the limit is fine
    CHECK(parse_json_text("[" + limit + close + "]").is_discarded());  // one more is refused
    CHECK(parse_json_text(R"({"a":"[[[[[[[[[[[[[[["})") == json{{"a", "[[[[[[[[[[[[[[["}});  // brackets in strings do not count
    CHECK(parse_json_text("{bad json").is_discarded());
}

TEST_CASE("the depth limit holds at every alignment, and brackets in strings never trip it", "[unit][errors]") {
    using centrali::detail::parse_json_text;
    const std::size_t limit = centrali::detail::max_json_depth;
    // The bracket count goes eight bytes at a time: shift the text through every offset, with
    // '{' and '[' mixed, so each lands in every byte of a word and in the tail.
    for (std::size_t pad = 0; pad < 9; ++pad) {
        std::string open, close;
        for (std::size_t i = 0; i < limit; ++i) {
            open += i % 2 == 0 ? "[" : "{\"k\":";
            close.insert(0, i % 2 == 0 ? "]" : "}");
        }
        const std::string spaces(pad, ' ');
        INFO("padding " << pad);
        CHECK_FALSE(parse_json_text(spaces + open + "1" + close).is_discarded());
        CHECK(parse_json_text(spaces + "[" + open + "1" + close + "]").is_discarded());
    }
    // Far more brackets than the limit, all inside strings, beside bytes that differ from '[' and
    // '{' in one bit (';', '_', and 0xDB in U+06DB): a shallow document.
    const char* const pieces[] = {"[", "{", "\xDB\x9B", ";", "_"};
    std::string text = "[\"";
    for (int i = 0; i < 400; ++i) text += pieces[i % 5];
    text += "\", \"[[[[[[[[{{{{{{\"]";
    const json parsed = parse_json_text(text);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(parsed.size() == 2);
}

TEST_CASE("fuzz: an out-of-range number in an integer field keeps its default, never cast", "[unit][fuzz-regression][errors]") {
    // A run reads tolerantly: the odd member keeps its default (no undefined cast) and stays in raw.
    const json run = {{"id", "r"}, {"rerunCount", 1e30}};
    CHECK(run.get<centrali::FunctionRun>().rerun_count == 0);
    CHECK(run.get<centrali::FunctionRun>().raw["rerunCount"] == 1e30);
    // So does a function: the out-of-range member is left to raw, never cast.
    const json fn = {{"id", "f"}, {"timeoutMs", 1e300}};
    CHECK_FALSE(fn.get<centrali::ComputeFunction>().timeout_ms);
    CHECK(fn.get<centrali::ComputeFunction>().raw["timeoutMs"] == 1e300);
    const json big = {{"id", "f"}, {"timeoutMs", 18446744073709551615ull}};
    CHECK_FALSE(big.get<centrali::ComputeFunction>().timeout_ms);
    const json fine = {{"id", "f"}, {"timeoutMs", 30000.0}};
    CHECK(fine.get<centrali::ComputeFunction>().timeout_ms == 30000);
}

TEST_CASE("fuzz: base URLs with control characters or fake loopback names", "[unit][fuzz-regression][url]") {
    using centrali::detail::derive_origins;
    CHECK_THROWS_AS(derive_origins("https://centrali.io\r"), centrali::ConfigurationError);
    CHECK_THROWS_AS(derive_origins("https://centr ali.io"), centrali::ConfigurationError);
    CHECK_FALSE(derive_origins("http://127.attacker.example").loopback);
    CHECK_FALSE(derive_origins("http://127.0.0.1.evil.example").loopback);
    CHECK(derive_origins("http://127.0.0.1:8080").loopback);
    CHECK(derive_origins("http://127.1.2.3").loopback);

    UnitClient unit;
    unit.options.base_url = "http://127.attacker.example";
    auto client = unit.make();
    CHECK_THROWS_AS(client.records().get("orders", "1"), centrali::ConfigurationError);  // no credentials over http
    CHECK(unit.transport->count() == 0);
}

TEST_CASE("fuzz: a secret straddling the snippet cut is redacted whole; cuts keep UTF-8 valid", "[unit][fuzz-regression][secrets]") {
    UnitClient unit;
    unit.options.retry.max_attempts = 1;
    auto client = unit.make();
    std::string body(505, 'x');
    body += "tok-secret-123 and more";
    unit.transport->then(raw_response(500, body));
    try {
        client.records().get("orders", "1");
        FAIL("expected ServerError");
    } catch (const centrali::ServerError& e) {
        CHECK(e.body_snippet().find("tok-sec") == std::string::npos);
        CHECK(e.message().find("tok-") == std::string::npos);
    }
    const std::string snippet = centrali::detail::body_snippet("ab\xC3\xA9" "cd", 3);
    CHECK(snippet.rfind("ab", 0) == 0);
    CHECK(snippet.find('\xC3') == std::string::npos);  // not half an é
    CHECK_NOTHROW(json(centrali::detail::body_snippet(std::string(511, 'a') + "\xC3\xA9\xC3\xA9")).dump());
}

TEST_CASE("fuzz: an unclosed placeholder in a route template fails instead of looping", "[unit][fuzz-regression][routes]") {
    UnitClient unit;
    unit.options.orchestration_base_path = "orch/{ws";
    auto client = unit.make();
    CHECK_THROWS_AS(client.orchestrations().get("o1"), centrali::ConfigurationError);
}

// The default jitter source: uniform enough on [0, 1), and not the same sequence on every thread.
TEST_CASE("the default clock's random numbers spread over 0 to 1 (1 excluded) and differ between threads", "[unit][retry]") {
    const centrali::Clock clock = centrali::detail::complete_clock(centrali::Clock{});
    std::vector<double> draws;
    for (int i = 0; i < 4000; ++i) draws.push_back(clock.random());
    int buckets[10] = {};
    double sum = 0;
    for (const double d : draws) {
        REQUIRE(d >= 0.0);
        REQUIRE(d < 1.0);
        ++buckets[static_cast<int>(d * 10)];
        sum += d;
    }
    for (const int count : buckets) CHECK((count > 300 && count < 500));  // 400 expected in each tenth
    CHECK(std::abs(sum / static_cast<double>(draws.size()) - 0.5) < 0.03);
    double other = -1;
    std::thread([&] { other = clock.random(); }).join();
    CHECK(other != draws.front());
}

// The token fetch failed before it started (no base_url to send it to): every call gets the
// ConfigurationError, the next one too, and none waits for a fetch that never began.
TEST_CASE("a token fetch that cannot start fails every call, not only the first", "[unit][auth]") {
    UnitClient unit;
    unit.options.base_url.clear();
    unit.options.token.clear();
    unit.options.client_id = "ci_abc";
    unit.options.client_secret = "sk_def";
    auto client = unit.make();
    centrali::CallOptions call;
    call.timeout = std::chrono::seconds(30);
    CHECK_THROWS_AS(client.fetch_service_account_token(call), centrali::ConfigurationError);
    CHECK_THROWS_AS(client.fetch_service_account_token(call), centrali::ConfigurationError);
    CHECK_THROWS_AS(client.records().get("orders", "r1", {}, call), centrali::ConfigurationError);
    CHECK(unit.transport->count() == 0);
}

TEST_CASE("a Result made from a null exception_ptr is a failure, never a success without a value", "[unit][async]") {
    centrali::Result<std::string> empty{std::exception_ptr()};
    CHECK_FALSE(empty.has_value());
    CHECK(empty.error() != nullptr);
    CHECK_THROWS_AS(empty.value(), centrali::InvalidArgument);
    centrali::Result<std::string> failed{std::make_exception_ptr(centrali::Cancelled())};
    CHECK_THROWS_AS(failed.value(), centrali::Cancelled);
    centrali::Result<std::string> ok{std::string("v")};
    CHECK(ok.value() == "v");
    // Result<void> has no value to miss: a null error is its success.
    CHECK(centrali::Result<void>(std::exception_ptr()).has_value());
}

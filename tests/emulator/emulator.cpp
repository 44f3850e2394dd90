// Centrali emulator implementation. See emulator.hpp for the public interface.
#include "emulator.hpp"

#include "admin_routes.hpp"
#include "iso_time.hpp"
#include "json_text.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace centrali_emulator {
namespace {

using json = nlohmann::json;

// ============================================================================
// Routes: every path the emulator serves is listed here, in match order.
// Several of these are not confirmed against Centrali's docs yet (see
// /work/shared/api/core-records-realtime.md §3.2 and §5.2) - change them here.
// "{name}" matches exactly one non-empty, percent-decoded path segment.
// ============================================================================
const std::string kDataPrefix = "/data/workspace/{ws}/api/v1";
const std::string kRecords = kDataPrefix + "/records/slug/{slug}";
// Compute (see /work/shared/api/compute-orchestration-admin.md §2-4). UNCONFIRMED against
// the real service: function GET/PUT/DELETE by id, every trigger route except create/list,
// the execute and pause/resume paths, and the job status route.
const std::string kFunctions = kDataPrefix + "/compute-functions";
const std::string kTriggers = kDataPrefix + "/function-triggers";
const std::string kRuns = kDataPrefix + "/function-runs";
// Realtime SSE (core-records-realtime.md §8.2). Auth and the workspace check are done by the
// handler itself (403 WORKSPACE_MISMATCH instead of the data routes' 404).
const std::string kRealtimeEvents = "/realtime/workspace/{ws}/events";
// Orchestrations (compute-orchestration-admin.md §6). The OpenAPI prefix; the docs' older form
// kOrchestrationAltPrefix is served by the same handlers. Every run route is UNCONFIRMED.
const std::string kOrchestrationPrefix = "/orchestration/ws/{ws}/api/v1";
const std::string kOrchestrationAltPrefix = "/orchestration/api/v1/workspaces/{ws}";

enum class Op {
  Token,
  RecordCreate,
  RecordList,
  RecordGet,
  RecordUpdate,
  RecordDelete,
  RecordRestore,
  RecordUpsert,
  BulkCreate,
  BulkUpdate,
  BulkDelete,
  FunctionList,
  FunctionCreate,
  FunctionTest,
  FunctionGet,
  FunctionUpdate,
  FunctionDelete,
  TriggerList,
  TriggerCreate,
  TriggerGet,
  TriggerUpdate,
  TriggerDelete,
  TriggerPause,
  TriggerResume,
  TriggerExecute,
  RunGet,
  RunsByTrigger,
  RunsByFunction,
  JobStatus,
  RealtimeEvents,
  OrchList,
  OrchCreate,
  OrchGet,
  OrchUpdate,
  OrchDelete,
  OrchRunStart,
  OrchRunList,
  OrchRunGet,
  OrchRunSteps,
  OrchRunCancel
};

struct RouteDef {
  std::string method;
  std::string pattern;
  Op op;
};

const std::vector<RouteDef>& route_table() {
  static const std::vector<RouteDef> table = {
      {"POST", "/oidc/token", Op::Token},
      {"POST", "/oauth/token", Op::Token},
      {"POST", kRecords + "/bulk", Op::BulkCreate},
      {"PATCH", kRecords + "/bulk", Op::BulkUpdate},
      {"DELETE", kRecords + "/bulk", Op::BulkDelete},
      {"POST", kRecords + "/upsert", Op::RecordUpsert},
      {"POST", kRecords + "/{id}/restore", Op::RecordRestore},
      {"POST", kRecords, Op::RecordCreate},
      {"GET", kRecords, Op::RecordList},
      {"GET", kRecords + "/{id}", Op::RecordGet},
      {"PUT", kRecords + "/{id}", Op::RecordUpdate},
      {"PATCH", kRecords + "/{id}", Op::RecordUpdate},
      {"DELETE", kRecords + "/{id}", Op::RecordDelete},
      {"POST", kFunctions + "/test", Op::FunctionTest},
      {"GET", kFunctions, Op::FunctionList},
      {"POST", kFunctions, Op::FunctionCreate},
      {"GET", kFunctions + "/{id}", Op::FunctionGet},
      {"PUT", kFunctions + "/{id}", Op::FunctionUpdate},
      {"DELETE", kFunctions + "/{id}", Op::FunctionDelete},
      {"PATCH", kTriggers + "/{id}/pause", Op::TriggerPause},
      {"PATCH", kTriggers + "/{id}/resume", Op::TriggerResume},
      {"POST", kTriggers + "/{id}/execute", Op::TriggerExecute},
      {"GET", kTriggers, Op::TriggerList},
      {"POST", kTriggers, Op::TriggerCreate},
      {"GET", kTriggers + "/{id}", Op::TriggerGet},
      {"PUT", kTriggers + "/{id}", Op::TriggerUpdate},
      {"DELETE", kTriggers + "/{id}", Op::TriggerDelete},
      {"GET", kRuns + "/jobs/{jobId}", Op::JobStatus},
      {"GET", kRuns + "/trigger/{triggerId}", Op::RunsByTrigger},
      {"GET", kRuns + "/function/{functionId}", Op::RunsByFunction},
      {"GET", kRuns + "/{runId}", Op::RunGet},
      {"GET", kRealtimeEvents, Op::RealtimeEvents},
  };
  static const std::vector<RouteDef> with_orchestrations = [] {
    std::vector<RouteDef> t = table;
    for (const std::string& prefix : {kOrchestrationPrefix, kOrchestrationAltPrefix}) {
      const std::string o = prefix + "/orchestrations";
      const std::vector<RouteDef> orch = {
          {"POST", o + "/{id}/runs/{runId}/cancel", Op::OrchRunCancel},
          {"GET", o + "/{id}/runs/{runId}/steps", Op::OrchRunSteps},
          {"GET", o + "/{id}/runs/{runId}", Op::OrchRunGet},
          {"POST", o + "/{id}/runs", Op::OrchRunStart},
          {"GET", o + "/{id}/runs", Op::OrchRunList},
          {"GET", o, Op::OrchList},
          {"POST", o, Op::OrchCreate},
          {"GET", o + "/{id}", Op::OrchGet},
          {"PUT", o + "/{id}", Op::OrchUpdate},
          {"PATCH", o + "/{id}", Op::OrchUpdate},
          {"DELETE", o + "/{id}", Op::OrchDelete},
      };
      t.insert(t.end(), orch.begin(), orch.end());
    }
    return t;
  }();
  return with_orchestrations;
}

constexpr std::size_t kMaxPageSize = 500;
constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kHugeBodyBytes = 64u * 1024u * 1024u;
constexpr int kMaxExpandDepth = 3;
// Compute lists (functions, triggers, runs): `page` / `limit`, limit clamped to the max.
constexpr std::size_t kComputeDefaultLimit = 20;
constexpr std::size_t kComputeMaxLimit = 100;
constexpr long long kDefaultFunctionTimeoutMs = 300000;  // docs: 5 minute platform limit
constexpr long long kRunRssBytes = 48LL * 1024 * 1024;   // reported memoryUsage.rss
const std::set<std::string> kExecutionTypes = {"on-demand", "event-driven", "scheduled",
                                               "http-trigger", "endpoint"};
const std::set<std::string> kRunStatuses = {"pending", "running", "completed", "failure",
                                            "timeout"};

// Realtime.
constexpr std::size_t kRealtimeLogSize = 10000;
constexpr int kThreadPoolSize = 64;       // >= 32 concurrent streams plus ordinary requests

// cpp-httplib serves each accepted socket as one task on one pool thread, start to close. A
// connection is counted by the first request seen in its task, so the count is exact: a
// (remote address, port) pair would merge a new connection into an old one whenever the kernel
// hands out the same ephemeral port again, and a socket that never carries a request (a
// readiness probe) is not a connection any test means.
thread_local bool tl_connection_counted = false;

class ConnectionCountingPool final : public httplib::ThreadPool {
 public:
  using httplib::ThreadPool::ThreadPool;
  void enqueue(std::function<void()> serve_connection) override {
    httplib::ThreadPool::enqueue([serve = std::move(serve_connection)] {
      tl_connection_counted = false;
      serve();
    });
  }
};
constexpr long long kStreamPollSliceMs = 50;  // how often an idle stream checks its client
const std::set<std::string> kRealtimeEventTypes = {"record_created",  "record_updated",
                                                   "record_deleted",  "record_restored",
                                                   "function_run_completed", "function_run_failed"};
// Orchestrations.
constexpr std::size_t kOrchDefaultPageSize = 20;
constexpr std::size_t kOrchMaxPageSize = 100;
constexpr int kOrchDefaultStepMs = 20;
constexpr int kOrchMaxStepExecutions = 1000;  // per run: guards 0 ms loops (run fails: STEP_LIMIT_EXCEEDED)
const std::string kMasked = "********";
const std::set<std::string> kOrchStatuses = {"draft", "active", "paused"};
const std::set<std::string> kOrchTriggerTypes = {"on-demand", "event-driven", "scheduled",
                                                 "http-trigger"};
const std::set<std::string> kOrchStepTypes = {"compute", "decision", "delay"};
const std::set<std::string> kDecisionOperators = {"eq", "ne", "gt", "gte", "lt", "lte"};
const std::set<std::string> kOrchRunStatuses = {"pending",   "running", "waiting",
                                                "completed", "failed",  "cancelled"};

const std::set<std::string> kCflOperators = {"eq", "ne", "gt", "gte", "lt", "lte", "contains"};

const std::set<std::string> kSystemFields = {"id",        "createdAt", "updatedAt", "status",
                                             "version",   "createdBy", "updatedBy", "recordSlug",
                                             "deletedAt", "workspaceSlug"};
const std::set<std::string> kOperators = {"eq",         "ne",       "gt",       "gte",    "lt",
                                          "lte",        "in",       "nin",      "contains",
                                          "startsWith", "endsWith", "hasAny",   "hasAll", "exists"};
const std::set<std::string> kReservedListParams = {
    "page",         "pageSize",    "limit",  "sort",   "search",          "searchFields",
    "searchField",  "fields",      "expand", "includeArchived", "includeTotal"};

// ============================================================================
// Small string / encoding helpers
// ============================================================================
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX once. Invalid escapes are kept literally. plus_is_space for form/query data.
std::string percent_decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Comma list with blanks removed.
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto& part : split(s, ',')) {
    std::string t = trim(part);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Strictly decimal positive integer in [1, limit]; nullopt for anything else.
std::optional<std::size_t> parse_positive(const std::string& s, std::size_t limit) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  if (v == 0) return std::nullopt;
  return std::min(v, limit);
}

using Query = std::vector<std::pair<std::string, std::string>>;

Query parse_form(const std::string& text) {
  Query q;
  if (text.empty()) return q;
  for (auto& kv : split(text, '&')) {
    if (kv.empty()) continue;
    std::size_t eq = kv.find('=');
    std::string k = kv.substr(0, eq);
    std::string v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    q.emplace_back(percent_decode(k, true), percent_decode(v, true));
  }
  return q;
}

const std::string* query_get(const Query& q, const std::string& key) {
  for (auto& kv : q)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

bool query_flag(const Query& q, const std::string& key) {
  const std::string* v = query_get(q, key);
  return v && (*v == "true" || *v == "1");
}

std::string raw_path_of(const std::string& target) {
  return target.substr(0, target.find('?'));
}
std::string raw_query_of(const std::string& target) {
  std::size_t q = target.find('?');
  return q == std::string::npos ? "" : target.substr(q + 1);
}

// Splits the RAW path on '/' and decodes each segment once, so "a%2Fb" stays one segment.
std::vector<std::string> decoded_segments(const std::string& raw_path) {
  std::vector<std::string> segs = split(raw_path, '/');
  if (!segs.empty() && segs.front().empty()) segs.erase(segs.begin());
  for (auto& s : segs) s = percent_decode(s, false);
  return segs;
}

// How far tests have moved the emulator's clocks forward (Emulator::advance_clock).
std::atomic<long long> g_clock_offset_ms{0};

long long wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + g_clock_offset_ms.load();
}

// Monotonic clock for run status timing (immune to wall clock steps).
long long steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count() + g_clock_offset_ms.load();
}


const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Server Error" : (status >= 400 ? "Client Error" : "OK");
  }
}

// ============================================================================
// Responses
// ============================================================================
void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(dump(body), "application/json");
}

// The one helper for JSON error bodies.
void send_error(httplib::Response& res, const std::string& request_id, int status,
                const std::string& message, const std::string& code = "",
                const json& details = json()) {
  json body = {{"error", reason_phrase(status)}, {"message", message}, {"requestId", request_id}};
  if (!code.empty()) body["code"] = code;
  if (!details.is_null()) body["details"] = details;
  send_json(res, status, body);
}

void send_validation_error(httplib::Response& res, const std::string& rid,
                           const std::string& field, const std::string& message) {
  send_error(res, rid, 400, message, "VALIDATION_ERROR",
             json::array({{{"field", field}, {"message", message}}}));
}

void send_no_content(httplib::Response& res) {
  res.status = 204;
  res.body.clear();
}

// ============================================================================
// State
// ============================================================================
struct Record {
  std::string id;
  std::string slug;
  json data = json::object();
  bool archived = false;
  long long version = 1;
  long long created_ms = 0, updated_ms = 0, deleted_ms = 0;
  std::string created_by, updated_by;
};

struct ComputeFunction {
  std::string id, name, description, code;
  long long timeout_ms = kDefaultFunctionTimeoutMs;
  std::string created_by, updated_by;
  long long created_ms = 0, updated_ms = 0;
  unsigned long long seq = 0;  // creation order (newest first = highest seq)
};

struct Trigger {
  std::string id, name, function_id, execution_type, description;
  bool enabled = true;
  json metadata = json::object();
  long long created_ms = 0, updated_ms = 0;
  unsigned long long seq = 0;
};

// A function run. Its status is not stored: it follows from the time elapsed since the
// invoke and the ComputeBehavior captured at creation (see run_phase()).
struct Run {
  std::string id, job_id, function_id, trigger_id, trigger_type, created_by, execution_id;
  std::string execution_source;
  json payload;  // the invoke payload (null when none was sent)
  long long created_ms = 0;     // wall clock, for timestamps
  long long created_steady = 0;  // monotonic, for the status
  unsigned long long seq = 0;
  // captured behaviour
  long long pending_ms = 0, running_ms = 0;
  RunOutcome outcome = RunOutcome::Completed;
  std::optional<json> result;
  std::string error_code, error_message;
};

// A record mutation waiting to be published to realtime streams. Handlers append them to
// the Store; only the real (non dry-run) store's events are published, after the handler.
struct PendingEvent {
  std::string type, slug, record_id, by_key, by;
  json data;
  long long ts_ms = 0;
};

// ---- orchestrations -------------------------------------------------------------------
struct OrchParam {
  std::string value;  // plain text: kept here, never put in any response
  bool encrypted = true;
};

struct OrchStep {
  std::string id, name, type, next;  // next: nextStepId ("" = none)
  // compute
  std::string function_id;
  std::optional<long long> timeout_ms;
  std::map<std::string, OrchParam> params;  // encryptedParams
  // decision
  json cases = json::array();  // [{"condition":{field,operator,value},"nextStepId"}]
  std::string default_next;
  // delay
  long long delay_ms = 0;
};

struct Orchestration {
  std::string id, slug, name, description, status;
  long long version = 1;
  json trigger;
  std::vector<OrchStep> steps;
  long long created_ms = 0, updated_ms = 0;
  std::string created_by, updated_by;
  unsigned long long seq = 0;
};

// How a compute step of a run behaves, captured from the ComputeBehavior when the run starts.
struct StepBehavior {
  bool function_exists = true;
  RunOutcome outcome = RunOutcome::Completed;
  std::optional<json> result;
  std::string error_code, error_message;
};

// An orchestration run. Like function runs, its progress is not stored: simulate_run()
// derives it from the time elapsed since the start (and the cancel time, if any).
struct OrchRun {
  std::string id, orchestration_id, created_by;
  json input = json::object();
  std::vector<OrchStep> steps;                      // snapshot at start
  std::map<std::string, StepBehavior> behaviors;   // step id -> behaviour (compute steps)
  long long step_ms = kOrchDefaultStepMs;
  long long created_ms = 0, created_steady = 0;
  std::optional<long long> cancel_offset;  // ms after the start
  unsigned long long seq = 0;
};

struct IssuedToken {
  long long expires_ms = 0;
  bool force_expired = false;
};

// Everything a route handler may change. Copyable so faults that must not change
// state but need a real response body can run the handler on a throw-away copy.
struct Store {
  std::map<std::string, std::map<std::string, Record>> records;  // slug -> id -> record
  std::map<std::string, IssuedToken> tokens;
  std::map<std::string, ComputeFunction> functions;  // id -> function
  std::map<std::string, Trigger> triggers;           // id -> trigger
  std::map<std::string, Run> runs;                   // id -> run
  std::map<std::string, std::string> jobs;           // job id -> run id
  std::vector<PendingEvent> events;                  // record mutations not yet published
  std::map<std::string, Orchestration> orchestrations;  // id -> orchestration
  std::map<std::string, OrchRun> orch_runs;             // id -> run
  unsigned long long orch_seq = 0;
  long long last_ms = 0;
  unsigned long long token_seq = 0;
  unsigned long long compute_seq = 0;  // creation order of functions, triggers, runs
  unsigned long long job_seq = 0;      // jobs ever created ("job-<n>")

  // Strictly increasing millisecond clock: records created in the same millisecond
  // still get distinct createdAt values, so the default sort equals creation order.
  long long tick() {
    last_ms = std::max(wall_ms(), last_ms + 1);
    return last_ms;
  }

  Record* find(const std::string& slug, const std::string& id) {
    auto s = records.find(slug);
    if (s == records.end()) return nullptr;
    auto r = s->second.find(id);
    return r == s->second.end() ? nullptr : &r->second;
  }
  Record* find_any_slug(const std::string& id) {
    for (auto& s : records) {
      auto r = s.second.find(id);
      if (r != s.second.end()) return &r->second;
    }
    return nullptr;
  }
};

json record_json(const Record& r, const std::string& workspace) {
  json j = {{"id", r.id},
            {"recordSlug", r.slug},
            {"workspaceSlug", workspace},
            {"data", r.data},
            {"status", r.archived ? "archived" : "active"},
            {"version", r.version},
            {"createdAt", iso_time(r.created_ms)},
            {"updatedAt", iso_time(r.updated_ms)},
            {"createdBy", r.created_by},
            {"updatedBy", r.updated_by}};
  if (r.archived) j["deletedAt"] = iso_time(r.deleted_ms);
  return j;
}

json function_json(const ComputeFunction& f, const std::string& workspace) {
  return {{"id", f.id},
          {"name", f.name},
          {"description", f.description},
          {"code", f.code},
          {"timeoutMs", f.timeout_ms},
          {"workspaceSlug", workspace},
          {"createdBy", f.created_by},
          {"updatedBy", f.updated_by},
          {"createdAt", iso_time(f.created_ms)},
          {"updatedAt", iso_time(f.updated_ms)}};
}

json trigger_json(const Trigger& t, const std::string& workspace) {
  return {{"id", t.id},
          {"name", t.name},
          {"functionId", t.function_id},
          {"executionType", t.execution_type},
          {"description", t.description},
          {"enabled", t.enabled},
          {"triggerMetadata", t.metadata},
          {"workspaceSlug", workspace},
          {"createdAt", iso_time(t.created_ms)},
          {"updatedAt", iso_time(t.updated_ms)}};
}

// Where a run is at monotonic time `now`: pending -> running -> outcome.
enum class RunPhase { Pending, Running, Done };

RunPhase run_phase(const Run& r, long long now) {
  const long long elapsed = now - r.created_steady;
  if (elapsed < r.pending_ms) return RunPhase::Pending;
  if (elapsed < r.pending_ms + r.running_ms) return RunPhase::Running;
  return RunPhase::Done;
}

std::string run_status(const Run& r, long long now) {
  switch (run_phase(r, now)) {
    case RunPhase::Pending: return "pending";
    case RunPhase::Running: return "running";
    case RunPhase::Done: break;
  }
  switch (r.outcome) {
    case RunOutcome::Completed: return "completed";
    case RunOutcome::Failure: return "failure";
    case RunOutcome::Timeout: return "timeout";
  }
  return "failure";
}

bool run_failed(const std::string& status) { return status == "failure" || status == "timeout"; }

json run_data_of(const Run& r) {
  if (r.outcome != RunOutcome::Completed) return json();
  return r.result ? *r.result : json{{"payload", r.payload}};
}

json run_json(const Run& r, const std::string& workspace, long long now) {
  const RunPhase phase = run_phase(r, now);
  const bool done = phase == RunPhase::Done;
  const bool failed = done && r.outcome != RunOutcome::Completed;
  const long long end_offset = r.pending_ms + r.running_ms;
  long long updated = r.created_ms;
  if (phase == RunPhase::Running) updated += r.pending_ms;
  if (done) updated += end_offset;
  long long cpu_us = 0;  // CPU time "used" so far: the running time, in microseconds
  if (phase == RunPhase::Running) cpu_us = (now - r.created_steady - r.pending_ms) * 1000;
  if (done) cpu_us = r.running_ms * 1000;
  return {{"id", r.id},
          {"jobId", r.job_id},
          {"functionId", r.function_id},
          {"triggerId", r.trigger_id},
          {"triggerType", r.trigger_type},
          {"workspaceSlug", workspace},
          {"createdBy", r.created_by},
          {"executionId", r.execution_id},
          {"status", run_status(r, now)},
          {"runData", done ? run_data_of(r) : json()},
          {"startedAt", iso_time(r.created_ms)},
          {"endedAt", done ? json(iso_time(r.created_ms + end_offset)) : json()},
          {"createdAt", iso_time(r.created_ms)},
          {"updatedAt", iso_time(updated)},
          {"isRerun", false},
          {"rerunCount", 0},
          {"executionSource", r.execution_source},
          {"errorCode", failed ? json(r.error_code) : json()},
          {"errorMessage", failed ? json(r.error_message) : json()},
          {"memoryUsage", {{"rss", kRunRssBytes}}},
          {"cpuUsage", {{"user", cpu_us}}}};
}

// Shallow merge; a JSON null deletes the field.
void merge_into(json& data, const json& patch) {
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.value().is_null())
      data.erase(it.key());
    else
      data[it.key()] = it.value();
  }
}

// Looks up "data.a.b" / "status" in a record JSON. nullptr when absent.
const json* lookup(const json& rec, const std::string& dotted) {
  const json* cur = &rec;
  for (auto& part : split(dotted, '.')) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// ---- orchestration runs: lazy simulation -------------------------------------------
json orch_params_view(const OrchStep& st) {  // encrypted values masked, never the plain text
  json p = json::object();
  for (auto& kv : st.params) p[kv.first] = kv.second.encrypted ? json(kMasked) : json(kv.second.value);
  return p;
}

json orch_step_json(const OrchStep& st) {
  json j = {{"id", st.id}, {"type", st.type}};
  if (!st.name.empty()) j["name"] = st.name;
  if (!st.next.empty()) j["nextStepId"] = st.next;
  if (st.type == "compute") {
    j["functionId"] = st.function_id;
    if (st.timeout_ms) j["timeoutMs"] = *st.timeout_ms;
    if (!st.params.empty()) {
      json p = json::object();
      for (auto& kv : st.params)
        p[kv.first] = {{"value", kv.second.encrypted ? kMasked : kv.second.value},
                       {"encrypted", kv.second.encrypted}};
      j["encryptedParams"] = p;
    }
  } else if (st.type == "decision") {
    j["cases"] = st.cases;
    if (!st.default_next.empty()) j["defaultNextStepId"] = st.default_next;
  } else if (st.type == "delay") {
    j["delayMs"] = st.delay_ms;
  }
  return j;
}

json orchestration_json(const Orchestration& o, const std::string& workspace, bool with_steps) {
  json j = {{"id", o.id},
            {"workspaceSlug", workspace},
            {"slug", o.slug},
            {"name", o.name},
            {"description", o.description},
            {"version", o.version},
            {"status", o.status},
            {"trigger", o.trigger},
            {"createdAt", iso_time(o.created_ms)},
            {"updatedAt", iso_time(o.updated_ms)},
            {"createdBy", o.created_by},
            {"updatedBy", o.updated_by}};
  if (with_steps) {
    j["steps"] = json::array();
    for (auto& st : o.steps) j["steps"].push_back(orch_step_json(st));
  }
  return j;
}

// A decision condition {"field": dotted path into the context, "operator", "value"}.
bool decision_matches(const json& cond, const json& ctx) {
  const json* v = lookup(ctx, cond.value("field", ""));
  const std::string op = cond.value("operator", "eq");
  const json want = cond.value("value", json());
  const bool eq = (v ? *v : json()) == want;
  if (op == "eq") return eq;
  if (op == "ne") return !eq;
  if (!v) return false;
  int c;
  if (v->is_number() && want.is_number()) {
    double a = v->get<double>(), b = want.get<double>();
    c = a < b ? -1 : (b < a ? 1 : 0);
  } else if (v->is_string() && want.is_string()) {
    c = v->get_ref<const std::string&>().compare(want.get_ref<const std::string&>());
  } else {
    return false;
  }
  if (op == "gt") return c > 0;
  if (op == "gte") return c >= 0;
  if (op == "lt") return c < 0;
  return c <= 0;  // lte
}

struct StepRunView {
  std::string step_id, step_type, status;  // running | completed | failed
  json input, output, error;               // error: null | {code, message}
  bool compute = false;
  long long started = 0, completed = -1;   // ms after the run start; -1 = not finished
};

struct RunView {
  std::string status, current_step;
  json step_outputs = json::object();
  json error;  // null | {code, message, stepId}
  std::vector<StepRunView> steps;
  long long completed = -1;  // ms after the run start; -1 = not finished
};

// Replays the run from its start up to `now` (steady ms), or up to the cancel time.
RunView simulate_run(const OrchRun& r, long long now) {
  RunView v;
  long long limit = now - r.created_steady;
  if (r.cancel_offset) limit = std::min(limit, *r.cancel_offset);
  auto find = [&](const std::string& id) -> const OrchStep* {
    for (auto& st : r.steps)
      if (st.id == id) return &st;
    return nullptr;
  };
  auto fail = [&](const std::string& step, const std::string& code, const std::string& message,
                  long long at) {
    v.status = "failed";
    v.current_step = step;
    v.error = {{"code", code}, {"message", message}, {"stepId", step}};
    v.completed = at;
    return v;
  };
  json steps_ctx = json::object();
  long long t = 0;
  const OrchStep* cur = r.steps.empty() ? nullptr : &r.steps.front();
  int executed = 0;
  while (cur) {
    if (++executed > kOrchMaxStepExecutions)
      return fail(cur->id, "STEP_LIMIT_EXCEEDED", "more than " + std::to_string(kOrchMaxStepExecutions) + " step executions", t);
    StepRunView sr;
    sr.step_id = cur->id;
    sr.step_type = cur->type;
    sr.started = t;
    const json ctx = {{"input", r.input}, {"steps", steps_ctx}};
    std::string next = cur->next;
    bool in_flight = false;
    if (cur->type == "compute") {
      sr.compute = true;
      sr.input = ctx;
      sr.input["params"] = orch_params_view(*cur);
      const long long end = t + r.step_ms;
      if (end > limit) {
        in_flight = true;
      } else {
        auto b = r.behaviors.find(cur->id);
        StepBehavior beh = b != r.behaviors.end() ? b->second : StepBehavior{};
        if (!beh.function_exists) {
          beh.outcome = RunOutcome::Failure;
          beh.error_code = "FUNCTION_NOT_FOUND";
          beh.error_message = "Function not found: " + cur->function_id;
        }
        sr.completed = end;
        if (beh.outcome == RunOutcome::Completed) {
          sr.status = "completed";
          sr.output = beh.result ? *beh.result : json{{"input", sr.input}};
          t = end;
        } else {
          sr.status = "failed";
          sr.error = {{"code", beh.error_code}, {"message", beh.error_message}};
          v.steps.push_back(sr);
          return fail(cur->id, beh.error_code, beh.error_message, end);
        }
      }
    } else if (cur->type == "decision") {
      sr.input = ctx;
      json matched;
      next = cur->default_next;
      for (std::size_t i = 0; i < cur->cases.size(); ++i) {
        const json& kase = cur->cases[i];
        if (decision_matches(kase.value("condition", json::object()), ctx)) {
          matched = i;
          next = kase.value("nextStepId", "");
          break;
        }
      }
      sr.status = "completed";
      sr.completed = t;
      sr.output = {{"matchedCase", matched}, {"nextStepId", next.empty() ? json() : json(next)}};
    } else {  // delay
      sr.input = {{"delayMs", cur->delay_ms}};
      const long long end = t + cur->delay_ms;
      if (end > limit) {
        in_flight = true;
      } else {
        sr.status = "completed";
        sr.completed = end;
        sr.output = {{"delayedMs", cur->delay_ms}};
        t = end;
      }
    }
    if (in_flight) {
      sr.status = "running";
      v.status = cur->type == "delay" ? "waiting" : "running";
      v.current_step = cur->id;
      if (r.cancel_offset) {  // frozen at the cancel time
        sr.status = "failed";
        sr.error = {{"code", "RUN_CANCELLED"}, {"message", "Run cancelled"}};
        sr.completed = *r.cancel_offset;
        v.status = "cancelled";
        v.completed = *r.cancel_offset;
      }
      v.steps.push_back(sr);
      return v;
    }
    steps_ctx[cur->id] = {{"output", sr.output}};
    v.step_outputs[cur->id] = sr.output;
    v.steps.push_back(std::move(sr));
    if (next.empty()) break;
    cur = find(next);
    if (!cur) return fail(next, "STEP_NOT_FOUND", "No step with id " + next, t);
  }
  v.status = "completed";
  v.completed = t;
  return v;
}

bool orch_run_terminal(const std::string& status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

json orch_run_json(const OrchRun& r, const RunView& v, const std::string& workspace) {
  return {{"id", r.id},
          {"orchestrationId", r.orchestration_id},
          {"workspaceSlug", workspace},
          {"status", v.status},
          {"input", r.input},
          {"context", json::object()},
          {"stepOutputs", v.step_outputs},
          {"currentStepId", v.current_step.empty() ? json() : json(v.current_step)},
          {"error", v.error},
          {"startedAt", iso_time(r.created_ms)},
          {"completedAt", v.completed >= 0 ? json(iso_time(r.created_ms + v.completed)) : json()},
          {"createdAt", iso_time(r.created_ms)},
          {"createdBy", r.created_by}};
}

json step_run_json(const OrchRun& r, const StepRunView& s, std::size_t index) {
  const bool done = s.completed >= 0;
  const std::string n = std::to_string(index + 1);
  return {{"id", r.id + "-step-" + n},
          {"runId", r.id},
          {"stepId", s.step_id},
          {"stepType", s.step_type},
          {"status", s.status},
          {"input", s.input},
          {"output", s.status == "completed" ? s.output : json()},
          {"error", s.error},
          {"functionRunId", s.compute ? json(r.id + "-fn-" + n) : json()},
          {"startedAt", iso_time(r.created_ms + s.started)},
          {"completedAt", done ? json(iso_time(r.created_ms + s.completed)) : json()},
          {"durationMs", done ? json(s.completed - s.started) : json()}};
}

// ============================================================================
// Filtering and sorting
// ============================================================================
// Compares a stored value with a query operand. nullopt = not comparable.
std::optional<int> compare_operand(const json& v, const std::string& operand) {
  auto three_way = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  std::optional<double> rhs = parse_number(operand);
  if (v.is_number() && rhs) return three_way(v.get<double>(), *rhs);
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (rhs) {
      if (auto lhs = parse_number(s)) return three_way(*lhs, *rhs);
    }
    return three_way(s, operand);
  }
  if (v.is_boolean()) {
    if (operand != "true" && operand != "false") return std::nullopt;
    return three_way(v.get<bool>(), operand == "true");
  }
  if (v.is_null()) return operand == "null" ? std::optional<int>(0) : std::nullopt;
  return std::nullopt;
}

bool equals_operand(const json* v, const std::string& operand) {
  if (!v) return false;
  if (v->is_array()) {
    for (auto& e : *v)
      if (equals_operand(&e, operand)) return true;
    return false;
  }
  auto c = compare_operand(*v, operand);
  return c && *c == 0;
}

struct Filter {
  std::string field;  // "data.x" or a system field
  std::string op;
  std::string operand;
};

bool filter_matches(const Filter& f, const json& rec) {
  const json* v = lookup(rec, f.field);
  const std::string& op = f.op;
  if (op == "eq") return equals_operand(v, f.operand);
  if (op == "ne") return !equals_operand(v, f.operand);
  if (op == "exists") return (v && !v->is_null()) == (f.operand == "true");
  if (op == "in" || op == "nin") {
    bool any = false;
    for (auto& item : split_list(f.operand)) any = any || equals_operand(v, item);
    return op == "in" ? any : !any;
  }
  if (op == "hasAny" || op == "hasAll") {
    if (!v || !v->is_array()) return false;
    auto items = split_list(f.operand);
    std::size_t hits = 0;
    for (auto& item : items) hits += equals_operand(v, item) ? 1 : 0;
    return op == "hasAny" ? hits > 0 : hits == items.size();
  }
  if (!v) return false;
  if (op == "contains" || op == "startsWith" || op == "endsWith") {
    if (v->is_array()) return op == "contains" && equals_operand(v, f.operand);
    if (!v->is_string()) return false;
    const std::string& s = v->get_ref<const std::string&>();
    if (op == "contains") return s.find(f.operand) != std::string::npos;
    if (op == "startsWith") return starts_with(s, f.operand);
    return ends_with(s, f.operand);
  }
  auto c = compare_operand(*v, f.operand);
  if (!c) return false;
  if (op == "gt") return *c > 0;
  if (op == "gte") return *c >= 0;
  if (op == "lt") return *c < 0;
  return *c <= 0;  // lte
}

bool is_field_name(const std::string& name) {
  return (starts_with(name, "data.") && name.size() > 5) || kSystemFields.count(name) > 0;
}

int type_rank(const json* v) {
  if (!v || v->is_null()) return 0;
  if (v->is_boolean()) return 1;
  if (v->is_number()) return 2;
  if (v->is_string()) return 3;
  return 4;
}

int compare_values(const json* a, const json* b) {
  int ra = type_rank(a), rb = type_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (ra) {
    case 0: return 0;
    case 1: return three_way(a->get<bool>(), b->get<bool>());
    case 2: return three_way(a->get<double>(), b->get<double>());
    case 3: return three_way(a->get_ref<const std::string&>(), b->get_ref<const std::string&>());
    default: return three_way(dump(*a), dump(*b));
  }
}

struct SortKey {
  std::string field;
  bool descending = false;
};

// ============================================================================
// Realtime: CFL v1 filter, subscriptions, streams
// ============================================================================
struct CflFilter {
  std::string path;  // dotted path into the event payload, e.g. data.after.status
  std::string op = "eq";
  std::string value;
};

// "path:value" (equality) or "path:op:value" with op in kCflOperators. A second colon whose
// left side is not an operator belongs to the value ("data.at:12:30" is equality with
// "12:30"). nullopt = bad syntax (no colon, empty path or path segment, empty value).
std::optional<CflFilter> parse_cfl(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  CflFilter f;
  f.path = trim(text.substr(0, colon));
  std::string rest = text.substr(colon + 1);
  const std::size_t second = rest.find(':');
  if (second != std::string::npos && kCflOperators.count(rest.substr(0, second))) {
    f.op = rest.substr(0, second);
    rest = rest.substr(second + 1);
  }
  f.value = rest;
  if (f.path.empty() || f.value.empty()) return std::nullopt;
  for (auto& part : split(f.path, '.'))
    if (part.empty()) return std::nullopt;
  return f;
}

bool cfl_matches(const CflFilter& f, const json& payload) {
  const json* v = lookup(payload, f.path);
  if (f.op == "eq") return equals_operand(v, f.value);
  if (f.op == "ne") return !equals_operand(v, f.value);
  if (!v) return false;
  if (f.op == "contains") {
    if (v->is_string()) return v->get_ref<const std::string&>().find(f.value) != std::string::npos;
    return v->is_array() && equals_operand(v, f.value);
  }
  auto c = compare_operand(*v, f.value);
  if (!c) return false;
  if (f.op == "gt") return *c > 0;
  if (f.op == "gte") return *c >= 0;
  if (f.op == "lt") return *c < 0;
  return *c <= 0;  // lte
}

struct Subscription {
  std::set<std::string> structures, events;  // empty = all
  std::optional<CflFilter> filter;

  bool matches(const std::string& type, const std::string& slug, const json& payload) const {
    if (!structures.empty() && !structures.count(slug)) return false;
    if (!events.empty() && !events.count(type)) return false;
    return !filter || cfl_matches(*filter, payload);
  }
};

// One open SSE stream. Publishers (holding the state mutex) push ready-made frames into
// `frames`; the stream's own worker thread waits on `cv` and writes them out, so a slow or
// silent client never blocks a request handler.
struct RtStream {
  Subscription sub;  // fixed when the stream opens
  std::string workspace;
  int fd = -1;
  bool silent = false;
  int retry_ms = 0, ping_ms = 0;
  long long deadline = 0;  // steady ms: the server ends the stream here

  std::mutex m;
  std::condition_variable cv;
  std::deque<std::string> frames;  // guarded by m
  bool closing = false;            // guarded by m

  // Used only by the stream's worker thread.
  bool greeted = false;
  long long last_write = 0;
};

// True when the client closed its end (or the socket broke). Never blocks.
bool peer_gone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, static_cast<short>(POLLIN | POLLRDHUP), 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLHUP | POLLERR | POLLRDHUP | POLLNVAL)) return true;
  char b;
  ssize_t n = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

// Strict decimal event id; nullopt for anything else.
std::optional<unsigned long long> parse_event_id(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  unsigned long long v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned long long>(ch - '0');
  }
  return v;
}

// ============================================================================
// Connection handling.
// cpp-httplib 0.11.4 gives handlers no access to the connection, and a content
// provider that fails still lets the status line out. So the emulator runs the
// per-connection keep-alive loop itself (Server::process_and_close_socket is a
// virtual hook; process_request is protected) over its own Stream. That gives:
//  - Reset: the handler flags the connection; every later write is swallowed and
//    the socket is closed with SO_LINGER{1,0} -> RST, zero response bytes;
//  - MSG_NOSIGNAL on every write (no SIGPIPE when a client vanishes);
//  - a registry of live connections so stop() can end idle keep-alive ones at once.
// ============================================================================
struct Connection {
  int fd = -1;
  bool abort = false;  // set by the Reset fault
};
thread_local Connection* t_connection = nullptr;  // connection served by this worker thread

int poll_fd(int fd, short events, long timeout_ms) {
  pollfd p{fd, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(std::min<long>(timeout_ms, 1L << 30)));
  } while (r < 0 && errno == EINTR);
  return r;
}

void numeric_name(const sockaddr_storage& ss, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST] = {0};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) == 0)
    ip = host;
  if (ss.ss_family == AF_INET) port = ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6) port = ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
}

class ConnStream : public httplib::Stream {
 public:
  ConnStream(Connection& c, long read_timeout_ms, long write_timeout_ms)
      : c_(c), read_ms_(read_timeout_ms), write_ms_(write_timeout_ms) {}

  bool is_readable() const override {
    return pos_ < len_ || poll_fd(c_.fd, POLLIN, read_ms_) > 0;
  }
  bool is_writable() const override {
    return !c_.abort && poll_fd(c_.fd, POLLOUT, write_ms_) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {  // refill (httplib reads request lines byte by byte)
      if (!is_readable()) return -1;
      ssize_t n;
      do {
        n = ::recv(c_.fd, buf_, sizeof buf_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(c_.fd, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getpeername(c_.fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) numeric_name(ss, len, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(c_.fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) numeric_name(ss, len, ip, port);
  }
  socket_t socket() const override { return c_.fd; }
  bool is_readable_buffered() const { return pos_ < len_; }  // pipelined bytes already read

 private:
  Connection& c_;
  long read_ms_, write_ms_;
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
};

class EmuServer : public httplib::Server {
 public:
  // Ends idle keep-alive connections now instead of after the keep-alive timeout.
  void close_connections() {
    stopping_ = true;
    std::lock_guard<std::mutex> lock(conn_mu_);
    for (int fd : live_) ::shutdown(fd, SHUT_RDWR);
  }

  // httplib 0.11.4 listens with a backlog of 5: a burst of connects (e.g. many realtime
  // streams opened at once) then stalls ~1 s in SYN retransmits. listen() again on the
  // bound socket raises the backlog (Linux).
  void raise_backlog() {
    if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, SOMAXCONN);
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    Connection conn;
    conn.fd = sock;
    {
      std::lock_guard<std::mutex> lock(conn_mu_);
      live_.insert(sock);
    }
    t_connection = &conn;
    bool ret = serve(conn);
    t_connection = nullptr;
    {
      std::lock_guard<std::mutex> lock(conn_mu_);
      live_.erase(sock);
      if (conn.abort) {
        linger lg{1, 0};  // close() now sends RST instead of FIN
        setsockopt(sock, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      } else {
        ::shutdown(sock, SHUT_RDWR);
      }
      ::close(sock);
    }
    return ret;
  }

  // Same loop as httplib's process_server_socket_core.
  bool serve(Connection& conn) {
    ConnStream strm(conn, read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000,
                    write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000);
    bool ret = false;
    for (size_t count = keep_alive_max_count_; count > 0; --count) {
      if (stopping_ || svr_sock_ == INVALID_SOCKET || !wait_for_request(strm, conn.fd)) break;
      bool connection_closed = false;
      ret = process_request(strm, count == 1, connection_closed, nullptr);
      if (!ret || connection_closed || conn.abort) break;
    }
    return ret;
  }

  bool wait_for_request(const ConnStream& strm, int fd) {
    if (strm.is_readable_buffered()) return true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
      int r = poll_fd(fd, POLLIN, 50);
      if (r != 0) return r > 0;
    }
    return false;
  }

  std::atomic<bool> stopping_{false};
  std::mutex conn_mu_;
  std::set<int> live_;
};

const std::string kHtmlTemplate =
    "<html>\r\n<head><title>{S}</title></head>\r\n<body>\r\n<center><h1>{S}</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

}  // namespace

// ============================================================================
// Impl
// ============================================================================
struct Emulator::Impl {
  explicit Impl(Options o)
      : opts(std::move(o)), rng(std::random_device{}()), admin([this](const std::string& slug) { return live_records(slug); }) {}

  Options opts;

  mutable std::mutex mu;  // guards everything below
  Store store;
  std::mt19937_64 rng;
  // Collections, smart queries, validation, insights, allowed domains, search and storage live
  // in their own module (admin_routes.cpp); it reads records through live_records().
  AdminRoutes admin;
  std::vector<Fault> faults;
  std::vector<SeenRequest> seen;
  std::size_t connections_with_requests = 0;
  std::size_t token_posts = 0;
  unsigned long long request_counter = 0;
  ComputeBehavior default_behavior;                       // runs of functions without an override
  std::map<std::string, ComputeBehavior> behavior_for;   // function id -> behaviour

  // ---- realtime ------------------------------------------------------------------
  // Log, counters and options are guarded by mu; the set of open streams by rt_mu.
  // Lock order: mu -> rt_mu -> RtStream::m. A stream's worker thread takes only its own m.
  struct RtEvent {
    unsigned long long id = 0;
    std::string type, slug;
    json payload;
    std::string frame;  // "id: n\nevent: message\ndata: {...}\n\n"
  };
  RealtimeOptions rt_opts;
  std::deque<RtEvent> rt_log;  // the last kRealtimeLogSize events
  unsigned long long rt_last_id = 0;
  int rt_silence = 0;
  std::size_t rt_accepted = 0;
  std::vector<std::string> rt_last_event_ids;
  std::atomic<int> rt_cut{0};
  std::atomic<bool> rt_stopping{false};
  mutable std::mutex rt_mu;
  std::set<std::shared_ptr<RtStream>> rt_streams;

  // Removes a stream from rt_streams when its response object goes away (captured by the
  // content provider, so it dies with the response whatever path the response took).
  struct StreamGuard {
    Impl* impl;
    std::shared_ptr<RtStream> stream;
    StreamGuard(Impl* i, std::shared_ptr<RtStream> s) : impl(i), stream(std::move(s)) {}
    StreamGuard(const StreamGuard&) = delete;
    StreamGuard& operator=(const StreamGuard&) = delete;
    ~StreamGuard() {
      std::lock_guard<std::mutex> lock(impl->rt_mu);
      impl->rt_streams.erase(stream);
    }
  };

  int orch_step_ms = kOrchDefaultStepMs;  // duration of a compute step in new runs

  std::unique_ptr<EmuServer> server;
  std::thread thread;
  std::atomic<int> bound_port{0};

  // ---- per-request context -------------------------------------------------
  struct Ctx {
    const httplib::Request& req;
    httplib::Response& res;
    Store& st;
    std::string rid;
    std::map<std::string, std::string> params;  // ws, slug, id
    Query query;
    std::string principal;
    bool dry_run = false;  // handling against a throw-away copy of the state (a fault)
  };
  using Handler = void (Impl::*)(Ctx&);

  // ---- ids ----------------------------------------------------------------
  std::string uuid4() {
    std::uint64_t a = rng(), b = rng();
    a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                  static_cast<unsigned>(b >> 48),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
  }

  std::string random_hex(int n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(digits[rng() & 15]);
    return s;
  }

  // ---- auth ----------------------------------------------------------------
  // Returns the principal name, or sends a 401 and returns "".
  // allow_query_token: `access_token=<token>` counts as "Authorization: Bearer <token>"
  // when that header is absent (realtime: EventSource cannot set headers).
  std::string authenticate(Ctx& c, bool allow_query_token = false) {
    const auto& h = c.req.headers;
    std::string auth = c.req.get_header_value("Authorization");
    bool has_auth = h.find("Authorization") != h.end();
    if (!has_auth && allow_query_token) {
      if (const std::string* t = query_get(c.query, "access_token")) {
        has_auth = true;
        auth = "Bearer " + *t;
      }
    }
    bool has_key = h.find("x-api-key") != h.end();
    std::string key = c.req.get_header_value("x-api-key");
    std::string failure_code = "INVALID_TOKEN", failure_msg = "Invalid token";

    if (has_auth) {
      std::string tok = starts_with(auth, "Bearer ") ? trim(auth.substr(7)) : "";
      if (!tok.empty() && !opts.static_token.empty() && tok == opts.static_token) return "user";
      auto it = c.st.tokens.find(tok);
      if (!tok.empty() && it != c.st.tokens.end()) {
        if (!it->second.force_expired && wall_ms() < it->second.expires_ms) return "service-account";
        failure_code = "TOKEN_EXPIRED";
        failure_msg = "Token expired";
      }
    }
    if (has_key && !opts.publishable_key.empty() && key == opts.publishable_key)
      return "publishable-key";
    if (!has_auth && !has_key) {
      failure_code = "MISSING_TOKEN";
      failure_msg = "Missing token";
    } else if (!has_auth) {
      failure_msg = "Invalid API key";
    }
    send_error(c.res, c.rid, 401, failure_msg, failure_code);
    return "";
  }

  // ---- routing ---------------------------------------------------------------
  static bool match_pattern(const std::string& pattern, const std::vector<std::string>& segs,
                            std::map<std::string, std::string>& params) {
    std::vector<std::string> pat = decoded_segments(pattern);
    if (pat.size() != segs.size()) return false;
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i < pat.size(); ++i) {
      const std::string& p = pat[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segs[i].empty()) return false;
        out[p.substr(1, p.size() - 2)] = segs[i];
      } else if (p != segs[i]) {
        return false;
      }
    }
    params = std::move(out);
    return true;
  }

  static Handler handler_for(Op op) {
    switch (op) {
      case Op::Token: return &Impl::h_token;
      case Op::RecordCreate: return &Impl::h_create;
      case Op::RecordList: return &Impl::h_list;
      case Op::RecordGet: return &Impl::h_get;
      case Op::RecordUpdate: return &Impl::h_update;
      case Op::RecordDelete: return &Impl::h_delete;
      case Op::RecordRestore: return &Impl::h_restore;
      case Op::RecordUpsert: return &Impl::h_upsert;
      case Op::BulkCreate: return &Impl::h_bulk_create;
      case Op::BulkUpdate: return &Impl::h_bulk_update;
      case Op::BulkDelete: return &Impl::h_bulk_delete;
      case Op::FunctionList: return &Impl::h_function_list;
      case Op::FunctionCreate: return &Impl::h_function_create;
      case Op::FunctionTest: return &Impl::h_function_test;
      case Op::FunctionGet: return &Impl::h_function_get;
      case Op::FunctionUpdate: return &Impl::h_function_update;
      case Op::FunctionDelete: return &Impl::h_function_delete;
      case Op::TriggerList: return &Impl::h_trigger_list;
      case Op::TriggerCreate: return &Impl::h_trigger_create;
      case Op::TriggerGet: return &Impl::h_trigger_get;
      case Op::TriggerUpdate: return &Impl::h_trigger_update;
      case Op::TriggerDelete: return &Impl::h_trigger_delete;
      case Op::TriggerPause: return &Impl::h_trigger_pause;
      case Op::TriggerResume: return &Impl::h_trigger_resume;
      case Op::TriggerExecute: return &Impl::h_trigger_execute;
      case Op::RunGet: return &Impl::h_run_get;
      case Op::RunsByTrigger: return &Impl::h_runs_by_trigger;
      case Op::RunsByFunction: return &Impl::h_runs_by_function;
      case Op::JobStatus: return &Impl::h_job_status;
      case Op::RealtimeEvents: return &Impl::h_realtime;
      case Op::OrchList: return &Impl::h_orch_list;
      case Op::OrchCreate: return &Impl::h_orch_create;
      case Op::OrchGet: return &Impl::h_orch_get;
      case Op::OrchUpdate: return &Impl::h_orch_update;
      case Op::OrchDelete: return &Impl::h_orch_delete;
      case Op::OrchRunStart: return &Impl::h_orch_run_start;
      case Op::OrchRunList: return &Impl::h_orch_run_list;
      case Op::OrchRunGet: return &Impl::h_orch_run_get;
      case Op::OrchRunSteps: return &Impl::h_orch_run_steps;
      case Op::OrchRunCancel: return &Impl::h_orch_run_cancel;
    }
    return nullptr;
  }

  static bool path_is(const httplib::Request& req, Op op) {
    std::vector<std::string> segs = decoded_segments(raw_path_of(req.target));
    std::map<std::string, std::string> ignored;
    for (auto& r : route_table())
      if (r.op == op && match_pattern(r.pattern, segs, ignored)) return true;
    return false;
  }
  static bool is_token_path(const httplib::Request& req) { return path_is(req, Op::Token); }

  // Runs the real handler for `req` against `st`. Caller holds `mu`.
  void route(const httplib::Request& req, httplib::Response& res, const std::string& rid,
             Store& st) {
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    std::vector<std::string> segs = decoded_segments(raw_path_of(req.target));
    std::string allowed;
    for (auto& r : route_table()) {
      std::map<std::string, std::string> params;
      if (!match_pattern(r.pattern, segs, params)) continue;
      if (r.method != method) {
        if (allowed.find(r.method) == std::string::npos)
          allowed += (allowed.empty() ? "" : ", ") + r.method;
        continue;
      }
      Ctx c{req, res, st, rid, std::move(params), parse_form(raw_query_of(req.target)), ""};
      c.dry_run = &st != &store;
      if (r.op != Op::Token && r.op != Op::RealtimeEvents) {
        if (c.params["ws"] != opts.workspace) {
          send_error(res, rid, 404, "workspace not found", "WORKSPACE_NOT_FOUND");
          return;
        }
        c.principal = authenticate(c);
        if (c.principal.empty()) return;
      }
      (this->*handler_for(r.op))(c);
      return;
    }
    if (!allowed.empty()) {
      res.set_header("Allow", allowed);
      send_error(res, rid, 405, "Method not allowed", "METHOD_NOT_ALLOWED");
      return;
    }
    if (route_admin(req, res, rid, segs, st)) return;
    send_error(res, rid, 404, "Route not found", "ROUTE_NOT_FOUND");
  }

  // Every live record of `slug` ("" = all) as wire JSON, for the admin module. Runs inside
  // route(), whose caller already holds `mu`.
  std::vector<json> live_records(const std::string& slug) {
    std::vector<json> out;
    for (auto& [record_slug, records] : store.records) {
      if (!slug.empty() && record_slug != slug) continue;
      for (auto& [id, record] : records)
        if (!record.archived) out.push_back(to_json(record));
    }
    return out;
  }

  // The admin module's services: data (after data/workspace/{ws}/api/v1), search (after
  // search/workspace/{ws}/api/v1) and storage (after storage/ws/{ws}/api/v1).
  bool route_admin(const httplib::Request& req, httplib::Response& res, const std::string& rid,
                   const std::vector<std::string>& segs, Store& st) {
    struct Service { const char* name; const char* first; const char* second; };
    static const Service services[] = {{"data", "data", "workspace"}, {"search", "search", "workspace"},
                                       {"storage", "storage", "ws"}};
    for (const auto& service : services) {
      if (segs.size() < 5 || segs[0] != service.first || segs[1] != service.second || segs[3] != "api" ||
          segs[4] != "v1")
        continue;
      Ctx c{req, res, st, rid, {{"ws", segs[2]}}, parse_form(raw_query_of(req.target)), ""};
      if (segs[2] != opts.workspace) {
        send_error(res, rid, 404, "workspace not found", "WORKSPACE_NOT_FOUND");
        return true;
      }
      c.principal = authenticate(c);
      if (c.principal.empty()) return true;
      AdminRequest request;
      request.method = req.method == "HEAD" ? "GET" : req.method;
      request.service = service.name;
      request.segments.assign(segs.begin() + 5, segs.end());
      for (const auto& [key, value] : c.query) request.query.emplace(key, value);
      request.body = req.body;
      for (const auto& [name, file] : req.files)
        request.parts.push_back(UploadedPart{file.name, file.filename, file.content_type, file.content});
      request.principal = c.principal;
      request.request_id = rid;
      request.workspace = opts.workspace;
      std::optional<AdminReply> reply = admin.handle(request);
      if (!reply) return false;
      res.status = reply->status;
      if (reply->status != 204) res.set_content(reply->body, reply->content_type.c_str());
      return true;
    }
    return false;
  }

  // ---- shared handler pieces -----------------------------------------------------
  // Parses the body as a JSON object; sends 400 and returns nullopt otherwise.
  std::optional<json> body_object(Ctx& c) {
    auto j = parse_json(c.req.body);
    if (!j) {
      send_validation_error(c.res, c.rid, "body", "Request body is not valid JSON");
      return std::nullopt;
    }
    if (!j->is_object()) {
      send_validation_error(c.res, c.rid, "body", "Request body must be a JSON object");
      return std::nullopt;
    }
    return j;
  }

  Record& insert_record(Ctx& c, const std::string& slug, json data) {
    Record r;
    r.id = uuid4();
    r.slug = slug;
    r.data = std::move(data);
    r.created_ms = r.updated_ms = c.st.tick();
    r.created_by = r.updated_by = c.principal;
    auto& slot = c.st.records[slug][r.id];
    slot = std::move(r);
    return slot;
  }

  // Queues a realtime event for a record mutation (published after the handler, and only
  // when the handler ran against the real state).
  static void emit(Ctx& c, const char* type, const Record& r, json data, const char* by_key,
                   long long ts_ms) {
    c.st.events.push_back(PendingEvent{type, r.slug, r.id, by_key, c.principal, std::move(data), ts_ms});
  }
  static void emit_created(Ctx& c, const Record& r) {
    emit(c, "record_created", r, r.data, "createdBy", r.created_ms);
  }
  static void emit_updated(Ctx& c, const Record& r, json before) {
    emit(c, "record_updated", r, {{"before", std::move(before)}, {"after", r.data}}, "updatedBy",
         r.updated_ms);
  }

  // Soft (archive) or hard delete of one record, with its record_deleted event.
  void delete_record(Ctx& c, Record& r, bool hard) {
    if (hard) {
      emit(c, "record_deleted", r, r.data, "deletedBy", c.st.tick());
      const std::string slug = r.slug, id = r.id;
      c.st.records[slug].erase(id);
    } else {
      r.archived = true;
      touch(c, r);
      r.deleted_ms = r.updated_ms;
      emit(c, "record_deleted", r, r.data, "deletedBy", r.deleted_ms);
    }
  }

  void touch(Ctx& c, Record& r) {
    r.version += 1;
    r.updated_ms = c.st.tick();
    r.updated_by = c.principal;
  }

  // Active record in this slug (archived ones only with includeArchived=true).
  Record* visible_record(Ctx& c, bool allow_archived) {
    Record* r = c.st.find(c.params["slug"], c.params["id"]);
    if (r && r->archived && !allow_archived) r = nullptr;
    if (!r) send_error(c.res, c.rid, 404, "Record not found", "RECORD_NOT_FOUND");
    return r;
  }

  json to_json(const Record& r) const { return record_json(r, opts.workspace); }

  // expand=a,a.b: referenced records go to data._expanded.<field> (arrays stay arrays).
  void expand_record(Store& st, json& rec, const std::vector<std::string>& paths, int depth) {
    if (depth > kMaxExpandDepth || paths.empty() || !rec.contains("data") ||
        !rec["data"].is_object())
      return;
    std::map<std::string, std::vector<std::string>> by_head;  // head -> nested remainders
    for (auto& p : paths) {
      std::size_t dot = p.find('.');
      auto& rest = by_head[p.substr(0, dot)];
      if (dot != std::string::npos) rest.push_back(p.substr(dot + 1));
    }
    json& data = rec["data"];
    for (auto& entry : by_head) {
      const std::string& head = entry.first;
      const std::vector<std::string>& rest = entry.second;  // (clang 14: no lambda capture of bindings)
      auto it = data.find(head);
      if (head.empty() || head == "_expanded" || it == data.end()) continue;
      auto resolve = [&](const json& ref) -> json {
        if (!ref.is_string()) return json();
        Record* target = st.find_any_slug(ref.get<std::string>());
        if (!target) return json();
        json t = to_json(*target);
        expand_record(st, t, rest, depth + 1);
        return t;
      };
      json expanded;
      if (it->is_array()) {
        expanded = json::array();
        for (auto& ref : *it) {
          json t = resolve(ref);
          if (!t.is_null()) expanded.push_back(std::move(t));
        }
      } else {
        expanded = resolve(*it);
      }
      if (!expanded.is_null()) data["_expanded"][head] = std::move(expanded);
    }
  }

  std::vector<std::string> expand_list(const Ctx& c) const {
    const std::string* e = query_get(c.query, "expand");
    return e ? split_list(*e) : std::vector<std::string>{};
  }

  // ---- handlers ---------------------------------------------------------------
  void h_token(Ctx& c) {
    std::string ctype = to_lower(c.req.get_header_value("Content-Type"));
    if (!starts_with(ctype, "application/x-www-form-urlencoded")) {
      send_error(c.res, c.rid, 400, "Content-Type must be application/x-www-form-urlencoded",
                 "INVALID_REQUEST");
      return;
    }
    Query form = parse_form(c.req.body);
    const std::string* grant = query_get(form, "grant_type");
    if (!grant || *grant != "client_credentials") {
      send_error(c.res, c.rid, 400, "Unsupported grant_type", "UNSUPPORTED_GRANT_TYPE");
      return;
    }
    const std::string* id = query_get(form, "client_id");
    const std::string* secret = query_get(form, "client_secret");
    if (!id || !secret || opts.client_id.empty() || *id != opts.client_id ||
        *secret != opts.client_secret) {
      send_error(c.res, c.rid, 401, "Invalid client credentials");
      return;
    }
    int ttl = opts.token_ttl_seconds;
    std::string token = "emu_at_" + std::to_string(++c.st.token_seq) + "_" + random_hex(16);
    c.st.tokens[token] = IssuedToken{wall_ms() + static_cast<long long>(ttl) * 1000, false};
    send_json(c.res, 200,
              {{"access_token", token},
               {"token_type", "Bearer"},
               {"expires_in", ttl},
               {"scope", "openid"}});
  }

  void h_create(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    Record& r = insert_record(c, c.params["slug"], std::move(*body));
    emit_created(c, r);
    send_json(c.res, 201, {{"data", to_json(r)}});
  }

  void h_get(Ctx& c) {
    Record* r = visible_record(c, query_flag(c.query, "includeArchived"));
    if (!r) return;
    json j = to_json(*r);
    expand_record(c.st, j, expand_list(c), 1);
    send_json(c.res, 200, {{"data", j}});
  }

  void h_update(Ctx& c) {
    Record* r = visible_record(c, false);
    if (!r) return;
    auto body = body_object(c);
    if (!body) return;
    json before = r->data;
    merge_into(r->data, *body);
    touch(c, *r);
    emit_updated(c, *r, std::move(before));
    send_json(c.res, 200, {{"data", to_json(*r)}});
  }

  void h_delete(Ctx& c) {
    bool hard = query_flag(c.query, "hard");
    Record* r = visible_record(c, hard);
    if (!r) return;
    delete_record(c, *r, hard);
    send_no_content(c.res);
  }

  void h_restore(Ctx& c) {
    Record* r = visible_record(c, true);
    if (!r) return;
    if (!r->archived) {
      send_error(c.res, c.rid, 409, "Record is not archived", "RECORD_NOT_ARCHIVED");
      return;
    }
    r->archived = false;
    r->deleted_ms = 0;
    touch(c, *r);
    emit(c, "record_restored", *r, r->data, "updatedBy", r->updated_ms);
    send_json(c.res, 200, {{"data", to_json(*r)}});
  }

  void h_upsert(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    json match = body->value("match", json());
    json data = body->value("data", json::object());
    if (!match.is_object() || match.empty()) {
      send_validation_error(c.res, c.rid, "match", "match must be a non-empty object");
      return;
    }
    if (!data.is_object()) {
      send_validation_error(c.res, c.rid, "data", "data must be an object");
      return;
    }
    for (Record* r : sorted_records(c.st, c.params["slug"], false)) {
      bool all = true;
      for (auto it = match.begin(); it != match.end() && all; ++it) {
        auto f = r->data.find(it.key());
        all = f != r->data.end() && *f == it.value();
      }
      if (!all) continue;
      json before = r->data;
      merge_into(r->data, data);
      touch(c, *r);
      emit_updated(c, *r, std::move(before));
      send_json(c.res, 200, {{"data", to_json(*r)}, {"meta", {{"created", false}}}});
      return;
    }
    json merged = json::object();
    merge_into(merged, match);
    merge_into(merged, data);
    Record& r = insert_record(c, c.params["slug"], std::move(merged));
    emit_created(c, r);
    send_json(c.res, 201, {{"data", to_json(r)}, {"meta", {{"created", true}}}});
  }

  // Validates {"<key>": [ ... ]}; sends 400 and returns nullopt when missing/empty.
  std::optional<json> body_array(Ctx& c, const std::string& key) {
    auto body = body_object(c);
    if (!body) return std::nullopt;
    auto it = body->find(key);
    if (it == body->end() || !it->is_array() || it->empty()) {
      send_validation_error(c.res, c.rid, key, key + " must be a non-empty array");
      return std::nullopt;
    }
    return *it;
  }

  void h_bulk_create(Ctx& c) {
    auto items = body_array(c, "records");
    if (!items) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (!(*items)[i].is_object()) {
        send_validation_error(c.res, c.rid, "records[" + std::to_string(i) + "]",
                              "each record must be a JSON object");
        return;
      }
    }
    json out = json::array();
    for (auto& fields : *items) {
      Record& r = insert_record(c, c.params["slug"], fields);
      emit_created(c, r);
      out.push_back(to_json(r));
    }
    send_json(c.res, 201, {{"data", out}});
  }

  void h_bulk_update(Ctx& c) {
    auto items = body_array(c, "records");
    if (!items) return;
    const std::string slug = c.params["slug"];
    for (std::size_t i = 0; i < items->size(); ++i) {
      const json& item = (*items)[i];
      std::string where = "records[" + std::to_string(i) + "]";
      if (!item.is_object() || !item.contains("id") || !item["id"].is_string()) {
        send_validation_error(c.res, c.rid, where + ".id", "id must be a string");
        return;
      }
      if (!item.contains("data") || !item["data"].is_object()) {
        send_validation_error(c.res, c.rid, where + ".data", "data must be an object");
        return;
      }
    }
    for (auto& item : *items) {
      Record* r = c.st.find(slug, item["id"].get<std::string>());
      if (!r || r->archived) {
        send_error(c.res, c.rid, 404, "Record not found: " + item["id"].get<std::string>(),
                   "RECORD_NOT_FOUND");
        return;
      }
    }
    json out = json::array();
    for (auto& item : *items) {
      Record* r = c.st.find(slug, item["id"].get<std::string>());
      json before = r->data;
      merge_into(r->data, item["data"]);
      touch(c, *r);
      emit_updated(c, *r, std::move(before));
      out.push_back(to_json(*r));
    }
    send_json(c.res, 200, {{"data", out}});
  }

  void h_bulk_delete(Ctx& c) {
    auto ids = body_array(c, "ids");
    if (!ids) return;
    for (auto& id : *ids) {
      if (!id.is_string()) {
        send_validation_error(c.res, c.rid, "ids", "ids must be strings");
        return;
      }
    }
    auto body = parse_json(c.req.body);
    json hard_v = body->value("hard", json(false));
    if (!hard_v.is_boolean()) {
      send_validation_error(c.res, c.rid, "hard", "hard must be a boolean");
      return;
    }
    bool hard = hard_v.get<bool>() || query_flag(c.query, "hard");
    const std::string slug = c.params["slug"];
    std::size_t deleted = 0;
    for (auto& idv : *ids) {
      Record* r = c.st.find(slug, idv.get<std::string>());
      if (!r || (!hard && r->archived)) continue;
      delete_record(c, *r, hard);
      ++deleted;
    }
    send_json(c.res, 200, {{"data", {{"deleted", deleted}}}});
  }

  // Records of a slug in default order (createdAt ascending, then id).
  static std::vector<Record*> sorted_records(Store& st, const std::string& slug,
                                             bool include_archived) {
    std::vector<Record*> out;
    auto s = st.records.find(slug);
    if (s == st.records.end()) return out;
    for (auto& kv : s->second)
      if (include_archived || !kv.second.archived) out.push_back(&kv.second);
    std::sort(out.begin(), out.end(), [](const Record* a, const Record* b) {
      return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->id < b->id;
    });
    return out;
  }

  // ---- list (query) -------------------------------------------------------------
  struct ListSpec {
    std::size_t page = 1, page_size = kDefaultPageSize;
    std::vector<Filter> filters;
    std::vector<SortKey> sort;
    std::optional<std::string> search;
    std::vector<std::string> search_fields;
    std::vector<std::string> fields;
    bool include_archived = false, include_total = false;
  };

  // Parses the list query; sends 400 and returns nullopt on invalid input.
  std::optional<ListSpec> parse_list_spec(Ctx& c) {
    ListSpec s;
    const Query& q = c.query;
    if (const std::string* v = query_get(q, "page")) {
      auto p = parse_positive(*v, 1000000000);
      if (!p) return bad(c, "page", "page must be a positive integer");
      s.page = *p;
    }
    const std::string* ps = query_get(q, "pageSize");
    if (!ps) ps = query_get(q, "limit");
    if (ps) {
      auto p = parse_positive(*ps, kMaxPageSize);
      if (!p) return bad(c, "pageSize", "pageSize must be an integer between 1 and 500");
      s.page_size = *p;
    }
    if (const std::string* v = query_get(q, "sort")) {
      for (auto& key : split_list(*v)) {
        SortKey k;
        k.descending = key[0] == '-';
        k.field = (key[0] == '-' || key[0] == '+') ? key.substr(1) : key;
        if (!is_field_name(k.field)) return bad(c, "sort", "unknown sort field: " + k.field);
        s.sort.push_back(k);
      }
    }
    if (const std::string* v = query_get(q, "search")) s.search = *v;
    const std::string* sf = query_get(q, "searchFields");
    if (!sf) sf = query_get(q, "searchField");
    if (sf) {
      for (auto& f : split_list(*sf))
        s.search_fields.push_back(is_field_name(f) ? f : "data." + f);
    }
    if (const std::string* v = query_get(q, "fields")) s.fields = split_list(*v);
    s.include_archived = query_flag(q, "includeArchived");
    s.include_total = query_flag(q, "includeTotal");

    for (auto& [key, value] : q) {
      if (kReservedListParams.count(key)) continue;
      Filter f;
      f.operand = value;
      std::size_t br = key.find('[');
      if (br == std::string::npos) {
        f.field = key;
        f.op = "eq";
      } else {
        if (key.back() != ']' || br + 2 > key.size())
          return bad(c, key, "malformed filter key: " + key);
        f.field = key.substr(0, br);
        f.op = key.substr(br + 1, key.size() - br - 2);
      }
      if (!is_field_name(f.field)) continue;  // unknown parameters are ignored
      if (!kOperators.count(f.op)) return bad(c, key, "unknown operator: " + f.op);
      if (f.op == "exists" && value != "true" && value != "false")
        return bad(c, key, "exists expects true or false");
      s.filters.push_back(std::move(f));
    }
    return s;
  }

  std::nullopt_t bad(Ctx& c, const std::string& field, const std::string& message) {
    send_validation_error(c.res, c.rid, field, message);
    return std::nullopt;
  }

  static bool search_matches(const json& rec, const std::string& needle_lower,
                             const std::vector<std::string>& fields) {
    auto hit = [&](const json* v) {
      if (!v) return false;
      if (v->is_string()) return to_lower(v->get<std::string>()).find(needle_lower) != std::string::npos;
      if (v->is_array()) {
        for (auto& e : *v)
          if (e.is_string() && to_lower(e.get<std::string>()).find(needle_lower) != std::string::npos)
            return true;
      }
      return false;
    };
    if (!fields.empty()) {
      for (auto& f : fields)
        if (hit(lookup(rec, f))) return true;
      return false;
    }
    for (auto& kv : rec["data"].items())
      if (kv.value().is_string() && hit(&kv.value())) return true;
    return false;
  }

  static void set_path(json& out, const std::string& dotted, const json& value) {
    json* cur = &out;
    for (auto& part : split(dotted, '.')) {
      if (!cur->is_object()) *cur = json::object();
      cur = &(*cur)[part];
    }
    *cur = value;
  }

  // fields=id,data.x,createdAt: keeps id always, and data._expanded when present.
  static json project(const json& rec, const std::vector<std::string>& fields) {
    json out = {{"id", rec["id"]}};
    for (auto& f : fields) {
      if (f == "data") {
        out["data"] = rec["data"];
      } else if (starts_with(f, "data.")) {
        if (const json* v = lookup(rec, f)) set_path(out, f, *v);
      } else if (rec.contains(f)) {
        out[f] = rec[f];
      }
    }
    if (const json* e = lookup(rec, "data._expanded")) set_path(out, "data._expanded", *e);
    return out;
  }

  void h_list(Ctx& c) {
    auto spec = parse_list_spec(c);
    if (!spec) return;
    std::string needle = spec->search ? to_lower(*spec->search) : "";

    std::vector<json> rows;
    for (Record* r : sorted_records(c.st, c.params["slug"], spec->include_archived)) {
      json rec = to_json(*r);
      bool ok = std::all_of(spec->filters.begin(), spec->filters.end(),
                            [&](const Filter& f) { return filter_matches(f, rec); });
      if (ok && spec->search && !needle.empty())
        ok = search_matches(rec, needle, spec->search_fields);
      if (ok) rows.push_back(std::move(rec));
    }
    if (!spec->sort.empty()) {
      std::stable_sort(rows.begin(), rows.end(), [&](const json& a, const json& b) {
        for (auto& k : spec->sort) {
          int cmp = compare_values(lookup(a, k.field), lookup(b, k.field));
          if (cmp != 0) return k.descending ? cmp > 0 : cmp < 0;
        }
        return false;
      });
    }

    const std::size_t total = rows.size();
    const std::size_t skip = (spec->page - 1) > total / spec->page_size
                                 ? total
                                 : std::min(total, (spec->page - 1) * spec->page_size);
    const std::size_t end = std::min(total, skip + spec->page_size);
    auto expand = expand_list(c);
    json data = json::array();
    for (std::size_t i = skip; i < end; ++i) {
      json& rec = rows[i];
      expand_record(c.st, rec, expand, 1);
      data.push_back(spec->fields.empty() ? std::move(rec) : project(rec, spec->fields));
    }
    json meta = {{"page", spec->page}, {"pageSize", spec->page_size}};
    if (spec->include_total) meta["total"] = total;
    send_json(c.res, 200, {{"data", data}, {"meta", meta}});
  }

  // ---- compute: shared pieces -----------------------------------------------------
  struct Paging {
    std::size_t page = 1, limit = kComputeDefaultLimit;
    const char* size_key = "limit";  // the page-size parameter and meta member: limit or pageSize
  };

  // page (default 1) and the page size (`size_key`, default and maximum per service); sends
  // 400 on junk. Compute lists use limit (20, max 100), orchestrations pageSize (20, max 100).
  std::optional<Paging> parse_paging(Ctx& c, const char* size_key = "limit",
                                     std::size_t default_size = kComputeDefaultLimit,
                                     std::size_t max_size = kComputeMaxLimit) {
    Paging p;
    p.size_key = size_key;
    p.limit = default_size;
    if (const std::string* v = query_get(c.query, "page")) {
      auto n = parse_positive(*v, 1000000000);
      if (!n) return bad(c, "page", "page must be a positive integer");
      p.page = *n;
    }
    if (const std::string* v = query_get(c.query, size_key)) {
      auto n = parse_positive(*v, max_size);
      if (!n) return bad(c, size_key, std::string(size_key) + " must be a positive integer");
      p.limit = *n;
    }
    return p;
  }

  // Sends {"data":[one page of rows],"meta":{"page","limit","total"}}.
  static void send_page(Ctx& c, const Paging& p, std::vector<json>& rows) {
    const std::size_t total = rows.size();
    const std::size_t skip =
        (p.page - 1) > total / p.limit ? total : std::min(total, (p.page - 1) * p.limit);
    const std::size_t end = std::min(total, skip + p.limit);
    json data = json::array();
    for (std::size_t i = skip; i < end; ++i) data.push_back(std::move(rows[i]));
    send_json(c.res, 200,
              {{"data", data}, {"meta", {{"page", p.page}, {p.size_key, p.limit}, {"total", total}}}});
  }

  // Newest first (highest creation sequence first).
  template <typename T>
  static std::vector<T*> newest_first(std::map<std::string, T>& items) {
    std::vector<T*> out;
    for (auto& kv : items) out.push_back(&kv.second);
    std::sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->seq > b->seq; });
    return out;
  }

  // Optional body field `key`: absent or null -> true with *out untouched; a value of the
  // wrong kind -> 400 and false. kind: "string", "nonempty" (non-empty string), "bool",
  // "object", "posint" (positive integer).
  bool opt_field(Ctx& c, const json& body, const std::string& key, const std::string& kind,
                 json* out) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return true;
    bool ok = false;
    std::string msg;
    if (kind == "string") {
      ok = it->is_string();
      msg = key + " must be a string";
    } else if (kind == "nonempty") {
      ok = it->is_string() && !it->get_ref<const std::string&>().empty();
      msg = key + " must be a non-empty string";
    } else if (kind == "bool") {
      ok = it->is_boolean();
      msg = key + " must be a boolean";
    } else if (kind == "object") {
      ok = it->is_object();
      msg = key + " must be an object";
    } else if (kind == "posint") {
      ok = (it->is_number_unsigned() && it->get<std::uint64_t>() > 0 &&
            it->get<std::uint64_t>() <= 86400000u) ||
           (it->is_number_integer() && it->get<std::int64_t>() > 0 &&
            it->get<std::int64_t>() <= 86400000);
      msg = key + " must be a positive integer (milliseconds, at most 86400000)";
    }
    if (!ok) {
      send_validation_error(c.res, c.rid, key, msg);
      return false;
    }
    *out = *it;
    return true;
  }

  // A required body field: present and non-null, then checked like opt_field.
  bool req_field(Ctx& c, const json& body, const std::string& key, const std::string& kind,
                 json* out) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) {
      send_validation_error(c.res, c.rid, key, key + " is required");
      return false;
    }
    return opt_field(c, body, key, kind, out);
  }

  ComputeFunction* find_function(Ctx& c, const std::string& id) {
    auto it = c.st.functions.find(id);
    if (it != c.st.functions.end()) return &it->second;
    send_error(c.res, c.rid, 404, "Function not found", "FUNCTION_NOT_FOUND");
    return nullptr;
  }

  Trigger* find_trigger(Ctx& c) {
    auto it = c.st.triggers.find(c.params["id"]);
    if (it != c.st.triggers.end()) return &it->second;
    send_error(c.res, c.rid, 404, "Trigger not found", "TRIGGER_NOT_FOUND");
    return nullptr;
  }

  bool function_name_taken(Ctx& c, const std::string& name, const std::string& except_id) {
    for (auto& kv : c.st.functions) {
      if (kv.first != except_id && kv.second.name == name) {
        send_error(c.res, c.rid, 409, "A function named '" + name + "' already exists",
                   "FUNCTION_NAME_TAKEN");
        return true;
      }
    }
    return false;
  }

  json to_json(const ComputeFunction& f) const { return function_json(f, opts.workspace); }
  json to_json(const Trigger& t) const { return trigger_json(t, opts.workspace); }
  json to_json(const Run& r, long long now) const { return run_json(r, opts.workspace, now); }

  // ---- compute functions -----------------------------------------------------------
  void h_function_list(Ctx& c) {
    auto paging = parse_paging(c);
    if (!paging) return;
    const std::string* search = query_get(c.query, "search");
    const std::string needle = search ? to_lower(*search) : "";
    std::vector<json> rows;
    for (ComputeFunction* f : newest_first(c.st.functions)) {
      if (!needle.empty() && to_lower(f->name).find(needle) == std::string::npos &&
          to_lower(f->description).find(needle) == std::string::npos)
        continue;
      rows.push_back(to_json(*f));
    }
    send_page(c, *paging, rows);
  }

  void h_function_create(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    json name, code, description = "", timeout = kDefaultFunctionTimeoutMs;
    if (!req_field(c, *body, "name", "nonempty", &name) ||
        !req_field(c, *body, "code", "nonempty", &code) ||
        !opt_field(c, *body, "description", "string", &description) ||
        !opt_field(c, *body, "timeoutMs", "posint", &timeout))
      return;
    if (function_name_taken(c, name.get<std::string>(), "")) return;
    ComputeFunction f;
    f.id = uuid4();
    f.name = name.get<std::string>();
    f.code = code.get<std::string>();
    f.description = description.get<std::string>();
    f.timeout_ms = timeout.get<long long>();
    f.created_by = f.updated_by = c.principal;
    f.created_ms = f.updated_ms = c.st.tick();
    f.seq = ++c.st.compute_seq;
    auto& slot = c.st.functions[f.id];
    slot = std::move(f);
    send_json(c.res, 201, {{"data", to_json(slot)}});
  }

  void h_function_get(Ctx& c) {
    ComputeFunction* f = find_function(c, c.params["id"]);
    if (f) send_json(c.res, 200, {{"data", to_json(*f)}});
  }

  // Partial: only the fields present (and non-null) change.
  void h_function_update(Ctx& c) {
    ComputeFunction* f = find_function(c, c.params["id"]);
    if (!f) return;
    auto body = body_object(c);
    if (!body) return;
    json name = f->name, code = f->code, description = f->description, timeout = f->timeout_ms;
    if (!opt_field(c, *body, "name", "nonempty", &name) ||
        !opt_field(c, *body, "code", "nonempty", &code) ||
        !opt_field(c, *body, "description", "string", &description) ||
        !opt_field(c, *body, "timeoutMs", "posint", &timeout))
      return;
    if (function_name_taken(c, name.get<std::string>(), f->id)) return;
    f->name = name.get<std::string>();
    f->code = code.get<std::string>();
    f->description = description.get<std::string>();
    f->timeout_ms = timeout.get<long long>();
    f->updated_by = c.principal;
    f->updated_ms = c.st.tick();
    send_json(c.res, 200, {{"data", to_json(*f)}});
  }

  // Triggers and runs of a deleted function stay; executing such a trigger answers 404.
  void h_function_delete(Ctx& c) {
    if (!find_function(c, c.params["id"])) return;
    c.st.functions.erase(c.params["id"]);
    send_no_content(c.res);
  }

  // Runs nothing: echoes params as the output; code containing "throw" fails.
  void h_function_test(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    json code, params;
    if (!req_field(c, *body, "code", "nonempty", &code)) return;
    auto p = body->find("params");
    if (p != body->end()) params = *p;
    json logs = json::array({"test run started"});
    if (code.get<std::string>().find("throw") != std::string::npos) {
      send_json(c.res, 200,
                {{"data",
                  {{"output", nullptr},
                   {"error", "Error: thrown by test code"},
                   {"logs", logs},
                   {"duration", 1}}}});
      return;
    }
    send_json(c.res, 200, {{"data", {{"output", params}, {"logs", logs}, {"duration", 1}}}});
  }

  // ---- triggers ------------------------------------------------------------------
  // The health block of a trigger (includeHealth=true), from its runs' current status.
  json trigger_health(Store& st, const std::string& trigger_id, long long now) {
    const Run* last = nullptr;
    long long total = 0, failed = 0;
    for (auto& kv : st.runs) {
      const Run& r = kv.second;
      if (r.trigger_id != trigger_id) continue;
      ++total;
      failed += run_failed(run_status(r, now)) ? 1 : 0;
      if (!last || r.seq > last->seq) last = &r;
    }
    return {{"lastRunAt", last ? json(iso_time(last->created_ms)) : json()},
            {"lastRunStatus", last ? json(run_status(*last, now)) : json()},
            {"totalRuns", total},
            {"failedRuns", failed}};
  }

  void h_trigger_list(Ctx& c) {
    auto paging = parse_paging(c);
    if (!paging) return;
    const std::string* function_id = query_get(c.query, "functionId");
    const bool health = query_flag(c.query, "includeHealth");
    const long long now = steady_ms();
    std::vector<json> rows;
    for (Trigger* t : newest_first(c.st.triggers)) {
      if (function_id && t->function_id != *function_id) continue;
      json j = to_json(*t);
      if (health) j["health"] = trigger_health(c.st, t->id, now);
      rows.push_back(std::move(j));
    }
    send_page(c, *paging, rows);
  }

  // Shared by create (all required fields) and update (partial). Sends 400/404 on bad input.
  bool apply_trigger_body(Ctx& c, const json& body, Trigger& t, bool create) {
    json name = t.name, function_id = t.function_id, type = t.execution_type,
         description = t.description, enabled = t.enabled, metadata = t.metadata;
    auto field = [&](const std::string& key, const std::string& kind, json* out) {
      return create && kind == "nonempty" ? req_field(c, body, key, kind, out)
                                          : opt_field(c, body, key, kind, out);
    };
    if (!field("name", "nonempty", &name) || !field("functionId", "nonempty", &function_id) ||
        !field("executionType", "nonempty", &type) ||
        !opt_field(c, body, "description", "string", &description) ||
        !opt_field(c, body, "enabled", "bool", &enabled) ||
        !opt_field(c, body, "triggerMetadata", "object", &metadata))
      return false;
    if (!kExecutionTypes.count(type.get<std::string>())) {
      send_validation_error(c.res, c.rid, "executionType",
                            "executionType must be one of on-demand, event-driven, scheduled, "
                            "http-trigger, endpoint");
      return false;
    }
    if (!c.st.functions.count(function_id.get<std::string>())) {
      send_error(c.res, c.rid, 404, "Function not found", "FUNCTION_NOT_FOUND");
      return false;
    }
    t.name = name.get<std::string>();
    t.function_id = function_id.get<std::string>();
    t.execution_type = type.get<std::string>();
    t.description = description.get<std::string>();
    t.enabled = enabled.get<bool>();
    t.metadata = metadata;
    return true;
  }

  void h_trigger_create(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    Trigger t;
    if (!apply_trigger_body(c, *body, t, true)) return;
    t.id = uuid4();
    t.created_ms = t.updated_ms = c.st.tick();
    t.seq = ++c.st.compute_seq;
    auto& slot = c.st.triggers[t.id];
    slot = std::move(t);
    send_json(c.res, 201, {{"data", to_json(slot)}});
  }

  void h_trigger_get(Ctx& c) {
    Trigger* t = find_trigger(c);
    if (t) send_json(c.res, 200, {{"data", to_json(*t)}});
  }

  void h_trigger_update(Ctx& c) {
    Trigger* t = find_trigger(c);
    if (!t) return;
    auto body = body_object(c);
    if (!body) return;
    Trigger updated = *t;  // all-or-nothing
    if (!apply_trigger_body(c, *body, updated, false)) return;
    updated.updated_ms = c.st.tick();
    *t = std::move(updated);
    send_json(c.res, 200, {{"data", to_json(*t)}});
  }

  // Runs of a deleted trigger stay listable.
  void h_trigger_delete(Ctx& c) {
    if (!find_trigger(c)) return;
    c.st.triggers.erase(c.params["id"]);
    send_no_content(c.res);
  }

  void set_enabled(Ctx& c, bool enabled) {
    Trigger* t = find_trigger(c);
    if (!t) return;
    t->enabled = enabled;
    t->updated_ms = c.st.tick();
    send_json(c.res, 200, {{"data", to_json(*t)}});
  }
  void h_trigger_pause(Ctx& c) { set_enabled(c, false); }
  void h_trigger_resume(Ctx& c) { set_enabled(c, true); }

  // Queues a job: the job and its run exist at once; the run's status then advances with
  // time per the ComputeBehavior in force now. Body: {"payload": any}, {} or empty.
  void h_trigger_execute(Ctx& c) {
    Trigger* t = find_trigger(c);
    if (!t) return;
    json payload;
    if (c.req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
      auto body = body_object(c);
      if (!body) return;
      auto p = body->find("payload");
      if (p != body->end()) payload = *p;
    }
    if (!t->enabled) {
      send_error(c.res, c.rid, 409, "Trigger is paused", "TRIGGER_PAUSED");
      return;
    }
    ComputeFunction* f = find_function(c, t->function_id);
    if (!f) return;
    auto b = behavior_for.find(f->id);
    const ComputeBehavior& beh = b != behavior_for.end() ? b->second : default_behavior;

    Run r;
    r.id = uuid4();
    r.job_id = "job-" + std::to_string(++c.st.job_seq);
    r.function_id = f->id;
    r.trigger_id = t->id;
    r.trigger_type = t->execution_type;
    r.created_by = c.principal;
    r.execution_id = uuid4();
    r.execution_source = t->execution_type == "on-demand" ? "manual" : "trigger";
    r.payload = std::move(payload);
    r.created_ms = c.st.tick();
    r.created_steady = steady_ms();
    r.seq = ++c.st.compute_seq;
    r.pending_ms = std::max(0, beh.pending_ms);
    r.running_ms = std::max(0, beh.running_ms);
    r.outcome = beh.outcome;
    if (beh.result_json) {
      auto parsed = parse_json(*beh.result_json);
      r.result = parsed ? *parsed : json(*beh.result_json);
    }
    if (beh.outcome == RunOutcome::Failure) {
      r.error_code = beh.error_code;
      r.error_message = beh.error_message;
    } else if (beh.outcome == RunOutcome::Timeout) {
      r.error_code = "TIMEOUT";
      r.error_message = "Function execution timed out after " + std::to_string(f->timeout_ms) + "ms";
    }
    c.st.jobs[r.job_id] = r.id;
    const std::string job_id = r.job_id;
    c.st.runs[r.id] = std::move(r);
    send_json(c.res, 202, {{"data", job_id}});
  }

  // ---- runs and jobs ---------------------------------------------------------------
  void h_run_get(Ctx& c) {
    auto it = c.st.runs.find(c.params["runId"]);
    if (it == c.st.runs.end()) {
      send_error(c.res, c.rid, 404, "Run not found", "RUN_NOT_FOUND");
      return;
    }
    send_json(c.res, 200, {{"data", to_json(it->second, steady_ms())}});
  }

  // Runs whose `field` equals `value`, newest first, optional status filter. Unknown
  // trigger/function ids simply list nothing.
  void list_runs(Ctx& c, std::string Run::*field, const std::string& value) {
    auto paging = parse_paging(c);
    if (!paging) return;
    const std::string* status = query_get(c.query, "status");
    if (status && !kRunStatuses.count(*status)) {
      send_validation_error(c.res, c.rid, "status",
                            "status must be one of pending, running, completed, failure, timeout");
      return;
    }
    const long long now = steady_ms();
    std::vector<json> rows;
    for (Run* r : newest_first(c.st.runs)) {
      if (r->*field != value || (status && run_status(*r, now) != *status)) continue;
      rows.push_back(to_json(*r, now));
    }
    send_page(c, *paging, rows);
  }
  void h_runs_by_trigger(Ctx& c) { list_runs(c, &Run::trigger_id, c.params["triggerId"]); }
  void h_runs_by_function(Ctx& c) { list_runs(c, &Run::function_id, c.params["functionId"]); }

  void h_job_status(Ctx& c) {
    auto job = c.st.jobs.find(c.params["jobId"]);
    auto run = job == c.st.jobs.end() ? c.st.runs.end() : c.st.runs.find(job->second);
    if (run == c.st.runs.end()) {
      send_error(c.res, c.rid, 404, "Job not found", "JOB_NOT_FOUND");
      return;
    }
    const Run& r = run->second;
    const std::string status = run_status(r, steady_ms());
    const bool failed = run_failed(status);
    std::string state = status == "pending" ? "queued" : failed ? "failed" : status;
    send_json(c.res, 200,
              {{"data",
                {{"id", job->first},
                 {"state", state},
                 {"returnValue", status == "completed" ? json{{"outputs", run_data_of(r)}} : json()},
                 {"failedReason", failed ? json(r.error_message) : json()},
                 {"runId", r.id}}}});
  }

  // ---- orchestrations ---------------------------------------------------------------
  using Details = json;  // [{"field","message"}]

  static void detail(Details& d, const std::string& field, const std::string& message) {
    d.push_back({{"field", field}, {"message", message}});
  }

  static bool is_int_in(const json& j, long long lo, long long hi) {
    if (j.is_number_unsigned()) {
      const std::uint64_t v = j.get<std::uint64_t>();
      return v <= static_cast<std::uint64_t>(hi) && (lo <= 0 || v >= static_cast<std::uint64_t>(lo));
    }
    if (j.is_number_integer()) return j.get<std::int64_t>() >= lo && j.get<std::int64_t>() <= hi;
    return false;
  }

  // Validates and converts `steps`; every problem goes to `d`. `old` (update) lets a masked
  // encrypted param sent back unchanged keep its stored value.
  bool parse_steps(Store& st, const json& arr, const std::vector<OrchStep>* old,
                   std::vector<OrchStep>& out, Details& d) {
    const std::size_t before = d.size();
    if (!arr.is_array() || arr.empty()) {
      detail(d, "steps", "steps must be a non-empty array");
      return false;
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const json& sj = arr[i];
      const std::string at = "steps[" + std::to_string(i) + "]";
      if (!sj.is_object()) {
        detail(d, at, "each step must be an object");
        continue;
      }
      OrchStep s;
      auto str = [&](const char* key, std::string& dst, bool required) {
        auto it = sj.find(key);
        if (it == sj.end() || it->is_null()) {
          if (required) detail(d, at + "." + key, std::string(key) + " is required");
          return;
        }
        if (!it->is_string() || (required && it->get_ref<const std::string&>().empty()))
          detail(d, at + "." + key, std::string(key) + " must be a" + (required ? " non-empty" : "") + " string");
        else
          dst = it->get<std::string>();
      };
      str("id", s.id, true);
      str("name", s.name, false);
      str("type", s.type, true);
      str("nextStepId", s.next, false);
      if (!s.id.empty() && !ids.insert(s.id).second) detail(d, at + ".id", "duplicate step id: " + s.id);
      if (!s.type.empty() && !kOrchStepTypes.count(s.type))
        detail(d, at + ".type", "unknown step type: " + s.type + " (compute, decision, delay)");
      if (s.type == "compute") {
        str("functionId", s.function_id, true);
        if (!s.function_id.empty() && !st.functions.count(s.function_id))
          detail(d, at + ".functionId", "functionId must name a compute function: " + s.function_id);
        auto tm = sj.find("timeoutMs");
        if (tm != sj.end() && !tm->is_null()) {
          if (is_int_in(*tm, 1, 86400000)) s.timeout_ms = tm->get<long long>();
          else detail(d, at + ".timeoutMs", "timeoutMs must be a positive integer");
        }
        auto ep = sj.find("encryptedParams");
        if (ep != sj.end() && !ep->is_null()) {
          if (!ep->is_object()) {
            detail(d, at + ".encryptedParams", "encryptedParams must be an object");
          } else {
            for (auto it = ep->begin(); it != ep->end(); ++it) {
              const std::string where = at + ".encryptedParams." + it.key();
              const json& pv = it.value();
              auto val = pv.is_object() ? pv.find("value") : pv.end();
              if (!pv.is_object() || val == pv.end() || !val->is_string()) {
                detail(d, where, "must be {\"value\": string, \"encrypt\": boolean}");
                continue;
              }
              OrchParam prm;
              prm.value = val->get<std::string>();
              auto enc = pv.find("encrypt");
              if (enc == pv.end()) enc = pv.find("encrypted");
              if (enc != pv.end() && !enc->is_null()) {
                if (!enc->is_boolean()) {
                  detail(d, where + ".encrypt", "encrypt must be a boolean");
                  continue;
                }
                prm.encrypted = enc->get<bool>();
              }
              if (prm.encrypted && prm.value == kMasked && old) {  // masked value sent back
                for (auto& os : *old) {
                  auto op = os.params.find(it.key());
                  if (os.id == s.id && op != os.params.end()) prm.value = op->second.value;
                }
              }
              s.params[it.key()] = prm;
            }
          }
        }
      } else if (s.type == "decision") {
        str("defaultNextStepId", s.default_next, false);
        auto cs = sj.find("cases");
        if (cs == sj.end() || !cs->is_array()) {
          detail(d, at + ".cases", "cases must be an array");
        } else {
          for (std::size_t k = 0; k < cs->size(); ++k) {
            const json& kase = (*cs)[k];
            const std::string where = at + ".cases[" + std::to_string(k) + "]";
            const json* cond = kase.is_object() ? lookup(kase, "condition") : nullptr;
            const json* field = cond && cond->is_object() ? lookup(*cond, "field") : nullptr;
            const json* op = cond && cond->is_object() ? lookup(*cond, "operator") : nullptr;
            const json* next = kase.is_object() ? lookup(kase, "nextStepId") : nullptr;
            if (!field || !field->is_string() || field->get_ref<const std::string&>().empty())
              detail(d, where + ".condition.field", "condition.field must be a non-empty string");
            if (!op || !op->is_string() || !kDecisionOperators.count(op->get<std::string>()))
              detail(d, where + ".condition.operator", "condition.operator must be one of eq, ne, gt, gte, lt, lte");
            if (!next || !next->is_string() || next->get_ref<const std::string&>().empty())
              detail(d, where + ".nextStepId", "nextStepId must be a non-empty string");
          }
          s.cases = *cs;
        }
      } else if (s.type == "delay") {
        auto dm = sj.find("delayMs");
        if (dm == sj.end() || !is_int_in(*dm, 0, 86400000LL * 30))
          detail(d, at + ".delayMs", "delayMs must be a non-negative integer");
        else
          s.delay_ms = dm->get<long long>();
      }
      out.push_back(std::move(s));
    }
    // Every reference must name a step of this orchestration.
    for (std::size_t i = 0; i < out.size(); ++i) {
      const OrchStep& s = out[i];
      const std::string at = "steps[" + std::to_string(i) + "]";
      auto check = [&](const std::string& ref, const std::string& field) {
        if (!ref.empty() && !ids.count(ref)) detail(d, at + "." + field, field + " names no step: " + ref);
      };
      check(s.next, "nextStepId");
      check(s.default_next, "defaultNextStepId");
      if (s.type == "decision" && s.cases.is_array()) {
        for (std::size_t k = 0; k < s.cases.size(); ++k) {
          const json* next = s.cases[k].is_object() ? lookup(s.cases[k], "nextStepId") : nullptr;
          if (next && next->is_string())
            check(next->get<std::string>(), "cases[" + std::to_string(k) + "].nextStepId");
        }
      }
    }
    return d.size() == before;
  }

  // Applies the orchestration fields present in `body` (all required ones on create).
  // Sends 400 (with every problem in details) or 409 and returns false on bad input.
  bool apply_orch_body(Ctx& c, const json& body, Orchestration& o, bool create) {
    Details d = json::array();
    auto str = [&](const char* key, std::string& dst, bool required, bool nonempty) {
      auto it = body.find(key);
      if (it == body.end() || it->is_null()) {
        if (required) detail(d, key, std::string(key) + " is required");
        return;
      }
      if (!it->is_string() || (nonempty && it->get_ref<const std::string&>().empty()))
        detail(d, key, std::string(key) + " must be a" + (nonempty ? " non-empty" : "") + " string");
      else
        dst = it->get<std::string>();
    };
    Orchestration n = o;
    str("slug", n.slug, create, true);
    str("name", n.name, create, true);
    str("description", n.description, false, false);
    str("status", n.status, false, true);
    if (!kOrchStatuses.count(n.status)) detail(d, "status", "status must be one of draft, active, paused");
    auto tr = body.find("trigger");
    if (tr == body.end() || tr->is_null()) {
      if (create) detail(d, "trigger", "trigger is required");
    } else if (!tr->is_object() || !tr->contains("type") || !(*tr)["type"].is_string() ||
               !kOrchTriggerTypes.count((*tr)["type"].get<std::string>())) {
      detail(d, "trigger.type",
             "trigger must be an object whose type is one of on-demand, event-driven, scheduled, http-trigger");
    } else {
      n.trigger = *tr;
    }
    auto steps = body.find("steps");
    if (steps == body.end() || steps->is_null()) {
      if (create) detail(d, "steps", "steps is required");
    } else {
      std::vector<OrchStep> parsed;
      if (parse_steps(c.st, *steps, &o.steps, parsed, d)) n.steps = std::move(parsed);
    }
    if (!d.empty()) {
      send_error(c.res, c.rid, 400, d[0].value("message", "invalid orchestration"), "VALIDATION_ERROR", d);
      return false;
    }
    for (auto& kv : c.st.orchestrations) {
      if (kv.first != o.id && kv.second.slug == n.slug) {
        send_error(c.res, c.rid, 409, "An orchestration with slug '" + n.slug + "' already exists",
                   "ORCHESTRATION_SLUG_TAKEN");
        return false;
      }
    }
    o = std::move(n);
    return true;
  }

  Orchestration* find_orch(Ctx& c) {
    auto it = c.st.orchestrations.find(c.params["id"]);
    if (it != c.st.orchestrations.end()) return &it->second;
    send_error(c.res, c.rid, 404, "Orchestration not found", "ORCHESTRATION_NOT_FOUND");
    return nullptr;
  }

  OrchRun* find_orch_run(Ctx& c) {
    if (!find_orch(c)) return nullptr;
    auto it = c.st.orch_runs.find(c.params["runId"]);
    if (it != c.st.orch_runs.end() && it->second.orchestration_id == c.params["id"]) return &it->second;
    send_error(c.res, c.rid, 404, "Run not found", "RUN_NOT_FOUND");
    return nullptr;
  }

  json to_json(const Orchestration& o, bool with_steps = true) const {
    return orchestration_json(o, opts.workspace, with_steps);
  }
  json run_to_json(const OrchRun& r, long long now) const {
    return orch_run_json(r, simulate_run(r, now), opts.workspace);
  }

  void h_orch_list(Ctx& c) {
    auto paging = parse_paging(c, "pageSize", kOrchDefaultPageSize, kOrchMaxPageSize);
    if (!paging) return;
    const std::string* sort = query_get(c.query, "sort");
    const std::string* order = query_get(c.query, "order");
    if (sort && *sort != "createdAt" && *sort != "name") {
      send_validation_error(c.res, c.rid, "sort", "sort must be createdAt or name");
      return;
    }
    if (order && *order != "asc" && *order != "desc") {
      send_validation_error(c.res, c.rid, "order", "order must be asc or desc");
      return;
    }
    const bool by_name = sort && *sort == "name";
    const bool desc = !order || *order == "desc";
    std::vector<Orchestration*> items;
    for (auto& kv : c.st.orchestrations) items.push_back(&kv.second);
    std::sort(items.begin(), items.end(), [&](const Orchestration* a, const Orchestration* b) {
      if (by_name && a->name != b->name) return desc ? a->name > b->name : a->name < b->name;
      return desc ? a->seq > b->seq : a->seq < b->seq;
    });
    std::vector<json> rows;
    for (auto* o : items) rows.push_back(to_json(*o, /*with_steps=*/false));
    send_page(c, *paging, rows);
  }

  void h_orch_create(Ctx& c) {
    auto body = body_object(c);
    if (!body) return;
    Orchestration o;
    o.status = "draft";
    if (!apply_orch_body(c, *body, o, true)) return;
    o.id = "orch_" + random_hex(20);
    o.version = 1;
    o.created_ms = o.updated_ms = c.st.tick();
    o.created_by = o.updated_by = c.principal;
    o.seq = ++c.st.orch_seq;
    auto& slot = c.st.orchestrations[o.id];
    slot = std::move(o);
    send_json(c.res, 201, {{"data", to_json(slot)}});
  }

  void h_orch_get(Ctx& c) {
    Orchestration* o = find_orch(c);
    if (o) send_json(c.res, 200, {{"data", to_json(*o)}});
  }

  void h_orch_update(Ctx& c) {
    Orchestration* o = find_orch(c);
    if (!o) return;
    auto body = body_object(c);
    if (!body) return;
    if (!apply_orch_body(c, *body, *o, false)) return;
    o->version += 1;
    o->updated_ms = c.st.tick();
    o->updated_by = c.principal;
    send_json(c.res, 200, {{"data", to_json(*o)}});
  }

  void h_orch_delete(Ctx& c) {
    if (!find_orch(c)) return;
    const std::string id = c.params["id"];
    c.st.orchestrations.erase(id);
    for (auto it = c.st.orch_runs.begin(); it != c.st.orch_runs.end();)
      it = it->second.orchestration_id == id ? c.st.orch_runs.erase(it) : std::next(it);
    send_no_content(c.res);
  }

  // Body {"input": {...}}, {} or empty. The steps and the compute behaviours are captured now.
  void h_orch_run_start(Ctx& c) {
    Orchestration* o = find_orch(c);
    if (!o) return;
    json input = json::object();
    if (c.req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
      auto body = body_object(c);
      if (!body) return;
      auto in = body->find("input");
      if (in != body->end() && !in->is_null()) {
        if (!in->is_object()) {
          send_validation_error(c.res, c.rid, "input", "input must be an object");
          return;
        }
        input = *in;
      }
    }
    if (o->status == "paused") {
      send_error(c.res, c.rid, 409, "Orchestration is paused", "ORCHESTRATION_PAUSED");
      return;
    }
    OrchRun r;
    r.id = uuid4();
    r.orchestration_id = o->id;
    r.created_by = c.principal;
    r.input = std::move(input);
    r.steps = o->steps;
    r.step_ms = std::max(0, orch_step_ms);
    for (auto& st : r.steps) {
      if (st.type != "compute") continue;
      StepBehavior sb;
      sb.function_exists = c.st.functions.count(st.function_id) > 0;
      auto b = behavior_for.find(st.function_id);
      const ComputeBehavior& beh = b != behavior_for.end() ? b->second : default_behavior;
      sb.outcome = beh.outcome;
      if (beh.result_json) {
        auto parsed = parse_json(*beh.result_json);
        sb.result = parsed ? *parsed : json(*beh.result_json);
      }
      if (beh.outcome == RunOutcome::Failure) {
        sb.error_code = beh.error_code;
        sb.error_message = beh.error_message;
      } else if (beh.outcome == RunOutcome::Timeout) {
        sb.error_code = "TIMEOUT";
        sb.error_message = "Step timed out";
      }
      r.behaviors[st.id] = sb;
    }
    r.created_ms = c.st.tick();
    r.created_steady = steady_ms();
    r.seq = ++c.st.orch_seq;
    auto& slot = c.st.orch_runs[r.id];
    slot = std::move(r);
    send_json(c.res, 201, {{"data", run_to_json(slot, slot.created_steady)}});
  }

  void h_orch_run_list(Ctx& c) {
    Orchestration* o = find_orch(c);
    if (!o) return;
    auto paging = parse_paging(c, "pageSize", kOrchDefaultPageSize, kOrchMaxPageSize);
    if (!paging) return;
    const std::string* status = query_get(c.query, "status");
    if (status && !kOrchRunStatuses.count(*status)) {
      send_validation_error(c.res, c.rid, "status",
                            "status must be one of pending, running, waiting, completed, failed, cancelled");
      return;
    }
    const long long now = steady_ms();
    std::vector<json> rows;
    for (OrchRun* r : newest_first(c.st.orch_runs)) {
      if (r->orchestration_id != o->id) continue;
      json j = run_to_json(*r, now);
      if (status && j["status"] != *status) continue;
      rows.push_back(std::move(j));
    }
    send_page(c, *paging, rows);
  }

  void h_orch_run_get(Ctx& c) {
    OrchRun* r = find_orch_run(c);
    if (r) send_json(c.res, 200, {{"data", run_to_json(*r, steady_ms())}});
  }

  void h_orch_run_steps(Ctx& c) {
    OrchRun* r = find_orch_run(c);
    if (!r) return;
    RunView v = simulate_run(*r, steady_ms());
    json data = json::array();
    for (std::size_t i = 0; i < v.steps.size(); ++i) data.push_back(step_run_json(*r, v.steps[i], i));
    send_json(c.res, 200, {{"data", data}});
  }

  void h_orch_run_cancel(Ctx& c) {
    OrchRun* r = find_orch_run(c);
    if (!r) return;
    const long long now = steady_ms();
    const RunView v = simulate_run(*r, now);
    if (orch_run_terminal(v.status)) {
      send_error(c.res, c.rid, 409, "Run is already " + v.status, "RUN_NOT_CANCELLABLE");
      return;
    }
    r->cancel_offset = now - r->created_steady;
    send_json(c.res, 200, {{"data", run_to_json(*r, now)}});
  }

  // ---- realtime -------------------------------------------------------------------
  // GET /realtime/workspace/{ws}/events. Caller holds mu (so registering the stream and
  // copying the replay happen atomically with respect to publishing: no gaps, no dups).
  void h_realtime(Ctx& c) {
    c.principal = authenticate(c, /*allow_query_token=*/true);
    if (c.principal.empty()) return;
    if (c.params["ws"] != opts.workspace) {
      send_error(c.res, c.rid, 403,
                 "Token is not valid for workspace '" + c.params["ws"] + "'", "WORKSPACE_MISMATCH");
      return;
    }
    Subscription sub;
    if (const std::string* v = query_get(c.query, "structures"))
      for (auto& slug : split_list(*v)) sub.structures.insert(slug);
    if (const std::string* v = query_get(c.query, "events")) {
      for (auto& type : split_list(*v)) {
        if (!kRealtimeEventTypes.count(type)) {
          send_validation_error(c.res, c.rid, "events", "unknown event type: " + type);
          return;
        }
        sub.events.insert(type);
      }
    }
    if (const std::string* v = query_get(c.query, "filter")) {
      sub.filter = parse_cfl(*v);
      if (!sub.filter) {
        send_validation_error(c.res, c.rid, "filter",
                              "filter must be path:value or path:op:value (op: eq, ne, gt, gte, "
                              "lt, lte, contains)");
        return;
      }
    }
    // The greeting ends with a resume point: an `id:` with no data sets the client's last
    // event id without dispatching an event, so a client cut off before its first event
    // still resumes from the moment it connected (instead of losing what happened since).
    std::string resume_point = std::to_string(rt_last_id);
    if (auto after = parse_event_id(c.req.get_header_value("Last-Event-ID")))
      resume_point = std::to_string(std::min<unsigned long long>(rt_last_id, *after));
    const std::string greeting = "retry: " + std::to_string(std::max(0, rt_opts.retry_ms)) +
                                 "\n: connected to workspace " + opts.workspace + "\nid: " + resume_point +
                                 "\n\n";
    c.res.set_header("Cache-Control", "no-cache");
    c.res.set_header("X-Accel-Buffering", "no");
    if (c.dry_run) {  // a faulted request: never a live stream, just the greeting
      c.res.status = 200;
      c.res.set_content(greeting, "text/event-stream");
      return;
    }
    const std::string last_id = c.req.get_header_value("Last-Event-ID");
    auto s = std::make_shared<RtStream>();
    s->sub = std::move(sub);
    s->workspace = opts.workspace;
    s->fd = t_connection ? t_connection->fd : -1;
    s->retry_ms = std::max(0, rt_opts.retry_ms);
    s->ping_ms = rt_opts.ping_interval_ms;
    const long long now = steady_ms();
    s->deadline = rt_opts.max_connection_ms > 0 ? now + rt_opts.max_connection_ms
                                                : now + 100LL * 365 * 24 * 3600 * 1000;
    s->last_write = now;
    if (rt_silence > 0) {
      --rt_silence;
      s->silent = true;
    }
    if (auto after = parse_event_id(last_id)) {
      for (auto& e : rt_log)
        if (e.id > *after && s->sub.matches(e.type, e.slug, e.payload)) s->frames.push_back(e.frame);
    }
    ++rt_accepted;
    rt_last_event_ids.push_back(last_id);
    {
      std::lock_guard<std::mutex> lock(rt_mu);
      rt_streams.insert(s);
    }
    auto guard = std::make_shared<StreamGuard>(this, s);
    c.res.status = 200;
    // Last: nothing below may throw once the stream is registered.
    c.res.set_chunked_content_provider(
        "text/event-stream", [this, s, guard, greeting](std::size_t, httplib::DataSink& sink) {
          return pump(*s, sink, greeting);
        });
  }

  // One step of a stream, called again and again by httplib on the stream's worker thread
  // until it calls sink.done() (clean end) or returns false (connection closed).
  bool pump(RtStream& s, httplib::DataSink& sink, const std::string& greeting) {
    auto write = [&](const std::string& text) {
      s.last_write = steady_ms();
      return sink.write(text.data(), text.size());
    };
    const auto slice = std::chrono::milliseconds(kStreamPollSliceMs);
    if (s.silent) {
      bool closing;
      {
        std::unique_lock<std::mutex> lock(s.m);
        s.cv.wait_for(lock, slice, [&] { return s.closing || rt_stopping.load(); });
        closing = s.closing || rt_stopping;
      }
      if (closing) {
        sink.done();
        return true;
      }
      return !peer_gone(s.fd);
    }
    if (!s.greeted) {
      s.greeted = true;
      return write(greeting);
    }
    long long now = steady_ms();
    long long wake = std::min(s.deadline, now + kStreamPollSliceMs);
    if (s.ping_ms > 0) wake = std::min(wake, s.last_write + s.ping_ms);
    std::string frame;
    bool closing = false;
    {
      std::unique_lock<std::mutex> lock(s.m);
      s.cv.wait_for(lock, std::chrono::milliseconds(std::max(0LL, wake - now)),
                    [&] { return s.closing || rt_stopping.load() || !s.frames.empty(); });
      closing = s.closing || rt_stopping;
      if (!closing && !s.frames.empty()) {
        frame = std::move(s.frames.front());
        s.frames.pop_front();
      }
    }
    if (closing) {
      sink.done();
      return true;
    }
    if (!frame.empty()) {
      int n = rt_cut.load();
      while (n > 0 && !rt_cut.compare_exchange_weak(n, n - 1)) {
      }
      if (n > 0) {  // cut inside the JSON, then drop the connection
        const std::size_t data_at = frame.find("data: ") + 6;
        const std::size_t json_len = frame.size() - data_at - 2;
        write(frame.substr(0, data_at + json_len / 2));
        return false;
      }
      return write(frame);
    }
    now = steady_ms();
    if (now >= s.deadline) {
      sink.done();
      return true;
    }
    if (s.ping_ms > 0 && now - s.last_write >= s.ping_ms) return write(": ping\n\n");
    return !peer_gone(s.fd);
  }

  // Turns the store's pending record mutations into numbered events: log + open streams.
  // Caller holds mu.
  void publish_pending() {
    if (store.events.empty()) return;
    std::vector<PendingEvent> pending;
    pending.swap(store.events);
    for (auto& pe : pending) {
      RtEvent e;
      e.id = ++rt_last_id;
      e.type = pe.type;
      e.slug = pe.slug;
      e.payload = {{"event", pe.type},
                   {"workspaceSlug", opts.workspace},
                   {"recordSlug", pe.slug},
                   {"recordId", pe.record_id},
                   {"data", std::move(pe.data)},
                   {"timestamp", iso_time(pe.ts_ms)},
                   {pe.by_key, pe.by}};
      e.frame = "id: " + std::to_string(e.id) + "\nevent: message\ndata: " + dump(e.payload) + "\n\n";
      {
        std::lock_guard<std::mutex> lock(rt_mu);
        for (auto& st : rt_streams) {
          if (!st->sub.matches(e.type, e.slug, e.payload)) continue;
          std::lock_guard<std::mutex> slock(st->m);
          st->frames.push_back(e.frame);
          st->cv.notify_one();
        }
      }
      rt_log.push_back(std::move(e));
      if (rt_log.size() > kRealtimeLogSize) rt_log.pop_front();
    }
  }

  // Ends every open stream (cleanly); wakes them at once.
  void close_streams() {
    std::lock_guard<std::mutex> lock(rt_mu);
    for (auto& st : rt_streams) {
      std::lock_guard<std::mutex> slock(st->m);
      st->closing = true;
      st->cv.notify_one();
    }
  }

  // ---- request entry point ---------------------------------------------------
  static void reset_response(httplib::Response& res, const std::string& rid) {
    res.status = 200;
    res.headers.clear();
    res.body.clear();
    res.set_header("x-request-id", rid);
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    std::optional<Fault> fault;
    std::string rid;
    {
      std::lock_guard<std::mutex> lock(mu);
      rid = "req-" + std::to_string(++request_counter);
      note_request(req);
      fault = take_fault(req);
    }
    reset_response(res, rid);
    if (fault && fault->kind == FaultKind::Delay) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::max(0, fault->delay_ms)));
      fault.reset();
    }
    const bool needs_real = !fault || fault->apply_after_handling ||
                            fault->kind == FaultKind::Truncate ||
                            fault->kind == FaultKind::ResetMidBody;
    // A faulted realtime request never opens a live stream (even apply_after_handling).
    const bool dry_run =
        fault && (!fault->apply_after_handling || path_is(req, Op::RealtimeEvents));
    if (needs_real) run_route(req, res, rid, dry_run);
    if (fault) apply_fault(*fault, res, rid);
  }

  void run_route(const httplib::Request& req, httplib::Response& res, const std::string& rid,
                 bool dry_run) {
    std::lock_guard<std::mutex> lock(mu);
    try {
      if (dry_run) {
        Store scratch = store;  // the response is real, the state change is thrown away
        route(req, res, rid, scratch);
      } else {
        route(req, res, rid, store);
      }
    } catch (const std::exception& e) {
      reset_response(res, rid);
      send_error(res, rid, 500, std::string("emulator error: ") + e.what(), "INTERNAL");
    }
    if (dry_run) return;
    try {
      publish_pending();
    } catch (const std::exception& e) {
      std::cerr << "centrali-emulator: realtime publish failed: " << e.what() << "\n";
      store.events.clear();
    }
  }

  void note_request(const httplib::Request& req) {  // caller holds mu
    SeenRequest s;
    s.method = req.method;
    s.target = req.target;
    s.path = req.path;
    for (auto& h : req.headers) {
      // cpp-httplib adds these pseudo headers itself; they never came over the wire.
      if (h.first == "REMOTE_ADDR" || h.first == "REMOTE_PORT" || h.first == "LOCAL_ADDR" ||
          h.first == "LOCAL_PORT")
        continue;
      s.headers.emplace(to_lower(h.first), h.second);
    }
    s.body = req.body;
    s.remote_addr = req.remote_addr;
    s.remote_port = req.remote_port;
    seen.push_back(std::move(s));
    if (!tl_connection_counted) {
      tl_connection_counted = true;
      ++connections_with_requests;
    }
    if (req.method == "POST" && is_token_path(req)) ++token_posts;
  }

  std::optional<Fault> take_fault(const httplib::Request& req) {  // caller holds mu
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (it->times <= 0) continue;
      if (!it->method.empty() && it->method != req.method) continue;
      if (!it->path_contains.empty() && req.target.find(it->path_contains) == std::string::npos)
        continue;
      Fault f = *it;
      if (--it->times <= 0) faults.erase(it);
      return f;
    }
    return std::nullopt;
  }

  // ---- faults --------------------------------------------------------------------
  void apply_fault(const Fault& f, httplib::Response& res,
                   const std::string& rid) {
    const std::string real_body = res.body;
    reset_response(res, rid);
    switch (f.kind) {
      case FaultKind::Status:
        send_json(res, f.status,
                  {{"error", "Injected"},
                   {"message", "injected fault"},
                   {"code", f.code.empty() ? "INJECTED" : f.code},
                   {"requestId", rid}});
        if (!f.retry_after.empty()) res.set_header("Retry-After", f.retry_after);
        break;
      case FaultKind::Reset: reset_connection(res); break;
      case FaultKind::ResetMidBody: send_half_then_close(res, real_body); break;
      case FaultKind::Truncate:
        res.status = 200;
        res.set_content(real_body.substr(0, real_body.size() / 2), "application/json");
        break;
      case FaultKind::NonJson:
        res.status = f.status;
        res.set_content("not json at all", "text/plain");
        break;
      case FaultKind::Html: {
        std::string title = std::to_string(f.status) + " " + reason_phrase(f.status);
        std::string page = kHtmlTemplate;
        for (std::size_t p; (p = page.find("{S}")) != std::string::npos;) page.replace(p, 3, title);
        res.status = f.status;
        res.set_content(page, "text/html");
        break;
      }
      case FaultKind::EmptyOk:
        res.status = 200;
        res.set_content("", "application/json");
        res.set_header("Content-Length", "0");
        break;
      case FaultKind::MalformedShape:
        res.status = 200;
        res.set_content(R"({"data":"unexpected string","meta":[]})", "application/json");
        break;
      case FaultKind::HugeBody: send_huge_body(res); break;
      case FaultKind::Delay: break;  // handled before routing
    }
  }

  // Drops the request's connection with an RST before any response byte is written.
  static void reset_connection(httplib::Response& res) {
    if (t_connection) {
      t_connection->abort = true;  // ConnStream swallows every write; close sends RST
    } else {
      std::cerr << "centrali-emulator: Reset fault outside a connection\n";
    }
    res.status = 200;
    res.set_content_provider(
        1, "application/json", [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
  }

  static void send_half_then_close(httplib::Response& res, const std::string& real_body) {
    auto body = std::make_shared<std::string>(real_body.empty() ? R"({"data":null})" : real_body);
    const std::size_t half = body->size() / 2;
    res.status = 200;
    res.set_content_provider(body->size(), "application/json",
                             [body, half](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset == 0 && half > 0) sink.write(body->data(), half);
                               return false;  // abort: httplib closes the connection
                             });
  }

  static void send_huge_body(httplib::Response& res) {
    static const std::string prefix = R"({"data":{"blob":")";
    static const std::string suffix = R"("}})";
    res.status = 200;
    res.set_content_provider(
        kHugeBodyBytes, "application/json",
        [](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          const std::size_t n = std::min<std::size_t>(length, 256 * 1024);
          const std::size_t suffix_at = kHugeBodyBytes - suffix.size();
          std::string chunk(n, 'x');
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t pos = offset + i;
            if (pos < prefix.size()) chunk[i] = prefix[pos];
            if (pos >= suffix_at) chunk[i] = suffix[pos - suffix_at];
          }
          return sink.write(chunk.data(), chunk.size());
        });
  }

  // ---- server lifecycle ---------------------------------------------------------
  void start() {
    if (server) return;
    auto svr = std::make_unique<EmuServer>();
    svr->new_task_queue = [] { return new ConnectionCountingPool(kThreadPoolSize); };
    rt_stopping = false;
    svr->set_tcp_nodelay(true);
    svr->set_keep_alive_max_count(1000000);
    svr->set_keep_alive_timeout(60);
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // emulator silently share a fixed port instead of failing to bind.
    svr->set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    svr->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
      res.status = 500;
      res.set_content(R"({"error":"Internal Server Error","message":"emulator exception","code":"INTERNAL"})",
                      "application/json");
    });
    auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    // A request with neither Content-Length nor Transfer-Encoding has an empty body
    // (RFC 9112 6.3), but httplib 0.11.4 would read a POST/PUT/PATCH/DELETE body until
    // the read timeout and then answer a bare 400. Body-less requests (pause/resume,
    // execute without payload, restore) are therefore handled before httplib reads.
    svr->set_pre_routing_handler([h](const httplib::Request& req, httplib::Response& res) {
      const bool may_have_body = req.method == "POST" || req.method == "PUT" ||
                                 req.method == "PATCH" || req.method == "DELETE";
      if (!may_have_body || req.has_header("Content-Length") ||
          req.has_header("Transfer-Encoding"))
        return httplib::Server::HandlerResponse::Unhandled;
      h(req, res);
      return httplib::Server::HandlerResponse::Handled;
    });
    const std::string any = "[\\s\\S]*";  // we route ourselves on the raw target
    svr->Get(any, h);
    svr->Post(any, h);
    svr->Put(any, h);
    svr->Patch(any, h);
    svr->Delete(any, h);
    svr->Options(any, h);

    int port = opts.port;
    if (port == 0) {
      port = svr->bind_to_any_port(opts.host);
    } else if (!svr->bind_to_port(opts.host, port)) {
      port = -1;
    }
    if (port <= 0)
      throw std::runtime_error("centrali-emulator: cannot bind " + opts.host + ":" +
                               std::to_string(opts.port));
    svr->raise_backlog();
    bound_port = port;
    listen_done = false;
    EmuServer* raw = svr.get();
    server = std::move(svr);
    thread = std::thread([this, raw] {
      raw->listen_after_bind();
      listen_done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!raw->is_running() && !listen_done && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!raw->is_running()) {
      stop();
      throw std::runtime_error("centrali-emulator: server thread did not start");
    }
  }

  void stop() {
    if (!server) return;
    rt_stopping = true;  // every stream ends at its next wake-up ...
    close_streams();     // ... which is now
    server->stop();
    // Idle keep-alive connections would otherwise keep the worker threads (and so the
    // join below) busy for up to the keep-alive timeout.
    server->close_connections();
    if (thread.joinable()) thread.join();
    server.reset();
  }

  std::atomic<bool> listen_done{true};
};

// ============================================================================
// Public interface
// ============================================================================
Emulator::Emulator(Options o) : impl_(std::make_unique<Impl>(std::move(o))) {}
Emulator::~Emulator() { stop(); }

void Emulator::start() { impl_->start(); }
void Emulator::stop() { impl_->stop(); }
int Emulator::port() const { return impl_->bound_port; }
std::string Emulator::base_url() const {
  return "http://" + impl_->opts.host + ":" + std::to_string(port());
}

void Emulator::inject(Fault f) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->faults.push_back(std::move(f));
}
void Emulator::clear_faults() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->faults.clear();
}

std::vector<SeenRequest> Emulator::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->seen;
}
void Emulator::clear_requests() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->seen.clear();
}
std::size_t Emulator::token_requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->token_posts;
}
std::size_t Emulator::connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->connections_with_requests;
}

std::size_t Emulator::record_count(const std::string& slug, bool include_archived) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto s = impl_->store.records.find(slug);
  if (s == impl_->store.records.end()) return 0;
  std::size_t n = 0;
  for (auto& kv : s->second) n += (include_archived || !kv.second.archived) ? 1 : 0;
  return n;
}

void Emulator::expire_all_tokens() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& kv : impl_->store.tokens) kv.second.force_expired = true;
}
void Emulator::advance_clock(std::chrono::milliseconds by) { g_clock_offset_ms += by.count(); }

void Emulator::set_token_ttl(int seconds) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->opts.token_ttl_seconds = seconds;
}

void Emulator::set_compute_behavior(ComputeBehavior b) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->default_behavior = std::move(b);
}
void Emulator::set_compute_behavior_for(const std::string& function_id, ComputeBehavior b) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->behavior_for[function_id] = std::move(b);
}
std::size_t Emulator::job_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return static_cast<std::size_t>(impl_->store.job_seq);
}

void Emulator::set_orchestration_step_ms(int ms) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->orch_step_ms = std::max(0, ms);
}
std::size_t Emulator::orchestration_run_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->store.orch_runs.size();
}

std::size_t Emulator::upload_count() const { return impl_->admin.upload_count(); }
std::optional<std::string> Emulator::uploaded_bytes(const std::string& file_or_render_id) const {
  return impl_->admin.uploaded_bytes(file_or_render_id);
}

void Emulator::set_realtime_options(RealtimeOptions o) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rt_opts = o;
}
void Emulator::cut_next_events(int count) { impl_->rt_cut = std::max(0, count); }
void Emulator::silence_next_streams(int count) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->rt_silence = std::max(0, count);
}
void Emulator::close_all_streams() { impl_->close_streams(); }
std::size_t Emulator::open_streams() const {
  std::lock_guard<std::mutex> lock(impl_->rt_mu);
  return impl_->rt_streams.size();
}
std::size_t Emulator::stream_connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rt_accepted;
}
std::vector<std::string> Emulator::stream_last_event_ids() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rt_last_event_ids;
}

}  // namespace centrali_emulator

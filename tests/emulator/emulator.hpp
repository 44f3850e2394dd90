// Centrali emulator: an in-memory HTTP server speaking (a subset of) the Centrali
// data API (records, compute functions, function triggers, function runs and jobs)
// and token endpoint, realtime SSE streams and orchestrations, with fault injection, for SDK
// tests over real HTTP.
//
// httplib.h and nlohmann/json.hpp are deliberately not included here (pimpl; JSON
// values cross this interface as text) so test translation units that include this
// header stay cheap to compile.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace centrali_emulator {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = ephemeral
  std::string workspace = "acme";
  std::string static_token = "test-token";       // "Authorization: Bearer <it>"; empty = none accepted
  std::string publishable_key = "pk_live_test";  // "x-api-key: <it>"; empty = none accepted
  std::string client_id = "ci_test";             // client credentials for the token endpoint
  std::string client_secret = "sk_test";
  int token_ttl_seconds = 25200;                 // expires_in of issued tokens
};

enum class FaultKind {
  Status,          // respond `status` with an INJECTED JSON error (+ Retry-After if set)
  Reset,           // drop the connection (TCP RST) without sending a single response byte
  ResetMidBody,    // 200 + full Content-Length, send about half of the body, then close
  Delay,           // sleep delay_ms, then handle normally
  Truncate,        // 200, first half of the real JSON body with a matching Content-Length
  NonJson,         // `status`, text/plain "not json at all"
  Html,            // `status`, nginx-style HTML error page
  EmptyOk,         // 200, application/json, Content-Length: 0
  MalformedShape,  // 200, {"data":"unexpected string","meta":[]}
  HugeBody         // 200, ~64 MiB valid JSON {"data":{"blob":"xxxx..."}}
};

struct Fault {
  FaultKind kind = FaultKind::Status;
  std::string method;         // "" = any, else "GET","POST","PUT","PATCH","DELETE"
  std::string path_contains;  // "" = any; matched against the raw request target (path+query)
  int status = 500;           // Status, NonJson, Html; the other kinds answer 200
  std::string retry_after;    // Status: sent as Retry-After when non-empty
  int delay_ms = 0;           // Delay
  int times = 1;              // number of matching requests this fault applies to
  // true: the real handler runs first (state changes happen), then the fault replaces
  // the response.  false: no state change happens (kinds that need the real body, i.e.
  // Truncate and ResetMidBody, compute it on a throw-away copy of the state).
  bool apply_after_handling = false;
  // Status: the JSON "code" when non-empty (default "INJECTED"), e.g. TOKEN_EXPIRED or
  // RATE_LIMIT_EXCEEDED. Last member, so positional aggregate initialisers stay valid.
  std::string code;
};

struct SeenRequest {
  std::string method;
  std::string target;  // raw path+query exactly as received, undecoded
  std::string path;    // decoded
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_addr;
  int remote_port = 0;
};

// ---- compute: how function runs behave ----------------------------------------------
// A run's status is derived lazily from the time elapsed since the invoke, on every read
// (no background thread): `pending` for pending_ms, then `running` for running_ms, then
// the outcome.
enum class RunOutcome {
  Completed,  // status "completed", runData = result (default {"payload": <invoke payload>})
  Failure,    // status "failure", errorCode/errorMessage = error_code/error_message, runData null
  Timeout     // status "timeout", errorCode "TIMEOUT", runData null
};

struct ComputeBehavior {
  int pending_ms = 0;  // time in `pending` (negative = 0)
  int running_ms = 0;  // time in `running` (negative = 0)
  RunOutcome outcome = RunOutcome::Completed;
  // runData of a Completed run, as JSON TEXT (kept as a string so this header does not
  // need nlohmann/json). nullopt = {"payload": <invoke payload>}. Text that is not valid
  // JSON becomes that text as a JSON string.
  std::optional<std::string> result_json;
  std::string error_code = "FUNCTION_ERROR";  // Failure only
  std::string error_message = "function failed";  // Failure only
};

// ---- realtime (Server-Sent Events) ----------------------------------------------------
// Captured by each stream when it opens: changing them affects later streams only.
struct RealtimeOptions {
  int retry_ms = 3000;            // the `retry:` line sent first on every stream
  int ping_interval_ms = 15000;   // ": ping" after this long without a write (<= 0: never)
  int max_connection_ms = 3600000;  // the server ends a stream after this, like Centrali's 1 h limit
};

class Emulator {
 public:
  explicit Emulator(Options = {});
  ~Emulator();  // stops
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  void start();  // binds, starts the server thread, returns once accepting; throws on bind failure
  void stop();   // idempotent; also closes idle keep-alive connections
  int port() const;
  std::string base_url() const;  // "http://<host>:PORT"

  void inject(Fault f);  // FIFO; the first matching fault with times > 0 wins
  void clear_faults();

  std::vector<SeenRequest> requests() const;  // every request received (faulted ones too), in order
  void clear_requests();
  std::size_t token_requests() const;  // number of POSTs to the token endpoint(s)
  std::size_t connections() const;     // connections that carried at least one request

  std::size_t record_count(const std::string& slug, bool include_archived = true) const;
  void expire_all_tokens();  // every issued token becomes expired -> 401 TOKEN_EXPIRED
  // Moves the emulator's clocks (token expiry, run and orchestration progress, timestamps)
  // forward, so that tests never wait for time to pass. Shared by every emulator in the process.
  void advance_clock(std::chrono::milliseconds by);
  void set_token_ttl(int seconds);

  // Compute. The behaviour is captured when a run is created: changing it later does not
  // affect existing runs.
  void set_compute_behavior(ComputeBehavior b);  // default for every run
  void set_compute_behavior_for(const std::string& function_id, ComputeBehavior b);  // per function
  std::size_t job_count() const;  // jobs ever created (one per accepted trigger execute)

  // Realtime: GET /realtime/workspace/{ws}/events. Every record mutation is an event
  // (ids from one emulator-wide counter starting at 1; the last 10,000 are kept for
  // Last-Event-ID replay).
  void set_realtime_options(RealtimeOptions o);
  // Each of the next `count` event frames written to any stream is written only halfway
  // (cut inside the JSON), then that connection is closed. The event stays in the log.
  void cut_next_events(int count);
  // The next `count` accepted streams send nothing at all (no retry line, comment, pings or
  // events) until the client goes away (or close_all_streams()/stop()).
  void silence_next_streams(int count);
  void close_all_streams();  // ends every open stream cleanly (terminating chunk)
  std::size_t open_streams() const;        // streams open now
  std::size_t stream_connections() const;  // streams ever accepted (200 responses)
  // The Last-Event-ID header of every accepted stream, in order ("" when absent).
  std::vector<std::string> stream_last_event_ids() const;

  // Orchestrations (/orchestration/ws/{ws}/api/v1/orchestrations, and the docs' older
  // /orchestration/api/v1/workspaces/{ws}/orchestrations). Runs advance lazily with time.
  void set_orchestration_step_ms(int ms);
  // admin routes (collections, smart queries, validation, insights, domains, search, storage)
  std::size_t upload_count() const;
  std::optional<std::string> uploaded_bytes(const std::string& file_or_render_id) const;          // duration of a compute step in new runs (default 20)
  std::size_t orchestration_run_count() const;    // runs that exist now (deleted orchestrations' runs go too)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace centrali_emulator

#pragma once
// The umbrella header: #include <centrali/client.hpp> gives the whole SDK.
//
// A Client is cheap to build (no I/O), movable, and safe to share between threads: every
// blocking call runs on its caller's thread with a libcurl handle from the Client's pool, and
// every `_async` call on the Client's one event loop thread. Managers (client.records(), …) are
// created on first use and live as long as the Client. Destroying the Client ends every
// `_async` call still in flight (with Cancelled) and every subscription.

#include <centrali/allowed_domains.hpp>
#include <centrali/anomaly_insights.hpp>
#include <centrali/async.hpp>
#include <centrali/errors.hpp>
#include <centrali/files.hpp>
#include <centrali/functions.hpp>
#include <centrali/fwd.hpp>
#include <centrali/options.hpp>
#include <centrali/orchestrations.hpp>
#include <centrali/page.hpp>
#include <centrali/realtime.hpp>
#include <centrali/records.hpp>
#include <centrali/runs.hpp>
#include <centrali/search.hpp>
#include <centrali/smart_queries.hpp>
#include <centrali/string_enum.hpp>
#include <centrali/structures.hpp>
#include <centrali/transport.hpp>
#include <centrali/triggers.hpp>
#include <centrali/validation.hpp>
#include <centrali/version.hpp>

#include <memory>
#include <optional>
#include <string>

CENTRALI_NAMESPACE_BEGIN

/// The entry point: a Client talks to one workspace with one set of credentials, and is safe to
/// share between threads. Its managers (records(), functions(), …) make the calls; each
/// returns a reference that stays valid for the Client's life.
class Client {
public:
    /// Validates the base URL's form but does no I/O. An empty workspace or base URL is
    /// accepted here and reported by the first call that needs it.
    explicit Client(ClientOptions options);
    /// Takes over the other Client's connections, event loop, managers and subscriptions. The
    /// moved-from Client may only be destroyed or assigned to.
    Client(Client&&) noexcept;
    /// Shuts this Client down (as its destructor would), then takes over the other's state.
    /// The moved-from Client may only be destroyed or assigned to.
    Client& operator=(Client&&) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    /// Ends every `_async` call still in flight (with Cancelled), every subscription and a
    /// token fetch in flight, and joins the event loop's thread.
    ~Client();

    /// Records of a collection: create, get, query, update, remove, upsert, bulk calls.
    RecordsManager& records();
    /// Compute functions: the code Centrali runs.
    FunctionsManager& functions();
    /// Function triggers: what runs a function, and invoking them.
    TriggersManager& triggers();
    /// Function runs: their status and results, and waiting for one to finish.
    RunsManager& runs();
    /// Orchestrations (multi-step workflows) and their runs.
    OrchestrationsManager& orchestrations();
    /// Realtime record events over Server-Sent Events.
    RealtimeManager& realtime();
    /// Collections, the schemas of records (the newer name of structures).
    CollectionsManager& collections();
    /// Structures, the schemas of records (the older name of collections).
    StructuresManager& structures();
    /// Smart queries: named, reusable queries executed with variables.
    SmartQueriesManager& smart_queries();
    /// AI data validation: issues found in records and the fixes suggested.
    ValidationManager& validation();
    /// AI anomaly detection over a collection.
    AnomalyInsightsManager& anomaly_insights();
    /// The hosts compute functions may call.
    AllowedDomainsManager& allowed_domains();
    /// Full-text search across collections.
    SearchManager& search();
    /// Uploads to Centrali storage, and folders.
    FilesManager& files();

    /// Replaces the bearer token used by later requests (the JS SDK's setToken); a realtime
    /// subscription uses it from its next connection on. With client credentials, requests use
    /// it until it is refused (then a service-account token is fetched). A publishable_key or
    /// token_provider takes precedence: while one is configured, requests do not use it.
    void set_token(std::string token);
    /// The bearer token currently held, if any: the static token or the last set_token(), or
    /// a service-account token once fetched. Tokens from a token_provider are not held.
    std::optional<std::string> token() const;
    /// Fetches a service-account token with the client credentials now (sharing a fetch in
    /// flight), stores it for later requests and returns it. `call`'s timeout and cancel
    /// bound this caller's wait.
    /// Throws ConfigurationError without client_id and client_secret, the token endpoint's
    /// error (ApiError, TransportError, DecodeError), TransportError (timed_out()) when the
    /// call's time limit passes first, Cancelled, or InvalidArgument on the event loop's thread.
    std::string fetch_service_account_token(const CallOptions& call = {});
    /// fetch_service_account_token() without blocking: the token, or the error, arrives
    /// through `token` (see async.hpp). Calls waiting for a token share this fetch.
    template <class Token = UseFuture>
    auto fetch_service_account_token_async(const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->token_op(call).launch(std::forward<Token>(token));
    }

    /// The options this Client was built with.
    const ClientOptions& options() const noexcept;

private:
    detail::Op<std::string> token_op(const CallOptions& call) const;

    struct Managers;
    std::shared_ptr<detail::Core> core_;
    std::unique_ptr<Managers> managers_;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/client.ipp>
#endif

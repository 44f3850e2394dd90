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

class Client {
public:
    /// Validates the base URL's form but does no I/O. An empty workspace or base URL is
    /// accepted here and reported by the first call that needs it.
    explicit Client(ClientOptions options);
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    RecordsManager& records();
    FunctionsManager& functions();
    TriggersManager& triggers();
    RunsManager& runs();
    OrchestrationsManager& orchestrations();
    RealtimeManager& realtime();
    CollectionsManager& collections();
    StructuresManager& structures();
    SmartQueriesManager& smart_queries();
    ValidationManager& validation();
    AnomalyInsightsManager& anomaly_insights();
    AllowedDomainsManager& allowed_domains();
    SearchManager& search();
    FilesManager& files();

    /// Replaces the bearer token used by later requests (the JS SDK's setToken).
    void set_token(std::string token);
    /// The bearer token currently held, if any (a service-account token once fetched).
    std::optional<std::string> token() const;
    /// Fetches a service-account token with the client credentials now (sharing a fetch in
    /// flight), stores it for later requests and returns it. `call`'s timeout and cancel
    /// bound this caller's wait.
    std::string fetch_service_account_token(const CallOptions& call = {});

    const ClientOptions& options() const noexcept;

private:
    struct Managers;
    std::shared_ptr<detail::Core> core_;
    std::unique_ptr<Managers> managers_;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/client.ipp>
#endif

#pragma once
// The umbrella header: #include <centrali/client.hpp> gives the whole SDK.
//
// A Client is cheap to build (no I/O), movable, and safe to share between threads: every call
// takes its own libcurl handle from the Client's pool. Managers (client.records(), …) are
// created on first use and live as long as the Client.

#include <centrali/allowed_domains.hpp>
#include <centrali/anomaly_insights.hpp>
#include <centrali/errors.hpp>
#include <centrali/files.hpp>
#include <centrali/functions.hpp>
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

#include <centrali/detail/core.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

CENTRALI_NAMESPACE_BEGIN

namespace detail {
/// The part of Lazy that does not depend on the manager: one std::call_once instantiation
/// for all fourteen managers instead of one each (see ManagerBase on what each costs).
class LazyBase {
protected:
    using Create = void (*)(LazyBase&, const std::shared_ptr<Core>&);
    void create_once(Create create, const std::shared_ptr<Core>& core) { std::call_once(once_, create, *this, core); }

private:
    std::once_flag once_;
};

/// A manager built on first use, exactly once even when threads race for it.
template <class Manager>
class Lazy : private LazyBase {
public:
    Manager& get(const std::shared_ptr<Core>& core) {
        create_once(&create, core);
        return *manager_;
    }

private:
    static void create(LazyBase& self, const std::shared_ptr<Core>& core) {
        static_cast<Lazy&>(self).manager_ = std::make_unique<Manager>(core);
    }

    std::unique_ptr<Manager> manager_;
};

/// A template for the same reason as the managers (see ManagerBase): building or destroying a
/// manager needs its class, and a plain Client would instantiate all fourteen in every TU that
/// includes this header. Name it Client.
template <class Unused = void>
class BasicClient {
public:
    /// Validates the base URL's form but does no I/O. An empty workspace or base URL is
    /// accepted here and reported by the first call that needs it.
    explicit BasicClient(ClientOptions options)
        : core_(std::make_shared<Core>(std::move(options))), managers_(std::make_unique<Managers>()) {}

    BasicClient(BasicClient&&) noexcept = default;
    BasicClient& operator=(BasicClient&&) noexcept = default;
    BasicClient(const BasicClient&) = delete;
    BasicClient& operator=(const BasicClient&) = delete;
    ~BasicClient() = default;

    RecordsManager& records() { return managers_->records.get(core_); }
    FunctionsManager& functions() { return managers_->functions.get(core_); }
    TriggersManager& triggers() { return managers_->triggers.get(core_); }
    RunsManager& runs() { return managers_->runs.get(core_); }
    OrchestrationsManager& orchestrations() { return managers_->orchestrations.get(core_); }
    RealtimeManager& realtime() { return managers_->realtime.get(core_); }
    CollectionsManager& collections() { return managers_->collections.get(core_); }
    StructuresManager& structures() { return managers_->structures.get(core_); }
    SmartQueriesManager& smart_queries() { return managers_->smart_queries.get(core_); }
    ValidationManager& validation() { return managers_->validation.get(core_); }
    AnomalyInsightsManager& anomaly_insights() { return managers_->anomaly_insights.get(core_); }
    AllowedDomainsManager& allowed_domains() { return managers_->allowed_domains.get(core_); }
    SearchManager& search() { return managers_->search.get(core_); }
    FilesManager& files() { return managers_->files.get(core_); }

    /// Replaces the bearer token used by later requests (the JS SDK's setToken).
    void set_token(std::string token) { core_->auth().set_token(std::move(token)); }
    /// The bearer token currently held, if any (a service-account token once fetched).
    std::optional<std::string> token() const { return core_->auth().token(); }
    /// Fetches a service-account token with the client credentials now, stores it for later
    /// requests and returns it.
    std::string fetch_service_account_token(const CallOptions& call = {}) {
        return core_->auth().fetch_service_account_token(call.cancel);
    }

    const ClientOptions& options() const noexcept { return core_->options(); }

private:
    // Of the templates, not the aliases: a non-dependent Lazy<RecordsManager> here would be
    // instantiated with this definition, in every TU, used or not.
    struct Managers {
        Lazy<BasicRecordsManager<Unused>> records;
        Lazy<BasicFunctionsManager<Unused>> functions;
        Lazy<BasicTriggersManager<Unused>> triggers;
        Lazy<BasicRunsManager<Unused>> runs;
        Lazy<BasicOrchestrationsManager<Unused>> orchestrations;
        Lazy<BasicRealtimeManager<Unused>> realtime;
        Lazy<BasicCollectionsManager<Unused>> collections;
        Lazy<BasicStructuresManager<Unused>> structures;
        Lazy<BasicSmartQueriesManager<Unused>> smart_queries;
        Lazy<BasicValidationManager<Unused>> validation;
        Lazy<BasicAnomalyInsightsManager<Unused>> anomaly_insights;
        Lazy<BasicAllowedDomainsManager<Unused>> allowed_domains;
        Lazy<BasicSearchManager<Unused>> search;
        Lazy<BasicFilesManager<Unused>> files;
    };

    std::shared_ptr<Core> core_;
    std::unique_ptr<Managers> managers_;
};
}  // namespace detail

using Client = detail::BasicClient<>;

CENTRALI_NAMESPACE_END
